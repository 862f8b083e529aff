"""Page-level access: every view says which roles may use it, or that it is public.

A page the role may never use is a 403; an object outside the user's scope is a 404, decided by the
selectors. The declarations here are also what `tests/test_access_walk.py` reads to walk every URL
with every role, so a view without one fails the suite.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from portal.roles import Role


def roles_required(*roles):
    """Function views: only these roles; anonymous users go to the login page."""
    allowed = frozenset().union(*[r if isinstance(r, frozenset) else {r} for r in roles])

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.role not in allowed:
                raise PermissionDenied("您的角色不能使用此页面")
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed
        return wrapper

    return decorator


def public(view):
    """Function views open to everyone (login, registration, receipt verification...)."""
    view.public = True
    return view


class RoleRequiredMixin:
    """Class-based views: set `allowed_roles` (a set of Role values) or `public = True`."""

    allowed_roles: frozenset = frozenset()
    public = False

    def dispatch(self, request, *args, **kwargs):
        if not self.public:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.role not in self.allowed_roles:
                raise PermissionDenied("您的角色不能使用此页面")
        return super().dispatch(request, *args, **kwargs)


class HasRole(BasePermission):
    """DRF: the view's `allowed_roles`; views with `public = True` let everyone in."""

    message = "您的角色不能使用此接口"

    def has_permission(self, request, view):
        if getattr(view, "public", False):
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.role in getattr(view, "allowed_roles", ()))


OTP_REQUIRED = "需要完成两步验证"
PASSWORD_CHANGE_REQUIRED = "请先修改管理员设置的初始密码"


def session_refusal(user) -> str | None:
    """Why a signed-in person may not use the portal yet, or None. Staff pass their second factor
    first (checklist B1), then change a password an administrator chose (issue 14, point 9). Asked
    by the middleware for every page and by the API's session authentication, so no path and no
    API view is left out."""
    if user is None or not user.is_authenticated or not getattr(user, "is_staff_member", False):
        return None
    # django-otp's middleware gives the request's user is_verified(); a user from anywhere else
    # has not passed the second factor in this request
    if not getattr(user, "is_verified", lambda: False)():
        return OTP_REQUIRED
    if user.must_change_password:
        return PASSWORD_CHANGE_REQUIRED
    return None


def user_role(user) -> str | None:
    return getattr(user, "role", None) if user.is_authenticated else None


__all__ = ["roles_required", "public", "RoleRequiredMixin", "HasRole", "Role", "session_refusal"]
