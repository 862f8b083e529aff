"""Verification of a placed person's months against the registries (信息校验).

One call per source, person and year (six sources), made concurrently; transient failures are
retried here with backoff and jitter, and a source still silent after that leaves its checks
*pending* (the nightly sweep asks again). The results are upserted per person, month and check,
so a rerun after a crash neither duplicates nor loses rows. Re-checks never touch a confirmed
person or a month a reviewer decided. Progress is kept on the person apart from its status.
"""

import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

from levy.selectors import minimum_wage
from placement import choices as c
from placement import rules
from placement.models import MonthCheck, PlacedPerson, PlacementMonth
from portal.crypto import blind_indexes
from portal.feeds import FeedRejected, FeedUnavailable, RecordNotFound, get_feeds

log = logging.getLogger(__name__)
S = c.PersonStatus
SOURCES = ("social_insurance", "medical_insurance", "wages", "certificates", "civil_status", "pension")
SOURCE_LABELS = {
    "social_insurance": "社会保险系统", "medical_insurance": "医疗保险系统", "wages": "工资（个税）系统",
    "certificates": "残疾人证登记系统", "civil_status": "民政登记系统", "pension": "养老保险系统",
}
NOT_FOUND = object()  # the registry's real answer that it has no record: evidence, not an outage


def verification_request(*, person: PlacedPerson) -> None:
    """Queue a verification of the person (after commit, so the worker sees the saved data)."""
    from placement.tasks import person_verify_task

    PlacedPerson.objects.filter(pk=person.pk).update(verification_state=c.VerificationState.QUEUED,
                                                     verification_done=0, verification_total=len(SOURCES))
    transaction.on_commit(lambda: person_verify_task.delay(person.pk))


def call_with_retries(fn, *, attempts: int | None = None, backoff_s: float | None = None):
    """Call fn(); retry FeedUnavailable with exponential backoff and jitter. Returns the answer,
    NOT_FOUND for a registry without a record, or None when the source stayed silent."""
    attempts = attempts or settings.PLACEMENT_FEED_ATTEMPTS
    base = settings.PLACEMENT_FEED_BACKOFF_S if backoff_s is None else backoff_s
    for attempt in range(attempts):
        try:
            return fn()
        except RecordNotFound:
            return NOT_FOUND
        except FeedUnavailable:
            if attempt + 1 < attempts:
                time.sleep(base * (2**attempt) * (0.5 + random.random()))  # noqa: S311 (jitter, not security)
        except FeedRejected:
            log.warning("feed rejected the question; the check stays pending for staff to re-drive", exc_info=True)
            return None
    return None


def fetch(person_id: int, id_number: str, year: int) -> dict[str, object]:
    """Ask the six sources (concurrently unless PLACEMENT_FEED_THREADS is 1), counting progress."""
    feeds = get_feeds()
    calls = {name: (lambda name=name: getattr(feeds, name).person_year(id_number, year)) for name in SOURCES}
    threads = settings.PLACEMENT_FEED_THREADS

    def run(name):
        try:
            return name, call_with_retries(calls[name])
        finally:
            PlacedPerson.objects.filter(pk=person_id).update(verification_done=F("verification_done") + 1)
            if threads > 1:
                connections.close_all()  # this worker thread's own connection

    if threads <= 1:
        return dict(run(name) for name in SOURCES)
    with ThreadPoolExecutor(max_workers=min(threads, len(SOURCES))) as pool:
        return dict(pool.map(run, SOURCES))


def _months(answer, year: int, paid_entries) -> dict[int, rules.Month] | None:
    if answer is None:
        return None
    if answer is NOT_FOUND:
        return {}
    result = {}
    for m in rules.MONTHS:
        month = answer.month(year * 100 + m)
        result[m] = tuple(paid_entries(month))
    return result


def _si_entries(month):
    return (rules.Payment(e.unit.credit_code, e.unit.name, e.paid) for e in month.contributions)


def _mi_entries(month):
    return (rules.Payment(e.unit.credit_code, e.unit.name, e.paid) for e in month.coverages)


def _wage_entries(month):
    return (rules.Payment(p.unit.credit_code, p.unit.name, p.paid, p.wage) for p in month.payments)


def contract_terms(person: PlacedPerson) -> tuple[rules.ContractTerm, ...]:
    terms = []
    for contract in person.contracts.select_related("related_unit", "dispatch_agency"):
        payers = set()
        if contract.relation != c.Relation.SELF and contract.related_unit:
            payers.add(contract.related_unit.credit_code)
        if contract.is_dispatch and contract.dispatch_agency and contract.counts_here_stated:
            payers.add(contract.dispatch_agency.credit_code)
        terms.append(rules.ContractTerm(start=contract.start_date, end=contract.end_date,
                                        related=contract.relation != c.Relation.SELF, payers=frozenset(payers)))
    return tuple(terms)


def cert_periods(person: PlacedPerson) -> tuple[rules.CertPeriod, ...]:
    return tuple(
        rules.CertPeriod(kind=cert.kind, grade=cert.grade, valid_from=cert.valid_from, valid_to=cert.valid_to,
                         manual=cert.source == c.CertificateSource.MANUAL,
                         approved=cert.review_state == c.ReviewState.APPROVED)
        for cert in person.certificates.all()
    )


def other_claims(person: PlacedPerson) -> dict[int, tuple[str, ...]]:
    """Months of the same year another unit's declaration (in any state) has selected for the same
    person: both units see ✗ and the reviewer decides."""
    rows = (
        PlacementMonth.objects.filter(
            selected=True,
            person__id_index__in=blind_indexes(person.id_number),
            person__declaration__business_year=person.declaration.business_year,
        )
        .exclude(person__declaration__employer_id=person.declaration.employer_id)
        .values_list("month", "person__declaration__employer__name")
    )
    claims: dict[int, set[str]] = {}
    for month, name in rows:
        claims.setdefault(month, set()).add(name)
    return {m: tuple(sorted(names)) for m, names in claims.items()}


def facts_for(person: PlacedPerson, answers: dict) -> rules.Facts:
    year = person.declaration.business_year
    employer = person.declaration.employer
    civil, pension = answers["civil_status"], answers["pension"]
    retired_from = None
    if pension not in (None, NOT_FOUND) and pension.retired and pension.retirement_month:
        retired_from = divmod(pension.retirement_month, 100)
    return rules.Facts(
        year=year,
        unit_code=employer.credit_code,
        birth_date=person.birth_date,
        retirement_category=person.retirement_category,
        certificates=cert_periods(person),
        certificates_known=answers["certificates"] is not None,
        contracts=contract_terms(person),
        minimum_wage={m: minimum_wage(employer.admin_region_id, year, m) for m in rules.MONTHS},
        wages=_months(answers["wages"], year, _wage_entries),
        social_insurance=_months(answers["social_insurance"], year, _si_entries),
        medical_insurance=_months(answers["medical_insurance"], year, _mi_entries),
        retired_from=retired_from,
        pension_known=pension is not None,
        deceased_on=civil.death_date if civil not in (None, NOT_FOUND) and not civil.alive else None,
        civil_known=civil is not None,
        other_claims=other_claims(person),
    )


def _answer_of(answers: dict, year: int, month: int, check: str) -> dict:
    """What the feed said for this cell, kept beside the outcome ("what the feed said then")."""
    source = {c.Check.WAGE: "wages", c.Check.SOCIAL_INSURANCE: "social_insurance",
              c.Check.MEDICAL_INSURANCE: "medical_insurance"}.get(check)
    if source is None:
        return {}
    answer = answers.get(source)
    if answer is None:
        return {"status": "unavailable"}
    if answer is NOT_FOUND:
        return {"status": "not_found"}
    entries = {"wages": _wage_entries, "social_insurance": _si_entries, "medical_insurance": _mi_entries}[source]
    return {"entries": [{"payer": p.payer, "name": p.payer_name, "paid": p.paid,
                         **({"amount": str(p.amount)} if p.amount is not None else {})}
                        for p in entries(answer.month(year * 100 + month))]}


def store_cells(person: PlacedPerson, cells: dict, answers: dict) -> None:
    """Upsert the grid, skipping months a reviewer decided."""
    decided = set(person.months.exclude(decision="").values_list("month", flat=True))
    now = timezone.now()
    year = person.declaration.business_year
    rows = [
        MonthCheck(person=person, month=month, item=check, outcome=cell.outcome, reason=cell.reason[:300],
                   answer=_answer_of(answers, year, month, check), asked_at=now)
        for (month, check), cell in cells.items()
        if month not in decided
    ]
    MonthCheck.objects.bulk_create(rows, update_conflicts=True, unique_fields=["person", "month", "item"],
                                   update_fields=["outcome", "reason", "answer", "asked_at"])


def person_verify(person_id: int) -> PlacedPerson | None:
    """Verify every month of one person. Idempotent; a confirmed person is left alone."""
    person = PlacedPerson.objects.select_related("declaration__employer").filter(pk=person_id).first()
    if person is None or person.status == S.CONFIRMED or not person.declaration.is_draft:
        return person  # idempotent: deleted, confirmed or filed: nothing to re-check
    PlacedPerson.objects.filter(pk=person.pk).update(
        verification_state=c.VerificationState.RUNNING, verification_done=0, verification_total=len(SOURCES),
        verification_started_at=timezone.now())
    answers = fetch(person.pk, person.id_number, person.declaration.business_year)
    from placement.services import certificates_store_registry, person_evaluate

    with transaction.atomic():
        person = PlacedPerson.objects.select_for_update().select_related("declaration__employer").get(pk=person.pk)
        if person.status == S.CONFIRMED:
            return person  # confirmed while we were asking
        if answers["certificates"] not in (None, NOT_FOUND):
            certificates_store_registry(person=person, certificates=answers["certificates"].certificates)
        cells = rules.evaluate(facts_for(person, answers))
        store_cells(person, cells, answers)
        forced = rules.forced_months(cells, dispatched=any(ct.is_dispatch for ct in person.contracts.all()))
        if forced and person.status == S.INCOMPLETE:
            person.months.filter(month__in=forced).update(selected=True)
        silent = any(answers[name] is None for name in SOURCES)
        person.verification_state = c.VerificationState.WAITING if silent else c.VerificationState.DONE
        person.verification_finished_at = timezone.now()
        person.save(update_fields=["verification_state", "verification_finished_at"])
        person_evaluate(person=person)
    return person


def claims_refresh(*, person: PlacedPerson) -> None:
    """After a selection changes, recompute the 无其他单位安置 column for this person and for the
    same person in other units' draft declarations of the year (both see ✗)."""
    same = PlacedPerson.objects.filter(
        id_index__in=blind_indexes(person.id_number), declaration__business_year=person.declaration.business_year,
    ).exclude(status=S.CONFIRMED).select_related("declaration")
    now = timezone.now()
    for other in same:
        if not other.declaration.is_draft:
            continue
        claims = other_claims(other)
        decided = set(other.months.exclude(decision="").values_list("month", flat=True))
        rows = [
            MonthCheck(person=other, month=m, item=c.Check.NO_OTHER_UNIT,
                       outcome=c.Outcome.FAIL if claims.get(m) else c.Outcome.OK,
                       reason=f"该月已被其他单位（{'、'.join(claims[m])}）申报安置，由残联审核认定" if claims.get(m) else "",
                       asked_at=now)
            for m in rules.MONTHS if m not in decided
        ]
        MonthCheck.objects.bulk_create(rows, update_conflicts=True, unique_fields=["person", "month", "item"],
                                       update_fields=["outcome", "reason", "asked_at"])


def persons_to_sweep():
    """Persons with unanswered checks, in draft declarations, not confirmed (the nightly sweep)."""
    return (
        PlacedPerson.objects.filter(declaration__status=c.DeclarationStatus.DRAFT, checks__outcome=c.Outcome.PENDING)
        .exclude(status=S.CONFIRMED)
        .values_list("pk", flat=True)
        .distinct()
    )


class Prefill:
    """What the registries say about an ID number, for the wizard's first step."""

    def __init__(self, *, holder=None, certificates=(), name_on_record: str = "", message: str = ""):
        self.holder = holder
        self.certificates = tuple(certificates)
        self.name_on_record = name_on_record
        self.message = message

    @property
    def found(self) -> bool:
        return self.holder is not None

    def initial(self) -> dict:
        if not self.holder:
            return {}
        return {"name": self.holder.name, "hukou_region": self.holder.hukou_region,
                "hukou_address": self.holder.hukou_address}


def prefill_lookup(*, id_number: str, year: int, unit_region: str = "") -> Prefill:
    """Ask the certificate registry (holder, certificates) and social insurance (the name on
    record) about an ID number. A silent registry is no error: the agent types the data."""
    feeds = get_feeds()
    certs = call_with_retries(lambda: feeds.certificates.person_year(id_number, year), attempts=2)
    if certs is None:
        return Prefill(message="残疾人证登记系统暂时无法访问，请手动填写带*的内容，系统稍后会自动校验。")
    if certs is NOT_FOUND:
        return Prefill(message="残疾人证登记系统中没有该身份证号的持证记录，请手动填写并添加残疾证（需上传证件影像）。")
    si = call_with_retries(lambda: feeds.social_insurance.person_year(id_number, year), attempts=2)
    name_on_record = si.name_on_record if si not in (None, NOT_FOUND) else ""
    return Prefill(holder=certs.holder, certificates=certs.certificates, name_on_record=name_on_record)
