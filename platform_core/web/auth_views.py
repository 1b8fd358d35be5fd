"""Log in by password or one-time code (验证码登录), log out, and the lockout page django-axes shows."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth.views import LogoutView as DjangoLogoutView
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from platform_core.exceptions import RateLimited, ValidationFailed
from platform_core.services.one_time_codes import one_time_code_send, one_time_code_verify
from platform_core.web.common import add_service_errors
from platform_core.web.forms import CodeLoginForm, LoginForm

PASSWORD_BACKEND = "platform_core.auth_backends.EmailOrMobileBackend"


def next_url(request) -> str:
    """Where to go after logging in: a same-site `next`, else the home page (which picks the role home)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


class LoginView(View):
    template_name = "platform_core/auth/login.html"

    def get(self, request):
        if request.user.is_authenticated:
            return redirect(next_url(request))
        return self._render(request, LoginForm())

    def post(self, request):
        form = LoginForm(request.POST)
        if form.is_valid():
            # django-axes (the first backend) counts failures per login + IP and flags a lockout on
            # the request; its middleware then answers with `lockout_response` below.
            user = authenticate(request, login=form.cleaned_data["login"], password=form.cleaned_data["password"])
            if user is not None:
                auth_login(request, user)
                return redirect(next_url(request))
            form.add_error(None, _("The e-mail / mobile number or the password is wrong."))
        return self._render(request, form)

    def _render(self, request, form):
        return render(request, self.template_name, {"form": form, "next": next_url(request)})


class CodeLoginView(View):
    """Step 1 sends a code (`action=send`); step 2 checks it (`action=verify`) and logs in."""

    template_name = "platform_core/auth/login_code.html"

    def get(self, request):
        if request.user.is_authenticated:
            return redirect(next_url(request))
        return self._render(request, CodeLoginForm(), code_sent=False)

    def post(self, request):
        form = CodeLoginForm(request.POST)
        action = request.POST.get("action", "send")
        if not form.is_valid():
            return self._render(request, form, code_sent=action == "verify")
        login = form.cleaned_data["login"]
        if not login.strip():
            form.add_error("login", _("Enter your e-mail address or mobile number."))
            return self._render(request, form, code_sent=False)
        if action == "verify":
            return self._verify(request, form, login)
        try:
            one_time_code_send(login=login, ip=get_client_ip_address(request))
        except RateLimited as error:
            messages.error(request, error.message)
        except ValidationFailed as error:
            add_service_errors(form, error)
            return self._render(request, form, code_sent=False)
        else:
            messages.success(
                request,
                _("If an account exists for %(login)s, a 6-digit code is on its way. It is valid for 5 minutes.")
                % {"login": login},
            )
        return self._render(request, form, code_sent=True)

    def _verify(self, request, form, login):
        try:
            user = one_time_code_verify(login=login, code=form.cleaned_data["code"])
        except ValidationFailed as error:
            add_service_errors(form, error)
            return self._render(request, form, code_sent=True)
        auth_login(request, user, backend=PASSWORD_BACKEND)
        return redirect(next_url(request))

    def _render(self, request, form, *, code_sent: bool):
        return render(request, self.template_name, {"form": form, "code_sent": code_sent, "next": next_url(request)})


class LogoutView(DjangoLogoutView):
    """POST only (Django's LogoutView refuses GET); says goodbye on the login page."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have logged out."))
        return response


def lockout_response(request, credentials=None, *args, **kwargs):
    """What django-axes answers after too many failed logins for one login + IP: 429, wait 15 minutes.

    django-axes calls this as (request, original_response, credentials) or (request, credentials);
    the page needs neither.
    """
    seconds = int(settings.AXES_COOLOFF_TIME * 3600)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "error": {
                    "code": "locked_out",
                    "message": _("Too many failed logins. Try again in %(minutes)d minutes.") % {"minutes": seconds // 60},
                    "details": {"retry_after_seconds": seconds},
                }
            },
            status=429,
        )
        response["Retry-After"] = str(seconds)
        return response
    response = render(request, "platform_core/auth/locked_out.html", {"minutes": seconds // 60}, status=429)
    response["Retry-After"] = str(seconds)
    return response
