"""Two reviewers deciding the same person at the same moment (issue 8): on PostgreSQL, two threads
with their own connections; the row lock makes one wait, so exactly one decision stands and the
other gets a Conflict naming it. SQLite has no row locks: the stale-write test in test_review.py
covers the same rule everywhere."""

import threading

import pytest
from django.db import connection, connections

from placement.models import PlacedPerson
from placement.services.review import MonthDecision, person_review_decide
from portal.exceptions import Conflict
from portal.models import AuditEntry, Notice
from tests import factories as f
from tests.conftest import skip_or_fail
from tests.placement.factories import pdf, registered_person

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_reviewers_at_once_one_decision_stands_and_the_other_sees_it(reference_data, registry, sh_unit,
                                                                        sh_agent):
    if connection.vendor != "postgresql":
        skip_or_fail("row locks need PostgreSQL (set DATABASE_URL); the stale-write test covers SQLite")
    from placement.services import evaluation
    from placement.services import wizard as services

    person = registered_person(sh_unit, sh_agent, "sh-gap")
    services.step1_complete(actor=sh_agent, person=person)  # autocommit: the eager verification runs now
    person = PlacedPerson.objects.get(pk=person.pk)
    services.months_select(actor=sh_agent, person=person, months=set(range(1, 13)))
    for item, months in evaluation.evidence_needed(person).items():
        services.evidence_add(actor=sh_agent, person=person, check=item, months=months, file=pdf())
    services.registration_complete(actor=sh_agent, person=person)
    reviewers = [f.UserFactory(reviewer=True, region=f.region("310000"), full_name=n) for n in ("甲审核员", "乙审核员")]
    decisions = [
        {m: MonthDecision(valid=True) for m in range(1, 13)},
        {m: MonthDecision(valid=m != 3, reason="该月已在其他单位安置" if m == 3 else "") for m in range(1, 13)},
    ]
    start = threading.Barrier(2)
    outcomes: list = [None, None]

    def decide(i):
        try:
            mine = PlacedPerson.objects.get(pk=person.pk)
            start.wait()
            outcomes[i] = person_review_decide(actor=reviewers[i], person=mine, decisions=decisions[i]).status
        except Conflict as error:
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    stood = [o for o in outcomes if isinstance(o, str)]
    assert len(conflicts) == 1 and len(stood) == 1, outcomes
    assert "审核，结果为" in conflicts[0].message
    assert PlacedPerson.objects.get(pk=person.pk).status == stood[0]
    assert AuditEntry.objects.filter(action="person.review").count() == 1
    assert Notice.objects.filter(kind=Notice.Kind.REVIEW, employer=sh_unit).count() == 1
