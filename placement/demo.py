"""Demo declarations for `make run`: persons of the demo units at every stage of the wizard, built
through the same services an agent's clicks call (verification run in place of the worker)."""

import datetime
import functools
import io

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from employers.models import Employer, RelatedUnit
from levy.models import FilingWindow
from placement import choices as c
from placement.models import AnnualDeclaration, PlacedPerson
from placement.registry import prefill_lookup
from placement.services import certification, evaluation
from placement.services import declaration as declarations
from placement.services import wizard as services
from placement.services.declaration import declaration_open
from placement.services.delivery import delivery_push, delivery_send
from placement.services.review import MonthDecision, person_review_decide
from placement.services.verification import persons_verify
from placement.years import current_business_year
from portal import feeds
from portal.demo import UNITS
from portal.feeds.demo import demo_person
from portal.pdf import render_pdf

YEAR = 2025
BASIC = {"hukou_type": "local", "hukou_address": "", "phone": "13800000000", "is_graduate": False,
         "retirement_category": "F55", "education": "senior"}
CONTRACT = {"contract_type": "open_ended", "start_date": datetime.date(2020, 1, 1), "job": "装配工",
            "monthly_wage": 6000, "relation": "self", "is_dispatch": False}

# (unit, demo person, what to do): "confirm" completes a clean registration, "evidence" selects the
# failed months and uploads material (→ 待审核), "grid" stops at step 2 for the agent to finish.
PLAN = [
    ("sh", "sh-clean", "confirm"),
    ("sh", "sh-name", "confirm"),
    ("sh", "sh-gap", "evidence"),
    ("sh", "sh-low-wage", "grid"),
    ("sh", "sh-dispatched", "dispatch"),
    ("nm", "nm-clean", "confirm"),
    ("nm", "nm-medical-gap", "evidence"),
    ("ln", "ln-clean", "confirm"),
    ("ln", "ln-retiring", "grid"),
    ("ln", "sh-two-units", "evidence"),
    # for the reviewer console (issue 8): a person claimed by two units, and a certificate added by hand
    ("sh", "sh-two-units", "evidence"),
    ("sh", "sh-plain", "manual_certificate"),
    # the same in Inner Mongolia and Liaoning (issue 15, 23: reviewer-nm's queues were all empty)
    ("nm-rev", "nm-rev-gap", "evidence"),
    ("nm-rev", "nm-rev-plain", "manual_certificate"),
    ("nm-rev", "nm-rev-dispatched", "dispatch"),
    ("ln", "ln-plain", "manual_certificate"),
    ("ln", "ln-dispatched", "dispatch"),
]


def _pdf(title: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{title}.pdf", _pdf_bytes(title), content_type="application/pdf")


@functools.cache
def _pdf_bytes(title: str) -> bytes:
    """Each title rendered once: the demo (and the load test's persons, bench/loadtest/prepare.py)
    upload the same few documents many times, and a rendering takes WeasyPrint about 0.15 s."""
    _html, data = render_pdf("pdf/demo_evidence.html", {"title": title})
    return data


def _certificate_image(name: str) -> SimpleUploadedFile:
    """A drawn stand-in for a photographed 残疾人证 (the demo reviewer opens it inline)."""
    image = Image.new("RGB", (480, 300), (196, 32, 38))
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 28)
    except OSError:
        font = ImageFont.load_default()
    draw.rectangle((16, 16, 464, 284), outline=(245, 210, 120), width=4)
    draw.text((150, 60), "中华人民共和国", fill=(245, 210, 120), font=font)
    draw.text((190, 110), "残疾人证", fill=(245, 210, 120), font=font)
    draw.text((60, 200), f"姓名：{name}  肢体三级", fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile("残疾人证.png", out.getvalue(), content_type="image/png")


def load_declarations() -> None:
    User = get_user_model()
    for unit_key, person_key, plan in PLAN:
        unit = next(u for u in UNITS if u.key == unit_key)
        employer = Employer.objects.get(credit_code=unit.credit_code)
        agent = User.objects.get(username=unit.agent)
        declaration = declaration_open(employer=employer, business_year=YEAR)
        info = demo_person(person_key)
        if services.person_find(declaration, info.id_number):
            continue  # idempotent
        with transaction.atomic():
            _add(declaration, agent, info, plan)


def _add(declaration, agent, info, plan):
    prefill = prefill_lookup(id_number=info.id_number, year=declaration.business_year)
    holder = prefill.holder
    data = {**BASIC, "name": info.roster_name,
            "hukou_address": holder.hukou_address if holder else "上海市徐汇区",
            "hukou_region": None}
    person = services.person_create(actor=agent, declaration=declaration, id_number=info.id_number, data=data,
                                    prefilled=prefill.found, registry_certificates=prefill.certificates)
    contract = dict(CONTRACT)
    if plan == "dispatch":
        agency = RelatedUnit.objects.get(employer=declaration.employer, relation="dispatch")
        contract.update(is_dispatch=True, dispatch_agency=agency, counts_here_stated=True, si_payer=agency,
                        mi_payer=agency, wage_payer=agency)
    agreement = _pdf("三方协议（劳务派遣协议）") if plan == "dispatch" else None
    services.contract_save(actor=agent, person=person, data=contract, attachment_file=_pdf("劳动合同"),
                           agreement_file=agreement)
    if plan == "manual_certificate":
        services.certificate_add_manual(
            actor=agent, person=person, image_file=_certificate_image(info.roster_name),
            data={"kind": c.CertificateKind.DISABILITY, "number": f"{info.id_number}43", "category": 4, "grade": 3,
                  "valid_from": datetime.date(2024, 12, 1), "valid_to": datetime.date(2034, 11, 30)})
    PlacedPerson.objects.filter(pk=person.pk).update(wizard_step=2)
    persons_verify([person.pk])  # what the worker does after 保存，下一步
    person = PlacedPerson.objects.get(pk=person.pk)
    if plan == "grid":
        return
    if plan in ("evidence", "dispatch", "manual_certificate"):
        person = services.months_select(actor=agent, person=person, months=set(range(1, 13)))
        for item, months in evaluation.evidence_needed(person).items():
            services.evidence_add(actor=agent, person=person, check=item, months=months,
                                  file=_pdf(c.EVIDENCE_FOR[item][0]))
    else:
        person = services.months_select(actor=agent, person=person, months=set())
    if person.registered_at is None:  # a registration with nothing to upload completes by itself
        services.registration_complete(actor=agent, person=person)


def load_filing_windows() -> None:
    """演示补报期: a filing window covering the whole current collection year for the demo units'
    districts, so an employer can run 完成申报 on `make run` whatever the date. Marked unverified
    sample rows in the policy table (the real windows stay as seeded for every other region)."""
    collection_year = current_business_year() + 1
    for unit in UNITS:
        FilingWindow.objects.get_or_create(
            region_code=unit.region, kind="certification", first_year=collection_year,
            defaults={"last_year": collection_year, "opens": "01-01", "closes": "12-31", "verified": False,
                      "source": "演示数据：补报期（全年开放），仅供演示完成申报，不是真实的申报时间"},
        )


def load_ready_declaration() -> None:
    """The Inner Mongolia unit ready to file: its reviewer has found the months of its persons
    waiting for review valid (through the reviewer's own service), so every person is 已审核确认
    and the agent can confirm the headcount and 完成申报. Idempotent."""
    unit = next(u for u in UNITS if u.key == "nm")
    reviewer = get_user_model().objects.get(username="reviewer-nm")
    waiting = PlacedPerson.objects.filter(declaration__employer__credit_code=unit.credit_code,
                                          declaration__business_year=YEAR, status=c.PersonStatus.PENDING_REVIEW)
    for person in waiting:  # idempotent: none left once decided
        months = person.months.filter(selected=True).values_list("month", flat=True)
        person_review_decide(actor=reviewer, person=person, decisions={m: MonthDecision(valid=True) for m in months})


# (unit, what its filed year waits for): each files with its clean person ("<unit>-clean") and is
# decided by its region's reviewer; with the persons of PLAN, every queue of every demo reviewer
# and supervisor has work in every region (issue 15, 23)
FILED = [("ln2", "certified"), ("sh-sub", "submitted"), ("sh-cert", "certified"), ("sh-fail", "failed"),
         ("nm-sub", "submitted"), ("nm-cert", "certified"), ("nm-fail", "failed"), ("ln-sub", "submitted"),
         ("ln-fail", "failed")]


def load_requests() -> None:
    """The reviewers' queues past 安置登记审核 are not empty in any region: per FILED unit a 2025
    declaration filed with its clean person and then
    - "submitted": waiting for 年审认证审核, with a 年审申报撤回 asked before certification;
    - "certified": certified by the region's reviewer, not yet sent to tax, with a 年审认证反馈, a
      withdrawal after certification (for a supervisor who did not certify it) and a request to
      deregister (沈阳和平商贸有限公司 is the README's);
    - "failed": certified and sent while the tax intake was down, so its hand-off failed (发送税务失败).
    Everything through the services an agent's and a reviewer's clicks call. Idempotent."""
    for unit_key, plan in FILED:
        _file(unit_key, f"{unit_key}-clean", plan, f"reviewer-{unit_key[:2]}")


def _file(unit_key: str, person_key: str, plan: str, reviewer_name: str) -> None:
    unit = next(u for u in UNITS if u.key == unit_key)
    employer = Employer.objects.get(credit_code=unit.credit_code)
    if AnnualDeclaration.objects.filter(employer=employer, business_year=YEAR).exclude(status="draft").exists():
        return  # idempotent: already filed
    User = get_user_model()
    agent, reviewer = User.objects.get(username=unit.agent), User.objects.get(username=reviewer_name)
    declaration = declaration_open(employer=employer, business_year=YEAR)
    if not services.person_find(declaration, demo_person(person_key).id_number):
        with transaction.atomic():
            _add(declaration, agent, demo_person(person_key), "confirm")
    declaration = declarations.headcount_prefill(declaration_id=declaration.pk)
    declarations.headcount_confirm(actor=agent, declaration=declaration, headcount=declaration.headcount_from_feed)
    declarations.declaration_submit(actor=agent, declaration=declaration, commitment_accepted=True)
    if plan == "submitted":
        declarations.withdrawal_request_submit(actor=agent, declaration=declaration,
                                               reason="在职职工人数填报有误，申请撤回后更正。")
        return
    declaration = certification.declaration_certify(actor=reviewer, declaration=declaration)
    if plan == "failed":
        _send_while_tax_is_down(reviewer, declaration)
        return
    declarations.feedback_submit(actor=agent, declaration=declaration, files=[_pdf("在职职工花名册")],
                                 text="本单位2025年在职职工人数含季节性用工，请核对审核认定书中的在职职工人数。")
    declarations.withdrawal_request_submit(actor=agent, declaration=declaration,
                                           reason="漏报一名2025年10月入职的残疾职工，申请撤回后补充登记。")
    declarations.deregistration_submit(actor=agent, employer=employer, signed_form=_pdf("注销业务申请书（盖章）"),
                                       reason=f"单位已整体迁出{employer.fed_region.name}，申请注销在本区的安置登记。")


def _send_while_tax_is_down(reviewer, declaration) -> None:
    """发送税务 while the mocked intake answers nothing: each push is the worker's (the same task
    service), until its attempts are used up and the hand-off fails with an alert to retry."""
    # one transaction: the push task queued by 发送税务 runs after the commit and finds it failed
    with feeds.configure(error_rate=1.0), transaction.atomic():
        delivery = delivery_send(actor=reviewer, declaration=declaration)
        for _attempt in range(settings.TAX_DELIVERY_ATTEMPTS):
            delivery_push(delivery.pk)


DEMO_ORDER = 40  # after the units (employers) and the registries (feeds); before levy, which reads certified years
DEMO_STEPS = [load_declarations, load_filing_windows, load_ready_declaration, load_requests]
