"""The workflow spine (portal.workflow) and the one review machine (portal.reviewable), tested
through real machines of the portal: a declaration, a tax hand-off, a contract under review."""

import pytest
from django.apps import apps
from django_fsm import FSMFieldMixin

from placement import choices as c
from placement.models import AnnualDeclaration, Contract, TaxDelivery
from portal.exceptions import Conflict, NotAllowed
from portal.models import AuditEntry
from portal.reviewable import review_decide, review_request
from portal.workflow import can, refusal, transition_apply
from tests import factories as f
from tests.placement.factories import ContractFactory, DeclarationFactory, PersonFactory, TaxDeliveryFactory

pytestmark = pytest.mark.django_db
D, DS, R = c.DeclarationStatus, c.DeliveryStatus, c.ReviewState


def test_a_transition_is_locked_checked_saved_and_audited_with_from_to_actor_and_reason(unit_a, reviewer_sh,
                                                                                         django_capture_on_commit_callbacks):
    declaration = DeclarationFactory(employer=unit_a, submitted=True)
    done = []
    with django_capture_on_commit_callbacks(execute=True):
        returned = transition_apply(declaration, "return_to_employer", actor=reviewer_sh, by=reviewer_sh,
                                    reason="人数有误", after_commit=lambda: done.append(True))
    assert AnnualDeclaration.objects.get(pk=declaration.pk).status == D.DRAFT
    assert returned.return_reason == "人数有误"  # the reason reaches a transition that records it
    entry = AuditEntry.objects.get(action="declaration.return")
    assert (entry.from_state, entry.to_state, entry.actor, entry.reason) == (D.SUBMITTED, D.DRAFT, reviewer_sh, "人数有误")
    assert entry.data["label"] == "退回申报" and done == [True]


def test_a_refused_transition_says_why_and_changes_nothing(unit_a, owner, reviewer_sh, reviewer_ln):
    declaration = DeclarationFactory(employer=unit_a, submitted=True, persons=0)
    # the permission's predicates, in order: the role first, then the region
    assert refusal(declaration, "certify", owner).message == "只有残联审核人员可以办理"
    assert refusal(declaration, "certify", reviewer_ln).message == "该单位不在您的管辖范围内"
    # a condition: nobody is confirmed yet
    problem = refusal(declaration, "certify", reviewer_sh)
    assert isinstance(problem, NotAllowed) and "申报中没有安置人员" in problem.message
    with pytest.raises(NotAllowed):
        transition_apply(declaration, "certify", actor=reviewer_sh, by=reviewer_sh, certificate=None)
    assert AnnualDeclaration.objects.get(pk=declaration.pk).status == D.SUBMITTED
    assert not AuditEntry.objects.filter(action="declaration.certify").exists()


def test_the_wrong_state_is_a_conflict_in_the_transitions_own_words(unit_a, owner):
    submitted = DeclarationFactory(employer=unit_a, submitted=True)
    problem = refusal(submitted, "submit", owner)
    assert isinstance(problem, Conflict) and problem.code == "already_submitted" and "请勿重复提交" in problem.message


def test_can_is_the_same_question_the_service_asks(unit_a, reviewer_sh, supervisor_sh, tax_sh):
    delivery = TaxDeliveryFactory(declaration=DeclarationFactory(employer=unit_a, certified=True), status=DS.FAILED)
    assert can(reviewer_sh, delivery, "retry") and not can(tax_sh, delivery, "retry")
    assert not can(reviewer_sh, delivery, "mark_sent")  # only the intake's answer marks it sent
    assert can(tax_sh, delivery, "acknowledge") and not can(reviewer_sh, delivery, "acknowledge")


def test_a_stale_write_is_a_conflict_never_a_second_transition(unit_a, reviewer_sh, supervisor_sh):
    """Two staff on a database without row locks: the concurrent-transition check refuses the second."""
    delivery = TaxDeliveryFactory(declaration=DeclarationFactory(employer=unit_a, certified=True), status=DS.FAILED)
    stale = TaxDelivery.objects.get(pk=delivery.pk)
    transition_apply(delivery, "retry", actor=reviewer_sh)
    with pytest.raises(Conflict):
        transition_apply(stale, "retry", actor=supervisor_sh, lock=False)
    assert AuditEntry.objects.filter(action="tax_delivery.retry").count() == 1


# --- the review machine ------------------------------------------------------------------------------


@pytest.fixture
def agreement(unit_a, owner):
    person = PersonFactory(declaration=DeclarationFactory(employer=unit_a), pending_review=True)
    return review_request(item=ContractFactory(person=person, is_dispatch=True), actor=owner)


def test_a_review_records_who_decided_when_and_why(agreement, reviewer_sh):
    assert agreement.review_state == R.PENDING and agreement.review_requested_at is not None
    decided = review_decide(item=agreement, actor=reviewer_sh, approve=False, reason="缺三方协议")
    assert (decided.review_state, decided.reviewed_by, decided.review_reason) == (R.REJECTED, reviewer_sh, "缺三方协议")
    entry = AuditEntry.objects.get(action="contract.review")
    assert (entry.from_state, entry.to_state, entry.reason) == (R.PENDING, R.REJECTED, "缺三方协议")


def test_a_second_reviewer_is_told_whose_decision_stood(agreement, reviewer_sh):
    review_decide(item=agreement, actor=reviewer_sh, approve=True)
    other = f.UserFactory(reviewer=True, region=reviewer_sh.region)
    with pytest.raises(Conflict, match=f"已由{reviewer_sh.display_name}"):
        review_decide(item=Contract.objects.get(pk=agreement.pk), actor=other, approve=False, reason="不同意")


def test_the_four_eyes_rule_keeps_whoever_raised_an_item_from_deciding_it(unit_a, reviewer_sh):
    """A staff member who puts an item in front of a reviewer (a window-initiated reward, say) may
    not be that reviewer."""
    person = PersonFactory(declaration=DeclarationFactory(employer=unit_a), pending_review=True)
    item = review_request(item=ContractFactory(person=person, is_dispatch=True), actor=reviewer_sh)
    assert refusal(item, "approve", reviewer_sh).code == "four_eyes"
    assert can(f.UserFactory(reviewer=True, region=reviewer_sh.region), item, "approve")


def test_a_changed_item_goes_back_to_review_with_the_change_recorded(agreement, reviewer_sh, owner):
    approved = review_decide(item=agreement, actor=reviewer_sh, approve=True)
    again = review_request(item=approved, actor=owner, reason="合同已修改")
    assert again.review_state == R.PENDING and again.reviewed_by is None
    entry = AuditEntry.objects.filter(action="contract.review_request").latest("id")
    assert (entry.from_state, entry.to_state, entry.reason) == (R.APPROVED, R.PENDING, "合同已修改")


def test_every_transition_of_the_portal_has_words_for_the_timeline():
    """Each transition carries its label: the timeline and the audit log show it, not a code."""
    missing = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, FSMFieldMixin):
                continue
            for transition in field.get_all_transitions(model):
                if not transition.custom.get("label"):
                    missing.append(f"{model.__name__}.{transition.name}")
    assert not missing, missing
