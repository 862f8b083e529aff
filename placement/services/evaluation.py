"""Whether a registered person can be confirmed by the system or must wait for a reviewer, and
what material the agent still has to upload: asked by the wizard when the agent completes a
registration and by the verification when the registries answer later."""

from placement import choices as c
from placement import predicates as p
from placement import rules
from placement.models import Evidence, MonthCheck, PlacedPerson
from placement.selectors.year import person_year
from portal.reviewable import review_request
from portal.workflow import transition_apply

S = c.PersonStatus


def evidence_needed(person: PlacedPerson) -> dict[str, list[int]]:
    """{check: [months]}: every failed or unanswered check of a selected month needs material."""
    selected = set(person.months.filter(selected=True).values_list("month", flat=True))
    needed: dict[str, list[int]] = {}
    for row in MonthCheck.objects.filter(person=person, month__in=selected).exclude(outcome=c.Outcome.OK):
        needed.setdefault(row.item, []).append(row.month)
    for found in needed.values():
        found.sort()
    return needed


def evidence_missing(person: PlacedPerson) -> dict[str, list[int]]:
    have = set(Evidence.objects.filter(person=person).values_list("item", "month"))
    year = person.declaration.business_year
    manual = [cert for cert in person.certificates.all() if cert.source == c.CertificateSource.MANUAL and cert.image_id]
    missing = {}
    for check, months in evidence_needed(person).items():
        if check == c.Check.CERTIFICATE:
            # a manually added certificate's image is its own material
            months = [m for m in months if not any(rules.covers(cert.valid_from, cert.valid_to, year, m)
                                                   for cert in manual)]
        rest = [m for m in months if (check, m) not in have]
        if rest:
            missing[check] = rest
    return missing


def review_needed(person: PlacedPerson) -> bool:
    """A selected month that failed or is unanswered, a manual certificate or a dispatch agreement
    awaiting review: a reviewer must look."""
    return p.items_awaiting_review(person) or bool(evidence_needed(person))


def person_evaluate(*, person: PlacedPerson, actor=None) -> PlacedPerson:
    """Move a completed registration on: to review (its declared months then wait for a decision)
    or confirmed by the system. Idempotent: a person not waiting for this does not change. Called
    after completion and after every verification."""
    if person.status != S.INCOMPLETE or person.registered_at is None:
        return person  # idempotent: not a completed registration waiting for a decision
    if review_needed(person):
        for month in person.months.filter(selected=True):
            review_request(item=month, actor=actor)
        return transition_apply(person, "send_to_review", actor=actor)
    if person_year(person, with_claims=False).pending_months():
        return person  # waiting for the feeds; the nightly re-check will call this again
    return transition_apply(person, "confirm_by_system", actor=actor)
