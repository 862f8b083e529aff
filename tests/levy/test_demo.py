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
