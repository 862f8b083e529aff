"""What the employer's 首页 and 完成申报 pages show about a declaration: the progress steps, the
counters, the ratio against the region's, the 安置情况分析 chart and the filing window. Reads only."""

from fractions import Fraction

from django.utils import timezone

from levy.rules import percent_text, round_half_up
from placement import choices as c
from placement.declarations import filing_window_of
from placement.selectors import declaration_totals

D = c.DeclarationStatus

PROGRESS = ["按比例安置登记", "完成申报", "发送税务部门"]
CHART_HEIGHT = 120


def progress_steps(declaration) -> list[dict]:
    """按比例安置登记 → 完成申报 → 发送税务部门, each done / current / todo."""
    current = {D.DRAFT: 0, D.SUBMITTED: 1, D.CERTIFIED: 2, D.SENT_TO_TAX: 3}[declaration.status]
    return [{"label": label, "state": "done" if i < current else "current" if i == current else "todo"}
            for i, label in enumerate(PROGRESS)]


def required_ratio(declaration) -> Fraction | None:
    """The region's 规定比例 for the declaration's collection year, or None without a policy row."""
    from levy.selectors import PolicyMissing, policy_for

    try:
        return policy_for(declaration.employer.admin_region_id, declaration.business_year + 1).ratio
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
    return {"months": months, "peak": peak, "series": series, "width": 40 + 12 * 52, "axis_y": 10 + CHART_HEIGHT,
            "label_y": CHART_HEIGHT + 28}


def declaration_overview(declaration) -> dict:
    """The figures of the home page for one declaration."""
    totals = declaration_totals(declaration)
    window = filing_window_of(declaration)
    today = timezone.localdate()
    headcount = declaration.headcount
    actual = totals["disabled_count"] / headcount if headcount else None
    required = required_ratio(declaration)
    return {
        "declaration": declaration,
        "steps": progress_steps(declaration),
        "totals": totals,
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
    }
