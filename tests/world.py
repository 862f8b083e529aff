"""A small world for the URL walk: unit A in Shanghai with its objects, unit B in Liaoning with
its objects, and one user per role in Shanghai. Later issues add their objects in `build_world`
and their URLs' arguments in URL_KWARGS."""

from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from employers.models import RelatedUnit
from portal.documents import document_issue
from portal.models import Notice, Upload
from portal.roles import Role
from portal.uploads import RELATED_UNIT_PROOF, ROSTER, XLSX, upload_accept
from tests import factories as f
from tests.portal.feeds.factories import walk_pk


@dataclass
class World:
    users: dict = field(default_factory=dict)  # persona name → user (None for anonymous)
    own: dict = field(default_factory=dict)  # objects inside unit A / Shanghai scope
    foreign: dict = field(default_factory=dict)  # objects of unit B in Liaoning


PERSONAS = ["anonymous", *[r.value for r in Role]]


def build_world() -> World:
    w = World()
    sh, ln = f.region("310104"), f.region("210102")
    # 所属区局工会: the union persona belongs to unit A's; unit B belongs to another one
    unit_a = f.EmployerFactory(name="甲单位", admin_region=sh, union_district="徐汇区总工会")
    unit_b = f.EmployerFactory(name="乙单位", admin_region=ln, union_district="黄浦区总工会")
    agent_a = f.AgentFactory(employer=unit_a, is_registrant=True)
    colleague_a = f.AgentFactory(employer=unit_a, is_registrant=False)
    agent_b = f.AgentFactory(employer=unit_b, is_registrant=True)
    colleague_b = f.AgentFactory(employer=unit_b, is_registrant=False)
    w.users["anonymous"] = None
    w.users[Role.EMPLOYER_AGENT.value] = agent_a.user
    shanghai = f.region("310000")
    w.users[Role.FED_REVIEWER.value] = f.UserFactory(reviewer=True, region=shanghai)
    w.users[Role.FED_SUPERVISOR.value] = f.UserFactory(supervisor=True, region=shanghai)
    w.users[Role.TAX_OFFICER.value] = f.UserFactory(tax=True, region=shanghai)
    w.users[Role.UNION_ADMIN.value] = f.UserFactory(union=True, region=shanghai, union_district="徐汇区总工会")
    w.users[Role.SYSTEM_ADMIN.value] = f.UserFactory(admin=True)
    from portal.models import SystemToken

    w.own["token"] = SystemToken.objects.create(name="税务系统", region=shanghai, prefix="tx_x", key_hash="x" * 64)
    w.foreign["token"] = SystemToken.objects.create(name="辽宁税务系统", region=f.region("210000"), prefix="tx_y",
                                                    key_hash="y" * 64)
    w.own.update(unit=unit_a, agent=agent_a, colleague=colleague_a,
                 notice=Notice.objects.create(title="上海通知", body="x", region=shanghai),
                 staff=w.users[Role.FED_REVIEWER.value])
    w.foreign.update(unit=unit_b, agent=agent_b, colleague=colleague_b,
                     notice=Notice.objects.create(title="辽宁通知", body="x", region=f.region("210000")),
                     staff=agent_b.user)  # not a staff account: the console's lookups must 404
    for side, unit, agent in (("own", unit_a, agent_a), ("foreign", unit_b, agent_b)):
        objs = getattr(w, side)
        upload = upload_accept(file=SimpleUploadedFile("proof.pdf", f.PDF_BYTES), kind=RELATED_UNIT_PROOF.code,
                               employer=unit, actor=agent.user)
        objs["upload"] = upload
        objs["notice_upload"] = upload_accept(file=SimpleUploadedFile("通知附件.pdf", f.PDF_BYTES),
                                              kind="notice_attachment")
        objs["notice"].attachments.add(objs["notice_upload"])
        objs["roster_upload"] = Upload.objects.create(
            kind=ROSTER.code, employer=unit, original_name="名单.xlsx", content_type=XLSX, size=1, sha256="0",
            storage_name=default_storage.save(f"test/roster-{unit.pk}", ContentFile(b"x")),
        )
        objs["related_unit"] = RelatedUnit.objects.create(
            employer=unit, relation="dispatch", region=unit.admin_region, credit_code=f.credit_code(9000 + unit.pk),
            name=f"{unit.name}派遣单位", evidence=upload,
        )
        objs.update(placement_objects(unit, agent.user))
        objs.update(review_objects(unit, agent.user, upload, objs))
        objs.update(tax_objects(unit, agent.user))
        objs.update(levy_objects(unit, agent.user))
        objs.update(insurance_objects(unit, agent.user))
        objs["document"] = document_issue(kind="test", title="测试文书", template="pdf/receipt.html",
                                          context={"title": "测试文书"}, employer=unit)
    return w


def placement_objects(unit, actor) -> dict:
    """A draft declaration with one person, a contract, a manual certificate and evidence."""
    import datetime

    from placement.models import (
        AnnualDeclaration,
        Certificate,
        Contract,
        Evidence,
        PlacedPerson,
        PlacementMonth,
    )

    declaration = AnnualDeclaration.objects.create(employer=unit, business_year=2025)
    person = PlacedPerson.objects.create(
        declaration=declaration, id_number=f.resident_id(unit.pk), name="测试人员", sex="M",
        birth_date=datetime.date(1985, 1, 1), hukou_type="local", hukou_address="地址", phone="13800000000",
        retirement_category="M",
    )
    PlacementMonth.objects.bulk_create([PlacementMonth(person=person, month=m) for m in range(1, 13)])
    upload = upload_accept(file=SimpleUploadedFile("c.pdf", f.PDF_BYTES), kind="placement_contract", employer=unit,
                           actor=actor)
    contract = Contract.objects.create(person=person, contract_type="open_ended", start_date=datetime.date(2024, 1, 1),
                                       job="装配工", monthly_wage=5000, attachment=upload)
    certificate = Certificate.objects.create(person=person, number=person.id_number + "42", kind="disability",
                                             category=4, grade=2, valid_from=datetime.date(2020, 1, 1),
                                             source="manual", image=upload, review_state="pending")
    Evidence.objects.create(person=person, month=1, item="wage", upload=upload)
    return {"declaration": declaration, "person": person, "contract": contract, "certificate": certificate,
            "evidence_upload": upload}


def review_objects(unit, actor, upload, objs) -> dict:
    """The reviewer console's items: a dispatch agreement to review, a 年审申报撤回 (on a year of its
    own) and a 注销 request."""
    import datetime

    from placement.models import AnnualDeclaration, Contract, DeregistrationRequest, WithdrawalRequest

    dispatch = Contract.objects.create(
        person=objs["person"], is_dispatch=True, dispatch_agency=objs["related_unit"], counts_here_stated=True,
        contract_type="fixed", start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2026, 12, 31),
        job="包装工", monthly_wage=4000, attachment=upload, review_state="pending")

    declaration = AnnualDeclaration.objects.create(employer=unit, business_year=2023)
    withdrawal = WithdrawalRequest.objects.create(declaration=declaration, submitted_by=actor, reason="人数有误")
    deregistration = DeregistrationRequest.objects.filter(employer=unit, status="submitted").first() or \
        DeregistrationRequest.objects.create(employer=unit, submitted_by=actor, reason="单位注销", signed_form=upload)
    return {"dispatch": dispatch, "withdrawal": withdrawal, "deregistration": deregistration}


def tax_objects(unit, agent_user) -> dict:
    """A certified 2024 declaration with its delivery, levy figures and two open requests."""
    from levy.models import CertifiedFigures
    from placement.models import FeedbackRequest, WithdrawalRequest
    from tests.placement.factories import DeclarationFactory, TaxDeliveryFactory

    declaration = DeclarationFactory(employer=unit, business_year=2024, certified=True)
    return {
        "certified": declaration, "delivery": TaxDeliveryFactory(declaration=declaration),
        "figures": CertifiedFigures.objects.get(employer=unit, business_year=2024),
        "withdrawal_after": WithdrawalRequest.objects.create(declaration=declaration, reason="人数有误",
                                                       after_certification=True, submitted_by=agent_user),
        "feedback": FeedbackRequest.objects.create(declaration=declaration, text="核定月份有误",
                                                   submitted_by=agent_user),
    }


def levy_objects(unit, agent_user) -> dict:
    """A 2026 assessment at 信息确认 with an objection waiting for a tax officer and a payment."""
    from django.utils import timezone

    from levy.models import LevyAssessment, LevyPayment, Objection

    months = [{"month": 202500 + m, "base": "1000.00", "capped_base": "1000.00", "accounts": 10} for m in range(1, 13)]
    assessment = LevyAssessment.objects.create(
        employer=unit, collection_year=2026, method="registry", notice_agreed_at=timezone.now(),
        registry_state="fetched", figures={"months": months, "changes": {}}, registry_figures={"months": months})
    objection = Objection.objects.create(assessment=assessment, kind="headcount", before={"accounts": [10] * 12},
                                         proposed={"accounts": [12] * 12}, submitted_by=agent_user,
                                         review_state="pending", review_requested_at=timezone.now())
    payment = LevyPayment.objects.create(assessment=assessment, method="transfer", principal=1, amount=1,
                                         status="failed", message="测试")
    from levy.models import CertifiedFigures, OverRatioReward, ReliefApplication

    reward = OverRatioReward.objects.create(
        employer=unit, data_year=2024, mode="online", status="returned", return_reason="账号有误",
        certified=CertifiedFigures.objects.get(employer=unit, business_year=2024), headcount=30, disabled_numerator=2,
        required_persons="1", excess_persons="1", ratio="1.5", base="2270.00", multiplier="5", amount="11350.00",
        payee_name=unit.name, bank_name="中国银行", account_number="62170000123456789", bank_kind="boc",
        submitted_by=agent_user)
    relief = ReliefApplication.objects.create(assessment=assessment, kind="deferral", months=3, reason="洪灾",
                                              levy_before=1, submitted_by=agent_user)
    return {"assessment": assessment, "objection": objection, "levy_payment": payment, "reward": reward,
            "relief": relief}


def insurance_objects(unit, agent_user) -> dict:
    """A verified retiree batch with a member of each exception, a pending code application and
    name change, a refused name change (its edit page), and a marked roster file in the cache."""
    from django.core.cache import cache
    from django.utils import timezone

    from insurance import choices as ic
    from insurance.models import CodeApplication, UnitNameChange
    from tests.insurance.factories import BatchFactory, CodeFactory, MemberFactory

    code = CodeFactory(employer=unit)
    batch = BatchFactory(code=code, verified=True, created_by=agent_user)
    member = MemberFactory(batch=batch, passed=True, si_name="别名", result=ic.Result.NAME_MISMATCH)
    MemberFactory(batch=batch, check_state="checked", si_found=False, result=ic.Result.NO_SOCIAL_INSURANCE)
    upload = upload_accept(file=SimpleUploadedFile("a.pdf", f.PDF_BYTES), kind="insurance_code_application",
                           employer=unit, actor=agent_user)
    contact = {"agent_name": "经办人", "agent_phone": "13900000000", "agent_email": "a@example.cn",
               "economic_type": "private", "address": "地址", "postal_code": "200000"}
    application = CodeApplication.objects.create(employer=unit, unit_name=unit.name, credit_code=unit.credit_code,
                                                 attachment=upload, created_by=agent_user, review_state="pending",
                                                 **contact)
    change = UnitNameChange.objects.create(code=code, old_name=code.unit_name, unit_name="新名称", attachment=upload,
                                           credit_code=unit.credit_code, created_by=agent_user, review_state="pending",
                                           **contact)
    refused = UnitNameChange.objects.create(code=code, old_name=code.unit_name, unit_name="另一名称", attachment=upload,
                                            credit_code=unit.credit_code, created_by=agent_user,
                                            review_state="rejected", **contact)
    cache.set(f"insurance:roster:errors:{agent_user.pk}:{batch.pk}:walk", b"PK-marked", 600)
    # the money side (issue 19): a withholding batch waiting for its pension day, a voucher row, a receipt
    from insurance.models import PaymentVoucher, WithholdingRun
    from portal.receipts import receipt_issue

    paying = BatchFactory(code=code, withholding=True, status=ic.BatchStatus.WITHHOLDING_REQUESTED, created_by=agent_user)
    run = WithholdingRun.objects.create(batch=paying, pension_day=timezone.localdate(), requested=1, amount=300)
    voucher = PaymentVoucher.objects.create(batch=batch, payer_name=unit.name, method="online", amount=100)
    receipt = receipt_issue(kind="insurance_withholding_request", title="委托代扣受理单", employer=unit,
                            public_facts={"批次号": paying.number})
    return {"insurance_code": code, "insurance_batch": batch, "insurance_member": member,
            "code_application": application, "name_change": change, "name_change_refused": refused,
            "insurance_run": run, "insurance_voucher": voucher, "insurance_upload": upload,
            "insurance_document": receipt.document}


def batch_member(objs):
    return {"pk": objs["insurance_batch"].pk, "member_id": objs["insurance_member"].pk}


def pk(key):
    return lambda objs: {"pk": objs[key].pk}


def person_pk(objs):
    return {"person_pk": objs["person"].pk}


# URL name → how to fill its arguments from `own` and `foreign` objects. A route with arguments
# that is missing here fails the walk: add it when you add the route.
LEVY_YEAR = {"own": lambda objs: {"year": 2026}}

URL_KWARGS = {
    **{f"levy:{name}": LEVY_YEAR for name in ("guide", "notice", "confirm", "objection_new", "roster", "outcome",
                                              "done")},
    "levy:objection_detail": {"own": lambda o: {"year": 2026, "pk": o["objection"].pk},
                              "foreign": lambda o: {"year": 2026, "pk": o["objection"].pk}},
    "levy:track_captcha": {"own": lambda o: {"key": "0" * 40}},
    "levy:reward_detail": {"own": pk("reward"), "foreign": pk("reward")},
    "backoffice:reward_review": {"own": pk("reward"), "foreign": pk("reward")},
    "backoffice:reward_window_edit": {"own": pk("reward"), "foreign": pk("reward")},
    "backoffice:reward_payout_retry": {"own": pk("reward"), "foreign": pk("reward")},
    "backoffice:reward_window_unit": {"own": lambda o: {"unit_pk": o["unit"].pk},
                                      "foreign": lambda o: {"unit_pk": o["unit"].pk}},
    "levy:reward_edit": {"own": pk("reward"), "foreign": pk("reward")},
    "levy:track_captcha_audio": {"own": lambda o: {"key": "0" * 40}},
    "levy:api_assessment": {"own": lambda o: {"collection_year": 2026}},
    "tax:levy_assessment": {"own": pk("assessment"), "foreign": pk("assessment")},
    "tax:levy_objection": {"own": pk("objection"), "foreign": pk("objection")},
    "tax:levy_relief": {"own": pk("relief"), "foreign": pk("relief")},
    "password_reset_confirm": {"own": lambda objs: {"uidb64": "MQ", "token": "set-password"}},
    "help_topic": {"own": lambda objs: {"slug": "certificate-faq"},
                   "own_for": {"tax_officer": lambda objs: {"slug": "tax"}, "union_admin": lambda objs: {"slug": "union"},
                               "system_admin": lambda objs: {"slug": "admin"}}},
    "invitation_accept": {"own": lambda objs: {"uidb64": "MQ", "token": "set-password"}},
    "notice_detail": {"own": pk("notice"), "foreign": pk("notice")},
    "backoffice:unit_overview": {"own": pk("unit"), "foreign": pk("unit")},
    "notice_edit": {"own": pk("notice"), "foreign": pk("notice")},
    "notice_withdraw": {"own": pk("notice"), "foreign": pk("notice")},
    "notice_attachment": {"own": lambda o: {"pk": o["notice"].pk, "upload_pk": o["notice_upload"].pk},
                          "foreign": lambda o: {"pk": o["notice"].pk, "upload_pk": o["notice_upload"].pk}},
    "employers:agent_remove": {"own": pk("colleague"), "foreign": pk("colleague")},
    "console_staff_reset_password": {"own": pk("staff"), "foreign": pk("staff")},
    "console_staff_reset_totp": {"own": pk("staff"), "foreign": pk("staff")},
    "console_staff_toggle": {"own": pk("staff"), "foreign": pk("staff")},
    "console_token_revoke": {"own": pk("token"), "foreign": pk("token")},
    "employers:related_edit": {"own": pk("related_unit"), "foreign": pk("related_unit")},
    "employers:related_delete": {"own": pk("related_unit"), "foreign": pk("related_unit")},
    "file_download": {"own": pk("upload"), "foreign": pk("upload"), "own_for": {"union_admin": pk("roster_upload")}},
    "file_view": {"own": pk("upload"), "foreign": pk("upload"), "own_for": {"union_admin": pk("roster_upload")}},
    "file_preview": {"own": lambda o: {"pk": o["upload"].pk, "page": 1},
                     "foreign": lambda o: {"pk": o["upload"].pk, "page": 1},
                     "own_for": {"union_admin": lambda o: {"pk": o["insurance_upload"].pk, "page": 1}}},
    "document_download": {"own": pk("document"), "foreign": pk("document"),
                          "own_for": {"union_admin": pk("insurance_document")}},
    "api_related_unit-detail": {"own": pk("related_unit"), "foreign": pk("related_unit")},
    "feeds:person": {"own": walk_pk("person")},
    "feeds:person_edit": {"own": walk_pk("person")},
    "feeds:month_new": {"own": walk_pk("person")},
    "feeds:certificate_new": {"own": walk_pk("person")},
    "feeds:month_edit": {"own": walk_pk("month")},
    "feeds:certificate_edit": {"own": walk_pk("certificate")},
    "feeds:unit_edit": {"own": walk_pk("unit")},
    "feeds:unit_headcounts": {"own": walk_pk("unit")},
    "feeds:intake_edit": {"own": walk_pk("intake")},
    "placement:resume": {"own": pk("person"), "foreign": pk("person")},
    "placement:record": {"own": pk("person"), "foreign": pk("person")},
    "placement:step1": {"own": pk("person"), "foreign": pk("person")},
    "placement:step2": {"own": pk("person"), "foreign": pk("person")},
    "placement:step2_progress": {"own": pk("person"), "foreign": pk("person")},
    "placement:recheck": {"own": pk("person"), "foreign": pk("person")},
    "placement:step3": {"own": pk("person"), "foreign": pk("person")},
    "placement:step4": {"own": pk("person"), "foreign": pk("person")},
    "placement:person_accept": {"own": pk("person"), "foreign": pk("person")},
    "placement:person_re_register": {"own": pk("person"), "foreign": pk("person")},
    "placement:person_delete": {"own": pk("person"), "foreign": pk("person")},
    "placement:contract_new": {"own": pk("person"), "foreign": pk("person")},
    "placement:certificate_new": {"own": pk("person"), "foreign": pk("person")},
    "placement:contract_edit": {"own": lambda o: {"pk": o["person"].pk, "contract_id": o["contract"].pk},
                                "foreign": lambda o: {"pk": o["person"].pk, "contract_id": o["contract"].pk}},
    "placement:contract_delete": {"own": lambda o: {"pk": o["person"].pk, "contract_id": o["contract"].pk},
                                  "foreign": lambda o: {"pk": o["person"].pk, "contract_id": o["contract"].pk}},
    "placement:certificate_delete": {"own": lambda o: {"pk": o["person"].pk, "certificate_id": o["certificate"].pk},
                                     "foreign": lambda o: {"pk": o["person"].pk, "certificate_id": o["certificate"].pk}},
    **{f"api_placement_person-{action}": {"own": pk("person"), "foreign": pk("person")}
       for action in ("detail", "submit-step1", "verify", "months", "select-months", "complete")},
    **{f"api_placement_{kind}-list": {"own": person_pk, "foreign": person_pk}
       for kind in ("contract", "certificate", "evidence")},
    "api_placement_contract-detail": {"own": lambda o: {"person_pk": o["person"].pk, "pk": o["contract"].pk},
                                      "foreign": lambda o: {"person_pk": o["person"].pk, "pk": o["contract"].pk}},
    "api_placement_certificate-detail": {
        "own": lambda o: {"person_pk": o["person"].pk, "pk": o["certificate"].pk},
        "foreign": lambda o: {"person_pk": o["person"].pk, "pk": o["certificate"].pk}},
    "backoffice:person_review": {"own": pk("person"), "foreign": pk("person")},
    "backoffice:certificate_review": {"own": pk("certificate"), "foreign": pk("certificate")},
    "backoffice:dispatch_review": {"own": pk("dispatch"), "foreign": pk("dispatch")},
    "backoffice:withdrawal_decide": {"own": pk("withdrawal"), "foreign": pk("withdrawal")},
    "backoffice:deregistration_decide": {"own": pk("deregistration"), "foreign": pk("deregistration")},
    "tax:certification_detail": {"own": pk("certified"), "foreign": pk("certified")},
    "tax:send_one": {"own": pk("certified"), "foreign": pk("certified")},
    "tax:withdrawal_decide": {"own": pk("withdrawal_after"), "foreign": pk("withdrawal_after")},
    "tax:feedback_decide": {"own": pk("feedback"), "foreign": pk("feedback")},
    "tax:delivery_retry": {"own": pk("delivery"), "foreign": pk("delivery")},
    "tax:result_detail": {"own": pk("figures"), "foreign": pk("figures")},
    "tax:result_roster": {"own": pk("figures"), "foreign": pk("figures")},
    "tax:result_certificate": {"own": pk("figures"), "foreign": pk("figures")},
    "insurance:batch_new": {"own": lambda o: {"kind": "central"}},
    **{f"insurance:{name}": {"own": pk("insurance_batch"), "foreign": pk("insurance_batch")} for name in (
        "batch", "batch_unit", "batch_info", "batch_people", "batch_delete", "batch_roster", "batch_payment",
        "withholding_form", "roster_import", "roster_confirm", "roster_clear", "member_new", "members_delete",
        "batch_verify", "batch_progress", "batch_results", "results_export", "batch_submit", "ratio_materials",
        "batch_submitted")},
    **{f"insurance:{name}": {"own": batch_member, "foreign": batch_member} for name in (
        "member_detail", "member_confirm_name", "member_retirement", "member_situation")},
    "insurance:roster_errors": {"own": lambda o: {"pk": o["insurance_batch"].pk, "token": "walk"},
                                "foreign": lambda o: {"pk": o["insurance_batch"].pk, "token": "walk"}},
    "insurance:code_detail": {"own": pk("code_application"), "foreign": pk("code_application")},
    "insurance:code_edit": {"own": pk("code_application"), "foreign": pk("code_application")},
    "insurance:name_change_new": {"own": lambda o: {"code_pk": o["insurance_code"].pk},
                                  "foreign": lambda o: {"code_pk": o["insurance_code"].pk}},
    "insurance:name_change_edit": {
        "own": lambda o: {"code_pk": o["insurance_code"].pk, "pk": o["name_change_refused"].pk},
        "foreign": lambda o: {"code_pk": o["insurance_code"].pk, "pk": o["name_change_refused"].pk}},
    "backoffice:code_application_review": {"own": pk("code_application"), "foreign": pk("code_application")},
    "backoffice:name_change_review": {"own": pk("name_change"), "foreign": pk("name_change")},
    "api_insurance_batch": {"own": pk("insurance_batch"), "foreign": pk("insurance_batch")},
    **{f"insurance:{name}": {"own": pk("insurance_batch"), "foreign": pk("insurance_batch")} for name in (
        "batch_withholding", "failed_delete", "batch_confirm_roster", "batch_vouchers")},
    "insurance:voucher_row_delete": {
        "own": lambda o: {"pk": o["insurance_batch"].pk, "kind": "voucher", "row": o["insurance_voucher"].pk},
        "foreign": lambda o: {"pk": o["insurance_batch"].pk, "kind": "voucher", "row": o["insurance_voucher"].pk}},
    **{f"backoffice:{name}": {"own": pk("insurance_batch"), "foreign": pk("insurance_batch")} for name in (
        "union_batch", "union_batch_review", "union_voucher_review")},
    **{f"backoffice:{name}": {"own": pk("insurance_run"), "foreign": pk("insurance_run")} for name in (
        "union_run_start", "union_run_retry")},
    "api_insurance_roster": {"own": pk("insurance_batch"), "foreign": pk("insurance_batch")},
    "api_insurance_amounts": {"own": pk("insurance_batch"), "foreign": pk("insurance_batch")},
    "api_insurance_members": {"own": pk("insurance_batch"), "foreign": pk("insurance_batch")},
    "placement:evidence_delete": {"own": lambda o: {"pk": o["person"].pk, "upload_id": o["evidence_upload"].pk},
                                  "foreign": lambda o: {"pk": o["person"].pk, "upload_id": o["evidence_upload"].pk}},
}

