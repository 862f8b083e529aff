"""The money pages as the agent and the union staff use them (issue 19): the withholding request
with its confirmation, the results page's figures, the vouchers page with a refused row kept beside
its field, the union console's queues, batch page, decisions, runs and the audited export."""

import io
from decimal import Decimal as D

from django.urls import reverse
from openpyxl import load_workbook

from insurance import choices as c
from insurance.models import InsuranceBatch
from insurance.selectors.money import settlement_of
from portal.models import AuditEntry
from tests import factories as f
from tests.insurance.factories import at
from tests.insurance.test_money import approve_all, in_voucher_review, png, submitted, withheld  # noqa: F401

B = c.BatchStatus


def test_the_agent_requests_withholding_after_agreeing(submitted, union_xh, sh_agent, client_for):  # noqa: F811
    with at(2027, 5, 20):
        client = client_for(sh_agent)  # inside the travel: a session ends 12 hours after login
        approve_all(submitted, union_xh)
        url = reverse("insurance:batch_withholding", args=[submitted.pk])
        page = client.get(url).content.decode()
        assert "代扣名单确认，提交代扣申请" in page and "我已阅读并同意" in page and "可代扣 <strong>3</strong> 人" in page
        refused = client.post(url, {})
        assert "请阅读提示并勾选" in refused.content.decode()
        assert InsuranceBatch.objects.get(pk=submitted.pk).status == B.REVIEW_APPROVED
        done = client.post(url, {"agreed": "on"}, follow=True).content.decode()
        assert "代扣申请已提交" in done and "起可下载" in done
        assert client.get(reverse("insurance:batch", args=[submitted.pk]))["Location"] == url


def test_the_results_page_shows_the_arithmetic(withheld, sh_agent, client_for):  # noqa: F811
    page = client_for(sh_agent).get(reverse("insurance:batch_withholding", args=[withheld.pk])).content.decode()
    assert "申请代扣 <strong>4</strong> 人，代扣成功 <strong>2</strong> 人（代扣金额¥300.00/人），代扣失败 <strong>2</strong> 人" in page
    assert "需单位缴纳参保费用 <strong>¥1,200.00</strong>" in page
    assert "参保名单确定，前往上传缴费凭证" in page


def test_a_bad_voucher_is_refused_beside_its_field_and_nothing_is_stored(withheld, sh_agent, client_for):  # noqa: F811
    client = client_for(sh_agent)
    client.post(reverse("insurance:batch_confirm_roster", args=[withheld.pk]))
    url = reverse("insurance:batch_vouchers", args=[withheld.pk])
    response = client.post(url, {"section": "voucher", "voucher-payer_name": "甲", "voucher-method": "online",
                                 "voucher-amount": "abc", "voucher-image": png()})
    assert "请输入缴费金额（元，最多两位小数）" in response.content.decode()  # "abc" is not an amount
    assert "错误：上传缴费凭证" in response.content.decode()
    assert InsuranceBatch.objects.get(pk=withheld.pk).vouchers.count() == 1  # only the generated 个人代扣 row
    ok = client.post(url, {"section": "voucher", "voucher-payer_name": "甲", "voucher-method": "online",
                           "voucher-amount": "1200", "voucher-image": png()}, follow=True).content.decode()
    assert "缴费凭证已保存" in ok and "¥1,800.00" in ok
    client.post(url, {"section": "submit"})
    assert InsuranceBatch.objects.get(pk=withheld.pk).status == B.VOUCHER_REVIEW


def test_the_union_console_lists_reviews_decides_and_exports(in_voucher_review, union_xh, union_hp,  # noqa: F811
                                                             client_for):
    client = client_for(union_xh)
    dashboard = client.get(reverse("home")).content.decode()
    assert "缴费凭证审核" in dashboard and "参保批次审核" in dashboard
    queue = client.get(reverse("backoffice:union_voucher_queue")).content.decode()
    assert in_voucher_review.number in queue
    assert in_voucher_review.number not in client_for(union_hp).get(reverse("backoffice:union_batches")).content.decode()
    assert client_for(union_hp).get(reverse("backoffice:union_batch", args=[in_voucher_review.pk])).status_code == 404
    found = client.get(reverse("backoffice:union_batches"), {"q": in_voucher_review.number}).content.decode()
    assert in_voucher_review.number in found
    page = client.get(reverse("backoffice:union_batch", args=[in_voucher_review.pk])).content.decode()
    assert "提交凭证审核结果" in page and "¥1,800.00" in page
    refused = client.post(reverse("backoffice:union_voucher_review", args=[in_voucher_review.pk]),
                          {"v-decision": "reject", "v-reason": ""}).content.decode()
    assert "须填写原因" in refused
    client.post(reverse("backoffice:union_voucher_review", args=[in_voucher_review.pk]), {"v-decision": "approve"})
    batch = InsuranceBatch.objects.get(pk=in_voucher_review.pk)
    assert batch.status == B.INSURED
    export = client.get(reverse("backoffice:union_batches_export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEntry.objects.filter(action="insurance_batch.union_export", actor=union_xh).exists()
    # the figures of each row are the batch's own (counted a chunk of batches at a time)
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content) if export.streaming else export.content)).active
    header = [cell.value for cell in sheet[1]]
    exported = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    figures = settlement_of(batch)
    row = exported[batch.number]
    assert (row[header.index("参保人数")], row[header.index("代扣成功人数")], row[header.index("参保总费用")]) == \
        (figures.members, figures.withheld, str(figures.total))
    runs = client.get(reverse("backoffice:union_runs"), {"status": "all"}).content.decode()
    assert in_voucher_review.number in runs and "已返回代扣结果" in runs
    receipt = client.get(reverse("document_download", args=[batch.insured_receipt.document_id]))
    assert receipt.status_code == 200


def test_union_staff_open_the_units_insurance_documents_only(withheld, union_xh, union_hp, client_for):  # noqa: F811
    slip = withheld.acceptance_slip_id
    assert client_for(union_xh).get(reverse("document_download", args=[slip])).status_code == 200
    assert client_for(union_hp).get(reverse("document_download", args=[slip])).status_code == 404
    admin = f.UserFactory(admin=True)
    assert client_for(admin).get(reverse("document_download", args=[slip])).status_code == 200
    assert withheld.withholding_run.amount == D("300.00")


def test_the_union_batch_list_reads_only_what_its_rows_show_in_a_fixed_number_of_queries(client_for, union_xh,
                                                                                          sh_code):
    """Issue 20: each row read the batch's forty columns and its unit's thirty (half the rows' time).
    Reading fewer must not cost a query per row for a column the row does show."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from insurance.models import InsuranceBatch
    from tests.insurance.factories import BatchFactory

    client = client_for(union_xh)
    client.get(reverse("backoffice:union_batches"))  # warm the session and content-type caches
    counts = []
    for rows in (2, 12):
        BatchFactory.create_batch(rows - InsuranceBatch.objects.count(), code=sh_code)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("backoffice:union_batches")).content.decode()
        assert page.count('<td class="nowrap">TXZY') == rows
        counts.append(len(queries))
        batch_reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(
            'SELECT "insurance_insurancebatch"."id", "insurance_insurancebatch"."number"')]
        assert batch_reads and all('"employers_employer"."legal_rep_id_number"' not in sql and
                                   '"insurance_insurancebatch"."roster_file_id"' not in sql for sql in batch_reads)
    assert counts[0] == counts[1], counts
    assert page.count(f"<td>{sh_code.code}</td>") == 12 and sh_code.unit_name in page
