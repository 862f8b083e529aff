"""模拟数据源 pages: administrators list, search and edit registry records; the next feed call sees
the edit; every edit is audited; the health page shows each source's recent calls."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.feeds import configure
from portal.feeds.demo import demo_person, demo_unit
from portal.feeds.models import IntakeSubmission, MonthRecord, RegistryPerson
from portal.models import AuditEntry
from tests.portal.feeds.factories import CertificateFactory, RegistryPersonFactory, employed

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client_for, admin_user):
    return client_for(admin_user)


def test_the_list_searches_by_name_or_full_id_and_masks_numbers(admin, demo_registry):
    page = admin.get(reverse("feeds:people"), {"q": "王晓明"}).content.decode()  # the social-insurance spelling
    person = demo_person("sh-name")
    assert "王小明" in page and person.id_number not in page and person.id_number[:6] + "********" in page
    by_number = admin.get(reverse("feeds:people"), {"q": person.id_number}).content.decode()
    assert "王小明" in by_number and "张伟明" not in by_number
    partial = admin.get(reverse("feeds:people"), {"q": person.id_number[:10]}).content.decode()
    assert "没有符合条件的人员" in partial  # no partial-number search
    deceased = admin.get(reverse("feeds:people"), {"kind": "deceased"}).content.decode()
    assert "郑美玲" in deceased and "张伟明" not in deceased


def test_the_list_pages_and_its_query_count_does_not_grow_with_rows(admin):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert admin.get(reverse("feeds:people")).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        CertificateFactory()
    few = queries()
    for _ in range(18):
        CertificateFactory()
    assert queries() == few
    RegistryPersonFactory.create_batch(5)
    second = admin.get(reverse("feeds:people"), {"page": 2}).content.decode()
    assert "共 25 条" in second and "第 2 / 2 页" in second


def test_staging_a_missing_march_contribution_shows_in_the_next_feed_call(admin, feeds, admin_user):
    person = employed(year=2025)
    assert feeds.social_insurance.person_year(person.id_number, 2025).month(202503).paid
    march = MonthRecord.objects.get(person=person, month=202503)
    detail = admin.get(reverse("feeds:person", args=[person.pk]), {"year": 2025}).content.decode()
    assert reverse("feeds:month_edit", args=[march.pk]) in detail

    response = admin.post(reverse("feeds:month_edit", args=[march.pk]), {
        "si_state": "none", "si_base": "", "mi_state": "paid", "wage": "7000.00", "income_tax": "37.95"})
    assert response.status_code == 302

    answer = feeds.social_insurance.person_year(person.id_number, 2025)
    assert not answer.month(202503).paid and answer.month(202502).paid
    assert feeds.medical_insurance.person_year(person.id_number, 2025).month(202503).paid
    entry = AuditEntry.objects.get(action="feeds.month_updated")
    assert entry.actor == admin_user and entry.data["changes"]["si_paid"] == ["True", "None"]


def test_a_month_with_no_records_can_be_added_and_bad_input_is_refused(admin, feeds):
    person = employed(year=2025)
    unit = person.months.first().unit
    url = reverse("feeds:month_new", args=[person.pk])
    assert 'value="202612"' in admin.get(url, {"month": "202612"}).content.decode()
    refused = admin.post(url, {"month": "202613", "unit": "91310104MA1FL3X8Q9", "si_state": "paid", "si_base": "",
                               "mi_state": "none", "wage": ""})
    page = refused.content.decode()
    assert "请输入年月" in page and "登记单位中没有这个统一社会信用代码" in page and "请输入社保缴费基数" in page
    duplicate = admin.post(url, {"month": "202503", "unit": unit.credit_code, "si_state": "paid", "si_base": "1",
                                 "mi_state": "paid", "wage": ""})
    assert duplicate.status_code == 200 and MonthRecord.objects.filter(person=person, month=202503).count() == 1
    admin.post(url, {"month": "202612", "unit": unit.credit_code, "si_state": "unpaid", "si_base": "7000",
                     "mi_state": "none", "wage": "6500.00", "income_tax": ""})
    december = feeds.social_insurance.person_year(person.id_number, 2026).month(202612)
    assert december.contributions[0].paid is False and not december.paid
    assert feeds.wages.person_year(person.id_number, 2026).month(202612).wage_from(unit.credit_code) == 6500


def test_editing_a_person_a_certificate_a_unit_and_headcounts_shows_in_the_feeds(admin, feeds, demo_registry):
    person = RegistryPerson.objects.get(id_number=demo_person("sh-clean").id_number)
    form = {f: getattr(person, f) or "" for f in ("name", "sex", "hukou_region", "hukou_address", "si_name",
                                                  "pension_account", "pension_bank")}
    form.update(birth_date="1985-04-12", death_date="2025-10-01", retirement_month="", retiree_unit="",
                pension_balance="0")
    assert admin.post(reverse("feeds:person_edit", args=[person.pk]), form).status_code == 302
    assert feeds.civil_status.person_year(person.id_number, 2025).death_date == datetime.date(2025, 10, 1)

    certificate = person.certificates.get()
    edit = reverse("feeds:certificate_edit", args=[certificate.pk])
    fields = {"number": certificate.number, "kind": "disability", "category": "4", "grade": "2",
              "valid_from": "2021-03-15", "valid_to": "2025-04-30"}
    wrong = admin.post(edit, {**fields, "grade": "3"}).content.decode()
    assert "证号中的残疾类别和等级须与所选一致" in wrong
    assert admin.post(edit, fields).status_code == 302
    assert feeds.certificates.person_year(person.id_number, 2025).valid_in(202505) is None

    unit = demo_unit("nm")
    registry_unit = person.months.first().unit.__class__.objects.get(credit_code=unit.credit_code)
    assert admin.post(reverse("feeds:unit_edit", args=[registry_unit.pk]), {
        "name": "内蒙古草原乳业集团有限公司", "address": unit.address, "registration_authority": unit.authority,
        "region_code": "150102", "si_number": unit.si_number}).status_code == 302
    assert feeds.enterprises.lookup(unit.credit_code).name == "内蒙古草原乳业集团有限公司"

    url = reverse("feeds:unit_headcounts", args=[registry_unit.pk]) + "?year=2025"
    figures = {f"headcount_{m}": "70" for m in range(202501, 202513)} | {f"retirees_{m}": "" for m in range(202501, 202513)}
    figures["headcount_202512"] = ""
    assert admin.post(url, figures).status_code == 302
    year = feeds.social_insurance.unit_year(unit.credit_code, 2025)
    assert [m.headcount for m in year.months] == [70] * 11 + [None]
    assert {e.action for e in AuditEntry.objects.all()} >= {
        "feeds.person_updated", "feeds.certificate_updated", "feeds.unit_updated", "feeds.headcounts_updated"}


def test_staff_can_stage_the_tax_bureau_returning_a_submission(admin, feeds):
    from tests.portal.feeds.test_sources import _result

    feeds.tax_intake.submit(_result())
    submission = IntakeSubmission.objects.get()
    assert "CERT-2025-0001" in admin.get(reverse("feeds:intakes")).content.decode()
    url = reverse("feeds:intake_edit", args=[submission.pk])
    due = submission.ack_due_at.strftime("%Y-%m-%d %H:%M:%S")
    assert "请输入退回原因" in admin.post(url, {"status": "rejected", "message": "", "ack_due_at": due}).content.decode()
    admin.post(url, {"status": "rejected", "message": "纳税人识别号不存在", "ack_due_at": due})
    receipt = feeds.tax_intake.status("CERT-2025-0001")
    assert (receipt.status, receipt.message) == ("rejected", "纳税人识别号不存在")


def test_the_health_page_shows_each_sources_latency_and_error_share(admin, feeds):
    person = employed(year=2025)
    with configure(latency_ms=5):
        for _ in range(4):
            feeds.social_insurance.person_year(person.id_number, 2025)
    with configure(error_rate=1.0):
        for _ in range(6):
            with pytest.raises(Exception, match="503"):
                feeds.social_insurance.person_year(person.id_number, 2025)
    page = admin.get(reverse("console_health")).content.decode()
    assert "外部数据源" in page and "社会保险" in page and "企业登记" in page
    row = page[page.index("<th scope=\"row\">社会保险</th>"):][:600]
    assert ">10<" in row and "60.0%" in row and "异常" in row
    assert "最多同时服务 16 个调用" in page


def test_the_navigation_shows_the_page_to_administrators_only(admin, client_for, reviewer_sh):
    assert "模拟数据源" in admin.get(reverse("home")).content.decode()
    assert "模拟数据源" not in client_for(reviewer_sh).get(reverse("home")).content.decode()
    assert client_for(reviewer_sh).get(reverse("feeds:people")).status_code == 403


def test_a_decimal_balance_and_a_blank_retirement_month_round_trip_through_the_person_form(admin, feeds):
    person = RegistryPersonFactory(retiree=True)
    form = {"name": person.name, "sex": "M", "birth_date": person.birth_date.isoformat(), "hukou_region": "310104",
            "hukou_address": "x", "death_date": "", "si_name": person.name, "retired": "on", "retirement_month": "",
            "retiree_unit": "", "pension_account": person.pension_account, "pension_bank": "中国银行",
            "withholdable": "", "pension_balance": "88.50"}
    assert admin.post(reverse("feeds:person_edit", args=[person.pk]), form).status_code == 302
    pension = feeds.pension.person_year(person.id_number, 2025)
    assert (pension.retirement_month, pension.withholdable, pension.balance) == (None, False, Decimal("88.50"))


def test_a_persons_page_masks_numbers_and_a_reveal_is_audited(admin, admin_user):
    # issue 14, point 13: the page showed full ID and certificate numbers without an audit entry
    certificate = CertificateFactory()
    person = certificate.person
    url = reverse("feeds:person", args=[person.pk])
    page = admin.get(url).content.decode()
    assert person.id_number not in page and certificate.number not in page
    assert person.id_number[:6] + "********" + person.id_number[-4:] in page and "查看完整号码" in page
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()

    shown = admin.post(url, {"reveal": "1"}).content.decode()
    assert person.id_number in shown and certificate.number in shown and "本次查看已记录" in shown
    reads = AuditEntry.objects.filter(action="pii.reveal", actor=admin_user)
    assert {(e.object_id, e.data["field"]) for e in reads} == {(str(person.pk), "id_number"),
                                                               (str(certificate.pk), "number")}


def test_opening_an_edit_form_that_shows_a_full_number_is_audited(admin, admin_user):
    certificate = CertificateFactory()
    form = admin.get(reverse("feeds:certificate_edit", args=[certificate.pk])).content.decode()
    assert certificate.number in form
    entry = AuditEntry.objects.get(action="pii.reveal", actor=admin_user)
    assert entry.object_id == str(certificate.pk) and entry.data["label"] == "查看完整残疾证号"
    person = certificate.person
    RegistryPerson.objects.filter(pk=person.pk).update(pension_account="6222020200112233445")
    assert "6222020200112233445" in admin.get(reverse("feeds:person_edit", args=[person.pk])).content.decode()
    assert AuditEntry.objects.filter(action="pii.reveal", object_id=str(person.pk),
                                     data__field="pension_account").count() == 1
