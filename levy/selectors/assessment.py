"""Reads of the levy journey: the one read model of an assessment (`assessment_view`) that the
employer's pages, the API, the tax console and the PDFs use; the guide's answer; scoping (a unit's
own assessments, a tax officer's by 税务主管部门: a row outside scope is a 404)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from levy.choices import AssessmentMethod, AssessmentStatus, DeclarationState, Outcome
from levy.models import CertifiedFigures, DeclarationStatus, LevyAssessment, LevyPayment, Objection
from levy.rules import CertificateKind, LevyResult, calculate_levy, late_fee
from levy.rules.assessment import exempt_reason, inputs_for, outcome_of, registry_totals, unit_kind
from levy.rules.late_fee import LateFeeResult
from levy.rules.policy import parse_value
from levy.selectors import PolicyMissing, certified_figures_for, filing_window, policy_for
from levy.versions import levy_recompute
from portal.identity import mask_id, unit_kind_of
from portal.scoping import employer_scope_q

S = AssessmentStatus


def current_collection_year(today: datetime.date | None = None) -> int:
    """The collection year in progress (Asia/Shanghai): this calendar year (data year last year)."""
    return (today or timezone.localdate()).year


# --- the guide (智能引导) ------------------------------------------------------------------------

PROCEED, DECLARE, WAIT = "proceed", "declare", "wait"


@dataclass(frozen=True)
class GuideAnswer:
    route: str  # proceed / declare / wait
    message: str
    certified: CertifiedFigures | None = None


def guide_answer(*, employer, collection_year: int, has_disabled: bool | None) -> GuideAnswer:
    """Where the guide sends a unit: on to 办理须知 (certified, or no disabled employees and no
    declaration), to the placement declaration, or told to wait for certification. What levy knows
    of the declaration comes from placement (DeclarationStatus); certified figures decide first."""
    data_year = collection_year - 1
    certified = certified_figures_for(employer=employer, business_year=data_year)
    if certified is not None:
        return GuideAnswer(PROCEED, f"您单位{data_year}年度按比例就业情况已认证（{certified.certificate_reference}）。",
                           certified)
    state = DeclarationStatus.objects.filter(employer=employer, business_year=data_year).values_list(
        "state", flat=True).first()
    if state == DeclarationState.SUBMITTED:
        return GuideAnswer(WAIT, f"您单位{data_year}年度单位安排残疾人就业情况申报已完成申报，正在等待残联认证。"
                                 "认证通过后即可办理残保金征缴，请留意通知公告。")
    if state in (DeclarationState.RETURNED, DeclarationState.REOPENED):
        return GuideAnswer(DECLARE, f"您单位{data_year}年度单位安排残疾人就业情况申报已退回或重新打开，请先完成申报，"
                                    "认证通过后再办理残保金征缴。")
    if has_disabled:
        return GuideAnswer(DECLARE, f"单位有残疾职工的，请先办理{data_year}年度“单位安排残疾人就业情况申报”，"
                                    "认证通过后再办理残保金征缴。")
    if has_disabled is None:
        return GuideAnswer(DECLARE, "请回答单位是否有残疾职工")
    return GuideAnswer(PROCEED, f"单位{data_year}年度无残疾职工，残疾职工人数按0计算。")


def assessment_method_for(employer, collection_year: int) -> str:
    return policy_for(employer.admin_region_id, collection_year).assessment_method


# --- scoping -------------------------------------------------------------------------------------


def assessments_of_unit(employer) -> QuerySet[LevyAssessment]:
    return LevyAssessment.objects.filter(employer=employer).select_related("employer", "receipt")


def assessment_of_unit(*, employer, collection_year: int) -> LevyAssessment | None:
    """The unit's live assessment of a collection year, if any."""
    return (LevyAssessment.objects.select_related("employer", "employer__admin_region", "receipt",
                                                  "payment_receipt", "certified")
            .filter(employer=employer, collection_year=collection_year).exclude(status=S.CANCELLED).first())


def assessments_visible(user) -> QuerySet[LevyAssessment]:
    """Staff: the assessments of units in their scope (tax officers by 税务主管部门)."""
    return (LevyAssessment.objects.filter(employer_scope_q(user, prefix="employer__"))
            .select_related("employer", "employer__tax_region"))


def assessment_for_staff(user, pk: int) -> LevyAssessment:
    found = assessments_visible(user).filter(pk=pk).first()
    if found is None:
        raise Http404("未找到该征缴记录")
    return found


def objections_visible(user) -> QuerySet[Objection]:
    return (Objection.objects.filter(employer_scope_q(user, prefix="assessment__employer__"))
            .select_related("assessment", "assessment__employer", "assessment__employer__tax_region"))


def objection_for_staff(user, pk: int) -> Objection:
    found = objections_visible(user).filter(pk=pk).first()
    if found is None:
        raise Http404("未找到该异议申请")
    return found


def objections_open(user) -> QuerySet[Objection]:
    return objections_visible(user).filter(review_state="pending")


def payments_visible(user) -> QuerySet[LevyPayment]:
    return (LevyPayment.objects.filter(employer_scope_q(user, prefix="assessment__employer__"))
            .select_related("assessment", "assessment__employer"))


def arrears(user) -> QuerySet[LevyAssessment]:
    """Overdue assessments (the tax dashboard's queue: 逾期未缴)."""
    return assessments_visible(user).filter(status=S.OVERDUE)


# --- the read model ----------------------------------------------------------------------------


@dataclass
class AssessmentView:
    """Everything a page, the API or a PDF shows of one assessment, computed once."""

    assessment: LevyAssessment
    method: str
    kind: str
    totals: object | None  # RegistryTotals for the registry method
    result: LevyResult | None  # the recorded calculation, or the live one before 核定
    outcome: str
    exempt_reason: str
    deadline: datetime.date | None
    fee_today: LateFeeResult | None
    problems: list[str] = field(default_factory=list)

    @property
    def disabled_count(self) -> Fraction:
        return self.result.disabled_count if self.result else Fraction(0)

    @property
    def owed_today(self) -> Decimal | None:
        if self.result is None or self.outcome != Outcome.PAYABLE:
            return None
        # once submitted, the assessment's amount is what is owed (an approved 减免 lowers it)
        levy = self.assessment.levy_amount if self.assessment.submitted_at else self.result.levy
        return levy + (self.fee_today.fee if self.fee_today else Decimal(0))


def _live_result(assessment: LevyAssessment, kind: str, problems: list) -> LevyResult | None:
    """Before 核定: the figures in force through the engine (nothing recorded), or None with a
    reason when they are not there yet."""
    if not assessment.figures_ready:
        return None
    data_year = assessment.data_year
    certified = certified_figures_for(employer=assessment.employer, business_year=data_year)
    try:
        policy = policy_for(assessment.employer.admin_region_id, assessment.collection_year)
    except PolicyMissing as error:
        problems.append(error.message)
        return None
    inputs = inputs_for(method=assessment.method, kind=kind, figures=assessment.figures,
                        declared_headcount=assessment.declared_headcount,
                        declared_wage_total=assessment.declared_wage_total,
                        disabled_count=certified.disabled_count if certified else Fraction(0))
    return calculate_levy(inputs, policy)


def late_fee_on(assessment: LevyAssessment, result: LevyResult | None, day: datetime.date) -> LateFeeResult | None:
    """滞纳金 on `day` for an unpaid payable assessment past its deadline, under the recorded rule."""
    if result is None or assessment.deadline is None or assessment.outcome != Outcome.PAYABLE:
        return None
    policy = result.policy
    return late_fee(principal=assessment.levy_amount, deadline=assessment.deadline, paid_on=day,
                    rule=policy.late_fee, rows=policy.rows_for("late_fee"))


def assessment_view(assessment: LevyAssessment, *, today: datetime.date | None = None) -> AssessmentView:
    """The read model: the recorded calculation once assessed (recomputed exactly as issued), the
    live one before; today's late fee while unpaid."""
    today = today or timezone.localdate()
    kind = unit_kind(unit_kind_of(assessment.employer.credit_code), assessment.is_business_registered)
    totals = registry_totals(assessment.figures) if assessment.method == AssessmentMethod.REGISTRY and \
        assessment.figures else None
    problems: list[str] = []
    if assessment.record:
        result = levy_recompute(assessment.record)
        outcome, deadline = assessment.outcome, assessment.deadline
    else:
        result = _live_result(assessment, kind, problems)
        outcome = outcome_of(result) if result else ""
        window = filing_window(assessment.employer.admin_region_id, assessment.data_year, "payment")
        deadline = window[1] if window else None
    fee = None
    if assessment.status in (S.SUBMITTED, S.OVERDUE):
        fee = late_fee_on(assessment, result, today)
    elif assessment.status == S.PAID_LATE and assessment.paid_on:
        fee = late_fee_on(assessment, result, assessment.paid_on)
    if totals and totals.missing_months:
        problems.append("社保登记系统没有以下月份的数据：" + "、".join(map(str, totals.missing_months))
                        + "。如有异议，请申请“征缴基数有异议”并按月填写。")
    reason = exempt_reason(result) if result is not None and outcome == Outcome.EXEMPT else ""
    return AssessmentView(assessment, assessment.method, kind, totals, result, outcome, reason, deadline, fee,
                          problems)


def tracking_lookup(*, applicant: str, reference: str) -> LevyAssessment | None:
    """办件查询: the assessment whose 统一审批编码 and 申请对象 (the unit's full name) both match."""
    reference, applicant = (reference or "").strip(), (applicant or "").strip()
    if not reference.isdigit() or not applicant:
        return None
    return (LevyAssessment.objects.select_related("employer").filter(reference=reference, employer__name=applicant)
            .first())


def filings_of_unit(employer) -> QuerySet[LevyAssessment]:
    """我的办件: every filing of the unit, newest first (cancelled ones too: history)."""
    return (LevyAssessment.objects.filter(employer=employer).filter(Q(submitted_at__isnull=False) |
                                                                   ~Q(status=S.CANCELLED))
            .select_related("employer").order_by("-created_at"))


@dataclass(frozen=True)
class RosterRow:
    """One line of the 残疾职工名册 (核定), from the certified snapshot."""

    name: str
    certificate: str
    id_masked: str
    local_hukou: bool
    graduate: bool
    months_paid: int  # 缴费月数: the months counted
    declared: int  # 申报人数
    person_months: int  # 核定人月数: months × weight


def roster_rows(assessment: LevyAssessment) -> list[RosterRow]:
    """The 残疾职工名册 of the certified figures the assessment uses (none: an empty roster)."""
    figures = assessment.certified or certified_figures_for(employer=assessment.employer,
                                                             business_year=assessment.data_year)
    if figures is None:
        return []
    return [RosterRow(p.name, f"{CertificateKind(p.certificate_kind).label}{p.certificate_grade}级", mask_id(p.id_number),
                      p.local_hukou, p.graduate, p.confirmed, 1, p.approved) for p in figures.persons.all()]


def late_fee_of_row(row: LevyAssessment, today: datetime.date) -> LateFeeResult | None:
    """Today's late fee of an unpaid assessment past its deadline, from the rule it recorded: a list
    row needs no recomputation of the whole assessment (the tax console, 50 rows a page)."""
    if row.status not in (S.SUBMITTED, S.OVERDUE) or row.deadline is None or not row.record:
        return None
    rule = parse_value("late_fee", row.record["policy"]["rows"]["late_fee"]["value"])
    return late_fee(principal=row.levy_amount, deadline=row.deadline, paid_on=today, rule=rule)
