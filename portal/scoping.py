"""Region scoping: staff see what lies in their region or below it, nothing beside it. Selectors
call these helpers; views never filter by region themselves."""

from django.db.models import Q

from portal import reference
from portal.roles import ADMIN, FEDERATION, TAX, UNION


def region_q(user, field: str) -> Q:
    """A filter keeping rows whose `field` (a Region foreign key path) lies in the user's region.

    Administrators see everything; a staff member without a region sees nothing."""
    if user.role in ADMIN:
        return Q()
    if user.region_id is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__path__startswith": user.region.path})


def codes_enclosing(region) -> list[str]:
    """The codes of `region` and every region above it: its path lists them from the province
    down, so a filter by code needs no join of the region table (issue 20)."""
    return region.path.strip("/").split("/")


def codes_within(region) -> list[str]:
    """The codes of `region` and every region below it, from the shared cache (the region table
    hardly changes, and a write to it clears the entry): a filter by code needs no join of the
    region table (issue 20: every staff page's unread count joined it to compare paths)."""
    from portal.models import Region

    return reference.cached("region", f"within:{region.code}", lambda: list(
        Region.objects.filter(path__startswith=region.path).values_list("code", flat=True)))


def union_q(user, field: str) -> Q:
    """A filter keeping rows whose `field` (a 所属区局工会 value) is the union staff member's own
    区局工会 (portal.unions). A union staff member without one sees nothing."""
    if not getattr(user, "union_district", ""):
        return Q(pk__in=[])
    return Q(**{field: user.union_district})


def employer_scope_q(user, prefix: str = "") -> Q:
    """Which employers a staff member may see: federation staff by 残联主管部门, tax staff by
    税务主管部门, union staff by 所属区局工会, administrators all."""
    if user.role in FEDERATION:
        return region_q(user, f"{prefix}fed_region")
    if user.role in TAX:
        return region_q(user, f"{prefix}tax_region")
    if user.role in UNION:
        return union_q(user, f"{prefix}union_district")
    if user.role in ADMIN:
        return Q()
    return Q(pk__in=[])


def filter_regions(user) -> list:
    """The regions a staff member's lists can be filtered by: their own and the ones directly
    below it; administrators (and staff without a region) the provinces."""
    from portal.models import Region

    if user.role in ADMIN or user.region_id is None:
        return reference.cached("region", "provinces", lambda: list(Region.objects.filter(parent__isnull=True)))
    return [user.region, *reference.cached("region", f"children:{user.region_id}",
                                           lambda: list(Region.objects.filter(parent=user.region_id)))]
