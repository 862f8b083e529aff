"""校验结果处理: each exception's fix on its row (seed 004) — 确认 takes the social-insurance name,
编辑 fills the retirement month, a member without a social-insurance record gets its situation
(新退休; 干保, 出国, 其他 with a note and an attachment); 删除 for the rest. Every fix recomputes
the member's result with the pure rule (insurance.rules.verification) and is audited."""

import re

from django.db import transaction
from django.utils import timezone

from insurance import choices as c
from insurance import predicates as p
from insurance.models import InsuredMember
from insurance.rules.verification import Facts, Fixes, member_result
from insurance.uploads import SITUATION_PROOF
from portal.audit import audit_record
from portal.exceptions import NotAllowed, ValidationFailed
from portal.feeds.types import month_of
from portal.guards import insist
from portal.uploads import upload_accept

R = c.Result


def facts_of(member: InsuredMember) -> Facts | None:
    """The registry facts stored on the member (None before anyone asked)."""
    if member.si_found is None:
        return None
    return Facts(si_found=member.si_found, si_name=member.si_name, deceased=member.deceased, retired=member.retired,
                 retirement_month=member.registry_retirement_month, can_withhold=member.can_withhold)


def fixes_of(member: InsuredMember) -> Fixes:
    return Fixes(name_confirmed=member.name_confirmed_at is not None, retirement_month=member.retirement_month,
                 situation=member.situation)


def apply_result(member: InsuredMember) -> None:
    """Set the member's derived result and 代扣类型 from its facts and fixes (in memory)."""
    member.result, member.withholding = member_result(
        id_type=member.id_type, name=member.name, facts=facts_of(member), fixes=fixes_of(member),
        current_month=month_of(timezone.localdate()))


def _member(actor, member: InsuredMember, *expected: str) -> InsuredMember:
    """The member, locked, still in the batch and fixable now."""
    member = InsuredMember.objects.select_for_update().select_related("batch__employer", "batch__plan_year").get(
        pk=member.pk)
    p.agent_of_unit.require(actor, member.batch)
    insist(p.roster_editable, member.batch)
    if member.deleted_at is not None:
        raise NotAllowed("该人员已删除", code="deleted")
    if expected and member.result not in expected:
        raise NotAllowed(f"该人员的校验结果为“{member.get_result_display()}”，无需此项处理", code="wrong_state")
    return member


def member_confirm_name(*, actor, member: InsuredMember) -> InsuredMember:
    """异常核对 — 确认: the social-insurance name is right; it replaces the imported name."""
    with transaction.atomic():
        member = _member(actor, member, R.NAME_MISMATCH)
        before = member.name
        member.name, member.name_confirmed_at = member.si_name, timezone.now()
        apply_result(member)
        member.save(update_fields=["name", "name_confirmed_at", "result", "withholding"])
        audit_record(action="insurance_member.confirm_name", actor=actor, obj=member.batch,
                     data={"label": f"确认社保姓名：{before} → {member.name}"})
    return member


def parse_month(value) -> int:
    text = re.sub(r"[\s年月/.\-]", "", str(value or ""))
    if not re.fullmatch(r"\d{6}", text) or not 1 <= int(text[4:]) <= 12:
        raise ValidationFailed("请输入退休年月，格式如2020-05", field="retirement_month")
    return int(text)


def member_fill_retirement(*, actor, member: InsuredMember, month) -> InsuredMember:
    """编辑 — 补充退休年月 (the registry has none, or an impossible one)."""
    value = parse_month(month)
    with transaction.atomic():
        member = _member(actor, member, R.RETIREMENT_MISSING, R.RETIREMENT_FILLED)
        earliest = (member.birth_date.year + 40) * 100 + member.birth_date.month
        if value > month_of(timezone.localdate()):
            raise ValidationFailed("退休年月不能晚于本月", field="retirement_month")
        if value < earliest:
            raise ValidationFailed("退休年月与出生日期不符（应在40周岁以后），请核对", field="retirement_month")
        member.retirement_month = value
        apply_result(member)
        member.save(update_fields=["retirement_month", "result", "withholding"])
        audit_record(action="insurance_member.fill_retirement", actor=actor, obj=member.batch,
                     data={"label": f"补充{member.name}的退休年月 {value}"})
    return member


def member_set_situation(*, actor, member: InsuredMember, situation: str, note: str = "",
                         attachment=None) -> InsuredMember:
    """无社保人员: the situation (新退休 needs nothing more; 干保, 出国, 其他 a note and an attachment)."""
    note = (note or "").strip()
    if situation not in c.Situation.values:
        raise ValidationFailed("请选择社保类型", field="situation")
    with transaction.atomic():
        member = _member(actor, member, R.NO_SOCIAL_INSURANCE, R.UNVERIFIABLE)
        if situation in c.SITUATION_NEEDS_PROOF:
            if not note:
                raise ValidationFailed("请填写备注（具体情况说明）", field="note")
            if attachment is None and member.situation_attachment_id is None:
                raise ValidationFailed("请上传相关材料", field="attachment")
        if attachment is not None:
            member.situation_attachment = upload_accept(file=attachment, kind=SITUATION_PROOF.code,
                                                        employer=member.batch.employer, actor=actor,
                                                        field="attachment")
        member.situation, member.situation_note = situation, note
        apply_result(member)
        member.save(update_fields=["situation", "situation_note", "situation_attachment", "result", "withholding"])
        audit_record(action="insurance_member.situation", actor=actor, obj=member.batch,
                     data={"label": f"{member.name}：{c.Situation(situation).label}"})
    return member
