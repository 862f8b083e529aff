"""安置登记审核 decisions (issue 8): per-month 有效 / 无效 → the person's status, counts and the
unit's notice; manual certificates, dispatch agreements, bulk approval; two reviewers at once."""

import pytest

from placement import choices as c
from placement.models import Certificate, PlacedPerson, PlacementMonth
from placement.predicates import status_summary
from placement.selectors.year import person_year
from placement.services import wizard as services
from placement.services.review import (
    MonthDecision,
    certificate_review,
    certificates_bulk_approve,
    dispatch_review,
    person_review_decide,
)
from portal.exceptions import Conflict, NotAllowed, ValidationFailed
from portal.models import AuditEntry, Notice
from tests import factories as f
from tests.placement.factories import flagged_person, registered_person

S = c.PersonStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(db):
    return f.UserFactory(reviewer=True, region=f.region("310000"), full_name="上海审核员")


def all_valid(person, **invalid):
    months = person.months.filter(selected=True).values_list("month", flat=True)
    return {m: MonthDecision(valid=f"m{m}" not in invalid, reason=invalid.get(f"m{m}", "")) for m in months}


def test_mixed_valid_and_invalid_months_make_a_partial_rejection_with_counts_and_the_manual_notice(
        sh_unit, sh_agent, reviewer, django_capture_on_commit_callbacks):
    person = flagged_person(sh_unit, sh_agent, capture=django_capture_on_commit_callbacks)
    person = person_review_decide(actor=reviewer, person=person,
                                  decisions=all_valid(person, m3="该月无本单位或合同约定单位的社会保险缴费记录"))
    assert person.status == S.PARTIALLY_REJECTED and person.reviewed_at is not None
    counts = person_year(person).counts
    assert (counts.registered, counts.confirmed, counts.rejected) == (12, 11, 1)
    march = PlacementMonth.objects.get(person=person, month=3)
    assert (march.decision_label, march.reviewed_by) == ("无效", reviewer)
    assert status_summary(person.declaration)["partially_rejected"] == 1
    notice = Notice.objects.get(employer=sh_unit, kind=Notice.Kind.REVIEW)
    assert notice.title == f"安置人员“{person.name}”资料审核完成通知"
    assert notice.body.startswith(f"贵单位安置人员“{person.name}”资料审核已完成，有效月份为2025年1月、2025年2月、2025年4月、")
    assert "2025年3月：该月无本单位或合同约定单位的社会保险缴费记录" in notice.body
    assert notice.link == f"/placement/persons/{person.pk}/record/"  # issue 15: the notice opens the person
    entry = AuditEntry.objects.get(action="person.review")
    assert (entry.from_state, entry.to_state, entry.actor) == (S.PENDING_REVIEW, S.PARTIALLY_REJECTED, reviewer)


def test_all_valid_confirms_by_a_reviewer_and_all_invalid_rejects(sh_unit, sh_agent, reviewer,
                                                                 django_capture_on_commit_callbacks):
    person = flagged_person(sh_unit, sh_agent, capture=django_capture_on_commit_callbacks)
    person = person_review_decide(actor=reviewer, person=person, decisions=all_valid(person))
    assert (person.status, person.confirmed_by) == (S.CONFIRMED, c.ConfirmedBy.REVIEWER)
    assert status_summary(person.declaration)["by_reviewer"] == 1

    other = flagged_person(sh_unit, sh_agent, key="sh-low-wage", capture=django_capture_on_commit_callbacks)
    decisions = {m: MonthDecision(valid=False, reason="证明材料不清晰或与该月无关") for m in range(1, 13)}
    assert person_review_decide(actor=reviewer, person=other, decisions=decisions).status == S.REJECTED
    assert "有效月份为无" in Notice.objects.filter(kind=Notice.Kind.REVIEW).latest("pk").body


def test_an_invalid_month_needs_a_reason_and_every_selected_month_a_decision(sh_unit, sh_agent, reviewer,
                                                                            django_capture_on_commit_callbacks):
    person = flagged_person(sh_unit, sh_agent, capture=django_capture_on_commit_callbacks)
    decisions = all_valid(person)
    decisions[3] = MonthDecision(valid=False, reason=" ")
    with pytest.raises(ValidationFailed, match="请选择或填写202503无效的原因") as error:
        person_review_decide(actor=reviewer, person=person, decisions=decisions)
    assert error.value.field == "reason_3"  # the page's field beside that month
    del decisions[3]
    with pytest.raises(ValidationFailed, match="请认定202503为有效或无效") as error:
        person_review_decide(actor=reviewer, person=person, decisions=decisions)
    assert error.value.field == "decision_3"
    assert PlacedPerson.objects.get(pk=person.pk).status == S.PENDING_REVIEW
    assert not Notice.objects.filter(kind=Notice.Kind.REVIEW).exists()


def test_a_second_reviewer_with_a_stale_page_gets_a_conflict_naming_the_decision_that_stood(
        sh_unit, sh_agent, reviewer, django_capture_on_commit_callbacks):
    person = flagged_person(sh_unit, sh_agent, capture=django_capture_on_commit_callbacks)
    second = f.UserFactory(reviewer=True, region=f.region("310000"), full_name="另一位审核员")
    stale = PlacedPerson.objects.get(pk=person.pk)  # the second reviewer's page, loaded before the decision
    person_review_decide(actor=reviewer, person=person, decisions=all_valid(person))
    with pytest.raises(Conflict, match="该人员已由上海审核员于.*审核，结果为“已审核确认”"):
        person_review_decide(actor=second, person=stale, decisions=all_valid(stale, m3="该月已在其他单位安置"))
    assert PlacedPerson.objects.get(pk=person.pk).status == S.CONFIRMED
    assert AuditEntry.objects.filter(action="person.review").count() == 1
    assert Notice.objects.filter(kind=Notice.Kind.REVIEW).count() == 1


def test_an_employer_agent_cannot_decide(sh_unit, sh_agent, django_capture_on_commit_callbacks):
    person = flagged_person(sh_unit, sh_agent, capture=django_capture_on_commit_callbacks)
    with pytest.raises(NotAllowed):
        person_review_decide(actor=sh_agent, person=person, decisions=all_valid(person))


def manual_certificate(person, number=None, grade=None):
    cert = person.certificates.first()
    return Certificate.objects.create(person=person, number=number or cert.number, kind=cert.kind,
                                      category=cert.category, grade=grade or cert.grade, valid_from=cert.valid_from,
                                      valid_to=cert.valid_to, source="manual", image=person.contracts.first().attachment,
                                      review_state="pending")


def test_a_pending_manual_certificate_blocks_the_month_decision_until_reviewed(sh_unit, sh_agent, reviewer,
                                                                               django_capture_on_commit_callbacks):
    person = flagged_person(sh_unit, sh_agent, capture=django_capture_on_commit_callbacks)
    person.certificates.update(number="X")  # the registry's record is elsewhere; ours was added by hand
    cert = manual_certificate(person, number=person.id_number + "42")
    with pytest.raises(NotAllowed, match="请先审核"):
        person_review_decide(actor=reviewer, person=person, decisions=all_valid(person))
    with pytest.raises(ValidationFailed, match="请填写审核不通过的原因"):
        certificate_review(actor=reviewer, certificate=cert, approve=False)
    certificate_review(actor=reviewer, certificate=cert, approve=True)
    cert.refresh_from_db()
    assert (cert.review_state, cert.reviewed_by) == ("approved", reviewer)
    with pytest.raises(Conflict, match="该残疾证已由上海审核员于.*审核"):
        certificate_review(actor=reviewer, certificate=cert, approve=False, reason="影像不清")
    assert person_review_decide(actor=reviewer, person=person, decisions=all_valid(person)).status == S.CONFIRMED


def test_a_dispatch_agreement_is_approved_only_with_all_three_documents_confirmed(
        sh_unit, sh_agent, reviewer, related_units, django_capture_on_commit_callbacks):
    agency = related_units["agency"]
    person = registered_person(sh_unit, sh_agent, "sh-dispatched", capture=django_capture_on_commit_callbacks,
                        contract={"is_dispatch": True, "dispatch_agency": agency, "counts_here_stated": True,
                                  "si_payer": agency, "mi_payer": agency, "wage_payer": agency})
    services.months_select(actor=sh_agent, person=person, months={1, 2, 3})
    services.registration_complete(actor=sh_agent, person=person)
    contract = person.contracts.get()
    with pytest.raises(ValidationFailed, match="请逐项确认三方协议、劳动合同"):
        dispatch_review(actor=reviewer, contract=contract, approve=True, confirmed={"qualification"})
    assert type(contract).objects.get(pk=contract.pk).review_state == "pending"
    dispatch_review(actor=reviewer, contract=contract, approve=True,
                    confirmed={"qualification", "tripartite", "labour_contract"})
    stored = type(contract).objects.get(pk=contract.pk)
    assert (stored.review_state, stored.reviewed_by) == ("approved", reviewer)
    entry = AuditEntry.objects.get(action="contract.review")
    assert (entry.to_state, entry.data["person"]) == ("approved", person.pk)


def test_bulk_approval_approves_only_certificates_matching_the_registry_and_logs_each(
        sh_unit, sh_agent, reviewer, django_capture_on_commit_callbacks):
    people = [flagged_person(sh_unit, sh_agent, key=key, capture=django_capture_on_commit_callbacks)
              for key in ("sh-gap", "sh-low-wage")]
    # both registry certificates were, in this story, added by hand before the registry knew them
    Certificate.objects.filter(person__in=people).update(source="manual", review_state="pending")
    unknown = manual_certificate(people[0], number=people[0].id_number + "11")
    selected = list(Certificate.objects.filter(review_state="pending").select_related("person__declaration"))
    result = certificates_bulk_approve(actor=reviewer, certificates=selected)
    assert len(result.approved) == 2
    assert [(cert.pk, why) for cert, why in result.skipped] == [(unknown.pk, "残疾人证登记系统没有该证号")]
    entries = AuditEntry.objects.filter(action="certificate.review")
    assert sorted(int(e.object_id) for e in entries) == sorted(cert.pk for cert in result.approved)
    assert all(e.actor == reviewer and e.to_state == "approved" for e in entries)


def test_a_dispatch_contract_needs_its_own_agreement_file(sh_unit, sh_agent, related_units,
                                                          django_capture_on_commit_callbacks):
    """Issue 15 (17): the review names three documents, but one file could stand for two of them."""
    import datetime

    from portal.exceptions import ValidationFailed
    from tests.placement.factories import agreement_pdf, pdf, registered_person

    person = registered_person(sh_unit, sh_agent, "sh-plain", capture=django_capture_on_commit_callbacks)
    terms = {"contract_type": "open_ended", "start_date": datetime.date(2020, 1, 1), "job": "装配工",
             "monthly_wage": 5000, "relation": "self", "is_dispatch": True, "dispatch_agency": related_units["agency"],
             "counts_here_stated": True}
    with pytest.raises(ValidationFailed, match="三方协议") as missing:
        services.contract_save(actor=sh_agent, person=person, data=dict(terms), attachment_file=pdf())
    assert missing.value.field == "agreement"
    with pytest.raises(ValidationFailed, match="同一个文件"):
        services.contract_save(actor=sh_agent, person=person, data=dict(terms), attachment_file=pdf(),
                               agreement_file=pdf("三方协议.pdf"))
    contract, _warnings = services.contract_save(actor=sh_agent, person=person, data=dict(terms),
                                                 attachment_file=pdf(), agreement_file=agreement_pdf())
    assert contract.agreement_id and contract.agreement_id != contract.attachment_id


def test_a_decision_locks_the_months_in_one_read_and_stores_what_the_registries_said(
        sh_unit, sh_agent, reviewer, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    """Issue 20: a decision of twelve months was 121 queries (a locked read per month, then a
    separate UPDATE of what the registries said). The months are read under one lock, and the
    answers are saved with each month's decision."""
    person = flagged_person(sh_unit, sh_agent, capture=django_capture_on_commit_callbacks)
    decisions = all_valid(person)
    with django_assert_max_num_queries(100):
        person_review_decide(actor=reviewer, person=person, decisions=decisions)
    months = PlacementMonth.objects.filter(person=person, selected=True)
    assert months.count() == 12 and all(m.review_state == c.ReviewState.APPROVED for m in months)
    march = months.get(month=3).decided_on
    assert march[c.Check.SOCIAL_INSURANCE]["outcome"] == c.Outcome.FAIL and march[c.Check.SOCIAL_INSURANCE]["asked_at"]
