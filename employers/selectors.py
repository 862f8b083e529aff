"""Reads about units, scoped to the user asking."""

from django.db.models import QuerySet
from django.http import Http404

from employers.models import Agent, Employer
from portal.scoping import employer_scope_q


def employer_of(user) -> Employer | None:
    """The unit an employer agent acts for (None for staff and removed agents)."""
    if not user.is_authenticated or not user.is_employer_agent:
        return None
    agent = getattr(user, "agent", None)
    if agent is None or agent.removed_at is not None:
        return None
    return agent.employer


def employer_for_agent(user) -> Employer:
    """The agent's unit, or 404: an agent without a unit has nothing to see."""
    employer = employer_of(user)
    if employer is None:
        raise Http404("未找到您所属的单位")
    return employer


def employers_visible(user) -> QuerySet[Employer]:
    """Employers the user may see: an agent their own unit, staff their region's."""
    qs = Employer.objects.select_related("admin_region", "fed_region", "tax_region")
    if user.is_employer_agent:
        employer = employer_of(user)
        return qs.filter(pk=employer.pk) if employer else qs.none()
    return qs.filter(employer_scope_q(user))


def agents_of(employer: Employer) -> QuerySet[Agent]:
    return Agent.objects.filter(employer=employer, removed_at__isnull=True).select_related("user")


def agent_is_registrant(user) -> bool:
    agent = getattr(user, "agent", None)
    return bool(agent and agent.is_registrant and agent.removed_at is None)


def related_units_of(employer: Employer):
    from employers.models import RelatedUnit

    return RelatedUnit.objects.filter(employer=employer).select_related("region", "evidence")


def enterprise_record(employer: Employer):
    """What the enterprise registry says of the unit's credit code (registered name, address), or
    None when it does not know the code or does not answer now (the page works without it)."""
    from portal.feeds import FeedError, get_feeds

    try:
        return get_feeds().enterprises.lookup(employer.credit_code)
    except FeedError:
        return None
