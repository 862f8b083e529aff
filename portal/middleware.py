"""Request-wide rules: the audit context, session lifetimes, the staff second factor and no
caching of personal pages."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from portal.access import OTP_REQUIRED, PASSWORD_CHANGE_REQUIRED, session_refusal
from portal.audit import request_ip


def client_ip(request) -> str | None:
    # Behind the production proxy, the proxy sets REMOTE_ADDR via gunicorn's forwarded-allow-ips;
    # we never trust a client-supplied X-Forwarded-For here.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            request_ip.reset(token)


RENEW_EVERY_S = 60


def renew_idle_limit(session, user, *, force: bool = False) -> int:
    """Move the session's idle limit (by role) on; returns the seconds left. Renewing writes the
    session row, so it happens at sign-in and then at most once a minute (the idle limit holds to
    within a minute), not on every page."""
    idle = settings.SESSION_IDLE_STAFF if user.is_staff_member else settings.SESSION_IDLE_EMPLOYER
    renewed = session.get("renewed_at", 0)
    if force or session.get("_session_expiry") != idle or time.time() - renewed >= RENEW_EVERY_S:
        session.set_expiry(idle)
        session["renewed_at"] = renewed = int(time.time())
    return max(0, int(idle - (time.time() - renewed)))


class SessionLifetimeMiddleware:
    """Idle timeout by role (30 min staff, 2 h employers) and an absolute lifetime (checklist B4).

    The idle limit is the session's expiry, renewed on each request; the absolute limit counts from
    the login time stored in the session by portal.signals."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        expires_in = None
        if user is not None and user.is_authenticated:
            started = request.session.get("auth_time")
            if started is None or time.time() - started > settings.SESSION_ABSOLUTE:
                logout(request)
                return redirect(f"{reverse('login')}?expired=1")
            expires_in = renew_idle_limit(request.session, user)
        response = self.get_response(request)
        if expires_in is not None:  # a signed-in request (it set the limit above)
            response["X-Session-Expires-In"] = str(expires_in)
        return response


# What a staff member may open before each step is done (by view name, namespace included): before the second factor
# only signing in and out and the e-mailed password reset (it proves the mailbox, and changing the
# password does not need to); before changing an administrator-set password only that page.
_OPEN_ALWAYS = {"logout", "receipt_verify", "health_live"}
_OPEN_BEFORE = {
    OTP_REQUIRED: {"login", "otp", "password_reset", "password_reset_done", "password_reset_confirm",
                   "password_reset_complete"},
    PASSWORD_CHANGE_REQUIRED: {"login", "otp", "password_change"},
}
_NEXT_STEP = {OTP_REQUIRED: "otp", PASSWORD_CHANGE_REQUIRED: "password_change"}


def _view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


class StaffTwoFactorMiddleware:
    """Staff must pass TOTP before any other page (checklist B1), and then change a password an
    administrator chose before anything else works (issue 14, point 9). The API's session
    authentication asks the same rule (portal.authentication) and refuses a staff member's personal
    API token, so the API has no way around the second factor (issue 14, point 8)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = session_refusal(getattr(request, "user", None))
        if refusal and not request.path.startswith("/static/"):
            name = _view_name(request.path_info)
            if name not in _OPEN_ALWAYS | _OPEN_BEFORE[refusal]:
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": refusal}, status=403)
                step = reverse(_NEXT_STEP[refusal])
                return redirect(f"{step}?next={request.get_full_path()}" if refusal == OTP_REQUIRED else step)
        return self.get_response(request)


class NoStoreMiddleware:
    """Personal pages must not sit in browser or proxy caches (checklist H3)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response
