from django.conf import settings

from portal.access import session_refusal
from portal.navigation import menu_for
from portal.roles import ADMIN
from portal.units import unit_of
from portal.worker import open_outage


def frame(request):
    """What the layout needs on every page: the menu, who is signed in, unread notices."""
    user = getattr(request, "user", None)
    context = {"portal_name": "残疾人就业服务平台", "debug": settings.DEBUG}
    if user is None or not user.is_authenticated:
        return context
    if session_refusal(user):
        return context  # nothing behind the second factor (or the initial password) is shown before it
    from portal.notices import unread_count

    employer = unit_of(user)
    context.update(
        {
            "menu": menu_for(user, request.path),
            "unread_notices": unread_count(user),
            "header_unit": employer.name if employer else (user.region.full_name if user.region_id else "全国"),
            "header_user": user.display_name,
            "header_role": user.get_role_display(),
        }
    )
    if user.role in ADMIN:
        context["worker_outage"] = open_outage()
    return context
