"""The 添加残疾人 pages: bad input gets a Chinese message at the field and saves nothing from that
step; every step saves and the list resumes where the agent left (issue: Placement 1 of 2)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from placement.models import Contract, PlacedPerson
from portal.feeds.demo import demo_person
from tests import factories as f
from tests.placement.factories import registered_person

pytestmark = pytest.mark.django_db


def contract_form(**extra):
    data = {"is_dispatch": "0", "relation": "self", "contract_type": "fixed", "start_date": "2024-01-01",
            "end_date": "2026-12-31", "job": "装配工", "monthly_wage": "6000",
            "attachment": SimpleUploadedFile("合同.pdf", f.PDF_BYTES, content_type="application/pdf")}
    data.update(extra)
    return data


@pytest.mark.parametrize("value,message", [("31010419800101001", "请输入18位身份证号码"),
                                           ("310104198001010018", "校验位不正确")])
def test_an_invalid_id_number_is_refused_at_the_field(sh_unit, sh_agent, client_for, value, message):
    body = client_for(sh_agent).post(reverse("placement:person_new"), {"id_number": value}).content.decode()
    assert message in body and "<title>错误：" in body
    assert not PlacedPerson.objects.exists()


def test_the_registry_prefills_the_basic_information(sh_unit, sh_agent, client_for):
    page = client_for(sh_agent).post(reverse("placement:person_new"), {"id_number": demo_person("sh-clean").id_number})
    body = page.content.decode()
    assert "已从残疾人证登记系统获取" in body and demo_person("sh-clean").roster_name in body
    assert not PlacedPerson.objects.exists()  # nothing is saved before 保存


def test_a_person_already_in_the_declaration_is_refused(sh_unit, sh_agent, client_for):
    registered_person(sh_unit, sh_agent, "sh-clean")
    body = client_for(sh_agent).post(reverse("placement:person_new"),
                                     {"id_number": demo_person("sh-clean").id_number}).content.decode()
    assert "该人员已在本年度安置名单中" in body
    assert PlacedPerson.objects.count() == 1


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"start_date": "2025-06-01", "end_date": "2025-01-01"}, "合同结束日期不能早于开始日期"),
        ({"monthly_wage": "六千元"}, "合同月薪请输入数字"),
        ({"attachment": SimpleUploadedFile("合同.jpg", b"MZ\x90\x00 not an image")}, "文件类型不符合要求"),
        ({"is_dispatch": "1"}, "请选择劳务派遣单位"),
        ({"attachment": ""}, "请上传合同附件"),
    ],
)
def test_a_bad_contract_is_refused_at_the_field_and_nothing_saved(sh_unit, sh_agent, client_for, extra, message):
    person = registered_person(sh_unit, sh_agent, "sh-clean")
    before = Contract.objects.count()
    response = client_for(sh_agent).post(reverse("placement:contract_new", args=[person.pk]), contract_form(**extra))
    assert response.status_code == 200 and message in response.content.decode()
    assert Contract.objects.count() == before


def test_a_short_contract_is_saved_with_a_warning(sh_unit, sh_agent, client_for):
    person = registered_person(sh_unit, sh_agent, "sh-clean")
    response = client_for(sh_agent).post(reverse("placement:contract_new", args=[person.pk]),
                                         contract_form(start_date="2025-03-01", end_date="2025-12-31"), follow=True)
    assert "合同期限不足一年" in response.content.decode()


def test_a_certificate_not_matching_the_id_is_refused(sh_unit, sh_agent, client_for):
    person = registered_person(sh_unit, sh_agent, "sh-clean")
    image = SimpleUploadedFile("证.png", f.png_bytes(), content_type="image/png")
    response = client_for(sh_agent).post(reverse("placement:certificate_new", args=[person.pk]), {
        "kind": "disability", "number": f.resident_id(9) + "42", "category": "4", "grade": "2",
        "valid_from": "2024-01-01", "image": image})
    assert "残疾证号的前18位与身份证号码不一致" in response.content.decode()
    assert person.certificates.filter(source="manual").count() == 0


def test_the_agent_resumes_at_the_step_where_they_left(sh_unit, sh_agent, client_for,
                                                       django_capture_on_commit_callbacks):
    person = registered_person(sh_unit, sh_agent, "sh-gap", capture=django_capture_on_commit_callbacks)
    client = client_for(sh_agent)
    assert client.get(reverse("placement:resume", args=[person.pk]))["Location"].endswith("/verify/")
    client.post(reverse("placement:step2", args=[person.pk]), {"months": ["3"]})
    assert client.get(reverse("placement:resume", args=[person.pk]))["Location"].endswith("/evidence/")
    listing = client.get(reverse("placement:list")).content.decode()
    assert "继续登记" in listing and ">资料待完善</span>" in listing  # the row's badge, not the summary
    # the list links straight to that step: one request per click, not a redirect and a page (issue 20)
    assert f'href="{reverse("placement:step3", args=[person.pk])}">继续登记' in listing


def test_the_list_opens_a_person_no_longer_editable_on_the_record(sh_unit, sh_agent, client_for,
                                                                  django_capture_on_commit_callbacks):
    from tests.placement.factories import flagged_person

    person = flagged_person(sh_unit, sh_agent, capture=django_capture_on_commit_callbacks)  # 待审核
    client = client_for(sh_agent)
    record = reverse("placement:record", args=[person.pk])
    assert client.get(reverse("placement:resume", args=[person.pk]))["Location"] == record
    assert f'href="{record}">查看' in client.get(reverse("placement:list")).content.decode()


def test_the_grid_page_shows_reasons_and_a_legend(sh_unit, sh_agent, client_for, django_capture_on_commit_callbacks):
    person = registered_person(sh_unit, sh_agent, "sh-gap", capture=django_capture_on_commit_callbacks)
    body = client_for(sh_agent).get(reverse("placement:step2", args=[person.pk])).content.decode()
    assert "该月无社保缴费记录" in body and "系统核验不通过" in body
    assert 'data-confirm-months="该人员安置月数为{n}个月，是否确认并保存？"' in body
    assert body.count('disabled aria-label="') == 10  # ten months passed: forced, cannot be unselected


# --- issue 15, point 5: say exactly what is wrong with the file, beside its field ------------------


def test_a_renamed_text_file_is_told_what_it_is_not_the_size_limit(sh_unit, sh_agent, client_for):
    person = registered_person(sh_unit, sh_agent, "sh-clean")
    renamed = SimpleUploadedFile("劳动合同.pdf", "这是一个文本文件".encode(), content_type="application/pdf")
    body = client_for(sh_agent).post(reverse("placement:contract_new", args=[person.pk]),
                                     contract_form(attachment=renamed)).content.decode()
    assert "“劳动合同.pdf”的内容是文本文件，只能上传jpg/jpeg、png、pdf格式" in body
    assert "10MB" not in body.split('id="id_attachment_error"', 1)[1].split("</p>", 1)[0]


def test_an_empty_file_gets_the_portals_sentence_beside_its_field(sh_unit, sh_agent, client_for):
    person = registered_person(sh_unit, sh_agent, "sh-clean")
    empty = SimpleUploadedFile("劳动合同.pdf", b"", content_type="application/pdf")
    body = client_for(sh_agent).post(reverse("placement:contract_new", args=[person.pk]),
                                     contract_form(attachment=empty)).content.decode()
    assert "提交的文件为空" not in body
    error = body.split('id="id_attachment_error"', 1)[1].split("</p>", 1)[0]
    assert "文件是空的（0字节），请重新选择要上传的文件" in error


def test_step_three_names_the_material_in_its_messages(sh_unit, sh_agent, client_for,
                                                       django_capture_on_commit_callbacks):
    from placement.selectors.year import person_year
    from placement.services import wizard

    person = registered_person(sh_unit, sh_agent, "sh-gap", capture=django_capture_on_commit_callbacks)
    wizard.months_select(actor=sh_agent, person=person, months=person_year(person).forced_months | {3})
    body = client_for(sh_agent).post(reverse("placement:step3", args=[person.pk]),
                                     {"check": "si", "si-months": ["3"]}).content.decode()
    assert "请上传社会保险缴费凭证" in body and "请上传材料文件" not in body
