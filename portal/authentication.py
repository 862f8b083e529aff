"""How API callers prove who they are (kept apart from the API views and portal.drf: DRF imports
these classes while rest_framework.views itself loads).

Staff reach the API only through a session that passed the second factor, or with a scoped system
token an administrator issued (portal.tokens, where a view takes one). A staff member's personal
DRF token would skip the second factor, so it is refused (issue 14, point 8)."""

from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from portal.access import session_refusal

STAFF_TOKEN_REFUSED = ("工作人员不能使用个人令牌调用接口：请在完成两步验证的登录状态下使用，"
                       "系统对接请使用系统管理员签发的接口令牌")


class AgentTokenAuthentication(TokenAuthentication):
    """`Authorization: Token …`, for employer agents' own tools; never a staff member's."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if user.is_staff_member:
            raise exceptions.AuthenticationFailed(STAFF_TOKEN_REFUSED)
        return user, token


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser's session (with DRF's CSRF check), counted only when the portal's own rule lets
    the person in (portal.access.session_refusal): a staff session after its second factor."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and (refusal := session_refusal(result[0])):
            raise exceptions.PermissionDenied(refusal)
        return result


class VerifiedSessionScheme(SessionScheme):
    """The schema names the session cookie for our session authentication as it did for DRF's."""

    target_class = "portal.authentication.VerifiedSessionAuthentication"
