from django.shortcuts import render

from portal.access import roles_required
from portal.home import home_sections
from portal.notices import notice_rows
from portal.roles import EVERYONE
from portal.units import unit_of


@roles_required(EVERYONE)
def home_view(request):
    """首页: employers see their year at a glance, staff their queues. Each app contributes its
    section through portal.home (so the home page grows with the apps, not with ifs here)."""
    return render(
        request,
        "portal/home.html",
        {
            "employer": unit_of(request.user),
            "sections": home_sections(request),
            "latest_notices": notice_rows(request.user)[:6],
        },
    )
