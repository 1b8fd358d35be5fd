import re
import uuid

from django_scopes import scopes_disabled

from platform_core.permissions import has_capability
from platform_core.request_context import current_request_id

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Takes X-Request-ID from the proxy (or makes one) and echoes it; audit entries record it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class StaffScopesMiddleware:
    """Platform administrators work across tenants in the Django and Wagtail admin only.

    Everywhere else sponsor data is read through selectors that take the acting user; the
    scoped managers refuse any query made without a scope.
    """

    ADMIN_PREFIXES = ("/django-admin/", "/cms/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith(self.ADMIN_PREFIXES)
            and request.user.is_authenticated
            and (request.user.is_superuser or has_capability(request.user, "roles.manage"))
        ):
            with scopes_disabled():
                return self.get_response(request)
        return self.get_response(request)
