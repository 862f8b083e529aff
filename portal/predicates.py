"""Predicates every app's rules are built from: who the actor is, whether an object's unit lies in
their region, and the four-eyes rule. Each carries the sentence a refused user reads (see
portal.workflow.guard). Apps combine them in their own `predicates.py`."""

from portal.guards import guard
from portal.roles import ADMIN, EMPLOYER, FEDERATION, SUPERVISOR, TAX, UNION


def _role(user) -> str | None:
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


@guard("只有系统可以办理此事项")
def is_system(user, obj=None) -> bool:
    """Tasks and the registries act without a user."""
    return user is None


@guard("只有残联审核人员可以办理")
def is_federation_staff(user, obj=None) -> bool:
    return _role(user) in FEDERATION | ADMIN


@guard("须由残联业务主管办理，请联系业务主管")
def is_supervisor(user, obj=None) -> bool:
    return _role(user) in SUPERVISOR | ADMIN


@guard("只有税务人员可以办理")
def is_tax_officer(user, obj=None) -> bool:
    return _role(user) in TAX | ADMIN


@guard("只有职保会工作人员可以办理")
def is_union_staff(user, obj=None) -> bool:
    return _role(user) in UNION | ADMIN


@guard("只有用人单位经办人可以办理")
def is_employer_agent(user, obj=None) -> bool:
    return _role(user) in EMPLOYER


def region_contains(user, region) -> bool:
    """Staff see their region and everything below it; administrators everything."""
    if _role(user) in ADMIN:
        return True
    if region is None or getattr(user, "region_id", None) is None:
        return False
    return region.path.startswith(user.region.path)


def union_contains(user, union_district: str) -> bool:
    """Union staff see the units of their own 区局工会 (portal.unions); administrators all."""
    if _role(user) in ADMIN:
        return True
    return bool(union_district) and union_district == getattr(user, "union_district", "")


def employer_in_scope(user, employer) -> bool:
    """The same rule as portal.scoping.employer_scope_q, for one object in memory: federation staff
    by 残联主管部门, tax staff by 税务主管部门, union staff by 所属区局工会, administrators all units."""
    role = _role(user)
    if role in FEDERATION:
        return region_contains(user, employer.fed_region)
    if role in TAX:
        return region_contains(user, employer.tax_region)
    if role in UNION:
        return union_contains(user, employer.union_district)
    return role in ADMIN


def different_person(user, other_id) -> bool:
    """The four-eyes rule: the same person never takes both steps."""
    return other_id is None or getattr(user, "pk", None) != other_id
