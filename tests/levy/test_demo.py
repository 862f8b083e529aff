"""The levy demo (issue 16): both methods in every state the tax console shows, built through the
services, and loading it twice changes nothing."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_levy_demo_has_every_state_in_both_methods():
    from levy.demo import load_assessments
    from levy.models import LevyAssessment
    from portal.demo import load_accounts
    from portal.feeds.demo import load_registry

    load_accounts()
    load_registry(until=202611)
    load_assessments()
    count = LevyAssessment.objects.count()
    load_assessments()
    assert LevyAssessment.objects.count() == count
    rows = set(LevyAssessment.objects.values_list("method", "status"))
    for method in ("registry", "declared"):
        assert {s for m, s in rows if m == method} >= {"draft", "assessed", "paid", "overdue", "exempt", "over_ratio"}
    assert ("registry", "objection") in rows and ("declared", "paid_late") in rows and ("declared", "submitted") in rows


def test_the_reward_and_relief_demo_has_every_state_in_inner_mongolia(django_capture_on_commit_callbacks):
    """Issue 18 point 6: a reward 待初审, 待复核 (window), 已发放 and 审核不通过 in Inner Mongolia; a
    缓减免 application pending and one approved. Loading twice changes nothing."""
    from levy.demo import load_assessments, load_rewards_and_reliefs
    from levy.models import OverRatioReward, ReliefApplication
    from portal.demo import load_accounts
    from portal.feeds.demo import load_registry

    load_accounts()
    load_registry(until=202611)
    load_assessments()
    with django_capture_on_commit_callbacks(execute=True):
        load_rewards_and_reliefs()
    load_rewards_and_reliefs()
    rewards = OverRatioReward.objects.all()
    assert {(r.status, r.mode) for r in rewards} == {("first_review", "online"), ("second_review", "window"),
                                                    ("paid", "online"), ("rejected", "online")}
    assert all(r.employer.admin_region_id.startswith("15") for r in rewards)
    paid = rewards.get(status="paid")
    assert paid.certificate is not None and paid.payouts.get().status == "paid"
    assert set(ReliefApplication.objects.values_list("status", flat=True)) == {"submitted", "approved"}
    approved = ReliefApplication.objects.get(status="approved")
    assert approved.assessment.levy_amount == approved.levy_before - approved.amount
