"""Signal receivers: login records an interaction (the login itself is not a compliance record)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from platform_core.services.accounts import login_record


@receiver(user_logged_in, dispatch_uid="platform_core.login_record")
def _record_login(sender, request, user, **kwargs):
    login_record(user=user)
