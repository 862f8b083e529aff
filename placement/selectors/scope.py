"""Who sees which placement rows: the unit's own agents their unit's, federation staff by the
unit's 残联主管部门, tax staff by its 税务主管部门 (declarations and hand-offs only), administrators
all, union staff none (the placement year is not theirs). A row outside the scope is a 404."""

from django.db.models import Q, QuerySet
from django.http import Http404

from employers.selectors import employer_of
from placement.models import AnnualDeclaration, PlacedPerson, TaxDelivery
from portal.crypto import matches
from portal.roles import ADMIN, FEDERATION, TAX
from portal.scoping import employer_scope_q


def scoped(qs: QuerySet, user, employer_path: str, *, roles=FEDERATION | ADMIN) -> QuerySet:
    """The one scope rule of the placement app: `employer_path` leads from the rows to their unit
    ("declaration__employer"); `roles` are the staff roles whose work the rows are."""
    if user.is_employer_agent:
        employer = employer_of(user)
        return qs.filter(**{employer_path: employer}) if employer else qs.none()
    if user.role in roles:
        return qs.filter(employer_scope_q(user, prefix=f"{employer_path}__"))
    return qs.none()


def one(qs: QuerySet, pk, message: str = "未找到该事项"):
    """The object if the scoped queryset holds it, else 404."""
    try:
        return qs.get(pk=pk)
    except qs.model.DoesNotExist:
        raise Http404(message) from None


def declarations_visible(user) -> QuerySet[AnnualDeclaration]:
    return scoped(AnnualDeclaration.objects.select_related("employer"), user, "employer",
                  roles=FEDERATION | TAX | ADMIN)


def declaration_for(user, pk: int) -> AnnualDeclaration:
    return one(declarations_visible(user), pk, "未找到该年审申报")


def persons_visible(user) -> QuerySet[PlacedPerson]:
    # the unit's 残联主管部门 with it: a reviewer's page checks the scope again in memory (portal.predicates)
    return scoped(PlacedPerson.objects.select_related("declaration__employer__fed_region"), user,
                  "declaration__employer")


def person_for(user, pk: int) -> PlacedPerson:
    return one(persons_visible(user), pk, "未找到该安置人员")


def deliveries_visible(user) -> QuerySet[TaxDelivery]:
    """Hand-offs to tax: federation staff (who send) and tax staff (who receive) in scope."""
    if user.is_employer_agent:
        return TaxDelivery.objects.none()
    qs = TaxDelivery.objects.select_related("declaration__employer__tax_region", "declaration__employer__fed_region",
                                            "certificate", "queued_by",
                                            "acknowledged_by")
    return scoped(qs, user, "declaration__employer", roles=FEDERATION | TAX | ADMIN)


def person_search(qs: QuerySet, term: str, *, person_path: str = "") -> QuerySet:
    """By the full ID number (exact, on the blind index) or by name; no partial-number search."""
    term = (term or "").strip()
    if not term:
        return qs
    if len(term) == 18 and term[:17].isdigit():
        return qs.filter(matches(f"{person_path}id_index", term.upper()))
    return qs.filter(**{f"{person_path}name__icontains": term})


def unit_q(term: str, employer_path: str) -> Q:
    """Rows whose unit's name or credit code contains the term (a tax officer types part of the
    code off a form more often than all eighteen characters: issue 15, 20). A credit code is the
    unit's public identifier, not personal data: searching by part of it exposes nothing."""
    term = (term or "").strip()
    return Q(**{f"{employer_path}__name__icontains": term}) \
        | Q(**{f"{employer_path}__credit_code__contains": term.upper()})
