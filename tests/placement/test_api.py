"""/api/v1/placement/: the wizard through the API, scoped to the agent's unit; bad input is a
400 with a Chinese message at the field and stores nothing (issue: Placement 1 of 2)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from placement.models import Contract, PlacedPerson
from portal.feeds.demo import demo_person
from tests import factories as f

pytestmark = pytest.mark.django_db
BASE = "/api/v1/placement/persons/"


def person_body(key="sh-clean", **extra):
    return {"id_number": demo_person(key).id_number, "name": demo_person(key).roster_name, "hukou_type": "local",
            "hukou_address": "上海市徐汇区", "phone": "13800000000", "retirement_category": "F55", **extra}


def contract_body(**extra):
    return {"contract_type": "open_ended", "start_date": "2020-01-01", "job": "装配工", "monthly_wage": "6000",
            "relation": "self", "is_dispatch": "false",
            "attachment": SimpleUploadedFile("合同.pdf", f.PDF_BYTES, content_type="application/pdf"), **extra}


def test_the_wizard_through_the_api(sh_unit, sh_agent, client_for, django_capture_on_commit_callbacks):
    client = client_for(sh_agent)
    created = client.post(BASE + "?year=2025", person_body(), content_type="application/json")
    assert created.status_code == 201, created.content
    person = created.json()
    assert person["id_number_masked"].startswith(demo_person("sh-clean").id_number[:6])
    assert demo_person("sh-clean").id_number not in created.content.decode()
    pk = person["id"]
    assert client.post(f"{BASE}{pk}/contracts/", contract_body()).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{BASE}{pk}/submit-step1/").status_code == 200
    months = client.get(f"{BASE}{pk}/months/").json()
    assert len(months) == 84 and {m["outcome"] for m in months} == {"ok"}
    # nothing to upload and nothing to review: choosing the months completes the registration, as
    # the page does (test_select_months_moves_a_person_the_same_way_on_the_page_and_the_api)
    done = client.post(f"{BASE}{pk}/select-months/", {"months": []}, content_type="application/json").json()
    assert done["status"] == "confirmed" and done["counts"]["registered"] == 12
    assert client.post(f"{BASE}{pk}/complete/").status_code == 409  # already complete
    assert done["counts"]["disabled_count"] == "2/1"  # 肢体二级 counts twice: 12 months × 2 / 12


@pytest.mark.parametrize(
    "body,field,message",
    [
        ({"id_number": "310104198001010018"}, "id_number", "校验位"),
        ({"retirement_category": "", "key": "sh-gap"}, "retirement_category", "退休年龄类别"),  # a woman
    ],
)
def test_bad_person_input_is_a_422_at_the_field(sh_unit, sh_agent, client_for, body, field, message):
    key = body.pop("key", "sh-clean")
    response = client_for(sh_agent).post(BASE, {**person_body(key), **body}, content_type="application/json")
    assert response.status_code == 422  # well-formed, refused by a rule
    assert message in str(response.json())
    assert not PlacedPerson.objects.exists()


def test_the_same_person_twice_is_refused(sh_unit, sh_agent, client_for):
    client = client_for(sh_agent)
    client.post(BASE, person_body(), content_type="application/json")
    again = client.post(BASE, person_body(), content_type="application/json")
    assert again.status_code == 422 and "已在本年度安置名单中" in again.json()["detail"]
    assert PlacedPerson.objects.count() == 1


@pytest.mark.parametrize(
    "body,message,status",
    [
        ({"contract_type": "fixed", "start_date": "2025-06-01", "end_date": "2025-01-01"}, "不能早于开始日期", 422),
        ({"monthly_wage": "六千"}, "monthly_wage", 400),  # not a number: the request's shape
        ({"attachment": SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 an exe")}, "文件类型不符合要求", 422),
        ({"is_dispatch": "true"}, "劳务派遣单位", 422),
    ],
)
def test_bad_contracts_are_refused_and_nothing_is_saved(sh_unit, sh_agent, client_for, body, message, status):
    client = client_for(sh_agent)
    pk = client.post(BASE, person_body(), content_type="application/json").json()["id"]
    response = client.post(f"{BASE}{pk}/contracts/", contract_body(**body))
    assert response.status_code == status and message in str(response.json())
    assert not Contract.objects.exists()


def test_a_short_contract_is_accepted_with_a_warning(sh_unit, sh_agent, client_for):
    client = client_for(sh_agent)
    pk = client.post(BASE, person_body(), content_type="application/json").json()["id"]
    response = client.post(f"{BASE}{pk}/contracts/", contract_body(contract_type="fixed", start_date="2025-01-01",
                                                                   end_date="2025-06-30"))
    assert response.status_code == 201 and "合同期限不足一年" in response.json()["warnings"][0]


def test_a_manual_certificate_must_carry_the_persons_id(sh_unit, sh_agent, client_for):
    client = client_for(sh_agent)
    pk = client.post(BASE, person_body(), content_type="application/json").json()["id"]
    other = f.resident_id(5)
    image = SimpleUploadedFile("证.png", f.png_bytes(), content_type="image/png")
    bad = client.post(f"{BASE}{pk}/certificates/", {"number": other + "42", "kind": "disability", "category": 4,
                                                    "grade": 2, "valid_from": "2024-01-01", "image": image})
    assert bad.status_code == 422 and "不一致" in bad.json()["detail"]


def test_another_units_agent_gets_404(sh_unit, sh_agent, client_for, outsider):
    pk = client_for(sh_agent).post(BASE, person_body(), content_type="application/json").json()["id"]
    assert client_for(outsider).get(f"{BASE}{pk}/").status_code == 404
    assert client_for(outsider).post(f"{BASE}{pk}/contracts/", contract_body()).status_code == 404
    assert client_for(outsider).get(f"{BASE}{pk}/months/").status_code == 404


def test_the_person_list_api_query_count_does_not_grow_with_rows(unit_a, owner, client_for):
    """Regression (review of issues 7–9): each row's counts cost three queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.placement.factories import DeclarationFactory, PersonFactory

    declaration = DeclarationFactory(employer=unit_a, business_year=2025)
    client = client_for(owner)

    def queries():
        client.get(BASE, {"year": 2025})  # the first call saves the chosen year in the session: not a row cost
        with CaptureQueriesContext(connection) as context:
            body = client.get(BASE, {"year": 2025}).json()
        return len(context), body

    PersonFactory.create_batch(2, declaration=declaration, confirmed=True)
    two, _ = queries()
    PersonFactory.create_batch(18, declaration=declaration, confirmed=True)
    twenty, body = queries()
    assert twenty == two and body["count"] == 20
    assert {row["counts"]["registered"] for row in body["results"]} == {12}


@pytest.mark.parametrize("key,status", [("sh-clean", "confirmed"), ("sh-gap", "incomplete")])
def test_select_months_moves_a_person_the_same_way_on_the_page_and_the_api(
        key, status, sh_unit, client_for, django_capture_on_commit_callbacks):
    """Regression (issue 13): the wizard's page completed a clean registration after 勾选月份 while
    the API's select-months left it half done. Both now call the one service; a person who needs
    material stays at step 3 either way."""
    from tests.placement.factories import registered_person

    outcomes = []
    for channel in ("page", "api"):
        agent = f.AgentFactory(employer=sh_unit).user
        person = registered_person(sh_unit, agent, key, capture=django_capture_on_commit_callbacks)
        client = client_for(agent)
        if channel == "page":
            client.post(reverse("placement:step2", args=[person.pk]), {"months": [str(m) for m in range(1, 13)]})
        else:
            client.post(f"{BASE}{person.pk}/select-months/", {"months": list(range(1, 13))},
                        content_type="application/json")
        person = type(person).objects.get(pk=person.pk)
        outcomes.append((person.status, person.wizard_step, person.registered_at is not None))
        person.delete()
    assert outcomes[0] == outcomes[1] and outcomes[0][0] == status
