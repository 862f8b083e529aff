"""Writes about accounts: staff created by administrators and their second factor."""

import math

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit import audit_record
from portal.exceptions import NotAllowed, ValidationFailed
from portal.models import Region
from portal.roles import ADMIN, STAFF, UNION

User = get_user_model()


def _require_admin(actor) -> None:
    if actor.role not in ADMIN:
        raise NotAllowed("只有系统管理员可以管理工作人员账号")


def staff_create(
    *, actor, username: str, full_name: str, role: str, region: Region | None, password: str, email: str = "",
    union_district: str = "",
) -> User:
    """A back-office account. At its first login it sets up TOTP and then replaces the password the
    administrator chose (nobody else should know a staff member's password). Union staff belong to
    one 区局工会 (they see its units only); other roles have none."""
    _require_admin(actor)
    if role not in STAFF:
        raise ValidationFailed("请选择工作人员角色", field="role")
    if role not in ADMIN and region is None:
        raise ValidationFailed("请选择所属区域", field="region")
    if role in UNION and not union_district:
        raise ValidationFailed("职保会工作人员须选择所属区局工会", field="union_district")
    union_district = union_district if role in UNION else ""
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed("该用户名已存在", field="username")
    user = User(username=username, full_name=full_name.strip(), role=role, region=region, email=email.strip(),
                union_district=union_district, must_change_password=True)
    _initial_password(user, password)
    user.is_staff = role in ADMIN  # Django admin access for administrators only
    user.is_superuser = role in ADMIN
    with transaction.atomic():
        user.save()
        audit_record(action="staff.create", actor=actor, obj=user, data={"role": role, "region": region and region.code,
                                                                           "union_district": union_district})
    return user


def _initial_password(user, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), field="password") from None
    user.set_password(password)


def staff_reset_password(*, actor, user, password: str) -> User:
    """重置密码: the administrator gives a staff member a new initial password (a forgotten one); they
    must change it after their next login and second factor. Their open sessions end."""
    _require_admin(actor)
    if user.pk == actor.pk:
        raise NotAllowed("不能重置自己的密码，请使用“修改密码”", field="password")
    _initial_password(user, password)
    user.must_change_password = True
    with transaction.atomic():
        user.save(update_fields=["password", "must_change_password"])
        audit_record(action="staff.reset_password", actor=actor, obj=user)
    return user


def password_set(*, user, password: str, how: str) -> None:
    """A person sets their own password (修改密码, or the e-mailed reset / invitation link; the form
    has checked it): an administrator-set password is replaced, so the must-change flag clears."""
    user.set_password(password)
    user.must_change_password = False
    with transaction.atomic():
        user.save(update_fields=["password", "must_change_password"])
        audit_record(action=f"auth.password_{how}", actor=user, obj=user)


def staff_reset_totp(*, actor, user) -> None:
    """Remove the user's authenticator: they enrol a new one at their next login."""
    _require_admin(actor)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit_record(action="staff.reset_totp", actor=actor, obj=user)


def staff_set_active(*, actor, user, active: bool) -> None:
    _require_admin(actor)
    if user.pk == actor.pk:
        raise NotAllowed("不能停用自己的账号")
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(action="staff.activate" if active else "staff.deactivate", actor=actor, obj=user)


def _wait_message(why: dict | None) -> str:
    locked_until = (why or {}).get("locked_until")
    seconds = max(math.ceil((locked_until - timezone.now()).total_seconds()), 1) if locked_until else 1
    return f"上一次输入的验证码不正确，为防止猜测，请在 {seconds} 秒后再输入身份验证器当前显示的6位数字"


def totp_device_for(user) -> TOTPDevice:
    """The user's authenticator, created unconfirmed on first use (enrolment)."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)
    return device


def totp_verify(*, user, token: str) -> TOTPDevice | None:
    """Check a six-digit code; a first success confirms the enrolment. Codes are single use
    (django-otp remembers the last time step).

    After a wrong code django-otp makes the next try wait (1, 2, 4 … seconds) and would refuse even
    a correct code inside that delay; we say how long to wait instead, and do not spend the code
    (issue 14, point 17)."""
    token = (token or "").strip()
    if not token.isdigit() or len(token) != 6:
        return None
    device = totp_device_for(user)
    allowed, why = device.verify_is_allowed()
    if not allowed:
        raise ValidationFailed(_wait_message(why), field="token", code="otp_throttled")
    if not device.verify_token(token):
        audit_record(action="auth.otp_failed", actor=user, obj=user)
        return None
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(action="auth.otp_enrolled", actor=user, obj=user)
    return device
