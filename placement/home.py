"""The employer's 首页 section for the annual declaration (registered with portal.home)."""

from employers.selectors import employer_of
from placement.overview import declaration_overview
from placement.years import selectable_years, selected_year
from portal.home import home_section


@home_section(10)
def declaration_section(request):
    """Progress, counters, ratio, 安置情况分析, the filing window and any return reason."""
    employer = employer_of(request.user)
    if employer is None:
        return None
    from placement import services

    # the headcount is fetched from the feed on the 完成申报 / 在职职工人数 pages, not here: the home
    # page must not wait for a registry
    declaration = services.declaration_open(employer=employer, business_year=selected_year(request))
    return {"template": "placement/home_section.html", "years": selectable_years(),
            "year": declaration.business_year, **declaration_overview(declaration)}
