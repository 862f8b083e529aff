"""Writes of the 添加残疾人 wizard: the person, contracts, certificates, the month selection,
evidence and completing a registration (① 安置登记 ② 信息校验 ③ 上传附件 ④ 完成登记). Every write
checks the person is still editable (placement.predicates), validates, saves and audits in one
transaction. The page and the API call the same functions, so they move a person the same way."""

from django.db import transaction
from django.utils import timezone

from placement import choices as c
from placement import predicates as p
from placement import rules
from placement.facts import contract_terms
from placement.models import (
    AnnualDeclaration,
    Certificate,
    Contract,
    Evidence,
    PlacedPerson,
    PlacementMonth,
)
from placement.selectors.year import person_year
from placement.services.declaration import declaration_started
from placement.services.evaluation import evidence_missing, evidence_needed, person_evaluate, review_needed
from placement.services.verification import claims_refresh, sync_registry_certificates, verification_request
from placement.uploads import CERTIFICATE_IMAGE, CONTRACT_FILE, DEGREE_FILE, EVIDENCE_FILE
from placement.validation import certificate_problems, contract_problems, person_problems
from portal.audit import audit_record
from portal.crypto import matches
from portal.exceptions import NotAllowed, ValidationFailed
from portal.guards import insist
from portal.identity import parse_resident_id
from portal.models import Upload
from portal.reviewable import review_request, review_waive
from portal.uploads import upload_accept
from portal.workflow import audit_created, transition_apply

S = c.PersonStatus


def require_editable(person: PlacedPerson) -> None:
    insist(p.person_declaration_is_draft, person)
    insist(p.person_is_incomplete, person)


def _raise_first(problems: list[tuple[str, str]]) -> None:
    if problems:
        field, message = problems[0]
        raise ValidationFailed(message, field=field)


# --- step 1: 安置登记 ---------------------------------------------------------------------------


def person_find(declaration: AnnualDeclaration, id_number: str) -> PlacedPerson | None:
    return declaration.person_rows().filter(matches("id_index", id_number)).first()


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
    return c.RetirementCategory.MALE if sex == "M" else chosen


def person_create(*, actor, declaration: AnnualDeclaration, id_number: str, data: dict, prefilled: bool = False,
                  registry_certificates=(), degree_file=None) -> PlacedPerson:
    """Add a person (step 1 saved): the person, their twelve months and the certificates the
    registry knows; the year's declaration is filed with its first person. Nothing is saved if
    anything is refused."""
    insist(p.declaration_is_draft, declaration)
    parsed = person_check_new(declaration=declaration, id_number=id_number)
    values = {k: data[k] for k in PERSON_FIELDS if k in data}
    values["retirement_category"] = _retirement_category(parsed.sex, data.get("retirement_category", ""))
    _raise_first(person_problems(values, sex=parsed.sex, has_degree_file=degree_file is not None))
    with transaction.atomic():
        declaration = declaration_started(declaration)
        person = PlacedPerson(declaration=declaration, id_number=parsed.number, sex=parsed.sex,
                              birth_date=parsed.birth_date, prefilled=prefilled, **values)
        if values.get("is_graduate"):
            person.degree_attachment = upload_accept(file=degree_file, kind=DEGREE_FILE.code,
                                                     employer=declaration.employer, actor=actor, field="degree_file")
        person.full_clean(exclude=["id_index", "hukou_region", "status"])  # protected FSM field
        person.save()
        PlacementMonth.objects.bulk_create([PlacementMonth(person=person, month=m) for m in rules.MONTHS])
        sync_registry_certificates(person, registry_certificates)
        audit_created(person, actor=actor, action="person.add")
    return person


def person_update(*, actor, person: PlacedPerson, data: dict, degree_file=None) -> PlacedPerson:
    require_editable(person)
    for key in PERSON_FIELDS:
        if key in data:
            setattr(person, key, data[key])
    person.retirement_category = _retirement_category(person.sex, data.get("retirement_category",
                                                                           person.retirement_category))
    values = {k: getattr(person, k) for k in PERSON_FIELDS}
    _raise_first(person_problems(values, sex=person.sex,
                                 has_degree_file=degree_file is not None or bool(person.degree_attachment_id)))
    with transaction.atomic():
        if degree_file is not None:
            person.degree_attachment = upload_accept(file=degree_file, kind=DEGREE_FILE.code,
                                                     employer=person.declaration.employer, actor=actor,
                                                     field="degree_file")
        person.full_clean(exclude=["id_index", "hukou_region", "status"])  # protected FSM field
        person.save()
        audit_record(action="person.update", actor=actor, obj=person)
    return person


def certificate_add_manual(*, actor, person: PlacedPerson, data: dict, image_file) -> Certificate:
    """A certificate the registry does not show (new this year, or an earlier one): it needs its
    image and a reviewer's approval. Its number must carry the person's ID, category and grade."""
    require_editable(person)
    problems, number = certificate_problems(data, id_number=person.id_number)
    _raise_first(problems)
    if person.certificates.filter(matches("number_index", number)).exists():
        raise ValidationFailed("该残疾证已添加", field="number")
    with transaction.atomic():
        image = upload_accept(file=image_file, kind=CERTIFICATE_IMAGE.code, employer=person.declaration.employer,
                              actor=actor, field="image")
        certificate = Certificate(person=person, number=number, kind=data["kind"], category=data.get("category"),
                                  grade=data["grade"], valid_from=data["valid_from"], valid_to=data.get("valid_to"),
                                  source=c.CertificateSource.MANUAL, image=image)
        certificate.full_clean(exclude=["number_index", "review_state"])
        certificate.save()
        review_request(item=certificate, actor=actor, data={"person": person.pk})
    return certificate


def certificate_delete(*, actor, certificate: Certificate) -> None:
    require_editable(certificate.person)
    if certificate.source != c.CertificateSource.MANUAL:
        raise NotAllowed("系统获取的残疾证不能删除")
    with transaction.atomic():
        audit_record(action="certificate.delete", actor=actor, obj=certificate.person)
        certificate.delete()


CONTRACT_FIELDS = ["is_dispatch", "relation", "related_unit", "contract_type", "start_date", "end_date", "job",
                   "monthly_wage", "dispatch_agency", "counts_here_stated", "si_payer", "mi_payer", "wage_payer"]


def contract_warnings(data: dict) -> list[str]:
    term = rules.ContractTerm(start=data["start_date"], end=data.get("end_date"))
    if data.get("contract_type") not in (c.ContractType.OPEN_ENDED, c.ContractType.ESTABLISHMENT) \
            and not rules.term_at_least_a_year(term):
        return ["合同期限不足一年：已保存，但合同覆盖的月份将校验为“合同状态 ✗”，不计入按比例安排就业。"]
    return []


def _check_related_units(person: PlacedPerson, data: dict) -> None:
    employer_id = person.declaration.employer_id
    for key in ("related_unit", "dispatch_agency", "si_payer", "mi_payer", "wage_payer"):
        unit = data.get(key)
        if unit is not None and unit.employer_id != employer_id:
            raise ValidationFailed("请选择本单位的关联单位", field=key)


def contract_save(*, actor, person: PlacedPerson, data: dict, attachment_file=None, agreement_file=None,
                  contract: Contract | None = None) -> tuple[Contract, list[str]]:
    """Add or change a contract with its file. Returns the contract and any warnings (a contract
    shorter than a year is accepted with a warning: its months fail 合同状态). A dispatch agreement
    goes to review (劳务派遣审核); changing a reviewed one sends it back to review."""
    require_editable(person)
    _raise_first(contract_problems(data))
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
        if contract.is_dispatch:
            _dispatch_documents(contract, person, actor, agreement_file)
        else:
            contract.agreement = None
        contract.full_clean(exclude=["review_state"])
        created = contract.pk is None
        contract.save()
        audit_record(action="contract.save", actor=actor, obj=person, data={"contract": contract.pk})
        # a dispatch agreement is read by a reviewer before the person can be confirmed, and read
        # again after any change (an approved one goes back to 待审核, recorded from → to)
        if contract.is_dispatch:
            contract = review_request(item=contract, actor=actor, reason="" if created else "合同已修改",
                                      data={"person": person.pk})
        else:
            contract = review_waive(item=contract, actor=actor, reason="不是劳务派遣协议")
    return contract, contract_warnings(data)


def _dispatch_documents(contract: Contract, person: PlacedPerson, actor, agreement_file) -> None:
    """A dispatch contract's three required documents are three files (issue 15, 17): the agency's
    劳务派遣资质 is its related-unit proof, and the 三方协议 is an upload of its own, not the file
    of the 劳动合同."""
    if agreement_file is not None:
        contract.agreement = upload_accept(file=agreement_file, kind=CONTRACT_FILE.code,
                                           employer=person.declaration.employer, actor=actor, field="agreement")
    if not contract.agreement_id:
        raise ValidationFailed("劳务派遣人员请上传三方协议（劳务派遣协议），劳动合同另行上传", field="agreement")
    contract_file = Upload.objects.filter(pk=contract.attachment_id).values_list("sha256", flat=True).first()
    if contract_file == contract.agreement.sha256:
        raise ValidationFailed("三方协议与劳动合同是同一个文件，请分别上传", field="agreement")


def contract_delete(*, actor, contract: Contract) -> None:
    require_editable(contract.person)
    with transaction.atomic():
        audit_record(action="contract.delete", actor=actor, obj=contract.person)
        contract.delete()


def step1_complete(*, actor, person: PlacedPerson) -> PlacedPerson:
    """保存，下一步: basic information and at least one contract; then the grid is verified in the
    background. Certificates are not required here: when the registry is silent the verification
    fetches them later (a failing feed never blocks the agent)."""
    require_editable(person)
    if not person.contracts.exists():
        raise ValidationFailed("请至少添加一份合同并上传合同附件", field="contracts")
    with transaction.atomic():
        person.wizard_step = max(person.wizard_step, 2)
        person.save(update_fields=["wizard_step"])
        verification_request(person=person)
    return person


# --- step 2: 信息校验 (month selection) ------------------------------------------------------------


def is_dispatched(person: PlacedPerson) -> bool:
    return rules.is_dispatched(contract_terms(person.contracts.all()))


def months_select(*, actor, person: PlacedPerson, months: set[int]) -> PlacedPerson:
    """Save the agent's choice of months. For a non-dispatched person, months that passed every
    check stay selected whatever was sent (the manual: 系统核验通过的月份强制申报). With no material
    to upload and nothing to review, the registration completes at once (page and API alike)."""
    require_editable(person)
    if any(m not in rules.MONTHS for m in months):
        raise ValidationFailed("月份不正确", field="months")
    chosen = set(months) | person_year(person, with_claims=False).forced_months
    if not chosen:
        raise ValidationFailed("请至少勾选一个安置登记月份", field="months")
    with transaction.atomic():
        person.months.update(selected=False)
        person.months.filter(month__in=chosen).update(selected=True)
        person.wizard_step = max(person.wizard_step, 3)
        person.save(update_fields=["wizard_step"])
        audit_record(action="person.select_months", actor=actor, obj=person,
                     data={"label": f"勾选安置月份 {len(chosen)} 个月", "months": sorted(chosen)})
        claims_refresh(person=person)
    if not evidence_needed(person) and not review_needed(person):
        return registration_complete(actor=actor, person=person)
    return person


# --- step 3: 上传附件 ----------------------------------------------------------------------------


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
            audit_record(action="evidence.remove", actor=actor, obj=person)


# --- completing a registration --------------------------------------------------------------------


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
        return person_evaluate(person=person, actor=actor)


def person_recheck(*, actor, person: PlacedPerson) -> PlacedPerson:
    """重新校验: ask the registries again (never for a confirmed person or a filed declaration)."""
    insist(p.person_declaration_is_draft, person)
    insist(p.person_not_confirmed, person)
    verification_request(person=person)
    audit_record(action="person.recheck", actor=actor, obj=person)
    return person


def person_delete(*, actor, person: PlacedPerson) -> None:
    """删除: while the declaration is a draft."""
    insist(p.person_declaration_is_draft, person)
    with transaction.atomic():
        audit_record(action="person.delete", actor=actor, obj=person.declaration,
                     data={"label": f"删除安置人员 {person.name}"})
        person.delete()


def persons_delete(*, actor, declaration, person_ids: list[int]) -> int:
    """批量删除 (the list's checkbox column): the ticked persons of this declaration, all or none,
    each deleted as 删除 deletes one (issue 15). Returns how many."""
    persons = list(declaration.persons.filter(pk__in=person_ids)) if declaration.pk else []
    if not persons:
        raise ValidationFailed("请先勾选要删除的人员", field="persons")
    with transaction.atomic():
        for person in persons:
            person.declaration = declaration
            person_delete(actor=actor, person=person)
    return len(persons)


def person_re_register(*, actor, person: PlacedPerson) -> PlacedPerson:
    """重新登记: back to 资料待完善 while the declaration is a draft; the reviewer's decisions on the
    months are cleared (each change stays in the history)."""
    with transaction.atomic():
        person = transition_apply(person, "re_register", actor=actor)
        for month in person.months.exclude(review_state=c.ReviewState.NOT_NEEDED):
            review_waive(item=month, actor=actor, reason="重新登记")
    return person
