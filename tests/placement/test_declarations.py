"""The annual declaration's employer side (issue 7): headcount, 完成申报 and its guards, import of
last year's list, accepting a partial result, the three requests and the reminders."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from placement import choices as c
from placement.models import PlacedPerson
from placement.registry import annual_average
from placement.services import declaration as declarations
from portal.audit import AuditEntry, audit_timeline
from portal.exceptions import Conflict, NotAllowed, ValidationFailed
from portal.models import Notice
from tests import factories as f
from tests.factories import fresh
from tests.placement.factories import DeclarationFactory, PersonFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
IN_WINDOW = datetime.datetime(2026, 5, 10, 10, 0, tzinfo=SH)  # Shanghai 2026: 03-16 to 10-31
D, S = c.DeclarationStatus, c.PersonStatus


@pytest.fixture
def ready(unit_a, owner):
    """A draft with two confirmed persons and a confirmed headcount: ready to submit."""
    declaration = DeclarationFactory(employer=unit_a, headcount_confirmed=True)
    PersonFactory.create_batch(2, declaration=declaration, confirmed=True)
    return declaration


# --- 完成申报 ---------------------------------------------------------------------------------------


@time_machine.travel(IN_WINDOW)
def test_a_ready_declaration_is_submitted_with_a_receipt_and_an_audit_entry(ready, owner):
    declarations.declaration_submit(actor=owner, declaration=ready, commitment_accepted=True)
    declaration = fresh(ready)
    assert declaration.status == D.SUBMITTED
    assert declaration.submitted_by == owner and declaration.commitment_accepted_at
    assert declaration.submission_receipt.reference.startswith("HZ")
    assert declaration.submission_receipt.public_facts["单位名称"] == ready.employer.name
    entry = AuditEntry.objects.get(action="declaration.submit")
    assert (entry.from_state, entry.to_state) == (D.DRAFT, D.SUBMITTED)


@time_machine.travel(IN_WINDOW)
def test_it_refuses_without_the_commitment(ready, owner):
    with pytest.raises(ValidationFailed, match="承诺书"):
        declarations.declaration_submit(actor=owner, declaration=ready, commitment_accepted=False)
    assert fresh(ready).status == D.DRAFT


@time_machine.travel(IN_WINDOW)
@pytest.mark.parametrize("trait,message", [
    ("pending_review", "待残联审核"), ("partially_rejected", "接受审核结果"), ("rejected", "删除"),
])
def test_it_refuses_while_a_person_is_not_confirmed(ready, owner, trait, message):
    PersonFactory(declaration=ready, **{trait: True})
    with pytest.raises(NotAllowed, match=message):
        declarations.declaration_submit(actor=owner, declaration=ready, commitment_accepted=True)
    assert fresh(ready).status == D.DRAFT


@time_machine.travel(IN_WINDOW)
def test_it_refuses_an_incomplete_person_and_an_unconfirmed_headcount(unit_a, owner):
    declaration = DeclarationFactory(employer=unit_a)
    PersonFactory(declaration=declaration)
    with pytest.raises(NotAllowed) as error:
        declarations.declaration_submit(actor=owner, declaration=declaration, commitment_accepted=True)
    assert "资料待完善" in error.value.message and "在职职工人数" in error.value.message


@time_machine.travel(IN_WINDOW)
def test_it_refuses_a_declaration_without_persons(unit_a, owner):
    declaration = DeclarationFactory(employer=unit_a, headcount_confirmed=True)
    with pytest.raises(NotAllowed, match="尚未登记安置人员"):
        declarations.declaration_submit(actor=owner, declaration=declaration, commitment_accepted=True)


@time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=SH))
def test_it_refuses_outside_the_filing_window_and_names_the_dates(ready, owner):
    with pytest.raises(NotAllowed, match="2026-03-16至2026-10-31"):
        declarations.declaration_submit(actor=owner, declaration=ready, commitment_accepted=True)
    assert fresh(ready).status == D.DRAFT


@time_machine.travel(IN_WINDOW)
def test_two_tabs_submitting_at_once_give_one_submission_and_a_clear_conflict(ready, owner):
    tab_one, tab_two = fresh(ready), fresh(ready)  # both pages loaded while a draft
    declarations.declaration_submit(actor=owner, declaration=tab_one, commitment_accepted=True)
    with pytest.raises(Conflict, match="已完成申报") as error:
        declarations.declaration_submit(actor=owner, declaration=tab_two, commitment_accepted=True)
    assert error.value.code == "already_submitted"
    assert AuditEntry.objects.filter(action="declaration.submit").count() == 1


@time_machine.travel(IN_WINDOW)
def test_a_stale_save_after_another_submission_is_a_conflict_not_a_second_transition(ready, owner):
    """The FSM's concurrent-transition check catches what a missing row lock (SQLite) lets through."""
    from django_fsm import ConcurrentTransition

    stale = fresh(ready)
    declarations.declaration_submit(actor=owner, declaration=ready, commitment_accepted=True)
    stale.submit(by=owner, submission_receipt=None)
    with pytest.raises(ConcurrentTransition):
        stale.save()


# --- headcount ----------------------------------------------------------------------------------


def test_the_headcount_is_prefilled_from_the_social_insurance_feed(registry):
    from tests.placement.conftest import demo_employer

    declaration = DeclarationFactory(employer=demo_employer("sh"))
    declaration = declarations.headcount_prefill(declaration_id=declaration.pk)
    assert declaration.headcount_from_feed and declaration.headcount == declaration.headcount_from_feed
    figures = [v for v in declaration.headcount_monthly.values() if v is not None]
    assert declaration.headcount_from_feed == annual_average(declaration.headcount_monthly)
    assert min(figures) <= declaration.headcount_from_feed <= max(figures)
    assert declaration.headcount_confirmed_at is None


def test_the_annual_average_rounds_half_up():
    assert annual_average({"1": 10, "2": 11}) == 11
    assert annual_average({"1": 10, "2": None, "3": 10}) == 10
    assert annual_average({"1": None}) is None


def test_a_corrected_headcount_needs_a_reason(unit_a, owner):
    declaration = DeclarationFactory(employer=unit_a, headcount=50, headcount_from_feed=50)
    with pytest.raises(ValidationFailed) as error:
        declarations.headcount_confirm(actor=owner, declaration=declaration, headcount=48)
    assert error.value.field == "reason"
    declarations.headcount_confirm(actor=owner, declaration=declaration, headcount=48, reason="两人12月离职")
    declaration = fresh(declaration)
    assert (declaration.headcount, declaration.headcount_reason) == (48, "两人12月离职")
    declarations.headcount_confirm(actor=owner, declaration=declaration, headcount=50)
    assert fresh(declaration).headcount_confirmed_at


# --- import ---------------------------------------------------------------------------------------


def test_last_years_persons_are_imported_as_incomplete_with_their_data_and_verified_again(
        sh_unit, sh_agent, django_capture_on_commit_callbacks):
    from tests.placement.factories import registered_person

    old = registered_person(sh_unit, sh_agent, "sh-clean", year=2024)
    declaration = DeclarationFactory(employer=sh_unit, business_year=2025)
    assert [p.pk for p in declarations.importable_persons(declaration)] == [old.pk]
    with django_capture_on_commit_callbacks(execute=True):
        (person,) = declarations.declaration_import_previous(actor=sh_agent, declaration=declaration,
                                                             person_ids=[old.pk])
    person = PlacedPerson.objects.get(pk=person.pk)
    assert person.status == S.INCOMPLETE and person.imported_from_id == old.pk
    assert (person.name, person.id_number, person.phone) == (old.name, old.id_number, old.phone)
    assert person.contracts.count() == 1 and person.months.count() == 12
    assert person.verification_state == c.VerificationState.DONE  # the verification task ran
    assert person.checks.exists()
    assert not list(declarations.importable_persons(declaration))  # already there now


def test_importing_someone_not_on_last_years_list_is_refused(unit_a, owner):
    declaration = DeclarationFactory(employer=unit_a, business_year=2025)
    stranger = PersonFactory()
    with pytest.raises(ValidationFailed):
        declarations.declaration_import_previous(actor=owner, declaration=declaration, person_ids=[stranger.pk])
    assert not declaration.persons.exists()


# --- 接受审核结果 -------------------------------------------------------------------------------------


def test_accepting_a_partial_result_confirms_the_person_with_the_valid_months(unit_a, owner):
    from placement.selectors.year import person_year

    person = PersonFactory(declaration=DeclarationFactory(employer=unit_a), partially_rejected=True)
    declarations.person_accept_result(actor=owner, person=person)
    person = PlacedPerson.objects.get(pk=person.pk)
    assert person.status == S.CONFIRMED
    counts = person_year(person).counts
    assert (counts.registered, counts.confirmed, counts.rejected) == (12, 6, 6)


def test_only_a_partially_rejected_person_can_accept_a_result(unit_a, owner):
    person = PersonFactory(declaration=DeclarationFactory(employer=unit_a), rejected=True)
    with pytest.raises(NotAllowed):
        declarations.person_accept_result(actor=owner, person=person)


# --- requests -------------------------------------------------------------------------------------


def test_a_withdrawal_needs_a_reason_and_a_submitted_declaration(unit_a, owner):
    draft = DeclarationFactory(employer=unit_a)
    with pytest.raises(ValidationFailed):
        declarations.withdrawal_request_submit(actor=owner, declaration=draft, reason=" ")
    with pytest.raises(NotAllowed):
        declarations.withdrawal_request_submit(actor=owner, declaration=draft, reason="人员有误")


def test_a_withdrawal_gets_a_receipt_and_only_one_can_be_open(unit_a, owner):
    declaration = DeclarationFactory(employer=unit_a, submitted=True)
    request = declarations.withdrawal_request_submit(actor=owner, declaration=declaration, reason="漏报一名人员")
    assert request.status == c.RequestStatus.SUBMITTED and not request.after_certification
    assert request.receipt.reference and request.receipt.public_facts["事项"] == "年审申报撤回"
    assert [(e.action, e.reason) for e in audit_timeline(request)] == [("withdrawal.submit", "漏报一名人员")]
    with pytest.raises(Conflict):
        declarations.withdrawal_request_submit(actor=owner, declaration=declaration, reason="再次申请")


def test_a_withdrawal_after_certification_is_marked_so(unit_a, owner):
    declaration = DeclarationFactory(employer=unit_a, certified=True)
    request = declarations.withdrawal_request_submit(actor=owner, declaration=declaration, reason="认证有误")
    assert request.after_certification


def test_feedback_is_for_a_certified_declaration_with_text_and_attachments(unit_a, owner):
    with pytest.raises(NotAllowed):
        declarations.feedback_submit(actor=owner, declaration=DeclarationFactory(employer=unit_a, submitted=True),
                                     text="有异议")
    declaration = DeclarationFactory(employer=unit_a, business_year=2024, certified=True)
    with pytest.raises(ValidationFailed):
        declarations.feedback_submit(actor=owner, declaration=declaration, text="")
    files = [SimpleUploadedFile("说明.pdf", f.PDF_BYTES, content_type="application/pdf")]
    request = declarations.feedback_submit(actor=owner, declaration=declaration, text="3月应为有效", files=files)
    assert request.attachments.count() == 1 and request.receipt.reference
    assert [e.action for e in audit_timeline(request)] == ["feedback.submit"]


def test_deregistration_needs_the_signed_form_and_gets_a_receipt(unit_a, owner):
    with pytest.raises(ValidationFailed):
        declarations.deregistration_submit(actor=owner, employer=unit_a, reason="单位注销", signed_form=None)
    form = SimpleUploadedFile("申请书.pdf", f.PDF_BYTES, content_type="application/pdf")
    request = declarations.deregistration_submit(actor=owner, employer=unit_a, reason="单位注销", signed_form=form)
    assert request.signed_form.employer == unit_a and request.receipt.reference
    assert [e.action for e in audit_timeline(request)] == ["deregistration.submit"]
    with pytest.raises(Conflict):
        declarations.deregistration_submit(actor=owner, employer=unit_a, reason="again",
                                           signed_form=SimpleUploadedFile("b.pdf", f.PDF_BYTES))


# --- reminders ------------------------------------------------------------------------------------


@pytest.mark.parametrize("day,expected", [
    (datetime.date(2026, 10, 1), 1),  # 30 days before 10-31
    (datetime.date(2026, 10, 24), 1),  # 7 days
    (datetime.date(2026, 10, 30), 1),  # 1 day
    (datetime.date(2026, 10, 2), 0),
    (datetime.date(2026, 10, 31), 0),
])
def test_reminders_go_out_30_7_and_1_days_before_the_window_closes(unit_a, day, expected):
    DeclarationFactory(employer=unit_a, business_year=2025)
    DeclarationFactory(employer=f.EmployerFactory(), business_year=2025, submitted=True)  # done: no reminder
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(8, 0), tzinfo=SH)):
        assert declarations.declaration_reminders_send() == expected
        assert declarations.declaration_reminders_send() == 0  # idempotent: never twice a day
    notices = Notice.objects.filter(kind=Notice.Kind.REMINDER)
    assert notices.count() == expected
    if expected:
        assert notices.get().employer == unit_a and "天后截止" in notices.get().title


def test_the_reminder_task_runs_the_service(unit_a):
    from placement.tasks import declaration_reminders_task

    DeclarationFactory(employer=unit_a, business_year=2025)
    with time_machine.travel(datetime.datetime(2026, 10, 24, 8, 0, tzinfo=SH)):
        declaration_reminders_task()
    assert Notice.objects.filter(employer=unit_a, kind=Notice.Kind.REMINDER).count() == 1


@time_machine.travel(IN_WINDOW)
def test_an_approved_withdrawal_lets_the_unit_change_its_list_and_submit_again(ready, owner, reviewer_sh):
    """The employer's request and the federation's decision (placement.certification) fit together."""
    from placement.services.certification import withdrawal_decide

    declarations.declaration_submit(actor=owner, declaration=ready, commitment_accepted=True)
    request = declarations.withdrawal_request_submit(actor=owner, declaration=ready, reason="漏报一人")
    withdrawal_decide(actor=reviewer_sh, request=request, approve=True, reason="")
    assert fresh(ready).status == D.DRAFT
    PersonFactory(declaration=ready, confirmed=True)
    declarations.declaration_submit(actor=owner, declaration=fresh(ready), commitment_accepted=True)
    assert fresh(ready).status == D.SUBMITTED


def test_the_reminders_are_in_the_one_beat_schedule_daily():
    from celery.schedules import crontab

    from placement import tasks  # noqa: F401 (registers the task)
    from portal.celery import app

    entry = app.conf.beat_schedule["placement-reminders"]
    assert entry["task"] == "placement.tasks.declaration_reminders_task" and entry["task"] in app.tasks
    assert entry["schedule"] == crontab(hour=8, minute=0)
