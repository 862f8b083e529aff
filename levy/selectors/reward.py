"""Reads of the over-ratio reward and the 缓减免 applications: the reward a unit would get from its
certified snapshot (one read model for the employer's page, the window page, the review page and
the certificate), the qualifying employees month by month, and the lists scoped to the user."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404

from levy.choices import PayoutStatus, RewardMode, RewardStatus
from levy.models import (
    AreaClass,
    CertifiedFigures,
    CertifiedPerson,
    MinimumWage,
    OverRatioReward,
    PolicyRule,
    ReliefApplication,
    RewardPayout,
)
from levy.rules import DisabledPerson, Policy, RewardResult, plain
from levy.selectors import PolicyMissing, certified_figures_for, reward_estimate
from levy.selectors.assessment import current_collection_year
from portal.exceptions import ValidationFailed
from portal.identity import mask_id
from portal.scoping import employer_scope_q
from portal.workflow import can, refusal

MONTH_NAMES = ["一月份", "二月份", "三月份", "四月份", "五月份", "六月份", "七月份", "八月份", "九月份", "十月份",
               "十一月份", "十二月份"]


def reward_data_year() -> int:
    """The data year a reward is asked for now: last year (the levy's collection year − 1)."""
    return current_collection_year() - 1


@dataclass(frozen=True)
class RewardPreview:
    """超比例奖励信息 for a unit and data year, computed once from the certified snapshot."""

    certified: CertifiedFigures
    result: RewardResult
    policy: Policy
    budget_funded: bool

    @property
    def ratio_percent(self) -> str:
        rule = self.policy.reward
        ratio = rule.ratio if rule is not None and rule.ratio is not None else self.policy.ratio
        return plain(ratio * 100)

    def record(self) -> dict:
        """What the application keeps: each step with its source, and the policy rows used."""
        # the rows the amount rests on (the rule and the base): what `estimate` is about
        rows = [row.to_json() for row in self.policy.rows_for("over_ratio_reward")]
        rows += [row.to_json() for step in self.result.steps for row in step.rows
                 if row.table == "minimum_wage" and row.to_json() not in rows]
        return {"steps": [{"key": s.key, "label": s.label, "formula": s.formula, "value": s.value,
                           "source": s.source} for s in self.result.steps], "rows": rows,
                "reason": self.result.reason}


def _persons(certified: CertifiedFigures) -> tuple[DisabledPerson, ...]:
    return tuple(DisabledPerson(str(p.certificate_kind), p.certificate_grade, len(p.months), p.local_hukou)
                 for p in certified.persons.all())


def reward_preview(*, employer, data_year: int, budget_funded: bool) -> RewardPreview:
    """The reward by the region's rule over the certified figures of `data_year` (上年度在职职工总数
    is the certified headcount, never a figure the unit edits). ValidationFailed when the year is
    not certified or the policy table lacks a row."""
    certified = certified_figures_for(employer=employer, business_year=data_year)
    if certified is None:
        raise ValidationFailed(f"{data_year}年度按比例就业情况尚未通过年审认证，认证后才能申请超比例奖励",
                               field="data_year")
    try:
        result, policy = reward_estimate(region_code=employer.admin_region_id, data_year=data_year,
                                         headcount=certified.headcount, persons=_persons(certified),
                                         budget_funded=budget_funded)
    except PolicyMissing as error:
        raise ValidationFailed(error.message) from None
    return RewardPreview(certified, result, policy, budget_funded)


@dataclass(frozen=True)
class QualifyingRow:
    name: str
    id_masked: str
    grade: int
    local_hukou: bool
    months: tuple[bool, ...]  # January … December

    @property
    def month_count(self) -> int:
        return sum(self.months)


def qualifying_rows(certified: CertifiedFigures) -> list[QualifyingRow]:
    """符合超比例条件的残疾职工及安置信息: each certified person month by month (the window page)."""
    rows = []
    for person in certified.persons.all():
        months = {m % 100 for m in person.months}
        rows.append(QualifyingRow(person.name, mask_id(person.id_number), person.certificate_grade,
                                  person.local_hukou, tuple(m in months for m in range(1, 13))))
    return rows


_TABLES = {"rule": PolicyRule, "minimum_wage": MinimumWage, "area_class": AreaClass}


def rows_still_unverified(record: dict) -> bool:
    """Whether a policy row the application used is (still) unverified: an administrator may have
    verified it since the application was filed."""
    for row in record.get("rows", []):
        model = _TABLES.get(row.get("table"))
        if model is None or row.get("id") is None:
            continue
        if not model.objects.filter(pk=row["id"], verified=True).exists():
            return True
    return False


# --- lists ----------------------------------------------------------------------------------------


def rewards_visible(user) -> QuerySet[OverRatioReward]:
    """Federation staff: rewards of units whose 残联主管部门 lies in their region; administrators all."""
    return (OverRatioReward.objects.filter(employer_scope_q(user, prefix="employer__"))
            .select_related("employer", "employer__fed_region", "first_reviewer", "second_reviewer", "initiated_by"))


def reward_for_staff(user, pk: int) -> OverRatioReward:
    found = rewards_visible(user).filter(pk=pk).first()
    if found is None:
        raise Http404("未找到该超比例奖励申请")
    return found


def rewards_of_unit(employer) -> QuerySet[OverRatioReward]:
    return OverRatioReward.objects.filter(employer=employer).select_related("receipt", "certificate")


def reward_of_unit(employer, pk: int) -> OverRatioReward:
    found = rewards_of_unit(employer).filter(pk=pk).first()
    if found is None:
        raise Http404("未找到该超比例奖励申请")
    return found


def payouts_of(reward: OverRatioReward) -> list[RewardPayout]:
    return list(reward.payouts.order_by("-requested_at", "-pk"))


def payout_state(reward: OverRatioReward) -> str:
    """Where the payout is, in the unit's words (the employer sees where its money is)."""
    latest = reward.payouts.order_by("-requested_at", "-pk").first()
    if latest is None:
        return "审核通过后由银行发放" if reward.status != "paid" else "已发放"
    text = {"queued": "已提交银行，等待发送", "sent": "银行处理中", "paid": "已到账",
            "failed": f"发放失败（{latest.message or latest.last_error}），工作人员将核实后重新发放"}[latest.status]
    return f"{text}（发放单号{latest.reference}，{latest.amount:,.2f}元）"


def payouts_failed(user) -> QuerySet[RewardPayout]:
    """Failed payouts in the staff member's scope whose reward is still unpaid (the alert)."""
    return (RewardPayout.objects.filter(employer_scope_q(user, prefix="reward__employer__"), status="failed",
                                        reward__status="approved")
            .exclude(reward__payouts__status__in=["queued", "sent"]).select_related("reward", "reward__employer"))


def unit_search(user, query: str):
    """申办: units in the reviewer's region by name or credit code (at most 20)."""
    from employers.models import Employer

    query = (query or "").strip()
    if not query:
        return Employer.objects.none()
    qs = Employer.objects.filter(employer_scope_q(user))
    return (qs.filter(credit_code=query.upper()) | qs.filter(name__icontains=query)).order_by("name")[:20]


def unit_for_staff(user, pk: int):
    from employers.models import Employer

    found = Employer.objects.filter(employer_scope_q(user), pk=pk).first()
    if found is None:
        raise Http404("未找到该单位")
    return found


# --- 缓减免 ----------------------------------------------------------------------------------------


def reliefs_visible(user) -> QuerySet[ReliefApplication]:
    """Tax officers: applications of units whose 税务主管部门 lies in their region."""
    return (ReliefApplication.objects.filter(employer_scope_q(user, prefix="assessment__employer__"))
            .select_related("assessment", "assessment__employer", "decided_by", "confirmed_by"))


def relief_for_staff(user, pk: int) -> ReliefApplication:
    found = reliefs_visible(user).filter(pk=pk).first()
    if found is None:
        raise Http404("未找到该缓减免申请")
    return found


def reliefs_of_unit(employer) -> QuerySet[ReliefApplication]:
    return ReliefApplication.objects.filter(assessment__employer=employer).select_related("assessment")


def relief_limit_text(policy: Policy, levy_amount: Decimal) -> str:
    from levy.rules.hardship import reduction_limit

    rule = policy.hardship
    if rule is None:
        return ""
    return (f"减免金额不超过{min(reduction_limit(levy_amount, rule), levy_amount):,.2f}元；"
            f"缓缴期限不超过{rule.max_deferral_months}个月")


__all__ = ["CertifiedPerson", "MONTH_NAMES"]


def reward_decision(reward: OverRatioReward, user) -> dict:
    """The review level the application is at (初审 / 复审 or 复核), whether this user may decide it,
    and if not, why (the transition's own conditions: four eyes, region, level)."""
    level = {RewardStatus.FIRST_REVIEW: "first", RewardStatus.SECOND_REVIEW: "second"}.get(reward.status)
    problem = refusal(reward, f"{level}_approve", user) if level is not None else None
    return {"level": level, "can_decide": level is not None and problem is None,
            "refusal": problem.message if problem else None,
            "level_label": "初审" if level == "first" else reward.second_label}


def payout_retry_problem(reward: OverRatioReward) -> tuple[str, str] | None:
    """Why 重新发放 is not possible now, as (message, code); None when it is: an approved reward whose
    latest payout failed (or that has none)."""
    if reward.status != RewardStatus.APPROVED:
        return f"该奖励当前为“{reward.status_label}”，不能重新发放", "wrong_state"
    latest = reward.payouts.order_by("-requested_at", "-pk").first()
    if latest is not None and latest.status != PayoutStatus.FAILED:
        return f"最近一笔发放为“{latest.get_status_display()}”，无需重新发放", "payout_in_flight"
    return None


def window_editable(reward: OverRatioReward, user) -> bool:
    """A window (申办) application returned to its reviewer, who may correct and file it again."""
    return reward.mode == RewardMode.WINDOW and can(user, reward, "resubmit")
