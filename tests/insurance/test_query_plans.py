"""Issue 20: the batch lists count members from a partial covering index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insurance.selectors.money import listed_settlements
from tests.conftest import plan_uses, skip_or_fail
from tests.insurance.factories import BatchFactory, MemberFactory

pytestmark = pytest.mark.django_db


def test_a_batch_lists_member_counts_come_from_the_counting_index(sh_code):
    if connection.vendor != "postgresql":
        skip_or_fail("query plans are PostgreSQL's (set DATABASE_URL)")
    batch = BatchFactory(code=sh_code)
    MemberFactory.create_batch(3, batch=batch)
    with CaptureQueriesContext(connection) as read:
        figures = listed_settlements([batch])
    assert figures[batch.pk].members == 3
    (count,) = [q for q in read.captured_queries if "insurance_insuredmember" in q["sql"]]
    assert plan_uses(count, "insured_member_counts", "insurance_insuredmember")
