"""Exceptions, each with its fix on the row; the 75% rule per 社保编号; 提交职保会审核 only when every
exception is handled and every code is at the threshold or has its materials, inside the window."""

import pytest

from insurance import choices as c
from insurance.models import CodeRatio, InsuranceBatch
from insurance.selectors.ratio import ratio_rows
from insurance.selectors.submission import submission_blockers
from insurance.services import members, submission
from portal.exceptions import NotAllowed, ValidationFailed
from portal.feeds.demo import demo_person
from tests.insurance.factories import at, pdf
from tests.insurance.test_verification import imported, start

B, R = c.BatchStatus, c.Result


def member(batch, key):
    from portal.crypto import matches

    return batch.members.get(matches("id_index", demo_person(key).id_number))


@pytest.fixture
def verified(sh_code, sh_agent, django_capture_on_commit_callbacks):
    return start(imported(sh_code, sh_agent, withholding=True), sh_agent, django_capture_on_commit_callbacks)


def handle_everything(batch, agent):
    from insurance.services import roster

    members.member_confirm_name(actor=agent, member=member(batch, "sh-ret-name"))
    members.member_fill_retirement(actor=agent, member=member(batch, "sh-ret-no-month"), month="2018-03")
    members.member_set_situation(actor=agent, member=member(batch, "sh-ret-no-si"), situation="new_retiree")
    passport = batch.members.get(id_type="other")
    members.member_set_situation(actor=agent, member=passport, situation="abroad", note="长期定居加拿大",
                                 attachment=pdf("出国证明.pdf"))
    roster.members_delete(actor=agent, batch=batch, member_ids=[member(batch, "sh-ret-deceased").pk])


def test_submission_lists_what_blocks_it(verified):
    with at(2027, 5, 20):
        problems = submission_blockers(verified)
    assert "有 5 条异常数据未处理，请按每行的提示处理" in problems
    assert "请上传已盖章的委托代扣款申请表" in problems


def test_each_exception_has_its_fix(verified, sh_agent):
    with at(2027, 5, 20):
        with pytest.raises(NotAllowed, match="无需此项处理"):
            members.member_confirm_name(actor=sh_agent, member=member(verified, "sh-ret-clean"))
        with pytest.raises(ValidationFailed, match="不能晚于本月"):
            members.member_fill_retirement(actor=sh_agent, member=member(verified, "sh-ret-no-month"), month="2030-01")
        with pytest.raises(ValidationFailed, match="请填写备注"):
            members.member_set_situation(actor=sh_agent, member=member(verified, "sh-ret-no-si"), situation="other")
        with pytest.raises(ValidationFailed, match="请上传相关材料"):
            members.member_set_situation(actor=sh_agent, member=member(verified, "sh-ret-no-si"), situation="cadre",
                                         note="干保对象")
        handle_everything(verified, sh_agent)
        batch = InsuranceBatch.objects.get(pk=verified.pk)
        assert member(batch, "sh-ret-name").name == "韩玫"
        assert member(batch, "sh-ret-name").result == R.NAME_CONFIRMED
        assert member(batch, "sh-ret-no-month").result == R.RETIREMENT_FILLED
        assert not [p for p in submission_blockers(batch) if "异常" in p]


def test_the_75_percent_rule_per_code_and_the_unmatched_members(verified, sh_agent):
    with at(2027, 5, 20):
        handle_everything(verified, sh_agent)
        rows = {row.si_number: row for row in ratio_rows(verified)}
    code = rows["31061826"]
    assert (code.ratio.enrolled_here, code.registry_count) == (6, 7)  # the registry counts the unit's 7 retirees
    assert code.percent == "85.7%" and not code.needs_materials
    unmatched = rows[""]
    assert unmatched.ratio.enrolled_here == 2 and unmatched.needs_materials  # one 新退休, one 出国
    with at(2027, 5, 20):
        members.member_set_situation(actor=sh_agent, member=verified.members.get(id_type="other"),
                                     situation="new_retiree")
        assert not {row.si_number: row for row in ratio_rows(verified)}[""].needs_materials  # all 新退休: none needed


def test_a_code_below_the_threshold_needs_materials_before_submission(verified, sh_agent):
    from insurance.services import roster

    with at(2027, 5, 20):
        handle_everything(verified, sh_agent)
        drop = [member(verified, k).pk for k in ("sh-ret-clean", "sh-ret-clean2", "sh-ret-low-balance")]
        roster.members_delete(actor=sh_agent, batch=verified, member_ids=drop)  # 3 of 7: 42.9%
        from insurance.services.batches import batch_withholding_form

        batch_withholding_form(actor=sh_agent, batch=verified, form=pdf("委托代扣款申请表.pdf"))
        problems = submission_blockers(verified)
        assert "社保编号31061826参保比例42.9%未达75.0%，请上传相关材料" in problems
        assert "未匹配到单位社保编号的人员参保比例0.0%未达75.0%，请上传相关材料" in problems
        with pytest.raises(NotAllowed, match="请上传相关材料"):
            submission.batch_submit(actor=sh_agent, batch=verified)
        submission.ratio_materials_upload(actor=sh_agent, batch=verified, si_number="31061826", file=pdf("说明.pdf"))
        submission.ratio_materials_upload(actor=sh_agent, batch=verified, si_number="", file=pdf("出国说明.pdf"))
        batch = submission.batch_submit(actor=sh_agent, batch=verified)
    assert batch.status == B.UNDER_REVIEW and batch.submission_receipt.reference.startswith("TX")
    assert batch.submission_receipt.public_facts["参保人数"] == "5人"  # 3 under the code, 2 without a record
    assert set(CodeRatio.objects.filter(batch=batch).values_list("review_state", flat=True)) == {"pending"}


def test_a_handled_batch_is_submitted_once_with_its_receipt(verified, sh_agent):
    from insurance.services.batches import batch_withholding_form

    with at(2027, 5, 20):
        handle_everything(verified, sh_agent)
        batch_withholding_form(actor=sh_agent, batch=verified, form=pdf("委托代扣款申请表.pdf"))
        submission.ratio_materials_upload(actor=sh_agent, batch=verified, si_number="", file=pdf("出国说明.pdf"))
        batch = submission.batch_submit(actor=sh_agent, batch=verified)
        assert batch.status == B.UNDER_REVIEW
        with pytest.raises(NotAllowed, match="不能提交职保会审核"):
            submission.batch_submit(actor=sh_agent, batch=verified)


def test_a_withholding_batch_cannot_be_submitted_after_its_channel_closed(verified, sh_agent):
    with at(2027, 5, 20):
        handle_everything(verified, sh_agent)
    with at(2027, 6, 1), pytest.raises(NotAllowed, match="委托代扣款缴费参保通道已于2027-05-31 17:00关闭"):
        submission.batch_submit(actor=sh_agent, batch=verified)


def test_a_refused_batch_is_edited_and_submitted_again(sh_code, sh_agent, django_capture_on_commit_callbacks):
    batch = start(imported(sh_code, sh_agent), sh_agent, django_capture_on_commit_callbacks)
    with at(2027, 5, 20):
        handle_everything(batch, sh_agent)
        submission.ratio_materials_upload(actor=sh_agent, batch=batch, si_number="", file=pdf("出国说明.pdf"))
        InsuranceBatch.objects.filter(pk=batch.pk).update(status=B.REVIEW_REJECTED, review_reason="缺少材料")
        batch = submission.batch_submit(actor=sh_agent, batch=InsuranceBatch.objects.get(pk=batch.pk))
    assert batch.status == B.UNDER_REVIEW and batch.review_reason == ""
