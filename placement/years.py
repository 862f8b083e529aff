"""业务年度: the year whose months are declared. In 2026 units declare business year 2025."""

from django.utils import timezone


def current_business_year() -> int:
    return timezone.localdate().year - 1


def selectable_years() -> list[int]:
    current = current_business_year()
    return [current, current - 1, current - 2]


def selected_year(request) -> int:
    """The year chosen with the 业务年度 selector (?year=), remembered in the session."""
    raw = request.GET.get("year") or request.session.get("business_year")
    try:
        year = int(raw)
    except (TypeError, ValueError):
        year = current_business_year()
    if year not in selectable_years():
        year = current_business_year()
    if request.session.get("business_year") != year:
        request.session["business_year"] = year  # only on change: a session write on every page is a DB write
    return year
