"""Two browser tabs pressing 完成申报 at the same moment (issue 7, TARGETS.md reliability): on
PostgreSQL, two threads with their own connections; the row lock makes one wait, so there is
exactly one submission and one receipt, and the other tab is told the declaration is already
submitted. (SQLite has no row locks: test_declarations.py covers the stale-write guard there.)"""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections

from placement.models import AnnualDeclaration
from placement.services import declaration as declarations
from portal.exceptions import Conflict
from portal.models import AuditEntry, Receipt
from tests import factories as f
from tests.conftest import skip_or_fail
from tests.placement.factories import DeclarationFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)
IN_WINDOW = datetime.datetime(2026, 5, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@time_machine.travel(IN_WINDOW)
def test_two_tabs_at_the_same_moment_make_one_submission(reference_data):
    if connection.vendor != "postgresql":
        skip_or_fail("row locks need PostgreSQL (set DATABASE_URL)")
    unit = f.EmployerFactory(admin_region=f.region("310104"))
    owner = f.AgentFactory(employer=unit).user
    declaration = DeclarationFactory(employer=unit, headcount_confirmed=True)
    PersonFactory.create_batch(2, declaration=declaration, confirmed=True)
    start, outcomes = threading.Barrier(2), [None, None]

    def submit(i):
        try:
            tab = AnnualDeclaration.objects.get(pk=declaration.pk)  # each tab loaded the draft
            start.wait()
            outcomes[i] = declarations.declaration_submit(actor=owner, declaration=tab, commitment_accepted=True)
        except Conflict as error:
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(conflicts) == 1 and "已完成申报" in conflicts[0].message, outcomes
    assert AnnualDeclaration.objects.get(pk=declaration.pk).status == "submitted"
    assert AuditEntry.objects.filter(action="declaration.submit").count() == 1
    assert Receipt.objects.filter(employer=unit).count() == 1
