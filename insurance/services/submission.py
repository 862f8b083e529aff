"""⑤ 提交职保会审核: materials for a 社保编号 below the participation threshold, then the
submission itself (every exception handled, every code at the threshold or with its materials,
within the plan year's window), with its receipt."""

from django.db import transaction
from django.utils import timezone

from insurance import predicates as p
from insurance.models import CodeRatio, InsuranceBatch
from insurance.selectors.members import results_summary
from insurance.selectors.ratio import ratio_rows
from insurance.selectors.submission import nothing_blocks_submission
from insurance.uploads import RATIO_MATERIALS
from portal.audit import audit_record
from portal.exceptions import NotAllowed
from portal.guards import insist
from portal.receipts import receipt_issue
from portal.reviewable import review_request
from portal.uploads import upload_accept
from portal.workflow import locked, transition_apply


def ratio_materials_upload(*, actor, batch: InsuranceBatch, si_number: str, file) -> CodeRatio:
    """上传相关材料 for one 社保编号 (or for the members without a social-insurance record)."""
    p.agent_of_unit.require(actor, batch)
    with transaction.atomic():
        batch = locked(batch, "employer")
        insist(p.roster_editable, batch)
        record = CodeRatio.objects.filter(batch=batch, si_number=si_number).first()
        if record is None:
            raise NotAllowed("该社保编号不在本批次的参保比例中，请先完成系统校验", field="file", code="unknown_code")
        record.materials = upload_accept(file=file, kind=RATIO_MATERIALS.code, employer=batch.employer, actor=actor)
        record.materials_at = timezone.now()
        record.save(update_fields=["materials", "materials_at"])
        audit_record(action="insurance_batch.ratio_materials", actor=actor, obj=batch,
                     data={"label": f"上传参保比例相关材料（{si_number or '未匹配到单位社保编号'}）"})
    return record


def _receipt(batch: InsuranceBatch, actor):
    summary = results_summary(batch)
    return receipt_issue(
        kind="insurance_batch_submission", title="退休住院计划参保批次提交回执", employer=batch.employer, actor=actor,
        prefix="TX", public_facts={
            "单位名称": batch.code.unit_name, "批次号": batch.number, "参保编码": batch.code.code,
            "参保类型": batch.get_kind_display(), "保障年度": f"{batch.plan_year.year}年度",
            "参保缴费方式": batch.get_payment_method_display(), "参保人数": f"{summary.total}人",
        },
        details={"可代扣": f"{summary.withholdable}人", "不可代扣": f"{summary.not_withholdable}人",
                 "下一步": "职保会审核通过后，委托代扣批次请在截止时间前提交代扣申请；缴费凭证批次请上传缴费凭证"},
    )


def _checked(batch: InsuranceBatch, actor) -> dict:
    """Inside the lock: nothing may block the submission (the page's list), then its receipt."""
    insist(nothing_blocks_submission, batch)
    return {"receipt": _receipt(batch, actor)}


def batch_submit(*, actor, batch: InsuranceBatch) -> InsuranceBatch:
    """信息确认无误，提交职保会审核. The receipt is issued only for a submission the checks accept;
    the materials of codes below the threshold go to the union's review with the batch."""
    with transaction.atomic():
        batch = transition_apply(batch, "submit", actor=actor, related=("employer", "code", "plan_year"), by=actor,
                                 prepare=lambda b: _checked(b, actor))
        for row in ratio_rows(batch):
            if row.record is not None and row.has_materials:
                review_request(item=row.record, actor=actor, data={"label": "参保比例相关材料提交审核"})
    return batch
