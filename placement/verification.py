"""Verification of a placed person's months against the registries (信息校验).

One call per source, person and year (six sources), made concurrently; transient failures are
retried here with backoff and jitter, and a source still silent after that leaves its checks
*pending* (the nightly sweep asks again). The results are upserted per person, month and check,
so a rerun after a crash neither duplicates nor loses rows. Re-checks never touch a confirmed
person or a month a reviewer decided. Progress is kept on the person apart from its status.
"""

import json
import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from levy.selectors import PolicyMissing, minimum_wage
from placement import choices as c
from placement import rules
from placement.models import Certificate, MonthCheck, PlacedPerson, PlacementMonth
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


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def feed_pool() -> ThreadPoolExecutor:
    """One pool of registry-calling threads per worker process, shared by its tasks: the threads
    (and their database connections) live as long as the process."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=settings.PLACEMENT_FEED_THREADS, thread_name_prefix="feeds")
        return _pool


def _in_pool_thread(fn, item):
    close_old_connections()  # respects CONN_MAX_AGE: a long-lived thread must not keep a dead link
    return fn(item)


def iter_in_threads(fn, items: list, threads: int):
    """Yield (index, fn(item)) as each finishes. The caller works on finished results while the
    pool keeps asking: a worker never leaves the registries' slots idle while it evaluates."""
    if threads <= 1 or len(items) <= 1:
        for index, item in enumerate(items):
            yield index, fn(item)
        return
    pool = feed_pool()
    futures = {pool.submit(_in_pool_thread, fn, item): index for index, item in enumerate(items)}
    try:
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        for future in futures:
            future.cancel()


def fetch_each(persons: list[PlacedPerson], *, count_progress: bool = False):
    """Ask the six sources about every person; yield (person, {source: answer}) as soon as a
    person's six answers are in. Calls run PLACEMENT_FEED_THREADS at a time (the registries' own
    limit queues the rest). With `count_progress` each answer moves the person's progress bar
    (the wizard's single person)."""
    feeds = get_feeds()
    questions = [(p, name) for p in persons for name in SOURCES]

    def ask(question):
        person, name = question
        answer = call_with_retries(
            lambda: getattr(feeds, name).person_year(person.id_number, person.declaration.business_year))
        if count_progress:
            PlacedPerson.objects.filter(pk=person.pk).update(verification_done=F("verification_done") + 1)
        return answer

    answers: dict[int, dict[str, object]] = {p.pk: {} for p in persons}
    for index, answer in iter_in_threads(ask, questions, settings.PLACEMENT_FEED_THREADS):
        person, name = questions[index]
        answers[person.pk][name] = answer
        if len(answers[person.pk]) == len(SOURCES):
            yield person, answers.pop(person.pk)


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
    for contract in person.contracts.all():
        payers = set()
        if contract.relation != c.Relation.SELF and contract.related_unit:
            payers.add(contract.related_unit.credit_code)
        if contract.is_dispatch and contract.dispatch_agency and contract.counts_here_stated:
            payers.add(contract.dispatch_agency.credit_code)
        terms.append(rules.ContractTerm(start=contract.start_date, end=contract.end_date,
                                        related=contract.relation != c.Relation.SELF, payers=frozenset(payers)))
    return tuple(terms)


def cert_periods(person: PlacedPerson, certificates=None) -> tuple[rules.CertPeriod, ...]:
    return tuple(
        rules.CertPeriod(kind=cert.kind, grade=cert.grade, valid_from=cert.valid_from, valid_to=cert.valid_to,
                         manual=cert.source == c.CertificateSource.MANUAL,
                         approved=cert.review_state == c.ReviewState.APPROVED)
        for cert in (certificates if certificates is not None else person.certificates.all())
    )


def other_claims_many(persons: list[PlacedPerson]) -> dict[int, dict[int, tuple[str, ...]]]:
    """For each person, the months of the same year another unit's declaration (in any state) has
    selected for the same person: both units see ✗ and the reviewer decides. One query."""
    index_of: dict[str, list[PlacedPerson]] = {}
    for person in persons:
        for index in blind_indexes(person.id_number):
            index_of.setdefault(index, []).append(person)
    rows = PlacementMonth.objects.filter(selected=True, person__id_index__in=list(index_of)).values_list(
        "month", "person__id_index", "person__declaration__business_year", "person__declaration__employer_id",
        "person__declaration__employer__name")
    claims: dict[int, dict[int, set[str]]] = {p.pk: {} for p in persons}
    for month, index, year, employer_id, name in rows:
        for person in index_of.get(index, ()):
            if person.declaration.business_year == year and person.declaration.employer_id != employer_id:
                claims[person.pk].setdefault(month, set()).add(name)
    return {pk: {m: tuple(sorted(names)) for m, names in months.items()} for pk, months in claims.items()}


def other_claims(person: PlacedPerson) -> dict[int, tuple[str, ...]]:
    return other_claims_many([person])[person.pk]


_WAGE_CACHE: dict[tuple[str, int], tuple[float, dict]] = {}
_WAGE_CACHE_SECONDS = 60.0


def minimum_wages(region_code: str, year: int) -> dict[int, object]:
    """The twelve monthly minimum wages of a region and year. Every person of a unit shares them,
    so a worker asks the policy table once a minute, not twelve times a person (an administrator's
    edit takes effect within that minute)."""
    key = (region_code, year)
    now = time.monotonic()
    cached = _WAGE_CACHE.get(key)
    if cached and now - cached[0] < _WAGE_CACHE_SECONDS:
        return cached[1]
    wages = {}
    for m in rules.MONTHS:
        try:
            wages[m] = minimum_wage(region_code, year, m)
        except PolicyMissing:
            wages[m] = None  # the wage check waits for an administrator to fill the policy table
    _WAGE_CACHE[key] = (now, wages)
    return wages


def facts_for(person: PlacedPerson, answers: dict, claims: dict | None = None, certificates=None) -> rules.Facts:
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
        certificates=cert_periods(person, certificates),
        certificates_known=answers["certificates"] is not None,
        contracts=contract_terms(person),
        minimum_wage=minimum_wages(employer.admin_region_id, year),
        wages=_months(answers["wages"], year, _wage_entries),
        social_insurance=_months(answers["social_insurance"], year, _si_entries),
        medical_insurance=_months(answers["medical_insurance"], year, _mi_entries),
        retired_from=retired_from,
        pension_known=pension is not None,
        deceased_on=civil.death_date if civil not in (None, NOT_FOUND) and not civil.alive else None,
        civil_known=civil is not None,
        other_claims=claims if claims is not None else other_claims(person),
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
    # who paid (credit code), whether, and how much: the reason text names the units
    return {"entries": [[p.payer, p.paid, str(p.amount) if p.amount is not None else None]
                        for p in entries(answer.month(year * 100 + month))]}


def upsert_cells(rows: list[tuple]) -> None:
    """Write grid cells (person id, month, item, outcome, reason, answer dict, asked at); a cell
    already there is overwritten, never duplicated (the unique constraint per person, month and
    item). Plain SQL: building 84 model instances a person costs more than the feed calls."""
    if not rows:
        return
    table = connection.ops.quote_name(MonthCheck._meta.db_table)
    postgres = connection.vendor == "postgresql"
    values = "%s" if postgres else "(%s, %s, %s, %s, %s, %s, %s)"
    sql = (
        f"INSERT INTO {table} (person_id, month, item, outcome, reason, answer, asked_at) VALUES {values} "
        "ON CONFLICT (person_id, month, item) DO UPDATE SET outcome = excluded.outcome, "
        "reason = excluded.reason, answer = excluded.answer, asked_at = excluded.asked_at"
    )
    adapted: dict = {}
    params = [
        (pk, month, item, outcome, reason, json.dumps(answer, ensure_ascii=False),
         adapted.setdefault(at, connection.ops.adapt_datetimefield_value(at)))
        for pk, month, item, outcome, reason, answer, at in rows
    ]
    with connection.cursor() as cursor:
        if postgres:
            # one multi-row statement per page (psycopg2's executemany is a round trip per row)
            from psycopg2.extras import execute_values

            execute_values(cursor.cursor, sql, params, template="(%s, %s, %s, %s, %s, %s::jsonb, %s)", page_size=1000)
        else:
            cursor.executemany(sql, params)


def registry_certificates(person: PlacedPerson, found) -> tuple[list[Certificate], list[Certificate]]:
    """The person's certificates with the registry's applied (matched by number, in memory: they
    are prefetched), and those of them to save."""
    current = list(person.certificates.all())
    by_number = {cert.number: cert for cert in current}
    changed = []
    for cert in found:
        mine = by_number.get(cert.number)
        if mine is None:
            mine = Certificate(person=person, number=cert.number, source=c.CertificateSource.REGISTRY)
            current.append(mine)
        values = (cert.kind, cert.category, cert.grade, cert.valid_from, cert.valid_to)
        if mine.pk is None or (mine.kind, mine.category, mine.grade, mine.valid_from, mine.valid_to) != values:
            mine.kind, mine.category, mine.grade, mine.valid_from, mine.valid_to = values
            changed.append(mine)
    return current, changed


def sync_registry_certificates(person: PlacedPerson, found) -> list[Certificate]:
    """Keep the registry's certificates on the person and return all of the person's."""
    current, changed = registry_certificates(person, found)
    for cert in changed:
        cert.save()
    return current


BATCH = 25  # persons per verification task: amortises queries over a unit's list


@dataclass
class PersonResult:
    """What one person's verification will write."""

    person: PlacedPerson
    cells: dict
    answers: dict
    certificates_to_save: list
    silent: bool


def evaluate_person(person: PlacedPerson, answers: dict, claims: dict) -> PersonResult:
    """The grid of one person from the registries' answers (no writes)."""
    certificates, to_save = None, []
    if answers["certificates"] not in (None, NOT_FOUND):
        certificates, to_save = registry_certificates(person, answers["certificates"].certificates)
    cells = rules.evaluate(facts_for(person, answers, claims, certificates))
    return PersonResult(person, cells, answers, to_save, any(answers[name] is None for name in SOURCES))


def persons_verify(person_ids: list[int], *, count_progress: bool = False) -> None:
    """Verify every month of these persons (one task: the wizard's one person, or a batch of a
    declaration). Idempotent: confirmed persons, filed declarations and months a reviewer decided
    are left alone; cells are upserted per person, month and check, in one transaction at the end
    (a worker killed before it leaves nothing half-written)."""
    persons = list(
        PlacedPerson.objects.filter(pk__in=person_ids, declaration__status=c.DeclarationStatus.DRAFT)
        .exclude(status=S.CONFIRMED)
        .select_related("declaration__employer")
        .prefetch_related("certificates", "contracts__related_unit", "contracts__dispatch_agency")
    )
    if not persons:
        return  # idempotent: nothing left to verify
    PlacedPerson.objects.filter(pk__in=[p.pk for p in persons]).update(
        verification_state=c.VerificationState.RUNNING, verification_done=0, verification_total=len(SOURCES),
        verification_started_at=timezone.now())
    claims = other_claims_many(persons)
    outcomes = [evaluate_person(person, answers, claims[person.pk])
                for person, answers in fetch_each(persons, count_progress=count_progress)]
    store_outcomes(outcomes)


def store_outcomes(outcomes: list[PersonResult]) -> None:
    from placement.services import person_evaluate

    with transaction.atomic():
        statuses = dict(PlacedPerson.objects.select_for_update().filter(pk__in=[o.person.pk for o in outcomes])
                        .values_list("pk", "status"))
        decided = set(PlacementMonth.objects.filter(person__in=[o.person for o in outcomes]).exclude(decision="")
                      .values_list("person_id", "month"))
        now = timezone.now()
        rows, forced_q, finished, certificates = [], Q(), [], []
        for outcome in outcomes:
            person = outcome.person
            if statuses.get(person.pk, S.CONFIRMED) == S.CONFIRMED:
                continue  # confirmed (or deleted) while we were asking
            certificates += outcome.certificates_to_save
            year = person.declaration.business_year
            rows += [
                (person.pk, month, str(check), str(cell.outcome), cell.reason[:300],
                 _answer_of(outcome.answers, year, month, check), now)
                for (month, check), cell in outcome.cells.items()
                if (person.pk, month) not in decided
            ]
            forced = rules.forced_months(outcome.cells,
                                         dispatched=any(ct.is_dispatch for ct in person.contracts.all()))
            if forced and statuses[person.pk] == S.INCOMPLETE:
                forced_q |= Q(person_id=person.pk, month__in=forced)
            person.verification_state = c.VerificationState.WAITING if outcome.silent else c.VerificationState.DONE
            person.verification_done, person.verification_finished_at = len(SOURCES), now
            finished.append(person)
        Certificate.objects.bulk_create([cert for cert in certificates if cert.pk is None])
        changed = [cert for cert in certificates if cert.pk is not None]
        if changed:
            Certificate.objects.bulk_update(changed, ["kind", "category", "grade", "valid_from", "valid_to"])
        upsert_cells(rows)
        if forced_q:
            PlacementMonth.objects.filter(forced_q).update(selected=True)
        for state in (c.VerificationState.DONE, c.VerificationState.WAITING):
            pks = [person.pk for person in finished if person.verification_state == state]
            if pks:  # two plain UPDATEs: bulk_update's CASE per row costs more than the rows
                PlacedPerson.objects.filter(pk__in=pks).update(
                    verification_state=state, verification_done=len(SOURCES), verification_finished_at=now)
        for person in finished:
            if person.registered_at is not None and statuses[person.pk] == S.INCOMPLETE:
                person_evaluate(person=PlacedPerson.objects.get(pk=person.pk))


def person_verify(person_id: int) -> PlacedPerson | None:
    """Verify one person (the wizard's step 2), with a progress bar that moves per source."""
    persons_verify([person_id], count_progress=True)
    return PlacedPerson.objects.filter(pk=person_id).first()


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


def batches(ids, size: int = BATCH) -> list[list[int]]:
    ids = list(ids)
    return [ids[i : i + size] for i in range(0, len(ids), size)]


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
