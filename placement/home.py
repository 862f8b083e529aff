"""The employer's 首页 section for the annual declaration (registered with portal.home)."""

from employers.selectors import employer_of
from placement.selectors.declaration import declaration_of, declaration_overview, next_steps
from placement.services.declaration import headcount_prefill_request
from placement.years import selectable_years, selected_year
from portal.home import home_section


@home_section(10)
def declaration_section(request):
    """Progress, counters, ratio, 安置情况分析, the filing window and any return reason. Viewing a
    year never files it (a year not started reads 未申报), and the page never waits for a registry: a missing
    social-insurance headcount is asked for in the background."""
    employer = employer_of(request.user)
    if employer is None:
        return None
    declaration = declaration_of(employer=employer, business_year=selected_year(request))
    # the social-insurance headcount is asked for in the background as soon as the year is started,
    # so 首页 and 完成申报 show the same prefilled figure (issue 15)
    headcount_prefill_request(declaration=declaration)
    overview = declaration_overview(declaration)
    return {"template": "placement/home_section.html", "years": selectable_years(),
            "year": declaration.business_year, **overview, "next_steps": next_steps(declaration, overview)}
