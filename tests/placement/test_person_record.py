"""安置登记记录 (issue 15, point 1): a person who can no longer change opens one read-only record —
contracts, certificates, each month's answers and decision, the evidence with its months and the
reviewers' decisions — and the wizard's pages send the agent there instead of showing dead inputs."""

import pytest
from django.urls import reverse

from placement import choices as c
from placement.models import Contract
from tests import factories as f
from tests.placement.factories import DeclarationFactory, PersonFactory, flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def declaration(unit_a):
    return DeclarationFactory(employer=unit_a, business_year=2025, headcount_confirmed=True)


def _contract(person):
    from portal.uploads import upload_accept
    from tests.placement.factories import pdf

    upload = upload_accept(file=pdf("劳动合同.pdf"), kind="placement_contract", employer=person.declaration.employer)
    return Contract.objects.create(person=person, is_dispatch=False, relation="self", contract_type="open_ended",
                                   start_date="2020-01-01", job="装配工", monthly_wage="5000", attachment=upload)


@pytest.mark.parametrize("trait", ["confirmed", "pending_review", "partially_rejected"])
def test_a_person_who_cannot_change_opens_the_read_only_record(declaration, owner, client_for, trait):
    person = PersonFactory(declaration=declaration, **{trait: True})
    client = client_for(owner)
    response = client.get(reverse("placement:resume", args=[person.pk]) + "?year=2025")
    assert response.status_code == 302 and response.url == reverse("placement:record", args=[person.pk])
    for step in ("step1", "step2", "step3", "contract_new", "certificate_new"):
        step_response = client.get(reverse(f"placement:{step}", args=[person.pk]))
        assert step_response.status_code == 302, step
        assert step_response.url == reverse("placement:record", args=[person.pk]), step


def test_the_record_shows_contracts_certificates_the_grid_evidence_and_decisions(declaration, owner, client_for):
    person = flag(PersonFactory(declaration=declaration, pending_review=True, name="记录人"), months=(3, 4))
    _contract(person)
    person.months.filter(month=3).update(review_state=c.ReviewState.APPROVED)
    person.months.filter(month=4).update(review_state=c.ReviewState.REJECTED, review_reason="缴费凭证月份不符")
    body = client_for(owner).get(reverse("placement:record", args=[person.pk])).content.decode()
    assert "安置登记记录：记录人" in body
    assert "劳动合同.pdf" in body and "装配工" in body  # the contract and its file
    assert "肢体残疾" in body and "二级" in body  # 残疾类别 and the grade as the certificate prints it
    assert "202503" in body and "该月无社保缴费记录" in body  # the grid with each month's answer
    assert "缴费凭证.pdf" in body and "证明月份：202503、202504" in body  # the evidence with its months
    assert "原因：缴费凭证月份不符" in body  # the reviewer's decision with its reason
    assert "<input" not in body.split("</header>", 1)[-1].split("<footer", 1)[0].replace(
        'type="hidden"', "")  # nothing to type into
    assert "年龄" in body


def test_a_person_still_being_registered_opens_the_wizard(declaration, owner, client_for):
    person = PersonFactory(declaration=declaration)
    response = client_for(owner).get(reverse("placement:step1", args=[person.pk]))
    assert response.status_code == 200 and "保存基本信息" in response.content.decode()


def test_another_units_agent_gets_a_404(declaration, client_for):
    person = PersonFactory(declaration=declaration, confirmed=True)
    stranger = f.AgentFactory().user
    assert client_for(stranger).get(reverse("placement:record", args=[person.pk])).status_code == 404


def test_the_steps_reached_are_links_back(declaration, owner, client_for):
    """Issue 15: the step tabs looked clickable and were not."""
    person = PersonFactory(declaration=declaration, wizard_step=3)
    body = client_for(owner).get(reverse("placement:step2", args=[person.pk])).content.decode()
    assert f'<a href="{reverse("placement:step1", args=[person.pk])}">安置登记</a>' in body
    assert f'<a href="{reverse("placement:step3", args=[person.pk])}">上传附件</a>' in body
    assert f'href="{reverse("placement:step4", args=[person.pk])}"' not in body  # not reached yet


@pytest.mark.parametrize("trait,notice", [
    ("pending_review", "安置登记已提交，等待残联主管部门审核。如需修改，请在安置人员列表中选择“重新登记”（将撤回本次审核）。"),
    ("confirmed", "该人员已完成安置登记。如需修改，请在安置人员列表中选择“重新登记”。"),
    ("rejected", "该人员已完成安置登记。如需修改，请在安置人员列表中选择“重新登记”。"),
])
def test_the_record_says_what_the_state_machine_allows(declaration, owner, client_for, trait, notice):
    """The record told a 待审核 person's agent that nothing could change during the review, though
    the list offers 重新登记 from there (PlacedPerson.re_register)."""
    person = PersonFactory(declaration=declaration, **{trait: True})
    client = client_for(owner)
    assert notice in client.get(reverse("placement:record", args=[person.pk])).content.decode()
    listing = client.get("/placement/?year=2025").content.decode()
    assert reverse("placement:person_re_register", args=[person.pk]) in listing  # the list offers it


def test_a_filed_years_record_points_to_the_withdrawal(unit_a, owner, client_for):
    person = PersonFactory(declaration=DeclarationFactory(employer=unit_a, business_year=2025, submitted=True),
                           confirmed=True)
    body = client_for(owner).get(reverse("placement:record", args=[person.pk])).content.decode()
    assert "本年度已完成申报，不能再修改安置人员。如需修改，请先申请年审申报撤回。" in body and "“重新登记”" not in body
