"""Reads of the reviewer console, scoped to the user asking (a row outside the region is a 404).
The queues' open items, their filters and search, and one object's history."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from placement import choices as c
from placement.models import (
    Certificate,
    Contract,
    DeregistrationRequest,
    MonthCheck,
    PlacedPerson,
    PlacementMonth,
    WithdrawalRequest,
)
from placement.selectors import persons_visible
from portal.crypto import matches
from portal.models import AuditEntry, Region
from portal.roles import ADMIN, FEDERATION
from portal.scoping import employer_scope_q

S = c.PersonStatus
R = c.ReviewState


def _scoped(qs: QuerySet, user, prefix: str) -> QuerySet:
    if user.role not in FEDERATION | ADMIN:
        return qs.none()
    return qs.filter(employer_scope_q(user, prefix=prefix))


# --- the queues' open items -------------------------------------------------------------------------


def persons_to_review(user) -> QuerySet[PlacedPerson]:
    """安置登记审核: persons 待审核 in the user's region."""
    return persons_visible(user).filter(status=S.PENDING_REVIEW)


def certificates_visible(user) -> QuerySet[Certificate]:
    return _scoped(Certificate.objects.filter(source=c.CertificateSource.MANUAL), user,
                   "person__declaration__employer__").select_related("person__declaration__employer", "image",
                                                                      "reviewed_by")


def certificates_to_review(user) -> QuerySet[Certificate]:
    """Manually added certificates of registered persons, waiting for a reviewer."""
    return certificates_visible(user).filter(review_state=R.PENDING, person__status=S.PENDING_REVIEW)


def dispatch_visible(user) -> QuerySet[Contract]:
    return _scoped(Contract.objects.filter(is_dispatch=True), user, "person__declaration__employer__") \
        .select_related("person__declaration__employer", "dispatch_agency", "attachment", "reviewed_by")


def dispatch_to_review(user) -> QuerySet[Contract]:
    """劳务派遣审核: dispatch agreements of registered persons, waiting for a reviewer."""
    return dispatch_visible(user).filter(review_state=R.PENDING, person__status=S.PENDING_REVIEW)


def withdrawals_visible(user) -> QuerySet[WithdrawalRequest]:
    """年审申报撤回 before certification (after it, the certification console's supervisors decide)."""
    return _scoped(WithdrawalRequest.objects.filter(after_certification=False), user, "declaration__employer__") \
        .select_related("declaration__employer", "submitted_by", "decided_by")


def withdrawals_to_decide(user) -> QuerySet[WithdrawalRequest]:
    return withdrawals_visible(user).filter(status=c.RequestStatus.SUBMITTED)


def deregistrations_visible(user) -> QuerySet[DeregistrationRequest]:
    return _scoped(DeregistrationRequest.objects.all(), user, "employer__") \
        .select_related("employer", "submitted_by", "decided_by", "signed_form")


def deregistrations_to_decide(user) -> QuerySet[DeregistrationRequest]:
    return deregistrations_visible(user).filter(status=c.RequestStatus.SUBMITTED)


def one(qs: QuerySet, pk: int):
    """The object if the scoped queryset holds it, else 404."""
    try:
        return qs.get(pk=pk)
    except qs.model.DoesNotExist:
        raise Http404("未找到该事项") from None


# --- filters, search, sorting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFields:
    """Where a queue's rows keep the things its filters ask about."""

    employer: str  # the path to the Employer, with a trailing "__"
    waiting_since: str
    person: str | None = None  # the path to the PlacedPerson ("" for persons themselves)
    year: str | None = None


def regions_below(user) -> list[Region]:
    """The regions a reviewer can filter by: their own and the ones directly below it."""
    if user.region_id is None:
        return list(Region.objects.filter(parent__isnull=True).order_by("code"))
    return [user.region, *Region.objects.filter(parent=user.region).order_by("code")]


def queue_filter(qs: QuerySet, params, fields: QueueFields) -> QuerySet:
    """地区, 业务年度, 单位 and the search box (unit name, credit code, a full ID number or a name)."""
    region_code = params.get("region", "").strip()
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        qs = qs.filter(**{f"{fields.employer}fed_region__path__startswith": region.path}) if region else qs.none()
    year = params.get("year", "").strip()
    if fields.year and year.isdigit():
        qs = qs.filter(**{fields.year: int(year)})
    unit = params.get("unit", "").strip()
    if unit.isdigit():
        qs = qs.filter(**{f"{fields.employer}pk": int(unit)})
    return queue_search(qs, params.get("q", ""), fields)


def queue_search(qs: QuerySet, term: str, fields: QueueFields) -> QuerySet:
    term = (term or "").strip()
    if not term:
        return qs
    unit = Q(**{f"{fields.employer}name__icontains": term}) | Q(**{f"{fields.employer}credit_code": term.upper()})
    if fields.person is None:
        return qs.filter(unit)
    if len(term) == 18 and term[:17].isdigit():  # a full ID number: exact, on the blind index
        return qs.filter(matches(f"{fields.person}id_index", term.upper()))
    return qs.filter(unit | Q(**{f"{fields.person}name__icontains": term}))


def failed_check_q(check: str, person_path: str = "") -> Q:
    """Persons with a selected month whose `check` failed or is unanswered."""
    flagged = MonthCheck.objects.filter(person=OuterRef(f"{person_path}pk"), item=check) \
        .exclude(outcome=c.Outcome.OK) \
        .filter(Exists(PlacementMonth.objects.filter(person=OuterRef("person"), month=OuterRef("month"),
                                                     selected=True)))
    return Q(Exists(flagged))


def sort_queue(qs: QuerySet, key: str, options: dict[str, tuple[str, ...]], default: str) -> tuple[QuerySet, str]:
    key = key if key in options else default
    return qs.order_by(*options[key]), key


def person_queue_rows(qs: QuerySet[PlacedPerson]) -> QuerySet[PlacedPerson]:
    """What each row of the person queue shows, in a fixed number of queries per page."""
    return qs.select_related("declaration__employer").prefetch_related(
        Prefetch("months", queryset=PlacementMonth.objects.filter(selected=True).only("person_id", "month"),
                 to_attr="selected_months"),
        Prefetch("checks", queryset=MonthCheck.objects.exclude(outcome=c.Outcome.OK)
                 .only("person_id", "month", "item"), to_attr="flagged_checks"),
    )


def flagged_labels(person: PlacedPerson) -> list[str]:
    """The checks that failed (or are unanswered) in a selected month, by the grid's column order."""
    selected = {pm.month for pm in person.selected_months}
    items = {row.item for row in person.flagged_checks if row.month in selected}
    return [check.label for check in c.Check if check in items]


# --- one object's history -------------------------------------------------------------------------------


def person_timeline(person: PlacedPerson) -> QuerySet[AuditEntry]:
    """The person's audit entries with those of their certificates and contracts, oldest first."""
    types = ContentType.objects.get_for_models(PlacedPerson, Certificate, Contract)
    q = Q(content_type=types[PlacedPerson], object_id=str(person.pk))
    q |= Q(content_type=types[Certificate], object_id__in=[str(pk) for pk in person.certificates.values_list(
        "pk", flat=True)])
    q |= Q(content_type=types[Contract], object_id__in=[str(pk) for pk in person.contracts.values_list(
        "pk", flat=True)])
    return AuditEntry.objects.filter(q).order_by("at", "id")


def month_decisions(person: PlacedPerson) -> dict[int, PlacementMonth]:
    return {pm.month: pm for pm in person.months.select_related("decided_by")}


