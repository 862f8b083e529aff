"""The employer's 首页 section for the annual declaration (registered with portal.home)."""

from employers.selectors import employer_of
from placement.selectors.declaration import declaration_of, declaration_overview
from placement.years import selectable_years, selected_year
from portal.home import home_section


@home_section(10)
def declaration_section(request):
    """Progress, counters, ratio, 安置情况分析, the filing window and any return reason. Viewing a
    year never files it (a year not started reads 未申报), and the page never waits for a registry."""
    employer = employer_of(request.user)
    if employer is None:
        return None
    declaration = declaration_of(employer=employer, business_year=selected_year(request))
    return {"template": "placement/home_section.html", "years": selectable_years(),
            "year": declaration.business_year, **declaration_overview(declaration)}
