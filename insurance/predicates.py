"""Who may change what in the retiree plan, and when: the named predicates the transitions carry
(portal.workflow) and the services insist on. Pages, templates and the API ask the same ones, so a
button is offered exactly when the service would accept it.

Conditions take the object; permissions take the user and the object. Each says why it refuses.
Nothing here imports the app's models (they import this module for their transitions)."""

from django.utils import timezone

from employers.selectors import employer_of
from insurance import choices as c
from portal.guards import allowed, guard
from portal.predicates import employer_in_scope, is_employer_agent, is_system, is_union_staff
from portal.roles import ADMIN
from portal.text import local_minute

B = c.BatchStatus


def _employer_of(obj):
    """The unit an object belongs to (a batch, a code, an application, a member, a ratio row)."""
    for path in ("employer", "batch", "code"):
        target = getattr(obj, path, None)
        if target is None:
            continue
        return target if path == "employer" else _employer_of(target)
    return None


# --- who ------------------------------------------------------------------------------------------


@guard("只能办理本单位的参保业务")
def own_unit(user, obj) -> bool:
    employer = employer_of(user)
    unit = _employer_of(obj)
    return employer is not None and unit is not None and employer.pk == unit.pk


@guard("该单位不属于您所在的区局工会")
def unit_in_union_scope(user, obj) -> bool:
    unit = _employer_of(obj)
    return unit is not None and employer_in_scope(user, unit)


agent_of_unit = allowed(is_employer_agent, own_unit)
union_reviewer = allowed(is_union_staff, unit_in_union_scope)
system = allowed(is_system)


# --- the batch ------------------------------------------------------------------------------------


def window_problem(batch, *, now=None) -> str:
    """Why the plan year's dates do not allow submitting this batch now ("" when they do):
    集中参保 until its channel closes, 委托代扣 until the withholding channel closes, 即时参保 from
    its start to the end of coverage."""
    now = now or timezone.now()
    plan = batch.plan_year
    if batch.kind == c.BatchKind.CENTRAL:
        if now < plan.central_opens_at:
            return f"{plan.year}年度集中参保将于{local_minute(plan.central_opens_at)}开始"
        if now >= plan.central_closes_at:
            return f"{plan.year}年度集中参保通道已于{local_minute(plan.central_closes_at)}关闭，请办理即时参保"
        if batch.payment_method == c.PaymentMethod.WITHHOLDING and now >= plan.withholding_closes_at:
            return (f"委托代扣款缴费参保通道已于{local_minute(plan.withholding_closes_at)}关闭。"
                    "参保缴费方式一经选择不能修改，请删除本批次后选择“缴费凭证参保”重新办理")
        return ""
    if now < plan.instant_opens_at:
        return f"{plan.year}年度即时参保将于{local_minute(plan.instant_opens_at)}开始"
    if timezone.localdate(now) > plan.coverage_end:
        return f"{plan.year}年度保障期限已于{plan.coverage_end:%Y-%m-%d}结束"
    return ""


@guard(lambda batch: window_problem(batch), code="window_closed")
def window_open(batch) -> bool:
    return not window_problem(batch)


@guard("请先选择参保缴费方式")
def payment_chosen(batch) -> bool:
    return bool(batch.payment_method)


@guard("请先在“单位信息维护”确认单位信息无误")
def unit_confirmed(batch) -> bool:
    return batch.unit_confirmed_at is not None


@guard("参保名单中还没有人员，请先导入参保名单或新增参保人员")
def has_members(batch) -> bool:
    return batch.members.filter(deleted_at__isnull=True).exists()


def verification_blockers(batch) -> list[str]:
    """What stands between the batch and 提交系统校验."""
    problems = []
    for condition in (unit_confirmed, payment_chosen, has_members):
        if not condition(batch):
            problems.append(condition.message)
    return problems


@guard(lambda batch: "不能提交系统校验：" + "；".join(verification_blockers(batch)))
def ready_to_verify(batch) -> bool:
    return not verification_blockers(batch)


@guard(lambda batch: f"批次状态为“{batch.get_status_display()}”，不能修改参保名单")
def roster_editable(batch) -> bool:
    return batch.status in c.ROSTER_EDITABLE


@guard("参保缴费方式一旦选择，不能修改")
def payment_not_chosen(batch) -> bool:
    return not batch.payment_method


def batch_refused(action: str):
    def message(batch) -> str:
        return f"批次状态为“{batch.get_status_display()}”，不能{action}"

    return message


def verify_refused(batch) -> str:
    """Why 提交系统校验 is not offered in this status, in words that say what to do."""
    if batch.status == c.BatchStatus.AWAITING_ROSTER:
        return "参保名单中还没有人员，请先导入参保名单或新增参保人员"
    if batch.status == c.BatchStatus.VERIFYING:
        return "名单校验中，请等待校验完成"
    return batch_refused("提交系统校验")(batch)


# --- the union's review, withholding, vouchers (issue 19) -------------------------------------------


@guard("只有委托代扣款缴费参保的批次需要提交代扣申请")
def pays_by_withholding(batch) -> bool:
    return batch.payment_method == c.PaymentMethod.WITHHOLDING


def withholding_request_problem(batch, *, now=None) -> str:
    """Why 提交代扣申请 is closed now ("" when open): the plan year's request deadline."""
    now = now or timezone.now()
    deadline = batch.plan_year.withholding_request_deadline
    if now >= deadline:
        return (f"委托代扣申请已于{local_minute(deadline)}截止。参保缴费方式一经选择不能修改，"
                "请删除本批次后选择“缴费凭证参保”重新办理")
    return ""


@guard(lambda batch: withholding_request_problem(batch), code="window_closed")
def withholding_request_open(batch) -> bool:
    return not withholding_request_problem(batch)


@guard(lambda batch: f"批次状态为“{batch.get_status_display()}”，只有代扣完成后才能删除代扣失败人员")
def failed_members_deletable(batch) -> bool:
    """删减人员 is open once the pension day's results are back, until the list is confirmed."""
    return batch.status == c.BatchStatus.WITHHOLDING_DONE


def acceptance_slip_ready(batch, today) -> bool:
    """The 代扣受理单 is issued with the request and downloadable from the next working day on."""
    return bool(batch.acceptance_slip_id and batch.acceptance_available_on and today >= batch.acceptance_available_on)


@guard("委托代扣批次须在代扣完成后确定参保名单；缴费凭证批次在职保会审核通过后确定")
def roster_may_be_confirmed(batch) -> bool:
    if batch.payment_method == c.PaymentMethod.WITHHOLDING:
        return batch.status == B.WITHHOLDING_DONE
    return batch.status == B.REVIEW_APPROVED


@guard("本年度实行双人复核：审核该批次参保名单的人员不能审核其缴费凭证", code="four_eyes")
def not_the_batch_approver(user, batch) -> bool:
    """Four eyes, where the plan year asks for it: whoever approved the roster does not check
    the money."""
    if not batch.plan_year.voucher_four_eyes:
        return True
    return batch.reviewed_by_id is None or getattr(user, "pk", None) != batch.reviewed_by_id


voucher_reviewer = allowed(is_union_staff, unit_in_union_scope, not_the_batch_approver)


@guard("只有系统管理员或该单位所属区局工会的职保会人员可以办理")
def union_or_system(user, obj) -> bool:
    return user is None or (is_union_staff(user) and unit_in_union_scope(user, obj))


run_operator = allowed(union_or_system)  # 重新发送 a failed run


@guard("代扣文件于养老金发放日由系统发送；只有系统管理员可以模拟发放日提前发送")
def system_or_administrator(user, obj) -> bool:
    return user is None or getattr(user, "role", None) in ADMIN


run_starter = allowed(system_or_administrator)  # the pension day's run (the beat), or its simulation
