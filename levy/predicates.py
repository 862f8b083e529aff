"""Who may change what in the levy journey, and when: the named predicates the assessment's,
objection's and payment's transitions carry (portal.workflow). Services, views, templates and the
API all ask these, so a page never offers what the service would refuse.

Conditions take the object; permissions take the user and the object. Each says why it refuses."""

from django.utils import timezone

from levy.choices import AssessmentMethod, AssessmentStatus, Outcome
from portal.guards import allowed, guard
from portal.predicates import (
    different_person,
    employer_in_scope,
    is_employer_agent,
    is_federation_staff,
    is_supervisor,
    is_system,
    is_tax_officer,
)

S = AssessmentStatus


def _employer_of(obj):
    if obj._meta.model_name == "employer":
        return obj
    for path in ("employer", "assessment", "reward"):
        target = getattr(obj, path, None)
        if target is not None:
            return target if path == "employer" else _employer_of(target)
    return None


# --- who ----------------------------------------------------------------------------------------


@guard("只能办理本单位的事项")
def own_unit(user, obj) -> bool:
    from employers.selectors import employer_of

    employer = employer_of(user)
    return employer is not None and employer.pk == _employer_of(obj).pk


@guard("该单位的税务主管部门不在您的管辖范围内")
def unit_in_tax_scope(user, obj) -> bool:
    """Tax officers (and tax systems' tokens) by the unit's 税务主管部门; administrators all."""
    return employer_in_scope(user, _employer_of(obj))


@guard("只有系统可以办理此事项")
def system_only(user, obj) -> bool:
    return is_system.test(user, obj)


@guard("只有系统或税务人员可以确认缴费结果")
def system_or_tax_officer(user, obj) -> bool:
    return is_system.test(user, obj) or is_tax_officer.test(user, obj)


@guard("该单位的税务主管部门不在您的管辖范围内")
def system_or_tax_scope(user, obj) -> bool:
    return is_system.test(user, obj) or unit_in_tax_scope.test(user, obj)


@guard("只有系统或工作人员可以作废征缴记录")
def system_or_staff(user, obj) -> bool:
    return is_system.test(user, obj) or getattr(user, "is_staff_member", False)


@guard("只有本单位经办人或系统可以核定")
def agent_or_system(user, obj) -> bool:
    return is_system.test(user, obj) or (is_employer_agent.test(user, obj) and own_unit.test(user, obj))


agent_of_unit = allowed(is_employer_agent, own_unit)
objection_decider = allowed(is_tax_officer, unit_in_tax_scope)
payment_confirmer = allowed(system_or_tax_officer, system_or_tax_scope)
system = allowed(system_only)
canceller = allowed(system_or_staff)
assessor = allowed(agent_or_system)


# --- when ---------------------------------------------------------------------------------------


def _figures_missing(assessment) -> str:
    if assessment.method == AssessmentMethod.REGISTRY:
        if assessment.registry_state == "not_found":
            return "社保登记系统未查询到本单位的征缴基数，请申请“征缴基数有异议”并按月填写"
        return "正在从社保登记系统获取征缴基数和在职职工人数，请稍后刷新本页"
    return "请先填写上年在职职工人数和上年在职职工工资总额"


@guard(_figures_missing, code="figures_missing")
def figures_ready(assessment) -> bool:
    return assessment.figures_ready


@guard(lambda a: f"{a.collection_year}年度已核定，不能再申请异议；如有疑问请联系税务主管部门",
       code="already_assessed")
def before_assessment(assessment) -> bool:
    return assessment.status in (S.DRAFT,)


@guard("只有社保征缴基数核定方式（上海“一件事”）可以申请异议；其他地区请直接修改申报数据")
def registry_method(assessment) -> bool:
    return assessment.method == AssessmentMethod.REGISTRY


@guard("尚未核定，请先完成核定")
def has_record(assessment) -> bool:
    return bool(assessment.record)


@guard("本单位无需缴纳残保金")
def is_payable(assessment) -> bool:
    return assessment.outcome == Outcome.PAYABLE and assessment.levy_amount > 0


def _not_due(assessment) -> str:
    return f"缴费期限为{assessment.deadline}，尚未逾期" if assessment.deadline else "政策参数表未设置缴费期限，不计逾期"


@guard(_not_due)
def past_deadline(assessment) -> bool:
    return assessment.deadline is not None and timezone.localdate() > assessment.deadline


def refused_assessment(assessment) -> str:
    """What a second tab (or a late click) reads when the assessment has moved on."""
    if assessment.submitted_at and assessment.status != S.CANCELLED:
        when = timezone.localtime(assessment.submitted_at).strftime("%Y-%m-%d %H:%M")
        return (f"{assessment.collection_year}年残保金征缴已于{when}确认提交（当前为“{assessment.get_status_display()}”），"
                "请勿重复提交")
    return f"{assessment.collection_year}年残保金征缴当前为“{assessment.get_status_display()}”，请刷新页面后查看"


# --- 超比例奖励 (issue 18): 初审 by a reviewer, 复审 / 复核 by a supervisor who took no earlier step ---


@guard("该单位的残联主管部门不在您的管辖范围内")
def unit_in_federation_scope(user, obj) -> bool:
    """Federation staff by the unit's 残联主管部门; administrators all."""
    return employer_in_scope(user, _employer_of(obj))


@guard("同一奖励申请的初审（或窗口发起）与复审不能由同一人办理（双人复核）", code="four_eyes")
def not_an_earlier_reviewer(user, reward) -> bool:
    """The four-eyes rule of the reward: whoever did the 初审, or started it at the window, may not
    also do the 复审 / 复核."""
    return different_person(user, reward.first_reviewer_id) and different_person(user, reward.initiated_by_id)


@guard(lambda user, reward: "该申请由窗口发起，请由发起的残联工作人员修改后重新提交" if reward.mode == "window"
       else "只能由本单位经办人修改后重新提交")
def may_resubmit(user, reward) -> bool:
    """A returned application goes back to whoever filed it: the unit (网报) or the window's staff."""
    if reward.mode == "window":
        return is_federation_staff.test(user, reward) and unit_in_federation_scope.test(user, reward)
    return is_employer_agent.test(user, reward) and own_unit.test(user, reward)


@guard("奖励标准尚未经管理员核实（页面显示为估算），暂不能审核通过；请联系管理员核实政策参数", code="estimate")
def amount_verified(reward) -> bool:
    return not reward.estimate


first_reviewer = allowed(is_federation_staff, unit_in_federation_scope)
second_reviewer = allowed(is_supervisor, unit_in_federation_scope, not_an_earlier_reviewer)
resubmitter = allowed(may_resubmit)


# --- 缓减免 (issue 18): a tax officer of the unit's region decides; a second one confirms above the threshold


@guard("减免金额超过复核标准，须由另一名税务人员复核（双人复核）", code="four_eyes")
def not_the_first_officer(user, relief) -> bool:
    return different_person(user, relief.decided_by_id)


relief_decider = allowed(is_tax_officer, unit_in_tax_scope)
relief_confirmer = allowed(is_tax_officer, unit_in_tax_scope, not_the_first_officer)
