"""异议: the unit objects to a figure of 信息确认 (registry method only, before 核定); a tax officer
of the unit's 税务主管部门 approves it (the unit's corrected figures come into force) or refuses it
with a reason. The original and corrected figures and the levy before and after are kept on the
objection for the side-by-side view; the assessment goes back to 信息确认 with the figures in force."""

from django.db import transaction

from levy.choices import ObjectionKind
from levy.models import LevyAssessment, Objection
from levy.rules.assessment import FigureError, accounts_table, base_table
from levy.selectors.assessment import assessment_view
from levy.uploads import OBJECTION_MATERIAL
from portal.exceptions import ValidationFailed
from portal.feeds.types import months_of
from portal.models import Notice
from portal.notices import notice_post
from portal.reviewable import review_decide, review_request
from portal.uploads import upload_accept
from portal.workflow import audit_created, locked, require, transition_apply

K = ObjectionKind


def _current(assessment: LevyAssessment, kind: str) -> dict:
    """The figures in force that an objection of `kind` would replace."""
    figures = assessment.figures or {}
    if kind == K.NATURE:
        return {"is_business_registered": assessment.is_business_registered,
                "is_concentrated": assessment.is_concentrated}
    if kind == K.BASE:
        return {"months": figures.get("months", []), "changes": figures.get("changes", {})}
    return {"accounts": [m.get("accounts") for m in figures.get("months", [])]}


def _proposed(assessment: LevyAssessment, kind: str, data: dict) -> dict:
    """The unit's table, checked cell by cell (FigureError names the cell)."""
    months = list(months_of(assessment.data_year))
    if kind == K.NATURE:
        return {"is_business_registered": bool(data.get("is_business_registered")),
                "is_concentrated": bool(data.get("is_concentrated"))}
    if kind == K.BASE:
        return base_table(months, data.get("months") or {}, data.get("changes") or {})
    if kind == K.HEADCOUNT:
        return {"accounts": accounts_table(months, data.get("accounts") or {})}
    raise FigureError("kind", "请选择异议处理类型")


def objection_submit(*, actor, assessment: LevyAssessment, kind: str, data: dict, files=()) -> Objection:
    """申请异议 (确认提交): checked before anything is stored; the assessment waits in 异议处理中
    until a tax officer decides."""
    if kind not in K.values:
        raise ValidationFailed("请选择异议处理类型", field="kind")
    try:
        proposed = _proposed(assessment, kind, data)
    except FigureError as error:
        raise ValidationFailed(error.message, field=error.field) from None
    if kind == K.NATURE and not files:
        raise ValidationFailed("请上传营业执照或《上海市残疾人集中就业企业社会保险费补贴申请审核表》", field="material")
    with transaction.atomic():
        assessment = locked(assessment, "employer")
        require(assessment, "object_to", actor)  # before any file is stored
        if proposed == _current(assessment, kind):
            raise ValidationFailed("填写的数据与现有数据相同，无需申请异议", field="kind")
        uploads = [upload_accept(file=f, kind=OBJECTION_MATERIAL.code, employer=assessment.employer, actor=actor,
                                 field="material") for f in files]
        view = assessment_view(assessment)
        objection = Objection.objects.create(
            assessment=assessment, kind=kind, before=_current(assessment, kind), proposed=proposed,
            levy_before=view.result.levy if view.result else None, submitted_by=actor)
        objection.attachments.set(uploads)
        audit_created(objection, actor=actor, action="levy_objection.submit",
                      data={"label": f"申请异议：{objection.get_kind_display()}"})
        objection = review_request(item=objection, actor=actor)
        transition_apply(assessment, "object_to", actor=actor, lock=False, data={"objection": objection.pk})
    return objection


def _apply(assessment: LevyAssessment, kind: str, figures: dict) -> None:
    if kind == K.NATURE:
        assessment.is_business_registered = figures["is_business_registered"]
        assessment.is_concentrated = figures["is_concentrated"]
        return
    current = dict(assessment.figures or {})
    if kind == K.BASE:
        current["months"], current["changes"] = figures["months"], figures["changes"]
    else:
        months = current.get("months") or [{"month": m, "base": None, "capped_base": None, "accounts": None}
                                           for m in months_of(assessment.data_year)]
        current["months"] = [{**row, "accounts": count,
                              "base": row.get("base") if row.get("base") is not None else "0.00",
                              "capped_base": row.get("capped_base") if row.get("capped_base") is not None else "0.00"}
                             for row, count in zip(months, figures["accounts"], strict=True)]
    assessment.figures = current


def objection_decide(*, actor, objection: Objection, approve: bool, reason: str = "") -> Objection:
    """The tax officer's decision: approved, the unit's corrected figures come into force; refused,
    with the reason. Either way the assessment goes back to 信息确认 and its levy is recomputed
    (both figures are kept on the objection)."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationFailed("请填写不同意的理由", field="reason")
    with transaction.atomic():
        objection = review_decide(item=objection, actor=actor, approve=approve, reason=reason,
                                  data={"kind": objection.kind})
        assessment = locked(objection.assessment, "employer")
        if approve:
            objection.decided = objection.proposed
            _apply(assessment, objection.kind, objection.proposed)
            assessment.save()
        assessment = transition_apply(assessment, "objection_decided", actor=actor, lock=False, reason=reason,
                                      data={"objection": objection.pk, "approved": approve})
        view = assessment_view(assessment)
        objection.levy_after = view.result.levy if view.result else None
        objection.save(update_fields=["decided", "levy_after"])
        result = "已同意，已按您填写的数据重新计算" if approve else f"未同意，理由：{reason}"
        notice_post(employer=assessment.employer, kind=Notice.Kind.REVIEW, actor=actor, link="/levy/",
                    title=f"{assessment.collection_year}年残保金异议处理结果",
                    body=f"贵单位的“{objection.get_kind_display()}”申请{result}。请回到残保金征缴继续办理。",
                    dedupe_key=f"levy-objection:{objection.pk}")
    return objection
