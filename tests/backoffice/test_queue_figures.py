"""The 工作台's figures are kept in the cache until a table a queue counts from is written (issue
20: recounting twelve queues on every view was most of the page's time)."""

import pytest
from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice.queues import QUEUES, _part, _tables_read, queue_summary, watched_tables
from placement.services.review import person_review_decide
from portal import reference
from tests import factories as f
from tests.placement.factories import PersonFactory
from tests.placement.test_review import all_valid


def _staff():
    district = f.region("310104")
    return [f.UserFactory(reviewer=True, region=district), f.UserFactory(supervisor=True, region=district),
            f.UserFactory(tax=True, region=district), f.UserFactory(union=True, union_district="徐汇区"),
            f.UserFactory(admin=True, region=None)]


@pytest.mark.django_db
def test_every_table_a_queue_counts_from_is_watched():
    """A queue reading a table nobody watches would keep a stale count: the test names it."""
    every_table = {model._meta.db_table for model in apps.get_models()}
    watched, seen = set(watched_tables()), set()
    for user in _staff():
        for queue in QUEUES:
            if user.role not in queue.roles:
                continue
            try:
                sql = str(_part(user, queue, 0).query)
            except EmptyResultSet:
                continue
            read = {table for table in every_table if f'"{table}"' in sql}
            assert read <= watched, (queue.key, user.role, read - watched)
            assert set(_tables_read(queue, user)) == read, queue.key
            seen |= read
    assert "placement_placedperson" in seen and "insurance_insurancebatch" in seen and "levy_objection" in seen


def _parts(captured) -> list[int]:
    """How many queues each captured query counted."""
    return [q["sql"].count("queue_index") for q in captured.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_the_figures_are_counted_again_only_for_the_queues_whose_tables_were_written(reference_data):
    """Committed writes (transaction=True): inside a test's own transaction the cache is bypassed
    for the tables it wrote, as it is for any writer until its commit."""
    reviewer = f.UserFactory(reviewer=True, region=f.region("310104"))
    elsewhere = f.UserFactory(reviewer=True, region=f.region("150100"))
    person = PersonFactory(pending_review=True)
    figures = lambda user: {r["queue"].key: r["count"] for r in queue_summary(user)}  # noqa: E731

    with CaptureQueriesContext(connection) as first:
        assert figures(reviewer)["persons"] == 1
    shown = len(figures(reviewer))
    assert _parts(first) == [shown]  # every queue, in one query
    with CaptureQueriesContext(connection) as again:
        assert figures(reviewer)["persons"] == 1
    assert again.captured_queries == []  # nothing changed: nothing counted
    assert figures(elsewhere)["persons"] == 0  # another scope has figures of its own

    PersonFactory(pending_review=True, declaration=person.declaration)  # a second person waits
    with CaptureQueriesContext(connection) as after:
        assert figures(reviewer)["persons"] == 2
    reading_persons = [q for q in QUEUES if reviewer.role in q.roles and
                       "placement_placedperson" in _tables_read(q, reviewer)]
    assert _parts(after) == [len(reading_persons)] and len(reading_persons) < shown

    person_review_decide(actor=reviewer, person=person, decisions=all_valid(person))  # decided: it leaves
    assert figures(reviewer)["persons"] == 1

    reference.changed("levy_overratioreward")  # a bulk write that sends no signal says so itself
    with CaptureQueriesContext(connection) as rewards:
        figures(reviewer)
    assert _parts(rewards) == [sum("levy_overratioreward" in _tables_read(q, reviewer)
                                   for q in QUEUES if reviewer.role in q.roles)]
