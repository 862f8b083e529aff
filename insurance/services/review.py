"""职保会审核: the union reviews a submitted batch per 社保编号 (each CodeRatio row through the one
review machine), then the batch moves on — 职保会审核通过, or 职保会审核不通过 back to editing
with each refused row's reason shown to the agent (查看不通过原因)."""

from django.db import transaction

from insurance.models import CodeRatio, InsuranceBatch
from portal.exceptions import ValidationFailed
from portal.models import Notice
from portal.notices import notice_post
from portal.reviewable import ReviewState, review_decide, review_request
from portal.workflow import locked, require, transition_apply


def batch_review_decide(*, actor, batch: InsuranceBatch, decisions: dict[int, tuple[bool, str]]) -> InsuranceBatch:
    """Record a decision for every 社保编号 row of the batch ({row id: (approve, reason)}); a
    refused row needs its reason (e.g. 缺少《社会保险业务核定表》). All rows are decided in one
    transaction with the batch, so a second reviewer at the same moment gets a clear refusal and
    nothing of theirs is stored."""
    with transaction.atomic():
        batch = locked(batch, "employer", "plan_year")
        require(batch, "review_approve", actor)  # the state and who may, before anything is read
        rows = list(CodeRatio.objects.select_for_update().filter(batch=batch).order_by("si_number"))
        errors = {}
        for row in rows:
            if row.pk not in decisions:
                errors[f"row_{row.pk}"] = f"请对{row.si_number or '未匹配到单位社保编号的人员'}作出审核结论"
                continue
            approve, reason = decisions[row.pk]
            if not approve and not (reason or "").strip():
                errors[f"reason_{row.pk}"] = "审核不通过须填写原因（如缺少的材料）"
        unknown = set(decisions) - {row.pk for row in rows}
        if unknown:
            errors["decisions"] = "审核结论中有不属于本批次的社保编号"
        if errors:
            field, message = next(iter(errors.items()))
            raise ValidationFailed(message, field=field)
        refused = []
        for row in rows:
            approve, reason = decisions[row.pk]
            if row.review_state != ReviewState.PENDING:
                row = review_request(item=row, actor=None, data={"label": "随批次提交审核"})
            review_decide(item=row, actor=actor, approve=approve, reason=(reason or "").strip(), lock=False,
                          data={"batch": batch.number})
            if not approve:
                refused.append(f"{row.si_number or '未匹配到单位社保编号'}：{reason.strip()}")
        if refused:
            batch = transition_apply(batch, "review_reject", actor=actor, lock=False, by=actor,
                                     reason="；".join(refused)[:500])
            title, body = (f"参保批次{batch.number}职保会审核不通过",
                           "不通过原因：" + "；".join(refused) + "。请在“参保办理”中点击“继续办理参保”，查看不通过原因，修改后再次提交职保会审核。")
        else:
            batch = transition_apply(batch, "review_approve", actor=actor, lock=False, by=actor)
            title = f"参保批次{batch.number}职保会审核通过"
            body = ("请在委托代扣申请截止时间前点击“审核通过，向职保会提交代扣申请”。" if batch.is_withholding
                    else "请点击“参保名单确定，前往上传缴费凭证”，上传缴费凭证。")
        notice_post(employer=batch.employer, kind=Notice.Kind.SYSTEM, title=title, body=body, actor=actor,
                    link=f"/insurance/batches/{batch.pk}/", dedupe_key=f"insurance-review:{batch.pk}:{batch.reviewed_at}")
    return batch
