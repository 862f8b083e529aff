"""Verification of a placed person's months (信息校验): queue it, ask the registries (through
placement.registry), decide the cells (placement.rules over placement.facts) and store them.

The results are upserted per person, month and check, in one transaction at the end, so a rerun
after a crash neither duplicates nor loses rows. Re-checks never touch a confirmed person or a month
a reviewer decided. Progress is kept on the person apart from its status."""

import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from psycopg2.extras import execute_values

from placement import choices as c
from placement import rules
from placement.facts import SOURCES, answer_of, contract_terms, facts_for
from placement.models import Certificate, MonthCheck, MonthCheckAnswer, PlacedPerson, PlacementMonth
from placement.registry import fetch_each
from placement.selectors.year import claims_of
from placement.services.evaluation import person_evaluate
from portal import reference
from portal.crypto import blind_indexes
from portal.feeds.calls import NOT_FOUND
from portal.jobs import enqueue_on_commit

S = c.PersonStatus
BATCH = 25  # persons per verification task: amortises queries over a unit's list


def verification_request(*, person: PlacedPerson) -> None:
    """Queue a verification of the person (after commit, so the worker sees the saved data)."""
    PlacedPerson.objects.filter(pk=person.pk).update(verification_state=c.VerificationState.QUEUED,
                                                     verification_done=0, verification_total=len(SOURCES),
                                                     verification_requested_at=timezone.now())
    pk = person.pk
    enqueue_on_commit("placement.tasks.person_verify_task", pk)


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
    certificates, to_save = list(person.certificates.all()), []
    if answers["certificates"] not in (None, NOT_FOUND):
        certificates, to_save = registry_certificates(person, answers["certificates"].certificates)
    cells = rules.evaluate(facts_for(person, answers, claims, certificates))
    return PersonResult(person, cells, answers, to_save, any(answers[name] is None for name in SOURCES))


def persons_verify(person_ids: list[int], *, count_progress: bool = False) -> None:
    """Verify every month of these persons (one task: the wizard's one person, or a batch of a
    declaration). Idempotent: confirmed persons and filed declarations are left alone; a month a
    reviewer decided is checked again (the cell says what the registry says now, its history and
    the decision's `decided_on` what it said before) but counts by the decision; cells are upserted per person, month and check, in one transaction at the end
    (a worker killed before it leaves nothing half-written)."""
    persons = list(
        PlacedPerson.objects.filter(pk__in=person_ids, declaration__status=c.DeclarationStatus.DRAFT)
        .exclude(status=S.CONFIRMED)
        .select_related("declaration__employer")
        .prefetch_related("certificates", "contracts__related_unit", "contracts__dispatch_agency", "contracts__si_payer",
                          "contracts__mi_payer", "contracts__wage_payer")
    )
    if not persons:
        return  # idempotent: nothing left to verify
    PlacedPerson.objects.filter(pk__in=[p.pk for p in persons]).update(
        verification_state=c.VerificationState.RUNNING, verification_done=0, verification_total=len(SOURCES),
        verification_started_at=timezone.now())
    claims = claims_of(persons)
    outcomes = [evaluate_person(person, answers, claims[person.pk])
                for person, answers in fetch_each(persons, count_progress=count_progress)]
    store_outcomes(outcomes)


def person_verify(person_id: int) -> PlacedPerson | None:
    """Verify one person (the wizard's step 2), with a progress bar that moves per source."""
    persons_verify([person_id], count_progress=True)
    return PlacedPerson.objects.filter(pk=person_id).first()


def store_outcomes(outcomes: list[PersonResult]) -> None:
    """Write the grids, the forced selections and the progress; then move on every completed
    registration that was waiting for the registries."""
    with transaction.atomic():
        statuses = dict(PlacedPerson.objects.select_for_update().filter(pk__in=[o.person.pk for o in outcomes])
                        .values_list("pk", "status"))
        now = timezone.now()
        rows, forced_q, forced_persons, finished, certificates = [], Q(), [], [], []
        for outcome in outcomes:
            person = outcome.person
            if statuses.get(person.pk, S.CONFIRMED) == S.CONFIRMED:
                continue  # confirmed (or deleted) while we were asking
            certificates += outcome.certificates_to_save
            year = person.declaration.business_year
            rows += [
                (person.pk, month, str(check), str(cell.outcome), cell.reason[:300],
                 answer_of(outcome.answers, year, month, check), now)
                for (month, check), cell in outcome.cells.items()
            ]
            forced = rules.forced_months(outcome.cells,
                                         dispatched=rules.is_dispatched(contract_terms(person.contracts.all())))
            if forced and statuses[person.pk] == S.INCOMPLETE:
                forced_q |= Q(person_id=person.pk, month__in=forced)
                forced_persons.append(person)
            person.verification_state = c.VerificationState.WAITING if outcome.silent else c.VerificationState.DONE
            finished.append(person)
        Certificate.objects.bulk_create([cert for cert in certificates if cert.pk is None])
        changed = [cert for cert in certificates if cert.pk is not None]
        if changed:
            Certificate.objects.bulk_update(changed, ["kind", "category", "grade", "valid_from", "valid_to"])
        if certificates:  # no signal from either (the 工作台 counts certificates)
            reference.changed(Certificate._meta.db_table)
        upsert_cells(rows)
        if forced_q:
            PlacementMonth.objects.filter(forced_q).update(selected=True)
            claims_refresh_many(forced_persons)  # the other unit sees these claims at once
        for state in (c.VerificationState.DONE, c.VerificationState.WAITING):
            pks = [person.pk for person in finished if person.verification_state == state]
            if pks:  # two plain UPDATEs: bulk_update's CASE per row costs more than the rows
                PlacedPerson.objects.filter(pk__in=pks).update(
                    verification_state=state, verification_done=len(SOURCES), verification_finished_at=now)
        for person in finished:
            if person.registered_at is not None and statuses[person.pk] == S.INCOMPLETE:
                person_evaluate(person=PlacedPerson.objects.select_related("declaration__employer").get(pk=person.pk))


def upsert_cells(rows: list[tuple]) -> None:
    """Write grid cells (person id, month, item, outcome, reason, answer dict, asked at); a cell
    already there is overwritten, never duplicated (the unique constraint per person, month and
    item), and every answer that differs from the cell's last one is kept in its history
    (MonthCheckAnswer). Plain SQL: building 84 model instances a person costs more than the feed
    calls."""
    if not rows:
        return
    _keep_history(rows)
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
            execute_values(cursor.cursor, sql, params, template="(%s, %s, %s, %s, %s, %s::jsonb, %s)", page_size=1000)
        else:
            cursor.executemany(sql, params)


def _keep_history(rows: list[tuple]) -> None:
    """Append the answers that are new or changed (one query for the cells as they are now)."""
    current = {
        (pk, month, item): (outcome, reason, answer)
        for pk, month, item, outcome, reason, answer in MonthCheck.objects.filter(
            person_id__in={row[0] for row in rows}).values_list("person_id", "month", "item", "outcome", "reason",
                                                                 "answer")
    }
    MonthCheckAnswer.objects.bulk_create([
        MonthCheckAnswer(person_id=pk, month=month, item=item, outcome=outcome, reason=reason, answer=answer,
                         asked_at=at)
        for pk, month, item, outcome, reason, answer, at in rows
        if current.get((pk, month, item)) != (outcome, reason, answer)
    ], batch_size=2000)


def claims_refresh(*, person: PlacedPerson) -> None:
    """After a selection changes, recompute the 无其他单位安置 column for this person and for the
    same person in other units' draft declarations of the year (both see ✗)."""
    claims_refresh_many([person])


def claims_refresh_many(persons: list[PlacedPerson]) -> None:
    """claims_refresh for many persons at once (a verification batch that selected passing months
    by itself): a fixed number of queries, so both units' columns agree as soon as either claim
    changes (issue 14: the other unit went stale when the selection was automatic)."""
    if not persons:
        return
    same_person = Q()
    for person in persons:
        same_person |= Q(id_index__in=blind_indexes(person.id_number),
                         declaration__business_year=person.declaration.business_year)
    same = list(PlacedPerson.objects.filter(same_person, declaration__status=c.DeclarationStatus.DRAFT)
                .exclude(status=S.CONFIRMED).select_related("declaration__employer"))
    claims = claims_of(same)
    decided = set(PlacementMonth.objects.filter(person__in=same)
                  .filter(review_state__in=(c.ReviewState.APPROVED, c.ReviewState.REJECTED))
                  .values_list("person_id", "month"))
    now = timezone.now()
    rows = []
    for other in same:
        for m in rules.MONTHS:
            if (other.pk, m) in decided:
                continue
            cell = rules.no_other_unit_cell(claims[other.pk].get(m))
            rows.append((other.pk, m, str(c.Check.NO_OTHER_UNIT), str(cell.outcome), cell.reason, {}, now))
    upsert_cells(rows)


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
