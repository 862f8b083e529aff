"""参保编码申请 and 修改单位名称: submitted by the unit's agent, decided by the union staff of the
unit's 所属区局工会 within one working day, with receipts, notices and the audit trail."""

import datetime

import pytest
from django.http import Http404

from insurance import choices as c
from insurance.models import InsuranceCode
from insurance.selectors.codes import MATCHED, UNMATCHED, name_match
from insurance.selectors.scope import application_for, applications_visible, name_changes_visible
from insurance.services import batches, codes
from insurance.workdays import review_due
from portal.exceptions import NotAllowed, ValidationFailed
from portal.models import AuditEntry, Notice
from tests import factories as f
from tests.insurance.factories import BatchFactory, CodeFactory, at, pdf

R = c.ReviewState


def application_data(unit, **changes):
    return {"unit_name": unit.name, "credit_code": unit.credit_code, "agent_name": "王丽华",
            "agent_phone": "13916620000", "agent_email": "agent@demo.cn", "union_district": "徐汇区总工会",
            "economic_type": "private", "address": "上海市徐汇区漕溪北路398号", "postal_code": "200030",
            "principal": "周建华", "unit_phone": "021-64870000", **changes}


def test_an_application_is_submitted_with_its_receipt_and_due_within_one_working_day(sh_unit, sh_agent):
    with at(2026, 12, 4, 18):  # a Friday evening: due by the end of Monday
        application = codes.code_application_submit(actor=sh_agent, employer=sh_unit,
                                                    data=application_data(sh_unit), attachment=pdf("营业执照.pdf"))
        assert application.review_state == R.PENDING
        assert application.get_review_state_display() == "申请中"
        assert review_due(application.review_requested_at) == datetime.date(2026, 12, 7)
    assert application.receipt.reference.startswith("TX")
    assert application.receipt.public_facts["预计审核完成"].startswith("2026-12-07")
    assert application.attachment.kind == "insurance_code_application"


def test_a_unit_without_a_union_district_takes_the_one_its_application_names(registry, sh_agent):
    unit = sh_agent.agent.employer
    unit.union_district = ""
    unit.save()
    codes.code_application_submit(actor=sh_agent, employer=unit, data=application_data(unit, union_district="轻工工会"),
                                  attachment=pdf())
    unit.refresh_from_db()
    assert unit.union_district == "轻工工会"
    assert AuditEntry.objects.filter(action="employer.change_union_district", to_state="轻工工会").exists()


@pytest.mark.parametrize("changes,field", [
    ({"credit_code": "91310104MA1FL3X8Z"}, "credit_code"),
    ({"agent_phone": "021-123"}, "agent_phone"),
    ({"postal_code": "2000"}, "postal_code"),
])
def test_a_bad_application_stores_nothing(sh_unit, sh_agent, changes, field):
    with pytest.raises(ValidationFailed) as caught:
        codes.code_application_submit(actor=sh_agent, employer=sh_unit, data=application_data(sh_unit, **changes),
                                      attachment=pdf())
    assert caught.value.field == field
    assert not sh_unit.code_applications.exists() and not sh_unit.uploads.exists()


def test_an_application_needs_its_attachment(sh_unit, sh_agent):
    with pytest.raises(ValidationFailed, match="请上传附件"):
        codes.code_application_submit(actor=sh_agent, employer=sh_unit, data=application_data(sh_unit))


def test_the_union_of_the_units_district_approves_and_the_code_is_issued(sh_unit, sh_agent, union_xh):
    application = codes.code_application_submit(actor=sh_agent, employer=sh_unit, data=application_data(sh_unit),
                                                attachment=pdf())
    application = codes.code_application_decide(actor=union_xh, application=application, approve=True)
    assert application.review_state == R.APPROVED and application.reviewed_by == union_xh
    code = InsuranceCode.objects.get(application=application)
    assert len(code.code) == 9 and code.employer == sh_unit and code.unit_name == sh_unit.name
    notice = Notice.objects.get(employer=sh_unit, title="参保编码申请审核通过")
    assert code.code in notice.body


def test_a_union_reviewer_of_another_district_can_neither_see_nor_decide(sh_unit, sh_agent, union_hp, union_xh):
    application = codes.code_application_submit(actor=sh_agent, employer=sh_unit, data=application_data(sh_unit),
                                                attachment=pdf())
    assert not applications_visible(union_hp).exists()
    with pytest.raises(Http404):
        application_for(union_hp, application.pk)
    with pytest.raises(NotAllowed, match="不属于您所在的区局工会"):
        codes.code_application_decide(actor=union_hp, application=application, approve=True)
    assert application_for(union_xh, application.pk) == application


def test_a_refusal_needs_a_reason_and_the_agent_edits_and_resubmits(sh_unit, sh_agent, union_xh):
    application = codes.code_application_submit(actor=sh_agent, employer=sh_unit, data=application_data(sh_unit),
                                                attachment=pdf())
    with pytest.raises(ValidationFailed, match="原因"):
        codes.code_application_decide(actor=union_xh, application=application, approve=False)
    application = codes.code_application_decide(actor=union_xh, application=application, approve=False,
                                                reason="营业执照复印件未加盖公章")
    assert application.get_review_state_display() == "审核不通过"
    assert Notice.objects.filter(employer=sh_unit, body__contains="营业执照复印件未加盖公章").exists()
    application = codes.code_application_submit(actor=sh_agent, employer=sh_unit, application=application,
                                                data=application_data(sh_unit, principal="周建华（法定代表人）"))
    assert application.review_state == R.PENDING and application.principal == "周建华（法定代表人）"
    with pytest.raises(NotAllowed, match="申请中"):
        codes.code_application_submit(actor=sh_agent, employer=sh_unit, application=application,
                                      data=application_data(sh_unit))


def test_a_decision_cannot_be_taken_twice(sh_unit, sh_agent, union_xh):
    application = codes.code_application_submit(actor=sh_agent, employer=sh_unit, data=application_data(sh_unit),
                                                attachment=pdf())
    codes.code_application_decide(actor=union_xh, application=application, approve=True)
    other = f.UserFactory(union=True, union_district="徐汇区总工会")
    with pytest.raises(NotAllowed, match="已由"):
        codes.code_application_decide(actor=other, application=application, approve=False, reason="x")
    assert InsuranceCode.objects.filter(employer=sh_unit).count() == 1


def test_a_name_the_registry_cannot_match_blocks_the_unit_step_until_a_name_change_is_approved(
        sh_unit, sh_agent, union_xh):
    code = CodeFactory(employer=sh_unit, unit_name="上海浦江精密仪器厂")  # the old name
    assert name_match(code).state == UNMATCHED
    with at(2027, 5, 20):
        batch = BatchFactory(code=code, unit_confirmed_at=None)
        with pytest.raises(NotAllowed, match="修改单位名称"):
            batches.batch_confirm_unit(actor=sh_agent, batch=batch)
        change = codes.name_change_submit(actor=sh_agent, code=code, attachment=pdf("工商变更登记表.pdf"),
                                          data=application_data(sh_unit, unit_name="上海浦江精密仪器（集团）有限公司"))
        with pytest.raises(NotAllowed, match="审核中"):
            batches.batch_confirm_unit(actor=sh_agent, batch=batch)
        codes.name_change_decide(actor=union_xh, change=change, approve=True)
        code.refresh_from_db()
        assert code.unit_name == "上海浦江精密仪器（集团）有限公司" and code.name_approved
        assert name_match(code).state == MATCHED
        batch = batches.batch_confirm_unit(actor=sh_agent, batch=batch)
    assert batch.unit_confirmed_at is not None
    sh_unit.refresh_from_db()
    assert sh_unit.name == "上海浦江精密仪器有限公司"  # the registered name is not the plan's to change
    assert name_changes_visible(union_xh).count() == 1


def test_only_the_units_own_agent_may_ask_for_a_name_change(sh_code, other_agent):
    with pytest.raises(NotAllowed, match="本单位"):
        codes.name_change_submit(actor=other_agent, code=sh_code, attachment=pdf(),
                                 data=application_data(sh_code.employer, unit_name="别的名字"))
