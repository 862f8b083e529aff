"""The declaration as a whole: its totals (home page, receipts), what the home page shows, the
persons a certification counts, last year's list to import from, and the requests about it."""

from fractions import Fraction

from django.db.models import QuerySet
from django.utils import timezone

from levy.rules import percent_text, round_half_up
from levy.rules.certified import CountedPerson
from levy.selectors import PolicyMissing, implied_levy
from placement import choices as c
from placement import rules
from placement.models import (
    AnnualDeclaration,
    DeregistrationRequest,
    FeedbackRequest,
    PlacedPerson,
    WithdrawalRequest,
)
from placement.predicates import OpenMatter, open_matters, status_summary
from placement.selectors.year import declaration_month_states, declaration_persons, declaration_years
from placement.window import filing_window_of

D = c.DeclarationStatus


def totals_of(years: list[list[rules.MonthState]]) -> dict:
    """安置登记 persons, 安置确认 and 安置核定 months, the exact disabled count, and the person-months
    registered / confirmed / approved in each month of the year (安置情况分析), from each person's months."""
    by_month = {m: {"registered": 0, "confirmed": 0, "approved": 0} for m in rules.MONTHS}
    confirmed = approved = 0
    disabled = Fraction(0)
    for months in years:
        counts = rules.count(months)
        confirmed += counts.confirmed
        approved += counts.approved
        disabled += counts.disabled_count
        for state in months:
            if state.selected:
                by_month[state.month]["registered"] += 1
            if rules.month_confirmed(state):
                by_month[state.month]["confirmed"] += 1
                by_month[state.month]["approved"] += state.weight
    return {"persons": len(years), "confirmed": confirmed, "approved": approved, "disabled_count": disabled,
            "by_month": by_month}


def declaration_totals(declaration: AnnualDeclaration) -> dict:
    return totals_of(declaration_month_states(declaration))


def counted_persons(declaration: AnnualDeclaration, weight_rule) -> list[CountedPerson]:
    """The confirmed persons as a certification counts them (the snapshot levy records): the
    months that count, each month's weight under `weight_rule`, the certificate that stands for the
    person over those months, local 户籍 and the graduate flag."""
    counted = []
    for model in declaration_years(declaration, status=c.PersonStatus.CONFIRMED, weight_rule=weight_rule):
        states = [s for s in model.months if rules.month_confirmed(s)]
        certificate = model.year_certificate()
        person = model.person
        counted.append(CountedPerson(
            name=person.name, id_number=person.id_number,
            certificate_kind=certificate.kind if certificate else c.CertificateKind.DISABILITY,
            certificate_grade=certificate.grade if certificate else 0,
            local_hukou=person.hukou_type == c.HukouType.LOCAL, graduate=person.is_graduate,
            months=tuple(declaration.business_year * 100 + s.month for s in states),
            weights=tuple(s.weight for s in states),
        ))
    return counted


# the federation's service line, on every placement receipt and where 首页 says how to file late
# (issue 15): the unit knows whom to call
FEDERATION_HOTLINE = "12385"


def federation_contact(employer) -> str:
    region = employer.fed_region.full_name.replace(" ", "") if employer.fed_region_id else "所属地区"
    return f"如有疑问，请联系{region}残疾人联合会，服务热线：{FEDERATION_HOTLINE}（工作日 9:00–17:00）。"


# --- the employer's 首页 -------------------------------------------------------------------------------

PROGRESS = ["按比例安置登记", "完成申报", "发送税务部门"]
CHART_HEIGHT = 120


def progress_steps(declaration) -> list[dict]:
    """按比例安置登记 → 完成申报 → 发送税务部门, each done / current / todo."""
    current = {D.DRAFT: 0, D.SUBMITTED: 1, D.CERTIFIED: 2, D.SENT_TO_TAX: 3}[declaration.status]
    return [{"label": label, "state": "done" if i < current else "current" if i == current else "todo"}
            for i, label in enumerate(PROGRESS)]


def required_ratio(declaration) -> Fraction | None:
    """The region's 规定比例 for the declaration's collection year, or None without a policy row."""
    try:
        return declaration.region_rules.ratio
    except PolicyMissing:
        return None


def chart(by_month: dict, year: int) -> dict:
    """安置情况分析 as bars of an inline SVG: registered, confirmed and approved person-months."""
    peak = max([1, *(v[k] for v in by_month.values() for k in ("registered", "confirmed", "approved"))])
    series = [("registered", "安置登记", "bar-registered"), ("confirmed", "安置确认", "bar-confirmed"),
              ("approved", "安置核定", "bar-approved")]
    months = []
    for i, (month, values) in enumerate(sorted(by_month.items())):
        x0 = 40 + i * 52
        bars = []
        for j, (key, label, css) in enumerate(series):
            height = round(values[key] / peak * CHART_HEIGHT)
            bars.append({"x": x0 + j * 14, "y": 10 + CHART_HEIGHT - height, "height": height, "css": css,
                         "label": label, "value": values[key]})
        months.append({"month": month, "label": f"{month}月", "x": x0 + 21, "bars": bars,
                       "title": f"{year}年{month:02d}月"})
    # 各月数据: the same figures as a table, one row per series (built here: the template looped
    # over every bar of every month for each row)
    table = [{"label": label, "values": [values[key] for _month, values in sorted(by_month.items())]}
             for key, label, _css in series]
    return {"months": months, "peak": peak, "series": series, "table": table, "width": 40 + 12 * 52,
            "axis_y": 10 + CHART_HEIGHT, "label_y": CHART_HEIGHT + 28}


def declaration_overview(declaration) -> dict:
    """The figures of the home page and the 完成申报 page for one declaration."""
    required = required_ratio(declaration)
    persons = declaration_persons(declaration)  # read once for the totals and the status summary
    totals = totals_of(declaration_month_states(declaration, persons))
    window = filing_window_of(declaration)
    today = timezone.localdate()
    headcount = declaration.headcount
    actual = totals["disabled_count"] / headcount if headcount else None
    window_closed = bool(window and window.is_closed(today))
    return {
        "declaration": declaration,
        "steps": progress_steps(declaration),
        "totals": totals,
        "summary": status_summary(declaration, rows=[(status, by) for _pk, status, by in persons]),
        "headcount": headcount,
        "actual_ratio": percent_text(actual),
        "required_ratio": percent_text(required),
        "meets_ratio": actual is not None and required is not None and actual >= required,
        "disabled_count": str(round_half_up(totals["disabled_count"], 2)),
        "chart": chart(totals["by_month"], declaration.business_year),
        "window": window,
        "window_open": window.is_open(today) if window else False,
        "days_left": window.days_left(today) if window else None,
        "window_upcoming": bool(window and today < window.opens),
        "window_closed": window_closed,
        # a prefilled social-insurance figure counts on the pages, marked 待确认 until the agent confirms it
        "headcount_pending": headcount is not None and declaration.headcount_confirmed_at is None,
        "contact": federation_contact(declaration.employer),
        # 完成申报 is the page's main action only while it can still be done (issue 15)
        "submit_primary": declaration.is_draft and declaration.started and not window_closed,
    }


def next_steps(declaration, overview: dict) -> list[OpenMatter]:
    """首页 “接下来要做什么”: what stands between the unit and a filed year, in the order to do it,
    each with the page that does it (issue 15). Read-only; the figures come from `overview`."""
    if not declaration.started:
        return [OpenMatter("添加本年度安置的残疾人，开始安置登记", "placement:person_new")]
    if not declaration.is_draft:
        return []
    steps = open_matters(declaration, overview["summary"])
    window = overview["window"]
    if overview["window_closed"]:
        return steps  # the page's own warning above says how to file late (补报)
    if not steps:
        days = f"，申报截止还剩 {overview['days_left']} 天" if overview["window_open"] else ""
        steps.append(OpenMatter(f"人员已全部审核确认，请阅读承诺书并完成申报{days}", "placement:submit"))
    elif overview["window_open"]:
        steps.append(OpenMatter(f"以上事项办结后完成申报：申报截止 {window.closes:%Y-%m-%d}，还剩 {overview['days_left']} 天",
                                "placement:submit", waiting=True))
    return steps


def certification_summary(declaration) -> dict:
    """What a reviewer certifies on (issue 15, 15): the year's 安置确认 and 安置核定 months, the
    disabled count and the ratio against the region's, the headcount with the registry's figure and
    the reason for a correction, and the levy these figures imply (levy's engine)."""
    required = required_ratio(declaration)
    totals = declaration_totals(declaration)
    headcount = declaration.headcount
    actual = totals["disabled_count"] / headcount if headcount else None
    levy = None
    if headcount is not None:
        levy = implied_levy(employer=declaration.employer, business_year=declaration.business_year,
                            headcount=headcount, disabled_count=totals["disabled_count"])
    return {
        "persons": totals["persons"], "confirmed": totals["confirmed"], "approved": totals["approved"],
        "disabled_count": str(round_half_up(totals["disabled_count"], 2)),
        "headcount": headcount, "headcount_from_feed": declaration.headcount_from_feed,
        "headcount_corrected": headcount is not None and declaration.headcount_from_feed is not None
        and headcount != declaration.headcount_from_feed,
        "headcount_reason": declaration.headcount_reason,
        "actual_ratio": percent_text(actual), "required_ratio": percent_text(required),
        "meets_ratio": actual is not None and required is not None and actual >= required,
        "levy": levy,
    }


def declaration_of(*, employer, business_year: int) -> AnnualDeclaration:
    """The unit's declaration of the year as pages show it: the stored one, or — for a year the
    unit has not started — an unsaved one that reads 未申报 (viewing a year never files it; the
    first write does, through services.declaration.declaration_open)."""
    found = AnnualDeclaration.objects.filter(employer=employer, business_year=business_year).first()
    if found is None:
        return AnnualDeclaration(employer=employer, business_year=business_year)
    found.employer = employer  # the caller's instance, with whatever it has loaded (its regions)
    return found


# --- 导入上一年申报名单 ------------------------------------------------------------------------------


def previous_declaration(declaration: AnnualDeclaration) -> AnnualDeclaration | None:
    return AnnualDeclaration.objects.filter(employer_id=declaration.employer_id,
                                            business_year=declaration.business_year - 1).first()


def importable_persons(declaration: AnnualDeclaration) -> QuerySet[PlacedPerson]:
    """Last year's persons not yet in this year's list."""
    previous = previous_declaration(declaration)
    if previous is None:
        return PlacedPerson.objects.none()
    present = set(declaration.person_rows().values_list("id_index", flat=True))
    return previous.persons.exclude(id_index__in=present).prefetch_related("certificates")


# --- the requests about a declaration ---------------------------------------------------------------------


def requests_of(declaration: AnnualDeclaration) -> dict:
    """年审申报撤回, 年审认证反馈 (this year's) and 单位注销安置登记 (the unit's), for the agent's page and API."""
    return {
        "withdrawals": WithdrawalRequest.objects.filter(declaration_id=declaration.pk).select_related("receipt"),
        "feedback": FeedbackRequest.objects.filter(declaration_id=declaration.pk).select_related("receipt")
        .prefetch_related("attachments"),
        "deregistrations": DeregistrationRequest.objects.filter(employer=declaration.employer_id)
        .select_related("receipt"),
    }


def withdrawal_open(declaration: AnnualDeclaration) -> bool:
    return WithdrawalRequest.objects.filter(declaration_id=declaration.pk, status=c.RequestStatus.SUBMITTED).exists()
