"""What still stands between a verified batch and 提交职保会审核: a read of the roster, its
verification and the 参保比例 rows, so it lives beside them (insurance.predicates stays free of
queries the models would import back). The page lists the blockers; the service insists on the
same guard inside the submission's lock."""

from insurance import choices as c
from insurance.selectors.members import open_exception_q
from insurance.selectors.ratio import ratio_rows
from portal.guards import guard


def submission_blockers(batch) -> list[str]:
    """What still stands between a verified batch and 提交职保会审核 (the page lists them)."""
    members = batch.members.filter(deleted_at__isnull=True)
    problems = []
    if not members.exists():
        problems.append("参保名单中没有人员")
    pending = members.filter(check_state__in=(c.CheckState.PENDING, c.CheckState.QUEUED,
                                              c.CheckState.NOT_CHECKED)).count()
    if pending:
        problems.append(f"有 {pending} 人尚未完成系统校验，请等待校验完成或再次提交系统校验")
    open_exceptions = members.filter(open_exception_q()).count()
    if open_exceptions:
        problems.append(f"有 {open_exceptions} 条异常数据未处理，请按每行的提示处理")
    if batch.payment_method == c.PaymentMethod.WITHHOLDING and not batch.withholding_form_id:
        problems.append("请上传已盖章的委托代扣款申请表")
    for row in ratio_rows(batch):
        if row.registry_count is None and row.si_number:
            problems.append(f"社保编号{row.si_number}的社保人数暂未获取，系统将自动重试")
        elif row.needs_materials and not row.has_materials:
            problems.append(f"{row.label}参保比例{row.percent}未达{row.threshold_percent}，请上传相关材料")
    return problems


@guard(lambda batch: "不能提交职保会审核：" + "；".join(submission_blockers(batch)), code="blocked")
def nothing_blocks_submission(batch) -> bool:
    return not submission_blockers(batch)
