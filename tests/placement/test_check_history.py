"""Check history (issue 14, point 16): a re-check keeps every answer with the time it was asked;
a decided month shows what the registry said when the reviewer decided and what it says now."""

import pytest

from placement import choices as c
from placement.models import MonthCheckAnswer, PlacementMonth
from placement.selectors.year import grid_rows, person_year
from placement.services.review import MonthDecision, person_review_decide
from placement.services.verification import person_verify
from portal.feeds import services as feeds
from portal.feeds.models import MonthRecord
from tests import factories as f
from tests.placement.factories import flagged_person

pytestmark = pytest.mark.django_db
SI = c.Check.SOCIAL_INSURANCE


@pytest.fixture
def reviewer(db):
    return f.UserFactory(reviewer=True, region=f.region("310000"), full_name="上海审核员")


def si_answers(person, month):
    return list(MonthCheckAnswer.objects.filter(person=person, month=month, item=SI)
                .values_list("outcome", flat=True))


def march(person):
    return next(row for row in grid_rows(person_year(person)) if row["month"] == 3)


def si_cell(row):
    return next(cell for cell in row["cells"] if cell[0] == SI)


def test_a_recheck_with_the_same_answer_adds_nothing(sh_unit, sh_agent, django_capture_on_commit_callbacks):
    person = flagged_person(sh_unit, sh_agent, capture=django_capture_on_commit_callbacks)
    before = MonthCheckAnswer.objects.filter(person=person).count()
    assert before == 84, "each cell's first answer is kept"
    person_verify(person.pk)
    assert MonthCheckAnswer.objects.filter(person=person).count() == before


def test_a_decided_month_shows_the_answer_it_was_decided_on_and_the_answer_now(
        sh_unit, sh_agent, reviewer, django_capture_on_commit_callbacks):
    person = flagged_person(sh_unit, sh_agent, capture=django_capture_on_commit_callbacks)
    assert si_answers(person, 3) == ["fail"]
    # 有效 for March on the uploaded 缴费凭证, 无效 for April: the person stays open to re-checks
    decisions = {m: MonthDecision(valid=m != 4, reason="证明材料不清晰或与该月无关" if m == 4 else "")
                 for m in range(1, 13)}
    person = person_review_decide(actor=reviewer, person=person, decisions=decisions)
    assert person.status == c.PersonStatus.PARTIALLY_REJECTED
    decided_on = PlacementMonth.objects.get(person=person, month=3).decided_on
    assert decided_on[SI]["outcome"] == "fail"

    # social insurance back-fills March: the next check says ✓, the answer the decision read stays
    record = MonthRecord.objects.get(person_id=person.id_number, month=202503, unit_id=sh_unit.credit_code)
    feeds.month_record_save(actor=None, person=record.person, record=record, si_paid=True, si_base=6500)
    person_verify(person.pk)

    assert si_answers(person, 3) == ["fail", "ok"]
    check, cell, files, was, history = si_cell(march(person))
    assert cell.outcome == "ok"
    assert was["outcome"] == "fail" and was["asked_at"] < history[-1].asked_at
    assert [a.outcome for a in history] == ["fail", "ok"]
    assert march(person)["decision_label"] == "有效", "the decision stands"
    assert person_year(person).counts.confirmed == 11
    assert history[0].asked_at <= march(person)["decided_on_at"] < history[-1].asked_at


def test_an_undecided_month_shows_only_the_answer_now(sh_unit, sh_agent, django_capture_on_commit_callbacks):
    person = flagged_person(sh_unit, sh_agent, capture=django_capture_on_commit_callbacks)
    check, cell, files, was, history = si_cell(march(person))
    assert (cell.outcome, was, history) == ("fail", None, [])
    assert march(person)["decided_on_at"] is None

