"""年审认证审核, returns, reopening with the four-eyes rule and the request decisions (issue: Back
office 2 of 2; withdrawal before certification: Back office 1 of 2)."""

import shutil
import subprocess
from fractions import Fraction

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from levy.models import CertifiedFigures, DeclarationStatus
from placement import choices as c
from placement.models import (
    AnnualDeclaration,
    DeregistrationRequest,
    FeedbackRequest,
    PlacedPerson,
    TaxDelivery,
    WithdrawalRequest,
)
from placement.services import wizard as services
from placement.services.certification import (
    declaration_certify,
    declaration_return,
    deregistration_decide,
    feedback_decide,
    withdrawal_decide,
)
from portal.audit import audit_timeline
from portal.exceptions import Conflict, NotAllowed, ValidationFailed
from portal.models import IssuedDocument, Notice, Receipt
from portal.workflow import can
from tests import factories as f
from tests.conftest import skip_or_fail
from tests.placement.factories import pdf, registered_person

pytestmark = pytest.mark.django_db
D = c.DeclarationStatus


def confirmed_person(unit, agent, key, capture):
    person = registered_person(unit, agent, key, capture=capture)
    services.months_select(actor=agent, person=person, months=set())
    person = services.registration_complete(actor=agent, person=person)
    assert PlacedPerson.objects.get(pk=person.pk).status == c.PersonStatus.CONFIRMED
    return person


def submitted(declaration, agent, headcount=100):
    """The declaration as the employer's submit service leaves it (that service has its own tests)."""
    AnnualDeclaration.objects.filter(pk=declaration.pk).update(
        status=D.SUBMITTED, submitted_at=timezone.now(), submitted_by=agent, headcount=headcount,
        headcount_confirmed_at=timezone.now())
    return AnnualDeclaration.objects.get(pk=declaration.pk)


@pytest.fixture
def reviewer(sh_unit):
    return f.UserFactory(reviewer=True, region=sh_unit.fed_region)


@pytest.fixture
def supervisors(sh_unit):
    return (f.UserFactory(supervisor=True, region=sh_unit.fed_region),
            f.UserFactory(supervisor=True, region=sh_unit.fed_region))


@pytest.fixture
def ready(sh_unit, sh_agent, django_capture_on_commit_callbacks):
    """A submitted declaration of the Shanghai unit with one confirmed person, 王堃 (a rare character)."""
    person = confirmed_person(sh_unit, sh_agent, "sh-clean", django_capture_on_commit_callbacks)
    PlacedPerson.objects.filter(pk=person.pk).update(name="王堃")
    return submitted(person.declaration, sh_agent)


def certify(declaration, actor, capture):
    with capture(execute=True):
        return declaration_certify(actor=actor, declaration=declaration)


def test_a_draft_or_unconfirmed_declaration_cannot_be_certified(sh_unit, sh_agent, reviewer,
                                                                 django_capture_on_commit_callbacks):
    person = registered_person(sh_unit, sh_agent, "sh-gap", capture=django_capture_on_commit_callbacks)
    with pytest.raises(NotAllowed, match="只有已完成申报的可以认证"):
        declaration_certify(actor=reviewer, declaration=person.declaration)
    declaration = submitted(person.declaration, sh_agent)
    with pytest.raises(NotAllowed, match="还有 1 名安置人员未审核确认"):
        declaration_certify(actor=reviewer, declaration=declaration)
    assert AnnualDeclaration.objects.get(pk=declaration.pk).status == D.SUBMITTED
    assert not Receipt.objects.filter(kind="placement_certificate").exists()


def test_only_federation_staff_of_the_units_region_certify(ready, sh_agent):
    outsider = f.UserFactory(reviewer=True, region=f.region("210102"))
    for actor in (sh_agent, outsider, f.UserFactory(tax=True, region=ready.employer.tax_region)):
        with pytest.raises(NotAllowed):
            declaration_certify(actor=actor, declaration=ready)
    assert AnnualDeclaration.objects.get(pk=ready.pk).status == D.SUBMITTED


def test_certification_issues_the_certificate_records_exact_levy_figures_and_tells_the_unit(
        ready, reviewer, django_capture_on_commit_callbacks):
    declaration = certify(ready, reviewer, django_capture_on_commit_callbacks)
    assert declaration.status == D.CERTIFIED and declaration.certified_by == reviewer
    certificate = declaration.certificate
    assert certificate.kind == "placement_certificate" and certificate.reference.startswith("RD")
    assert certificate.public_facts["在职职工人数"] == "100"
    figures = CertifiedFigures.objects.get(employer=ready.employer, business_year=2025)
    # 张伟明's certificate is 肢体二级 (severe): 12 months × weight 2 = 24 person-months → 2 persons
    assert figures.person_months_by_weight == {"2": 12}
    assert Fraction(figures.disabled_numerator, figures.disabled_denominator) == 2
    assert Fraction(figures.local_numerator, figures.local_denominator) == 2
    assert figures.headcount == 100 and figures.certificate_reference == certificate.reference
    notice = Notice.objects.get(employer=ready.employer, kind=Notice.Kind.REVIEW)
    assert "年审认证通过" in notice.title and certificate.reference in notice.body


def test_the_certificate_pdf_shows_the_facts_and_a_rare_character(ready, reviewer,
                                                                    django_capture_on_commit_callbacks):
    declaration = certify(ready, reviewer, django_capture_on_commit_callbacks)
    document = IssuedDocument.objects.get(pk=declaration.certificate.document_id)
    assert document.status == IssuedDocument.Status.READY and document.render_count == 1
    facts = document.context
    assert facts["unit_name"] == ready.employer.name and facts["headcount"] == 100
    assert facts["persons"][0]["name"] == "王堃" and facts["persons"][0]["months"] == "202501–202512"
    assert facts["persons"][0]["id_masked"].count("*") == 8
    assert facts["disabled_count"] == "2.00" and facts["actual_ratio"] == "2.00%"
    assert "disabled_exact" not in facts  # issue 14, point 5: no fraction on the certificate
    if not shutil.which("pdftotext"):
        skip_or_fail("poppler-utils is not installed")
    with default_storage.open(document.storage_name, "rb") as fh:
        text = subprocess.run(["pdftotext", "-", "-"], input=fh.read(), capture_output=True, check=True).stdout
    text = text.decode()
    assert "残疾人按比例就业情况审核认定书" in text and ready.employer.name in text and "王堃" in text
    assert declaration.certificate.verification_code in text


def test_a_second_certification_is_told_who_certified_first(ready, reviewer, supervisors,
                                                            django_capture_on_commit_callbacks):
    certify(ready, reviewer, django_capture_on_commit_callbacks)
    with pytest.raises(Conflict, match=reviewer.display_name):
        declaration_certify(actor=supervisors[0], declaration=ready)
    assert Receipt.objects.filter(kind="placement_certificate").count() == 1


def test_a_returned_declaration_goes_back_to_draft_with_the_reason(ready, reviewer):
    with pytest.raises(ValidationFailed, match="请填写退回原因"):
        declaration_return(actor=reviewer, declaration=ready, reason="  ")
    declaration = declaration_return(actor=reviewer, declaration=ready, reason="在职职工人数与社保登记不符")
    declaration = AnnualDeclaration.objects.get(pk=declaration.pk)
    assert declaration.status == D.DRAFT and declaration.return_reason == "在职职工人数与社保登记不符"
    assert Notice.objects.filter(employer=ready.employer, title__contains="被退回").exists()
    with pytest.raises(Conflict):
        declaration_return(actor=reviewer, declaration=declaration, reason="再退一次")


def withdrawal(declaration, agent, after=False):
    return WithdrawalRequest.objects.create(declaration=declaration, reason="漏报一名安置人员", submitted_by=agent,
                                            after_certification=after)


def test_a_withdrawal_before_certification_is_decided_by_a_reviewer(ready, sh_agent, reviewer):
    request = withdrawal(ready, sh_agent)
    with pytest.raises(ValidationFailed, match="请填写不同意的理由"):
        withdrawal_decide(actor=reviewer, request=request, approve=False, reason="")
    request = withdrawal_decide(actor=reviewer, request=request, approve=True, reason="")
    assert request.status == c.RequestStatus.APPROVED
    assert AnnualDeclaration.objects.get(pk=ready.pk).status == D.DRAFT
    # levy's guide stops telling the unit to wait for a certification that will not come
    assert DeclarationStatus.objects.get(employer=ready.employer, business_year=ready.business_year).state == \
        "returned"
    with pytest.raises(Conflict, match="已由"):
        withdrawal_decide(actor=reviewer, request=request, approve=False, reason="重复办理")


def test_a_refused_withdrawal_leaves_the_declaration_submitted(ready, sh_agent, reviewer):
    request = withdrawal_decide(actor=reviewer, request=withdrawal(ready, sh_agent), approve=False, reason="材料齐全")
    assert request.status == c.RequestStatus.REFUSED and request.decision_reason == "材料齐全"
    assert AnnualDeclaration.objects.get(pk=ready.pk).status == D.SUBMITTED
    assert Notice.objects.filter(employer=ready.employer, body__contains="未同意，理由：材料齐全").exists()


def test_a_withdrawal_after_certification_needs_a_supervisor_who_did_not_certify(
        ready, sh_agent, reviewer, supervisors, client, django_capture_on_commit_callbacks):
    certifier, other = supervisors
    declaration = certify(ready, certifier, django_capture_on_commit_callbacks)
    code = declaration.certificate.verification_code
    assert "已作废" not in client.get("/verify/", {"code": code}).content.decode()
    TaxDelivery.objects.create(declaration=declaration, certificate=declaration.certificate)
    request = withdrawal(declaration, sh_agent, after=True)
    assert not can(reviewer, request, "approve") and not can(certifier, request, "approve")
    assert can(other, request, "approve")
    with pytest.raises(NotAllowed, match="残联业务主管"):
        withdrawal_decide(actor=reviewer, request=request, approve=True, reason="")
    with pytest.raises(NotAllowed, match="双人复核"):
        withdrawal_decide(actor=certifier, request=request, approve=True, reason="")
    withdrawal_decide(actor=other, request=request, approve=True, reason="同意重新申报")

    declaration = AnnualDeclaration.objects.get(pk=declaration.pk)
    assert declaration.status == D.DRAFT and declaration.certificate is None
    receipt = Receipt.objects.get(verification_code=code)
    assert receipt.cancelled_at is not None and "年审申报撤回" in receipt.cancel_reason
    page = client.get("/verify/", {"code": code}).content.decode()
    assert "已作废" in page and "年审申报撤回" in page
    assert not CertifiedFigures.objects.get(employer=ready.employer, business_year=2025).is_active
    delivery = TaxDelivery.objects.get(certificate=receipt)
    assert delivery.status == "cancelled" and delivery.cancelled_at is not None
    assert [e.action for e in audit_timeline(delivery)] == ["tax_delivery.cancel"]
    actions = list(declaration_history(declaration))
    assert actions[-2:] == ["declaration.certify", "declaration.reopen"]


def declaration_history(declaration):
    return [e.action for e in audit_timeline(declaration) if e.action.startswith("declaration.")]


def test_a_reopened_declaration_can_be_certified_again_with_new_figures(
        ready, sh_agent, reviewer, supervisors, django_capture_on_commit_callbacks):
    declaration = certify(ready, reviewer, django_capture_on_commit_callbacks)
    first = declaration.certificate
    withdrawal_decide(actor=supervisors[0], request=withdrawal(declaration, sh_agent, after=True), approve=True,
                      reason="")
    declaration = submitted(declaration, sh_agent, headcount=80)
    declaration = certify(declaration, reviewer, django_capture_on_commit_callbacks)
    assert declaration.certificate != first
    figures = CertifiedFigures.objects.get(employer=ready.employer, business_year=2025)
    assert figures.is_active and figures.headcount == 80 and figures.certificate_reference != first.reference


def test_feedback_is_answered_or_approved_as_a_reopening_by_someone_who_did_not_certify(
        ready, sh_agent, reviewer, supervisors, django_capture_on_commit_callbacks):
    declaration = certify(ready, supervisors[1], django_capture_on_commit_callbacks)
    answered = FeedbackRequest.objects.create(declaration=declaration, text="核定月份有误？", submitted_by=sh_agent)
    answered = feedback_decide(actor=reviewer, request=answered, outcome="answer", reason="核定月份无误")
    assert answered.status == c.RequestStatus.ANSWERED
    assert AnnualDeclaration.objects.get(pk=declaration.pk).status == D.CERTIFIED

    request = FeedbackRequest.objects.create(declaration=declaration, text="漏报一人", submitted_by=sh_agent)
    # issue 14, point 7: a plain reviewer could reopen a certified declaration this way
    with pytest.raises(NotAllowed, match="须由残联业务主管办理"):
        feedback_decide(actor=reviewer, request=request, outcome="reopen", reason="同意")
    with pytest.raises(NotAllowed, match="双人复核"):
        feedback_decide(actor=supervisors[1], request=request, outcome="reopen", reason="同意")
    with pytest.raises(ValidationFailed):
        feedback_decide(actor=supervisors[0], request=request, outcome="reopen", reason="")
    feedback_decide(actor=supervisors[0], request=request, outcome="reopen", reason="同意补报")
    assert AnnualDeclaration.objects.get(pk=declaration.pk).status == D.DRAFT
    assert Receipt.objects.get(pk=declaration.certificate_id).cancelled_at is not None


def test_a_deregistration_is_approved_or_refused_with_a_reason(sh_unit, sh_agent, reviewer):
    from portal.uploads import RELATED_UNIT_PROOF, upload_accept

    form = upload_accept(file=pdf("注销业务申请书.pdf"), kind=RELATED_UNIT_PROOF.code, employer=sh_unit)
    request = DeregistrationRequest.objects.create(employer=sh_unit, reason="单位已停业", signed_form=form,
                                                   submitted_by=sh_agent)
    with pytest.raises(ValidationFailed):
        deregistration_decide(actor=reviewer, request=request, approve=False, reason="")
    request = deregistration_decide(actor=reviewer, request=request, approve=False, reason="申请书未盖章")
    assert request.status == c.RequestStatus.REFUSED
    assert Notice.objects.filter(employer=sh_unit, body__contains="申请书未盖章").exists()
    with pytest.raises(Conflict, match="已由"):
        deregistration_decide(actor=reviewer, request=request, approve=True, reason="")
    again = DeregistrationRequest.objects.create(employer=sh_unit, reason="单位已停业", signed_form=form,
                                                 submitted_by=sh_agent)
    again = deregistration_decide(actor=reviewer, request=again, approve=True, reason="")
    assert again.status == c.RequestStatus.APPROVED and again.decided_by == reviewer
    assert Notice.objects.filter(employer=sh_unit, body__contains="注销安置登记申请已审核通过").exists()


def test_the_timeline_shows_actions_and_statuses_in_the_manuals_words(ready, reviewer,
                                                                        django_capture_on_commit_callbacks):
    from django.template import Context, Template

    declaration = certify(ready, reviewer, django_capture_on_commit_callbacks)
    html = Template("{% load portal %}{% audit_timeline obj %}").render(Context({"obj": declaration}))
    assert "年审认证审核通过" in html and "完成申报 → 年审认证通过" in html
    assert "declaration.certify" not in html and "submitted" not in html


def test_the_list_home_page_certificate_and_levy_count_with_the_regions_weight_rule(
        ready, reviewer, client_for, sh_agent, django_capture_on_commit_callbacks):
    """Regression (review of issues 7–9): the list and the home page used the national weight rule
    while the certificate used the region's; a region's own rule must reach all of them."""
    from levy.models import PolicyRule
    from levy.seed import WEIGHT_RULE
    from placement.selectors.declaration import declaration_totals
    from placement.selectors.year import person_year

    PolicyRule.objects.create(region_code="310000", name="weight_rule", first_year=2026, last_year=2026,
                              value={**WEIGHT_RULE, "severe_weight": 3}, source="测试：本市重度残疾按3人计算")
    person = ready.persons.get()
    assert person_year(person).counts.approved == 36  # 12 months × 3, not × 2
    assert declaration_totals(ready)["disabled_count"] == 3
    page = client_for(sh_agent).get("/placement/", {"year": 2025}).content.decode()
    assert "<td class=\"num\">36</td>" in page
    declaration = certify(ready, reviewer, django_capture_on_commit_callbacks)
    figures = CertifiedFigures.objects.get(employer=ready.employer, business_year=2025)
    assert figures.person_months_by_weight == {"3": 12} and figures.disabled_numerator == 3
    assert declaration.certificate.public_facts["安排残疾人就业人数"] == "3.00"
