"""`make run`'s demo data gives the demo reviewer flagged persons to review (issue 8)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from placement.selectors.queues import certificates_to_review, dispatch_to_review, persons_to_review

pytestmark = pytest.mark.django_db


def test_the_demo_reviewer_has_flagged_persons_a_manual_certificate_and_a_dispatch_agreement_to_review():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    reviewer = get_user_model().objects.get(username="reviewer-sh")
    names = set(persons_to_review(reviewer).values_list("name", flat=True))
    assert len(names) >= 3
    assert certificates_to_review(reviewer).count() == 1
    assert dispatch_to_review(reviewer).count() == 1
    assert not persons_to_review(get_user_model().objects.get(username="reviewer-nm")).filter(
        declaration__employer__fed_region__code__startswith="31").exists()


def test_the_demo_has_a_withdrawal_a_feedback_and_a_deregistration_waiting():
    """Issue 13, point 9: the request queues of the demo are not empty."""
    from placement.selectors.queues import (
        deregistrations_visible,
        feedback_visible,
        open_requests,
        withdrawals_visible,
    )

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_demo", stdout=open("/dev/null", "w"))  # idempotent  # noqa: SIM115
    reviewer = get_user_model().objects.get(username="reviewer-ln")
    assert open_requests(withdrawals_visible(reviewer, after_certification=True)).count() == 1
    assert open_requests(feedback_visible(reviewer)).count() == 1
    assert open_requests(deregistrations_visible(reviewer)).count() == 1
    # issue 15 (23): every queue of every demo reviewer and supervisor has work, in every region
    # (reviewer-nm's ten were all empty), and loading twice added nothing
    from backoffice.queues import queue_summary

    # Queues whose demo lives in one region only, and why (the placement queues have none):
    one_region_only = {
        "levy_objections",  # 异议 exist only where the registry method applies (Shanghai)
        "reward_first", "reward_second", "reward_payouts_failed", "levy_reliefs",  # issue 18's demo: Inner Mongolia
        "insurance_runs", "insurance_voucher_reviews",  # the plan's demo batches are 即时参保, paid by voucher
    }
    empty = {}
    for username in ("reviewer-sh", "supervisor-sh", "reviewer-nm", "supervisor-nm", "reviewer-ln", "supervisor-ln",
                     "union-sh", "tax-sh", "tax-nm", "tax-ln"):
        rows = queue_summary(get_user_model().objects.get(username=username))
        assert len(rows) >= 2, username
        empty[username] = [r["queue"].label for r in rows if r["count"] == 0 and r["queue"].key not in one_region_only]
    assert not any(empty.values()), empty
    reviewer_nm = {r["queue"].key: r["count"] for r in queue_summary(get_user_model().objects.get(username="reviewer-nm"))}
    assert reviewer_nm["reward_first"] >= 1  # and where the demo has them, they have work
    assert {r["queue"].key: r["count"] for r in queue_summary(get_user_model().objects.get(username="reviewer-ln"))}[
        "failed_deliveries"] == 1


def test_the_workbench_counts_every_queue_in_one_query_with_each_queues_own_figures(django_assert_num_queries):
    """Issue 20: the 工作台 asked one aggregate query per queue (twelve for a reviewer). Its figures
    are now one UNION ALL; each must still be the queue's own count and oldest item."""
    from django.db.models import Count, Min

    from backoffice.queues import QUEUES, queue_summary
    from tests import factories as f

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    users = get_user_model().objects.select_related("region")
    for username in ("reviewer-sh", "supervisor-nm", "reviewer-ln", "union-sh", "tax-sh"):
        user = users.get(username=username)
        own = {q.key: q.items(user).aggregate(count=Count("pk"), oldest=Min(q.waiting_since))
               for q in QUEUES if user.role in q.roles}
        with django_assert_num_queries(1):
            rows = queue_summary(user)
        assert {r["queue"].key: (r["count"], r["oldest"]) for r in rows} == \
            {key: (figures["count"], figures["oldest"]) for key, figures in own.items()}, username
        assert any(r["count"] for r in rows), username
    # a staff member without a region sees nothing: every queue reads zero (no query part is sent)
    stray = f.UserFactory(reviewer=True, region=None)
    assert [r["count"] for r in queue_summary(stray)] and not any(r["count"] for r in queue_summary(stray))
