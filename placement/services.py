"""Writes of the placement wizard (添加残疾人): the person, contracts, certificates, month
selection, evidence and completing a registration. Every write checks the declaration is still a
draft, validates, saves and audits in one transaction. Verification is in placement.verification."""

import datetime

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from placement import choices as c
from placement.models import (
    AnnualDeclaration,
    Certificate,
    Contract,
    Evidence,
    MonthCheck,
    PlacedPerson,
    PlacementMonth,
)
from placement.rules import MONTHS, ContractTerm, term_at_least_a_year
from portal.audit import audit_record
from portal.crypto import matches
from portal.exceptions import NotAllowed, ValidationFailed
from portal.identity import CERT_CATEGORIES, parse_certificate_number, parse_resident_id
from portal.uploads import upload_accept, upload_kind

S = c.PersonStatus

CONTRACT_FILE = upload_kind("placement_contract", "劳动合同、劳务派遣协议或编制本")
CERTIFICATE_IMAGE = upload_kind("placement_certificate", "残疾证件影像")
EVIDENCE_FILE = upload_kind("placement_evidence", "安置月份证明材料")
DEGREE_FILE = upload_kind("placement_degree", "学历学位证明")


def _require_draft(declaration: AnnualDeclaration) -> None:
    if not declaration.is_draft:
        raise NotAllowed("本年度已完成申报，不能再修改安置人员。如需修改，请先申请年审申报撤回。")


def require_editable(person: PlacedPerson) -> None:
    _require_draft(person.declaration)
    if person.status != S.INCOMPLETE:
        raise NotAllowed(f"该人员状态为“{person.get_status_display()}”，请先“重新登记”再修改")


def declaration_open(*, employer, business_year: int) -> AnnualDeclaration:
    """The unit's declaration for the year, created as a draft on first use."""
    declaration, _ = AnnualDeclaration.objects.get_or_create(employer=employer, business_year=business_year)
    return declaration


# --- step 1: 安置登记 ---------------------------------------------------------------------------


def person_find(declaration: AnnualDeclaration, id_number: str) -> PlacedPerson | None:
    return declaration.persons.filter(matches("id_index", id_number)).first()


def person_check_new(*, declaration: AnnualDeclaration, id_number: str):
    """Validate an ID number for a new person: a real ID, not yet in this declaration."""
    parsed = parse_resident_id(id_number)
    if person_find(declaration, parsed.number):
        raise ValidationFailed("该人员已在本年度安置名单中，请在列表中查看或重新登记", field="id_number")
    return parsed


PERSON_FIELDS = [
    "name", "hukou_type", "hukou_region", "hukou_address", "phone", "education", "guardian_name", "guardian_phone",
    "is_graduate", "degree", "school", "graduation_year", "retirement_category",
]


def _retirement_category(sex: str, chosen: str) -> str:
    if sex == "M":
        return c.RetirementCategory.MALE
    if chosen not in (c.RetirementCategory.FEMALE_50, c.RetirementCategory.FEMALE_55):
        raise ValidationFailed("请选择女职工的退休年龄类别（生产岗50周岁 / 管理、技术岗55周岁）",
                               field="retirement_category")
    return chosen


def person_create(*, actor, declaration: AnnualDeclaration, id_number: str, data: dict, prefilled: bool = False,
                  registry_certificates=(), degree_file=None) -> PlacedPerson:
    """Add a person (step 1 saved): the person, their twelve months and the certificates the
    registry knows. Nothing is saved if anything is refused."""
    _require_draft(declaration)
    parsed = person_check_new(declaration=declaration, id_number=id_number)
    values = {k: data[k] for k in PERSON_FIELDS if k in data}
    values["retirement_category"] = _retirement_category(parsed.sex, data.get("retirement_category", ""))
    if values.get("is_graduate") and not (values.get("degree") and values.get("school")):
        raise ValidationFailed("高校毕业生请填写学历学位和毕业院校", field="degree")
    with transaction.atomic():
        person = PlacedPerson(declaration=declaration, id_number=parsed.number, sex=parsed.sex,
                              birth_date=parsed.birth_date, prefilled=prefilled, **values)
        if values.get("is_graduate"):
            if degree_file is None:
                raise ValidationFailed("高校毕业生请上传学历学位证明", field="degree_file")
            person.degree_attachment = upload_accept(file=degree_file, kind=DEGREE_FILE.code,
                                                     employer=declaration.employer, actor=actor, field="degree_file")
        person.full_clean(exclude=["id_index", "hukou_region", "status"])  # protected FSM field
        person.save()
        PlacementMonth.objects.bulk_create([PlacementMonth(person=person, month=m) for m in MONTHS])
        from placement.verification import sync_registry_certificates

        sync_registry_certificates(person, registry_certificates)
        audit_record(action="person.add", actor=actor, obj=person, to_state=person.status,
                     data={"label": "添加安置人员"})
    return person


def person_update(*, actor, person: PlacedPerson, data: dict, degree_file=None) -> PlacedPerson:
    require_editable(person)
    for key in PERSON_FIELDS:
        if key in data:
            setattr(person, key, data[key])
    person.retirement_category = _retirement_category(person.sex, data.get("retirement_category",
                                                                           person.retirement_category))
    with transaction.atomic():
        if degree_file is not None:
            person.degree_attachment = upload_accept(file=degree_file, kind=DEGREE_FILE.code,
                                                     employer=person.declaration.employer, actor=actor,
                                                     field="degree_file")
        if person.is_graduate and not person.degree_attachment_id:
            raise ValidationFailed("高校毕业生请上传学历学位证明", field="degree_file")
        person.full_clean(exclude=["id_index", "hukou_region", "status"])  # protected FSM field
        person.save()
        audit_record(action="person.update", actor=actor, obj=person, data={"label": "修改基本信息"})
    return person


def certificate_add_manual(*, actor, person: PlacedPerson, data: dict, image_file) -> Certificate:
    """A certificate the registry does not show (new this year, or an earlier one): it needs its
    image and a reviewer's approval. Its number must carry the person's ID, category and grade."""
    require_editable(person)
    kind = data["kind"]
    number = data["number"]
    if kind == c.CertificateKind.DISABILITY:
        parsed = parse_certificate_number(number, id_number=person.id_number, field_name="number")
        if parsed.category != data.get("category") or parsed.grade != data["grade"]:
            raise ValidationFailed(
                f"残疾证号显示为{CERT_CATEGORIES[parsed.category]}{parsed.grade}级，与所选类别、等级不一致",
                field="number")
        number = parsed.number
    elif not 1 <= data["grade"] <= 10:
        raise ValidationFailed("残疾军人证等级应为1至10级", field="grade")
    if data.get("valid_to") and data["valid_to"] < data["valid_from"]:
        raise ValidationFailed("有效期止不能早于有效期起", field="valid_to")
    if person.certificates.filter(matches("number_index", number)).exists():
        raise ValidationFailed("该残疾证已添加", field="number")
    with transaction.atomic():
        image = upload_accept(file=image_file, kind=CERTIFICATE_IMAGE.code, employer=person.declaration.employer,
                              actor=actor, field="image")
        certificate = Certificate(person=person, number=number, kind=kind, category=data.get("category"),
                                  grade=data["grade"], valid_from=data["valid_from"], valid_to=data.get("valid_to"),
                                  source=c.CertificateSource.MANUAL, image=image, review_state=c.ReviewState.PENDING)
        certificate.full_clean(exclude=["number_index"])
        certificate.save()
        audit_record(action="certificate.add_manual", actor=actor, obj=person, data={"label": "手动添加残疾证"})
    return certificate


def certificate_delete(*, actor, certificate: Certificate) -> None:
    require_editable(certificate.person)
    if certificate.source != c.CertificateSource.MANUAL:
        raise NotAllowed("系统获取的残疾证不能删除")
    with transaction.atomic():
        audit_record(action="certificate.delete", actor=actor, obj=certificate.person, data={"label": "删除手动添加的残疾证"})
        certificate.delete()


CONTRACT_FIELDS = ["is_dispatch", "relation", "related_unit", "contract_type", "start_date", "end_date", "job",
                   "monthly_wage", "dispatch_agency", "counts_here_stated", "si_payer", "mi_payer", "wage_payer"]


def contract_problems(data: dict) -> list[tuple[str, str]]:
    """The manual's contract rules, as (field, message) pairs."""
    problems = []
    start, end = data.get("start_date"), data.get("end_date")
    open_ended = data.get("contract_type") in (c.ContractType.OPEN_ENDED, c.ContractType.ESTABLISHMENT)
    if not open_ended and end is None:
        problems.append(("end_date", "请选择合同结束日期（无固定期限合同请选择“无固定期限”）"))
    if start and end and end < start:
        problems.append(("end_date", "合同结束日期不能早于开始日期"))
    if data.get("relation", c.Relation.SELF) != c.Relation.SELF:
        if not data.get("related_unit"):
            problems.append(("related_unit", "请选择关联单位（在“单位信息维护管理”中先添加）"))
        if all(data.get(k) for k in ("si_payer", "mi_payer", "wage_payer")):
            problems.append(("si_payer", "关联单位合同：社保参保单位、医保参保单位和工资发放单位必须有一个是本单位"))
    if data.get("is_dispatch"):
        if not data.get("dispatch_agency"):
            problems.append(("dispatch_agency", "请选择劳务派遣单位（在“单位信息维护管理”中添加为劳务派遣单位）"))
        if not data.get("counts_here_stated"):
            problems.append(("counts_here_stated", "劳务派遣协议中应明确该人员残疾人安置登记计入本单位"))
    if data.get("monthly_wage") is not None and data["monthly_wage"] <= 0:
        problems.append(("monthly_wage", "合同月薪应大于0"))
    return problems


def contract_warnings(data: dict) -> list[str]:
    term = ContractTerm(start=data["start_date"], end=data.get("end_date"))
    if data.get("contract_type") not in (c.ContractType.OPEN_ENDED, c.ContractType.ESTABLISHMENT) \
            and not term_at_least_a_year(term):
        return ["合同期限不足一年：已保存，但合同覆盖的月份将校验为“合同状态 ✗”，不计入按比例安排就业。"]
    return []


def _check_related_units(person: PlacedPerson, data: dict) -> None:
    employer_id = person.declaration.employer_id
    for key in ("related_unit", "dispatch_agency", "si_payer", "mi_payer", "wage_payer"):
        unit = data.get(key)
        if unit is not None and unit.employer_id != employer_id:
            raise ValidationFailed("请选择本单位的关联单位", field=key)


def contract_save(*, actor, person: PlacedPerson, data: dict, attachment_file=None,
                  contract: Contract | None = None) -> tuple[Contract, list[str]]:
    """Add or change a contract with its file. Returns the contract and any warnings (a contract
    shorter than a year is accepted with a warning: its months fail 合同状态)."""
    require_editable(person)
    problems = contract_problems(data)
    if problems:
        field, message = problems[0]
        raise ValidationFailed(message, field=field)
    _check_related_units(person, data)
    if data.get("contract_type") in (c.ContractType.OPEN_ENDED, c.ContractType.ESTABLISHMENT):
        data["end_date"] = None
    if not data.get("is_dispatch"):
        data["dispatch_agency"], data["counts_here_stated"] = None, False
    if data.get("relation", c.Relation.SELF) == c.Relation.SELF:
        data["related_unit"] = None
    with transaction.atomic():
        contract = contract or Contract(person=person)
        for key in CONTRACT_FIELDS:
            setattr(contract, key, data.get(key, getattr(contract, key, None)))
        if attachment_file is not None:
            contract.attachment = upload_accept(file=attachment_file, kind=CONTRACT_FILE.code,
                                                employer=person.declaration.employer, actor=actor, field="attachment")
        if not contract.attachment_id:
            raise ValidationFailed("请上传劳动合同、劳务派遣协议或编制本", field="attachment")
        # a dispatch agreement is read by a reviewer before the person can be confirmed
        contract.review_state = c.ReviewState.PENDING if contract.is_dispatch else c.ReviewState.NOT_NEEDED
        contract.full_clean()
        contract.save()
        audit_record(action="contract.save", actor=actor, obj=person, data={"label": "保存合同信息"})
    return contract, contract_warnings(data)


def contract_delete(*, actor, contract: Contract) -> None:
    require_editable(contract.person)
    with transaction.atomic():
        audit_record(action="contract.delete", actor=actor, obj=contract.person, data={"label": "删除合同"})
        contract.delete()


def step1_complete(*, actor, person: PlacedPerson) -> PlacedPerson:
    """保存，下一步: basic information and at least one contract; then the grid is verified in the
    background. Certificates are not required here: when the registry is silent the verification
    fetches them later (a failing feed never blocks the agent)."""
    require_editable(person)
    if not person.contracts.exists():
        raise ValidationFailed("请至少添加一份合同并上传合同附件", field="contracts")
    from placement.verification import verification_request

    with transaction.atomic():
        person.wizard_step = max(person.wizard_step, 2)
        person.save(update_fields=["wizard_step"])
        verification_request(person=person)
    return person


# --- step 2: 信息校验 (month selection) ------------------------------------------------------------


def is_dispatched(person: PlacedPerson) -> bool:
    return any(contract.is_dispatch for contract in person.contracts.all())


def months_select(*, actor, person: PlacedPerson, months: set[int]) -> PlacedPerson:
    """Save the agent's choice of months. For a non-dispatched person, months that passed every
    check stay selected whatever was sent (the manual: 系统核验通过的月份强制申报)."""
    from placement.rules import forced_months
    from placement.selectors import grid_cells

    require_editable(person)
    if any(m not in MONTHS for m in months):
        raise ValidationFailed("月份不正确", field="months")
    forced = forced_months(grid_cells(person), dispatched=is_dispatched(person))
    chosen = set(months) | forced
    if not chosen:
        raise ValidationFailed("请至少勾选一个安置登记月份", field="months")
    with transaction.atomic():
        person.months.update(selected=False)
        person.months.filter(month__in=chosen).update(selected=True)
        person.wizard_step = max(person.wizard_step, 3)
        person.save(update_fields=["wizard_step"])
        audit_record(action="person.select_months", actor=actor, obj=person,
                     data={"label": f"勾选安置月份 {len(chosen)} 个月", "months": sorted(chosen)})
        from placement.verification import claims_refresh

        claims_refresh(person=person)
    return person


# --- step 3: 上传附件 ----------------------------------------------------------------------------


def evidence_needed(person: PlacedPerson) -> dict[str, list[int]]:
    """{check: [months]}: every failed or unanswered check of a selected month needs material."""
    selected = set(person.months.filter(selected=True).values_list("month", flat=True))
    needed: dict[str, list[int]] = {}
    for row in MonthCheck.objects.filter(person=person, month__in=selected).exclude(outcome=c.Outcome.OK):
        needed.setdefault(row.item, []).append(row.month)
    for months in needed.values():
        months.sort()
    return needed


def evidence_missing(person: PlacedPerson) -> dict[str, list[int]]:
    have = set(Evidence.objects.filter(person=person).values_list("item", "month"))
    missing = {}
    for check, months in evidence_needed(person).items():
        if check == c.Check.CERTIFICATE:
            # a manually added certificate's image is its own material
            months = [m for m in months if not _manual_certificate_covers(person, m)]
        rest = [m for m in months if (check, m) not in have]
        if rest:
            missing[check] = rest
    return missing


def _manual_certificate_covers(person: PlacedPerson, month: int) -> bool:
    from placement.rules import covers

    year = person.declaration.business_year
    return any(covers(cert.valid_from, cert.valid_to, year, month) for cert in person.certificates.all()
               if cert.source == c.CertificateSource.MANUAL and cert.image_id)


def evidence_add(*, actor, person: PlacedPerson, check: str, months: list[int], file) -> list[Evidence]:
    """Upload material for one check and the months it covers."""
    require_editable(person)
    needed = evidence_needed(person).get(check, [])
    months = [m for m in months if m in needed]
    if not months:
        raise ValidationFailed("请选择该材料证明的月份", field=f"months_{check}")
    with transaction.atomic():
        upload = upload_accept(file=file, kind=EVIDENCE_FILE.code, employer=person.declaration.employer,
                               actor=actor, field=f"file_{check}")
        rows = [Evidence.objects.create(person=person, month=m, item=check, upload=upload) for m in months]
        audit_record(action="evidence.add", actor=actor, obj=person,
                     data={"label": f"上传{c.EVIDENCE_FOR[check][0]}", "months": months})
    return rows


def evidence_remove(*, actor, person: PlacedPerson, upload_id) -> None:
    require_editable(person)
    with transaction.atomic():
        deleted, _ = Evidence.objects.filter(person=person, upload_id=upload_id).delete()
        if deleted:
            audit_record(action="evidence.remove", actor=actor, obj=person, data={"label": "删除证明材料"})


# --- completing a registration --------------------------------------------------------------------


def review_needed(person: PlacedPerson) -> bool:
    """A selected month that failed or is unanswered, a manual certificate or a dispatch agreement
    awaiting review: a reviewer must look."""
    if person.certificates.filter(review_state=c.ReviewState.PENDING).exists():
        return True
    if person.contracts.filter(review_state=c.ReviewState.PENDING).exists():
        return True
    return bool(evidence_needed(person))


def any_month_pending(person: PlacedPerson) -> bool:
    """Some month is still waiting for a feed (and failed no other check)."""
    from placement.rules import month_outcome
    from placement.selectors import grid_cells

    cells = grid_cells(person)
    return any(month_outcome(cells, m) == c.Outcome.PENDING for m in MONTHS)


def registration_complete(*, actor, person: PlacedPerson) -> PlacedPerson:
    """完成登记: with every needed material uploaded, the person is confirmed by the system (no
    month pending, every selected month passed, nothing to review), or waits for review, or — when
    only the feeds are missing — waits for them (the nightly re-check finishes the job)."""
    require_editable(person)
    if not person.months.filter(selected=True).exists():
        raise ValidationFailed("请先在“信息校验”中勾选安置登记月份", field="months")
    missing = evidence_missing(person)
    if missing:
        first = next(iter(missing))
        label = c.EVIDENCE_FOR[first][0]
        raise ValidationFailed(f"请上传{label}（{'、'.join(f'{m}月' for m in missing[first])}）", field=f"file_{first}")
    with transaction.atomic():
        person = PlacedPerson.objects.select_for_update().get(pk=person.pk)
        person.registered_at = person.registered_at or timezone.now()
        person.wizard_step = 4
        person.save(update_fields=["registered_at", "wizard_step"])
        person_evaluate(person=person, actor=actor)
    return person


def person_evaluate(*, person: PlacedPerson, actor=None) -> PlacedPerson:
    """Move a completed registration on: to confirmed (by the system) or to review. Idempotent:
    a person not waiting for this does not change. Called after completion and after every
    verification."""
    if person.status != S.INCOMPLETE or person.registered_at is None:
        return person  # idempotent: not a completed registration waiting for a decision
    before = person.status
    if review_needed(person):
        person.send_to_review()
        label = "提交残联审核"
    elif any_month_pending(person):
        return person  # waiting for the feeds; the nightly re-check will call this again
    else:
        person.confirm_by_system()
        label = "系统自动审核确认"
    person.save()
    audit_record(action="person.evaluate", actor=actor, obj=person, from_state=before, to_state=person.status,
                 data={"label": label})
    return person


def person_recheck(*, actor, person: PlacedPerson) -> PlacedPerson:
    """重新校验: ask the registries again (never for a confirmed person or a filed declaration)."""
    _require_draft(person.declaration)
    if person.status == S.CONFIRMED:
        raise NotAllowed("已审核确认的人员不再重新校验")
    from placement.verification import verification_request

    verification_request(person=person)
    audit_record(action="person.recheck", actor=actor, obj=person, data={"label": "申请重新校验"})
    return person


def person_delete(*, actor, person: PlacedPerson) -> None:
    """删除: while the declaration is a draft."""
    _require_draft(person.declaration)
    with transaction.atomic():
        audit_record(action="person.delete", actor=actor, obj=person.declaration,
                     data={"label": f"删除安置人员 {person.name}"})
        person.delete()


def person_re_register(*, actor, person: PlacedPerson) -> PlacedPerson:
    """重新登记: back to 资料待完善 while the declaration is a draft; reviewer decisions are kept in
    the history but cleared on the months."""
    _require_draft(person.declaration)
    if not can_proceed(person.re_register):
        raise NotAllowed("该人员资料尚未完成登记，请直接继续填写")
    before = person.status
    with transaction.atomic():
        person.re_register()
        person.save()
        person.months.update(decision="", decision_reason="", decided_by=None, decided_at=None)
        audit_record(action="person.re_register", actor=actor, obj=person, from_state=before, to_state=person.status,
                     data={"label": "重新登记"})
    return person


def today() -> datetime.date:
    return timezone.localdate()
