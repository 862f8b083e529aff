"""参保编码申请, 修改单位名称, 经办人信息 and the code's 单位信息维护: the agent submits, the union
staff of the unit's 所属区局工会 decide within one working day (portal.reviewable), the unit is
told (notice), and a receipt marks each submission."""

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from employers.models import Employer
from insurance import choices as c
from insurance import predicates as p
from insurance.models import AgentContact, CodeApplication, InsuranceCode, UnitNameChange
from insurance.uploads import CODE_APPLICATION, NAME_CHANGE
from insurance.workdays import review_due
from portal.audit import audit_record
from portal.exceptions import NotAllowed, ValidationFailed
from portal.identity import parse_credit_code
from portal.models import Notice
from portal.notices import notice_post
from portal.receipts import receipt_issue
from portal.reviewable import review_decide, review_request
from portal.uploads import upload_accept
from portal.workflow import audit_change, audit_created, locked

UNIT_FIELDS = ["unit_name", "credit_code", "economic_type", "address", "postal_code", "principal", "unit_phone"]
CONTACT_FIELDS = ["agent_name", "agent_phone", "agent_email"]
MOBILE = re.compile(r"1[3-9]\d{9}")
R = c.ReviewState


def _clean_unit(data: dict) -> dict:
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if "credit_code" in data:
        data["credit_code"] = parse_credit_code(data["credit_code"]).code
    if data.get("postal_code") and not re.fullmatch(r"\d{6}", data["postal_code"]):
        raise ValidationFailed("邮政编码应为6位数字", field="postal_code")
    if data.get("agent_phone") is not None and not MOBILE.fullmatch(data.get("agent_phone", "")):
        raise ValidationFailed("请输入11位手机号码", field="agent_phone")
    return data


def _union_district(actor, employer: Employer, chosen: str) -> None:
    """The unit's 所属区局工会 decides which union staff review it (portal.scoping). A unit that has
    none yet takes the one its application names; a unit that has one keeps it (it changes it on
    the unit page, where every change is recorded)."""
    if employer.union_district:
        return
    if not chosen:
        raise ValidationFailed("请选择所属区局工会", field="union_district")
    employer.union_district = chosen
    employer.full_clean(validate_unique=False)
    employer.save(update_fields=["union_district"])
    audit_change(employer, action="employer.change_union_district", actor=actor, before="", after=chosen,
                 data={"label": "设置所属区局工会"})


def agent_contact_save(*, actor, employer: Employer, data: dict) -> AgentContact:
    """经办人信息: who the union contacts about the unit's enrollment."""
    data = _clean_unit({k: data[k] for k in CONTACT_FIELDS})
    with transaction.atomic():
        contact, _created = AgentContact.objects.get_or_create(employer=employer, defaults=data)
        for field, value in data.items():
            setattr(contact, field, value)
        contact.updated_at = timezone.now()
        contact.full_clean()
        contact.save()
        audit_record(action="insurance.agent_contact", actor=actor, obj=employer, data={"label": "维护经办人信息"})
    return contact


def _submitted_receipt(*, kind: str, title: str, employer, actor, facts: dict, submitted_at):
    return receipt_issue(kind=kind, title=title, employer=employer, actor=actor, prefix="TX",
                         public_facts={"单位名称": employer.name, **facts,
                                       "预计审核完成": f"{review_due(submitted_at):%Y-%m-%d}前（1个工作日）"})


def _save_and_submit(item, *, actor, data: dict, attachment, kind: str, what: str):
    """Save a new or refused application with its fields (and a new attachment, if any), then put
    it in front of the union (申请中)."""
    created = item.pk is None
    if not created:
        item = locked(item)
    for field, value in data.items():
        setattr(item, field, value)
    if attachment is not None:
        item.attachment = upload_accept(file=attachment, kind=kind, employer=item.employer, actor=actor,
                                        field="attachment")
    item.updated_at = timezone.now()
    item.full_clean(exclude=["review_state"])
    item.save()
    if created:
        audit_created(item, actor=actor, data={"label": f"填写{what}"})
    return review_request(item=item, actor=actor, data={"label": f"提交{what}"})


def code_application_submit(*, actor, employer: Employer, data: dict, attachment=None,
                            application: CodeApplication | None = None) -> CodeApplication:
    """申请参保编码 (or, for a refused application, 编辑 and resubmit it): 申请中 until the union
    decides. The attachment is required the first time; a resubmission may keep the one it had."""
    union_district = (data.get("union_district") or "").strip()
    data = _clean_unit({k: data[k] for k in UNIT_FIELDS + CONTACT_FIELDS if k in data})
    if application is not None and application.review_state not in (R.REJECTED, R.NOT_NEEDED):
        raise NotAllowed(f"该申请当前为“{application.get_review_state_display()}”，不能修改", code="wrong_state")
    if application is None and attachment is None:
        raise ValidationFailed("请上传附件（社会保险费缴费申报表、单位参加城镇社会保险基本情况、法人登记证或营业执照复印件）",
                               field="attachment")
    with transaction.atomic():
        _union_district(actor, employer, union_district)
        application = _save_and_submit(
            application or CodeApplication(employer=employer, created_by=actor), actor=actor, data=data,
            attachment=attachment, kind=CODE_APPLICATION.code, what="参保编码申请")
        application.receipt = _submitted_receipt(
            kind="insurance_code_application", title="参保编码申请回执", employer=employer, actor=actor,
            facts={"事项": "退休住院计划 参保编码申请", "申请单位": application.unit_name},
            submitted_at=application.review_requested_at)
        application.save(update_fields=["receipt", "updated_at"])
    return application


def _new_code(application: CodeApplication) -> str:
    """A 9-digit 参保编码 the union issues (31 + a sequence); a clash with an imported code moves on."""
    number = 310000000 + application.pk
    while InsuranceCode.objects.filter(code=str(number)).exists():
        number += 1
    return str(number)


def code_application_decide(*, actor, application: CodeApplication, approve: bool, reason: str = ""
                            ) -> CodeApplication:
    """The union's decision: 审核通过 issues the code (shown to the unit at once), 审核不通过 needs a
    reason the unit reads before it edits and resubmits. The unit is notified either way."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationFailed("请填写审核不通过的原因", field="reason")
    with transaction.atomic():
        application = locked(application, "employer")
        application = review_decide(item=application, actor=actor, approve=approve, reason=reason, lock=False)
        if approve:
            code = InsuranceCode(employer=application.employer, code=_new_code(application),
                                 **{f: getattr(application, f) for f in UNIT_FIELDS})
            code.full_clean()
            try:
                with transaction.atomic():
                    code.save()
            except IntegrityError:  # issued by someone else at the same moment: take the next number
                code.code = str(int(code.code) + 1)
                code.save()
            audit_record(action="insurance_code.issue", actor=actor, obj=code,
                         data={"label": f"核发参保编码 {code.code}", "application": application.pk})
            application.code = code
            application.updated_at = timezone.now()
            application.save(update_fields=["code", "updated_at"])
        notice_post(
            employer=application.employer, kind=Notice.Kind.REVIEW, actor=actor,
            title=f"参保编码申请{'审核通过' if approve else '审核不通过'}",
            body=(f"您单位“{application.unit_name}”的参保编码申请已审核通过，参保编码为{application.code.code}，"
                  "可在“参保办理”中办理参保。" if approve else
                  f"您单位“{application.unit_name}”的参保编码申请审核不通过，原因：{reason}。"
                  "请在“参保编码申请”中点击“编辑”修改后重新提交。"),
            link="/insurance/codes/", dedupe_key=f"code-application:{application.pk}:{application.reviewed_at.isoformat()}",
        )
    return application


def code_unit_update(*, actor, code: InsuranceCode, data: dict) -> InsuranceCode:
    """单位信息维护 — 修改并保存: the code's unit data. The name changes only through 修改单位名称
    (the union checks it), the credit code not at all."""
    data = _clean_unit({k: data[k] for k in ("economic_type", "address", "postal_code", "principal", "unit_phone")
                        if k in data})
    with transaction.atomic():
        code = locked(code, "employer")
        changed = [f for f, v in data.items() if getattr(code, f) != v]
        for field in changed:
            setattr(code, field, data[field])
        code.updated_at = timezone.now()
        code.full_clean()
        code.save()
        if changed:
            audit_record(action="insurance_code.update", actor=actor, obj=code,
                         data={"label": "修改单位信息", "fields": changed})
    return code


def name_change_submit(*, actor, code: InsuranceCode, data: dict, attachment=None,
                       change: UnitNameChange | None = None) -> UnitNameChange:
    """修改单位名称: the new name and its proof (红头文件 or 工商变更登记表) for the union to review."""
    p.agent_of_unit.require(actor, code)
    data = _clean_unit({k: data[k] for k in UNIT_FIELDS + CONTACT_FIELDS if k in data})
    if data.get("unit_name") == code.unit_name:
        raise ValidationFailed("新单位名称与当前名称相同", field="unit_name")
    if change is None and code.name_changes.filter(review_state=R.PENDING).exists():
        raise NotAllowed("该参保编码已有单位名称修改申请在审核中，请等待审核结果", code="pending")
    if change is not None and change.review_state != R.REJECTED:
        raise NotAllowed(f"该申请当前为“{change.get_review_state_display()}”，不能修改", code="wrong_state")
    if change is None and attachment is None:
        raise ValidationFailed("请上传单位名称变更相关佐证材料（红头文件或工商变更登记表）", field="attachment")
    employer = code.employer
    with transaction.atomic():
        change = _save_and_submit(change or UnitNameChange(code=code, old_name=code.unit_name, created_by=actor),
                                  actor=actor, data=data, attachment=attachment, kind=NAME_CHANGE.code,
                                  what="单位名称修改申请")
        change.receipt = _submitted_receipt(
            kind="insurance_name_change", title="单位名称修改申请回执", employer=employer, actor=actor,
            facts={"事项": "退休住院计划 修改单位名称", "参保编码": code.code, "新单位名称": change.unit_name},
            submitted_at=change.review_requested_at)
        change.save(update_fields=["receipt", "updated_at"])
    return change


def name_change_decide(*, actor, change: UnitNameChange, approve: bool, reason: str = "") -> UnitNameChange:
    """The union's decision. Approved, the new name becomes the plan's name for the code (the
    employer's registered name is untouched) and counts as matched from then on."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationFailed("请填写审核不通过的原因", field="reason")
    with transaction.atomic():
        change = locked(change, "code__employer")
        change = review_decide(item=change, actor=actor, approve=approve, reason=reason, lock=False)
        code = change.code
        if approve:
            code = locked(code)
            before = code.unit_name
            code.unit_name, code.name_approved, code.updated_at = change.unit_name, True, timezone.now()
            for field in ("economic_type", "address", "postal_code", "principal", "unit_phone"):
                if getattr(change, field):
                    setattr(code, field, getattr(change, field))
            code.save()
            audit_change(code, action="insurance_code.rename", actor=actor, before=before, after=code.unit_name,
                         data={"label": "修改单位名称（职保会审核通过）"})
        notice_post(
            employer=code.employer, kind=Notice.Kind.REVIEW, actor=actor,
            title=f"单位名称修改{'审核通过' if approve else '审核不通过'}",
            body=(f"参保编码{code.code}的单位名称已修改为“{change.unit_name}”，可继续办理参保。" if approve else
                  f"参保编码{code.code}的单位名称修改申请审核不通过，原因：{reason}。请修改后重新提交。"),
            link="/insurance/", dedupe_key=f"name-change:{change.pk}:{change.reviewed_at.isoformat()}",
        )
    return change
