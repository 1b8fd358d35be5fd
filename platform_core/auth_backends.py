from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from platform_core.services.accounts import user_find_by_login


class EmailOrMobileBackend(ModelBackend):
    """Log in with an e-mail address, a mobile number or the internal username."""

    def authenticate(self, request, username=None, password=None, login=None, **kwargs):
        identifier = login or username
        if not identifier or password is None:
            return None
        user = user_find_by_login(identifier)
        if user is None:
            # Same work as a real check, so timing does not tell whether the account exists.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
