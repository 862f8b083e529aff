"""Writes about units: self-registration and the unit's agents."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from employers.invitations import invitation_expires_at, invitation_lifetime_text, invitation_tokens
from employers.models import Agent, Employer, RelatedUnit
from portal.audit import audit_record
from portal.exceptions import NotAllowed, ValidationFailed
from portal.identity import parse_credit_code
from portal.models import Region
from portal.roles import Role
from portal.workflow import audit_change

User = get_user_model()


def _check_password(password: str, user) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), field="password1") from None


def registration_problems(*, credit_code: str | None = None, email: str | None = None,
                          password: str | None = None, full_name: str = "") -> list[ValidationFailed]:
    """Every rule a registration breaks, for the values given (a page passes those that were well
    formed, so one round reports everything: a taken credit code no longer hides a weak password)."""
    problems = []
    if credit_code and Employer.objects.filter(credit_code=credit_code).exists():
        problems.append(ValidationFailed("该统一社会信用代码已注册。如需账号，请联系本单位的注册经办人邀请您。",
                                         field="credit_code"))
    email = (email or "").strip().lower()
    if email and User.objects.filter(username__iexact=email).exists():
        problems.append(ValidationFailed("该邮箱已被其他账号使用", field="email"))
    if password:
        try:
            _check_password(password, User(username=email, email=email, full_name=full_name))
        except ValidationFailed as problem:
            problems.append(problem)
    return problems


def employer_register(
    *, name: str, credit_code: str, region: Region, email: str, phone: str, password: str, full_name: str = ""
) -> User:
    """用人单位注册: one registration per credit code. Creates the unit, its registering agent's
    (经办人's) account and the link between them."""
    code = parse_credit_code(credit_code).code
    email = email.strip().lower()
    problems = registration_problems(credit_code=code, email=email, password=password, full_name=full_name)
    if problems:
        raise ValidationFailed.all_of(problems)
    user = User(username=email, email=email, phone=phone.strip(), full_name=full_name.strip(),
                role=Role.EMPLOYER_AGENT)
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
        "invitation_accept",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": invitation_tokens.make_token(user)},
    )
    until = invitation_expires_at()
    send_mail(
        subject="【残疾人就业服务平台】经办人账号邀请",
        message=(
            f"{user.full_name}您好：\n\n{employer.name}邀请您作为经办人使用残疾人就业服务平台。"
            f"请在{invitation_lifetime_text()}内（{until:%Y年%m月%d日 %H:%M}前）打开以下链接设置登录密码，"
            f"登录账号为本邮箱：\n{link}\n\n链接过期后，请联系邀请您的注册经办人重新邀请。如非本人操作，请忽略本邮件。"
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


# Fields the unit page edits (name and credit code come from registration and the registry).
UNIT_FIELDS = [
    "tax_registration_no", "unit_nature", "economic_nature", "industry", "fed_region", "tax_region",
    "admin_region", "legal_rep_name", "legal_rep_id_type", "legal_rep_id_number", "legal_rep_phone", "org_code",
    "unit_phone", "last_year_headcount", "agent_name", "agent_phone", "business_address", "registered_address",
    "si_code", "is_business_registered", "is_concentrated", "insurance_code", "union_district", "postal_code",
    "economic_type",
]
_REGION_FIELDS = {"fed_region": "残联主管部门", "tax_region": "税务主管部门"}


def employer_update(*, actor, employer: Employer, data: dict) -> Employer:
    """单位信息维护: save the unit page. The 残联主管部门 and 税务主管部门 may change only while the unit
    has no submitted declaration for the current year; such a change is audited on its own."""
    from employers.locks import region_change_blocked
    from portal.identity import parse_document_number

    changed = [f for f in UNIT_FIELDS if f in data and getattr(employer, f) != data[f]]
    if "legal_rep_id_number" in changed or "legal_rep_id_type" in changed:
        data["legal_rep_id_number"] = parse_document_number(
            data.get("legal_rep_id_type", employer.legal_rep_id_type),
            data.get("legal_rep_id_number", employer.legal_rep_id_number), field_name="legal_rep_id_number",
        )
    region_changes = [f for f in _REGION_FIELDS if f in changed]
    if region_changes:
        reason = region_change_blocked(employer)
        if reason:
            raise NotAllowed(reason, field=region_changes[0])
    before = {f: getattr(employer, f) for f in region_changes}
    with transaction.atomic():
        for field in changed:
            setattr(employer, field, data[field])
        employer.updated_at = timezone.now()
        employer.full_clean()
        employer.save()
        for field in region_changes:
            audit_change(employer, action=f"employer.change_{field}", actor=actor, before=before[field].code,
                         after=getattr(employer, field).code, data={"label": f"修改{_REGION_FIELDS[field]}"})
        if changed:
            audit_record(action="employer.update", actor=actor, obj=employer,
                         data={"label": "修改单位信息", "fields": changed})
    return employer


def _check_related(employer: Employer, credit_code: str, exclude_pk=None) -> str:
    code = parse_credit_code(credit_code).code
    if code == employer.credit_code:
        raise ValidationFailed("关联单位不能是本单位", field="credit_code")
    clash = RelatedUnit.objects.filter(employer=employer, credit_code=code).exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationFailed("该关联单位已添加", field="credit_code")
    return code


def related_unit_add(*, actor, employer: Employer, data: dict, evidence_file) -> RelatedUnit:
    """添加关联单位 with its proof (a dispatch agreement or a relation proof). A refused file or
    field leaves nothing stored."""
    from portal.uploads import RELATED_UNIT_PROOF, upload_accept

    code = _check_related(employer, data["credit_code"])
    with transaction.atomic():
        evidence = upload_accept(file=evidence_file, kind=RELATED_UNIT_PROOF.code, employer=employer, actor=actor,
                                 field="evidence")
        unit = RelatedUnit(employer=employer, evidence=evidence, **{**data, "credit_code": code})
        unit.full_clean()
        unit.save()
        audit_record(action="related_unit.add", actor=actor, obj=employer, data={"label": f"添加关联单位 {unit.name}"})
    return unit


def related_unit_update(*, actor, unit: RelatedUnit, data: dict, evidence_file=None) -> RelatedUnit:
    from portal.uploads import RELATED_UNIT_PROOF, upload_accept

    code = _check_related(unit.employer, data.get("credit_code", unit.credit_code), exclude_pk=unit.pk)
    with transaction.atomic():
        if evidence_file is not None:
            unit.evidence = upload_accept(file=evidence_file, kind=RELATED_UNIT_PROOF.code, employer=unit.employer,
                                          actor=actor, field="evidence")
        for field, value in {**data, "credit_code": code}.items():
            setattr(unit, field, value)
        unit.full_clean()
        unit.save()
        audit_record(action="related_unit.update", actor=actor, obj=unit.employer,
                     data={"label": f"修改关联单位 {unit.name}"})
    return unit


def related_unit_delete(*, actor, unit: RelatedUnit) -> None:
    with transaction.atomic():
        audit_record(action="related_unit.delete", actor=actor, obj=unit.employer,
                     data={"label": f"删除关联单位 {unit.name}"})
        unit.delete()
