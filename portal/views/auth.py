"""Login with the second factor for staff, logout and password pages (用人单位注册 is the
employers app's, employers/account_urls.py)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from portal.access import public
from portal.exceptions import DomainError
from portal.forms import LoginForm, OtpForm, OwnPasswordChangeForm, OwnPasswordForm, add_domain_error
from portal.roles import EVERYONE
from portal.services import totp_device_for, totp_verify


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    public = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["expired"] = "expired" in self.request.GET
        return context


@require_POST
def logout_view(request):
    from django.contrib.auth import logout

    logout(request)
    response = redirect("login")
    # Forget cached pages and storage on this browser too (checklist B5).
    response["Clear-Site-Data"] = '"cache", "storage"'
    messages.success(request, "您已安全退出。")
    return response


logout_view = public(logout_view)


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
def otp_view(request):
    """两步验证: staff enter the code of their authenticator; on the first login they enrol it."""
    user = request.user
    if not user.is_staff_member or user.is_verified():
        return redirect(_safe_next(request))
    device = totp_device_for(user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verified = totp_verify(user=user, token=form.cleaned_data["token"])
        except DomainError as error:  # too soon after a wrong code: it says when to try again
            add_domain_error(form, error)
        else:
            if verified:
                otp_login(request, verified)
                return redirect(_safe_next(request))
            form.add_error("token", "动态验证码不正确或已使用，请输入身份验证器当前显示的6位数字")
    context = {"form": form, "enrolling": not device.confirmed, "next": _safe_next(request, "")}
    if not device.confirmed:
        import base64

        import segno

        secret = base64.b32encode(device.bin_key).decode()
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        context["qr"] = segno.make(device.config_url, micro=False).svg_data_uri(scale=4)
    return render(request, "registration/otp.html", context)


otp_view = public(otp_view)  # reachable before the second factor; login_required still applies


class PasswordResetView(auth_views.PasswordResetView):
    public = True
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        # Links use the configured origin, never the request's Host header (checklist H3).
        from urllib.parse import urlsplit

        from django.conf import settings

        origin = urlsplit(settings.PORTAL_BASE_URL)
        self.extra_email_context = {"portal_base_url": settings.PORTAL_BASE_URL.rstrip("/")}
        self.domain_override = origin.netloc
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    public = True


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    public = True
    post_reset_login = False
    form_class = OwnPasswordForm


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    public = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password ends the user's other sessions (Django's session auth hash); this one
    stays logged in. A staff member whose password an administrator set is sent here after the
    second factor, and nothing else opens until it is changed (portal.middleware)."""

    allowed_roles = EVERYONE
    form_class = OwnPasswordChangeForm

    def form_valid(self, form):
        messages.success(self.request, "密码已修改，其他设备上的登录已失效。")
        return super().form_valid(form)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    allowed_roles = EVERYONE
