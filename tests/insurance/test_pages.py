"""The unit's pages and the union's console: forms keep the errors beside their fields, the roster
import shows every bad row with the marked file to download, the batch moves step by step, and
lists keep their query count whatever their length."""

import io

import openpyxl
import pytest
from django.urls import reverse

from insurance import choices as c
from insurance.models import InsuranceBatch
from tests.conftest import login
from tests.insurance.factories import (
    SH_RETIREES,
    BatchFactory,
    MemberFactory,
    at,
    demo_roster_rows,
    pdf,
    roster_xlsx,
    xlsx_file,
)
from tests.insurance.test_codes import application_data

B = c.BatchStatus


@pytest.fixture
def agent_client(client, sh_agent):
    return login(client, sh_agent)


def test_a_code_application_with_a_bad_credit_code_keeps_the_values_and_says_what_to_fix(agent_client, sh_unit):
    wrong = sh_unit.credit_code[:-1] + ("0" if sh_unit.credit_code[-1] != "0" else "1")
    data = {**application_data(sh_unit, credit_code=wrong), "attachment": pdf()}
    response = agent_client.post(reverse("insurance:code_new"), data)
    page = response.content.decode()
    assert response.status_code == 200 and "<title>错误：" in page
    assert "统一社会信用代码校验位不正确，请核对" in page and f'value="{wrong}"' in page
    assert not sh_unit.code_applications.exists()


def test_applying_for_a_code_on_the_page_shows_the_due_day(client, sh_agent, sh_unit):
    with at(2026, 12, 4, 18):
        agent_client = login(client, sh_agent)  # logged in at the moment travelled to (sessions idle out)
        response = agent_client.post(reverse("insurance:code_new"), {**application_data(sh_unit), "attachment": pdf()},
                                     follow=True)
    page = response.content.decode()
    assert "2026-12-07前" in page and "申请中" in page


def test_a_central_batch_outside_its_window_is_not_started(client, sh_agent, sh_code):
    with at(2026, 12, 6):
        agent_client = login(client, sh_agent)
        page = agent_client.get(reverse("insurance:batch_new", args=["central"])).content.decode()
        assert "当前不在集中参保办理时间内。2027年度集中参保办理时间为2027-05-12 00:00至2027-06-30 17:00" in page
        response = agent_client.post(reverse("insurance:batch_new", args=["central"]), {"code": sh_code.pk})
    assert response.status_code == 200 and not InsuranceBatch.objects.exists()


def test_the_batch_steps_from_the_code_to_the_roster(client, sh_agent, sh_code):
    with at(2027, 5, 20):
        agent_client = login(client, sh_agent)
        response = agent_client.post(reverse("insurance:batch_new", args=["central"]), {"code": sh_code.pk})
        assert response.status_code == 302, response.content.decode()[-3000:]
        batch = InsuranceBatch.objects.get()
        assert response["Location"] == reverse("insurance:batch_unit", args=[batch.pk])
        response = agent_client.post(reverse("insurance:batch_unit", args=[batch.pk]), {"confirm": "1"})
        assert response["Location"] == reverse("insurance:batch_roster", args=[batch.pk])
        page = agent_client.get(response["Location"]).content.decode()
        assert "参保缴费方式一旦选择，不能修改，请慎重选择" in page and "下载“委托代扣款申请表”样稿" in page
        response = agent_client.post(reverse("insurance:batch_payment", args=[batch.pk]),
                                     {"payment_method": "withholding", "withholding_amount": "300"})
        assert "请上传已盖章的委托代扣款申请表" in response.content.decode()
        response = agent_client.post(reverse("insurance:batch_payment", args=[batch.pk]),
                                     {"payment_method": "withholding", "withholding_amount": "500",
                                      "withholding_form": pdf("委托代扣款申请表.pdf")})
        assert "委托代扣金额须大于0且小于等于450.00元/人" in response.content.decode()
        assert not InsuranceBatch.objects.get().payment_method
        agent_client.post(reverse("insurance:batch_payment", args=[batch.pk]),
                          {"payment_method": "withholding", "withholding_amount": "300",
                           "withholding_form": pdf("委托代扣款申请表.pdf")})
    batch = InsuranceBatch.objects.get()
    assert batch.payment_method == "withholding" and str(batch.withholding_amount) == "300.00"


def test_a_bad_roster_lists_every_error_and_the_marked_file_downloads(agent_client, sh_code):
    batch = BatchFactory(code=sh_code)
    rows = [*demo_roster_rows("sh-ret-clean", "sh-ret-clean2"), ("", "身份证", "123", None, None, "13900000000")]
    response = agent_client.post(reverse("insurance:roster_import", args=[batch.pk]),
                                 {"file": xlsx_file(roster_xlsx(rows))})
    page = response.content.decode()
    assert "导入失败：1行有错误" in page and "第4行" in page and "请填写姓名" in page
    token = response.context["errors_token"]
    download = agent_client.get(reverse("insurance:roster_errors", args=[batch.pk, token]))
    sheet = openpyxl.load_workbook(io.BytesIO(download.content))["错误说明"]
    assert sheet["G4"].value.startswith("*姓名：请填写姓名") and sheet["A2"].value == "吴国华"
    assert not batch.members.exists()


def test_a_good_roster_is_previewed_then_confirmed(agent_client, sh_code):
    batch = BatchFactory(code=sh_code)
    response = agent_client.post(reverse("insurance:roster_import", args=[batch.pk]),
                                 {"file": xlsx_file(roster_xlsx(demo_roster_rows(*SH_RETIREES)))})
    assert "导入预览" in response.content.decode() and not batch.members.exists()
    agent_client.post(reverse("insurance:roster_confirm", args=[batch.pk]), {"token": response.context["preview_token"]})
    assert batch.members.count() == 8
    assert InsuranceBatch.objects.get(pk=batch.pk).status == B.AWAITING_VERIFICATION


def test_results_page_fixes_a_name_and_chooses_a_situation(client, sh_agent, sh_code):
    batch = BatchFactory(code=sh_code, verified=True)
    mismatch = MemberFactory(batch=batch, passed=True, name="韩梅", si_name="韩玫", result=c.Result.NAME_MISMATCH,
                             withholding=c.Withholding.NO)
    nobody = MemberFactory(batch=batch, check_state="checked", si_found=False, result=c.Result.NO_SOCIAL_INSURANCE)
    with at(2027, 5, 20):
        agent_client = login(client, sh_agent)
        page = agent_client.get(reverse("insurance:batch_results", args=[batch.pk])).content.decode()
        assert "社保姓名与导入姓名不一致 <strong>1</strong>人" in page and "异常核对" in page
        agent_client.post(reverse("insurance:member_confirm_name", args=[batch.pk, mismatch.pk]))
        response = agent_client.post(reverse("insurance:member_situation", args=[batch.pk, nobody.pk]),
                                     {"situation": "other"})
        assert "请填写备注（具体情况说明）" in response.content.decode()
        agent_client.post(reverse("insurance:member_situation", args=[batch.pk, nobody.pk]),
                          {"situation": "other", "note": "社保封存", "attachment": pdf("封存证明.pdf")})
    mismatch.refresh_from_db()
    nobody.refresh_from_db()
    assert mismatch.name == "韩玫" and nobody.situation == "other" and nobody.situation_attachment is not None


def test_a_full_id_is_shown_only_on_request_and_audited(agent_client, sh_code, sh_agent):
    from portal.models import AuditEntry

    member = MemberFactory(batch=BatchFactory(code=sh_code))
    url = reverse("insurance:member_detail", args=[member.batch.pk, member.pk])
    assert member.id_number not in agent_client.get(url).content.decode()
    assert member.id_number in agent_client.post(url, {"reveal": "1"}).content.decode()
    assert AuditEntry.objects.filter(action="pii.reveal", actor=sh_agent).exists()


def test_the_export_is_audited(agent_client, sh_code, sh_agent):
    from portal.models import AuditEntry

    batch = BatchFactory(code=sh_code, verified=True)
    MemberFactory(batch=batch, passed=True)
    response = agent_client.get(reverse("insurance:results_export", args=[batch.pk]))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="insurance_batch.export", actor=sh_agent).exists()


@pytest.mark.parametrize("url_name", ["insurance:batch_results", "insurance:batch_roster"])
def test_member_lists_do_not_grow_their_queries_with_rows(agent_client, sh_code, url_name,
                                                          django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    batch = BatchFactory(code=sh_code, verified=True)
    counts = []
    for rows in (2, 20):
        MemberFactory.create_batch(rows - batch.members.count(), batch=batch, passed=True)
        with CaptureQueriesContext(connection) as queries:
            assert agent_client.get(reverse(url_name, args=[batch.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_batch_list_does_not_grow_its_queries_with_rows(agent_client, sh_code):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for rows in (2, 12):
        BatchFactory.create_batch(rows - InsuranceBatch.objects.count(), code=sh_code)
        with CaptureQueriesContext(connection) as queries:
            page = agent_client.get(reverse("insurance:batches")).content.decode()
        assert page.count("查看批次信息<span") == rows
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_union_of_the_district_reviews_an_application_and_another_district_gets_404(
        client, sh_unit, sh_agent, union_xh, union_hp):
    from insurance.services import codes

    application = codes.code_application_submit(actor=sh_agent, employer=sh_unit, data=application_data(sh_unit),
                                                attachment=pdf())
    other = login(client.__class__(), union_hp)
    assert other.get(reverse("backoffice:code_application_review", args=[application.pk])).status_code == 404
    assert sh_unit.name not in other.get(reverse("backoffice:code_applications")).content.decode()
    mine = login(client, union_xh)
    queue = mine.get(reverse("backoffice:code_applications")).content.decode()
    assert sh_unit.name in queue and "应审核完成" in queue
    response = mine.post(reverse("backoffice:code_application_review", args=[application.pk]), {"decision": "reject"})
    assert "请填写审核不通过的原因" in response.content.decode()
    mine.post(reverse("backoffice:code_application_review", args=[application.pk]), {"decision": "approve"})
    application.refresh_from_db()
    assert application.review_state == "approved" and application.code is not None
    home = mine.get(reverse("home")).content.decode()
    assert "参保编码申请审核" in home


def test_union_staff_open_roster_files_of_their_district_only(client, sh_code, sh_agent, union_xh, union_hp,
                                                               other_unit):
    from insurance.services import roster

    batch = roster.batch_import_roster(actor=sh_agent, batch=BatchFactory(code=sh_code),
                                       file=xlsx_file(roster_xlsx(demo_roster_rows("sh-ret-clean"))))
    url = reverse("file_download", args=[batch.roster_file.pk])
    assert login(client.__class__(), union_xh).get(url).status_code == 200
    assert login(client.__class__(), union_hp).get(url).status_code == 404


def test_the_union_queues_show_each_row_from_its_own_columns(client, sh_unit, sh_agent, union_xh):
    """A queue row reads the columns it shows, not the request with its unit, upload and reviewer
    (issue 20): the 单位名称修改审核 row still shows the old and new names and the code."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from insurance.services import codes
    from tests.insurance.factories import CodeFactory

    code = CodeFactory(employer=sh_unit, unit_name="上海浦江精密仪器厂")
    codes.name_change_submit(actor=sh_agent, code=code, attachment=pdf("工商变更登记表.pdf"),
                             data=application_data(sh_unit, unit_name="上海浦江精密仪器（集团）有限公司"))
    codes.code_application_submit(actor=sh_agent, employer=sh_unit, data=application_data(sh_unit), attachment=pdf())
    union = login(client, union_xh)
    with CaptureQueriesContext(connection) as read:
        queue = union.get(reverse("backoffice:name_changes")).content.decode()
    assert "上海浦江精密仪器厂" in queue and "上海浦江精密仪器（集团）有限公司" in queue and code.code in queue
    rows = [q["sql"] for q in read.captured_queries if "insurance_unitnamechange" in q["sql"] and "IN (" in q["sql"]]
    assert len(rows) == 1 and '"employers_employer"."name"' not in rows[0] and '"portal_upload"' not in rows[0]
    with CaptureQueriesContext(connection) as read:
        queue = union.get(reverse("backoffice:code_applications")).content.decode()
    assert sh_unit.name in queue and sh_unit.credit_code in queue
    rows = [q["sql"] for q in read.captured_queries if "insurance_codeapplication" in q["sql"] and "IN (" in q["sql"]]
    assert len(rows) == 1 and '"employers_employer"."name"' not in rows[0] and '"portal_upload"' not in rows[0]
