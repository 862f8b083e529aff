"""Services queue tasks by name (portal.jobs): the name must reach the real task, after the commit."""

import uuid

import pytest

from portal.jobs import chunks, enqueue, enqueue_on_commit
from portal.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_a_task_queued_by_name_runs_after_the_commit(django_capture_on_commit_callbacks):
    token = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit("portal.tasks.worker_heartbeat_task", token)
        assert not WorkerHeartbeat.objects.filter(token=token).exists()  # not before the commit
    assert len(callbacks) == 1 and WorkerHeartbeat.objects.filter(token=token).exists()


def test_a_misspelt_task_fails_loudly_instead_of_being_lost():
    with pytest.raises((ImportError, AttributeError)):
        enqueue("portal.tasks.worker_heartbeet_task")


@pytest.mark.parametrize(("items", "size", "expected"), [
    ([], 3, []),
    ([1], 3, [[1]]),
    ([1, 2, 3], 3, [[1, 2, 3]]),
    ([1, 2, 3, 4], 3, [[1, 2, 3], [4]]),
    (list(range(7)), 2, [[0, 1], [2, 3], [4, 5], [6]]),
])
def test_chunks_are_consecutive_slices_of_at_most_the_size(items, size, expected):
    assert chunks(items, size) == expected
