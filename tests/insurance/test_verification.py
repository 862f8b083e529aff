"""提交系统校验 against the registries: every demo oddity gets its verdict, progress is counted
beside the status, a silent registry leaves members pending (never failed) and the sweep finishes
the batch with the same results as a fault-free run; deliveries twice change nothing."""

import pytest

from insurance import choices as c
from insurance.models import CodeRatio, InsuranceBatch
from insurance.services import roster, verification
from portal.feeds.behaviour import configure
from portal.feeds.demo import demo_person
from portal.models import Notice
from tests.insurance.factories import SH_RETIREES, BatchFactory, at, demo_roster_rows, roster_xlsx, xlsx_file

B, R, W = c.BatchStatus, c.Result, c.Withholding
EXPECTED = {
    "sh-ret-clean": (R.PASSED, W.YES), "sh-ret-clean2": (R.PASSED, W.YES), "sh-ret-deceased": (R.DECEASED, W.UNKNOWN),
    "sh-ret-no-month": (R.RETIREMENT_MISSING, W.NO), "sh-ret-no-withholding": (R.PASSED, W.NO),
    "sh-ret-low-balance": (R.PASSED, W.NO), "sh-ret-name": (R.NAME_MISMATCH, W.NO),
    "sh-ret-no-si": (R.NO_SOCIAL_INSURANCE, W.UNKNOWN), "passport": (R.UNVERIFIABLE, W.UNKNOWN),
}


def imported(code, agent, **batch):
    rows = [*demo_roster_rows(*SH_RETIREES), ("John Smith", "非身份证", "E12345678", "1950-03-01", "男", "13920000000")]
    with at(2027, 5, 20):
        batch = BatchFactory(code=code, **batch)
        return roster.batch_import_roster(actor=agent, batch=batch, file=xlsx_file(roster_xlsx(rows)))


def verdicts(batch) -> dict:
    keys = {demo_person(k).id_number: k for k in SH_RETIREES}
    return {keys.get(m.id_number, "passport"): (m.result, m.withholding)
            for m in batch.members.filter(deleted_at__isnull=True)}


def start(batch, agent, capture):
    with at(2027, 5, 20), capture(execute=True):
        verification.batch_verify_start(actor=agent, batch=batch)
    return InsuranceBatch.objects.get(pk=batch.pk)


def test_every_demo_oddity_gets_its_verdict_and_the_batch_is_verified(sh_code, sh_agent,
                                                                      django_capture_on_commit_callbacks):
    batch = start(imported(sh_code, sh_agent, withholding=True), sh_agent, django_capture_on_commit_callbacks)
    assert batch.status == B.VERIFIED and batch.verify_state == c.VerifyState.DONE
    assert (batch.verify_done, batch.verify_total) == (9, 9)
    assert verdicts(batch) == EXPECTED
    name = batch.members.get(result=R.NAME_MISMATCH)
    assert (name.name, name.si_name) == ("韩梅", "韩玫")
    assert batch.members.get(result=R.DECEASED).died_on.isoformat() == "2025-09-12"
    ratio = CodeRatio.objects.get(batch=batch, si_number="31061826")
    assert ratio.registry_count >= 6 and ratio.registry_month is not None  # the registry's retirees of the unit
    assert CodeRatio.objects.filter(batch=batch, si_number="").exists()  # the members with no record
    assert Notice.objects.filter(employer=sh_code.employer, title__contains="名单校验完成").count() == 1


def test_a_voucher_batch_asks_the_account_for_the_premium(sh_code, sh_agent, django_capture_on_commit_callbacks):
    """可代扣 means the account accepts withholding and holds the amount: the premium for a voucher batch."""
    batch = start(imported(sh_code, sh_agent), sh_agent, django_capture_on_commit_callbacks)
    assert verdicts(batch)["sh-ret-low-balance"] == (R.PASSED, W.NO)
    assert verdicts(batch)["sh-ret-clean"] == (R.PASSED, W.YES)


def test_registry_faults_leave_members_pending_and_the_sweep_reaches_the_fault_free_results(
        sh_code, sh_agent, django_capture_on_commit_callbacks, settings):
    settings.FEEDS_BACKOFF_S = 0.001
    with configure(error_rate=0.3, timeout_rate=0.05, timeout_s=0.02, seed=7):
        batch = start(imported(sh_code, sh_agent, withholding=True), sh_agent, django_capture_on_commit_callbacks)
        first = verdicts(batch)
        assert not {k for k, v in first.items() if v[0] not in (EXPECTED[k][0], R.PENDING)}, "an outage never fails"
        for _round in range(10):
            batch = InsuranceBatch.objects.get(pk=batch.pk)
            if batch.status == B.VERIFIED:
                break
            with django_capture_on_commit_callbacks(execute=True):
                verification.batch_verify_retry(batch.pk)
    batch = InsuranceBatch.objects.get(pk=batch.pk)
    assert batch.status == B.VERIFIED and verdicts(batch) == EXPECTED
    assert batch.verify_done == batch.verify_total == 9


def test_a_silent_registry_keeps_the_batch_verifying_until_the_sweep(sh_code, sh_agent,
                                                                     django_capture_on_commit_callbacks):
    with configure(error_rate=1.0):
        batch = start(imported(sh_code, sh_agent), sh_agent, django_capture_on_commit_callbacks)
    assert batch.status == B.VERIFYING and batch.verify_state == c.VerifyState.WAITING
    pending = batch.members.filter(check_state=c.CheckState.PENDING)
    assert pending.count() == 8 and set(pending.values_list("result", flat=True)) == {R.PENDING}
    assert batch.verify_done == 1  # the passport holder needs no registry
    waiting, _counts = verification.batches_to_sweep()
    assert batch.pk in waiting
    with django_capture_on_commit_callbacks(execute=True):
        verification.insurance_sweep()
    batch = InsuranceBatch.objects.get(pk=batch.pk)
    assert batch.status == B.VERIFIED and verdicts(batch) == EXPECTED


def test_a_chunk_delivered_twice_changes_nothing(sh_code, sh_agent, django_capture_on_commit_callbacks):
    batch = start(imported(sh_code, sh_agent), sh_agent, django_capture_on_commit_callbacks)
    before = list(batch.members.values_list("pk", "result", "checked_at"))
    verification.members_verify(batch.pk, [pk for pk, *_ in before])
    batch = InsuranceBatch.objects.get(pk=batch.pk)
    assert list(batch.members.values_list("pk", "result", "checked_at")) == before
    assert batch.verify_done == 9 and batch.status == B.VERIFIED


def test_verification_needs_the_unit_confirmed_and_members(sh_code, sh_agent):
    batch = BatchFactory(code=sh_code, status=B.AWAITING_VERIFICATION, unit_confirmed_at=None)
    with pytest.raises(Exception, match="不能提交系统校验：请先在“单位信息维护”确认单位信息无误；参保名单中还没有人员"):
        verification.batch_verify_start(actor=sh_agent, batch=batch)


def test_reverification_keeps_the_agents_fixes(sh_code, sh_agent, django_capture_on_commit_callbacks):
    from insurance.services import members

    batch = start(imported(sh_code, sh_agent), sh_agent, django_capture_on_commit_callbacks)
    with at(2027, 5, 20):
        members.member_confirm_name(actor=sh_agent, member=batch.members.get(result=R.NAME_MISMATCH))
        members.member_fill_retirement(actor=sh_agent, member=batch.members.get(result=R.RETIREMENT_MISSING),
                                       month="2018-03")
    batch = start(batch, sh_agent, django_capture_on_commit_callbacks)
    results = verdicts(batch)
    assert results["sh-ret-name"] == (R.NAME_CONFIRMED, W.YES)
    assert results["sh-ret-no-month"] == (R.RETIREMENT_FILLED, W.YES)
