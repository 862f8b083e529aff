"""Reads for the staff pages over the mock registries (administrators only; no scoping beyond the
role: these are synthetic records, not people's data)."""

from collections import defaultdict

from django.db.models import Count, Q, QuerySet

from portal.feeds.models import IntakeSubmission, MonthRecord, RegistryPerson, RegistryUnit, UnitHeadcount
from portal.feeds.types import months_of
from portal.identity import normalize

PERSON_KINDS = {
    "disabled": ("持残疾证", Q(certificate_count__gt=0)),
    "retired": ("已退休", Q(retired=True)),
    "deceased": ("已死亡", Q(death_date__isnull=False)),
    "no_si": ("社保无记录", Q(si_name="")),
}


def person_search(*, q: str = "", kind: str = "") -> QuerySet[RegistryPerson]:
    """By full ID number (exact) or by name (either registry's spelling); there is no partial
    number search (ARCHITECTURE.md: identity)."""
    qs = RegistryPerson.objects.annotate(certificate_count=Count("certificates")).order_by("id")
    q = q.strip()
    if q:
        number = normalize(q)
        qs = qs.filter(id_number=number) if len(number) == 18 and number[:17].isdigit() else \
            qs.filter(Q(name__icontains=q) | Q(si_name__icontains=q))
    if kind in PERSON_KINDS:
        qs = qs.filter(PERSON_KINDS[kind][1])
    return qs


def person_year_months(*, person: RegistryPerson, year: int) -> list[dict]:
    """Twelve rows, one a month, each with the month's records (one per paying unit)."""
    records = defaultdict(list)
    for record in MonthRecord.objects.filter(person=person, month__in=months_of(year)).select_related("unit"):
        records[record.month].append(record)
    return [{"month": m, "records": records[m]} for m in months_of(year)]


def person_years(*, person: RegistryPerson) -> list[int]:
    months = MonthRecord.objects.filter(person=person).values_list("month", flat=True).distinct()
    return sorted({m // 100 for m in months})


def unit_search(*, q: str = "") -> QuerySet[RegistryUnit]:
    qs = RegistryUnit.objects.annotate(retiree_count=Count("retirees")).order_by("id")
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code=normalize(q)) | Q(si_number=q))
    return qs


def unit_year_headcounts(*, unit: RegistryUnit, year: int) -> dict[int, UnitHeadcount]:
    return {h.month: h for h in UnitHeadcount.objects.filter(unit=unit, month__in=months_of(year))}


def intake_search(*, q: str = "") -> QuerySet[IntakeSubmission]:
    qs = IntakeSubmission.objects.order_by("-received_at", "-id")
    q = q.strip()
    if q:
        qs = qs.filter(Q(reference__icontains=q) | Q(unit_name__icontains=q) | Q(credit_code=normalize(q)))
    return qs
