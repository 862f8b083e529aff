"""Writes about units: self-registration and the unit's agents."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from employers.models import Agent, Employer
from portal.audit import audit_record
from portal.exceptions import NotAllowed, ValidationFailed
from portal.identity import parse_credit_code
from portal.models import Region
from portal.roles import Role

User = get_user_model()


def _check_password(password: str, user) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), field="password1") from None


def employer_register(
    *, name: str, credit_code: str, region: Region, email: str, phone: str, password: str
) -> User:
    """用人单位注册: one registration per credit code. Creates the unit, its registering agent's
    account and the link between them."""
    code = parse_credit_code(credit_code).code
    email = email.strip().lower()
    if Employer.objects.filter(credit_code=code).exists():
        raise ValidationFailed("该统一社会信用代码已注册。如需账号，请联系本单位的注册经办人邀请您。", field="credit_code")
    if User.objects.filter(username__iexact=email).exists():
        raise ValidationFailed("该邮箱已被其他账号使用", field="email")
    user = User(username=email, email=email, phone=phone.strip(), role=Role.EMPLOYER_AGENT)
    _check_password(password, user)
    with transaction.atomic():
        employer = Employer(
            name=name.strip(), credit_code=code, admin_region=region, fed_region=region, tax_region=region,
            contact_email=email, contact_phone=phone.strip(),
        )
        employer.full_clean()
        employer.save()
        user.set_password(password)
        user.save()
        Agent.objects.create(user=user, employer=employer, is_registrant=True)
        audit_record(action="employer.register", actor=user, obj=employer)
    return user


def _require_registrant(actor, employer: Employer) -> None:
    agent = getattr(actor, "agent", None)
    if not (agent and agent.employer_id == employer.pk and agent.is_registrant and agent.removed_at is None):
        raise NotAllowed("只有本单位的注册经办人可以管理经办人")


def agent_invite(*, actor, employer: Employer, email: str, full_name: str, phone: str = "") -> Agent:
    """邀请经办人: an account for a colleague, who sets a password through the e-mailed link."""
    _require_registrant(actor, employer)
    email = email.strip().lower()
    if User.objects.filter(username__iexact=email).exists():
        raise ValidationFailed("该邮箱已被其他账号使用", field="email")
    with transaction.atomic():
        user = User(username=email, email=email, full_name=full_name.strip(), phone=phone.strip(),
                    role=Role.EMPLOYER_AGENT)
        user.set_unusable_password()
        user.save()
        agent = Agent.objects.create(user=user, employer=employer, invited_by=actor)
        audit_record(action="agent.invite", actor=actor, obj=employer, data={"agent": email})
        transaction.on_commit(lambda: _send_invitation(user, employer))
    return agent


def _send_invitation(user, employer: Employer) -> None:
    link = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
    )
    send_mail(
        subject="【残疾人就业服务平台】经办人账号邀请",
        message=(
            f"{user.full_name}您好：\n\n{employer.name}邀请您作为经办人使用残疾人就业服务平台。"
            f"请在1小时内打开以下链接设置登录密码，登录账号为本邮箱：\n{link}\n\n如非本人操作，请忽略本邮件。"
        ),
        from_email=None,
        recipient_list=[user.email],
    )


def agent_remove(*, actor, agent: Agent) -> None:
    """移除经办人: the account is disabled at once (its sessions stop on the next request)."""
    _require_registrant(actor, agent.employer)
    if agent.user_id == actor.pk:
        raise NotAllowed("不能移除自己")
    if agent.removed_at is not None:
        return  # idempotent: already removed
    with transaction.atomic():
        agent.removed_at = timezone.now()
        agent.save(update_fields=["removed_at"])
        agent.user.is_active = False
        agent.user.save(update_fields=["is_active"])
        audit_record(action="agent.remove", actor=actor, obj=agent.employer, data={"agent": agent.user.username})
