"""Reads of the reviewer console, scoped to the user asking (a row outside the region is a 404).
The queues' open items, their filters and search, and one object's history."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from placement import choices as c
from placement.models import (
    AnnualDeclaration,
    Certificate,
    Contract,
    DeregistrationRequest,
    MonthCheck,
    PlacedPerson,
    PlacementMonth,
    WithdrawalRequest,
)
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


def persons_in_scope(user) -> QuerySet[PlacedPerson]:
    """The persons of the declarations in the user's region, scoped with a subquery (the queue
    sorts thousands of them: one semi-join is cheaper than three joins per row)."""
    if user.role not in FEDERATION | ADMIN:
        return PlacedPerson.objects.none()
    declarations = AnnualDeclaration.objects.filter(employer_scope_q(user, prefix="employer__")).values("pk")
    return PlacedPerson.objects.filter(declaration__in=declarations)


def persons_to_review(user) -> QuerySet[PlacedPerson]:
    """安置登记审核: persons 待审核 in the user's region."""
    return persons_in_scope(user).filter(status=S.PENDING_REVIEW)


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
    person: str | None = None  # the path to the PlacedPerson ("" for persons themselves)
    year: str | None = None


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


def failed_check_q(check: str) -> Q:
    """Persons with a selected month whose `check` failed or is unanswered."""
    flagged = MonthCheck.objects.filter(person=OuterRef("pk"), item=check) \
        .exclude(outcome=c.Outcome.OK) \
        .filter(Exists(PlacementMonth.objects.filter(person=OuterRef("person"), month=OuterRef("month"),
                                                     selected=True)))
    return Q(Exists(flagged))


def sort_queue(qs: QuerySet, key: str, options: dict[str, tuple[str, ...]], default: str) -> tuple[QuerySet, str]:
    key = key if key in options else default
    return qs.order_by(*options[key]), key


def waited(delta) -> str:
    """How long an item has waited, in the coarse words a queue needs (3天5小时, 2小时10分钟)."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    return f"{hours}小时{minutes}分钟" if hours else f"{minutes}分钟"


def person_queue_rows(pks: list[int]) -> list[dict]:
    """What each row of the person queue shows, in the order of `pks`: three narrow queries for the
    page, whatever its size (plain values, not model instances: this is the reviewers' busiest page)."""
    from django.urls import reverse
    from django.utils import timezone

    from portal.templatetags.portal import mask_id

    people = {row[0]: row for row in PlacedPerson.objects.filter(pk__in=pks).values_list(
        "pk", "name", "id_number", "status", "registered_at", "declaration__business_year",
        "declaration__employer_id", "declaration__employer__name")}
    selected: dict[int, set[int]] = {}
    for person_id, month in PlacementMonth.objects.filter(person_id__in=pks, selected=True) \
            .values_list("person_id", "month"):
        selected.setdefault(person_id, set()).add(month)
    flagged: dict[int, set[str]] = {}
    for person_id, month, item in MonthCheck.objects.filter(person_id__in=pks).exclude(outcome=c.Outcome.OK) \
            .values_list("person_id", "month", "item"):
        if month in selected.get(person_id, ()):
            flagged.setdefault(person_id, set()).add(item)
    now = timezone.now()
    review_url = reverse("backoffice:person_review", args=[0]).removesuffix("0/")
    labels = {check.value: check.label for check in c.Check}
    statuses = dict(S.choices)
    rows = []
    for pk in pks:
        if pk not in people:
            continue  # deleted since the page was counted
        _pk, name, id_number, status, registered_at, year, unit_id, unit = people[pk]
        items = flagged.get(pk, set())
        rows.append({
            "pk": pk, "name": name, "masked_id": mask_id(id_number), "unit": unit, "unit_id": unit_id, "year": year,
            "months": len(selected.get(pk, ())), "flagged": "、".join(labels[k] for k in labels if k in items),
            "status": status, "status_label": statuses[status], "tone": c.PERSON_TONES[status],
            "url": f"{review_url}{pk}/", "registered_at": timezone.localtime(registered_at).strftime("%Y-%m-%d %H:%M"),
            "waited": waited(now - registered_at),
        })
    return rows


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


