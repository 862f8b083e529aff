"""The wizard's input rules, written once: each returns (field, message) pairs, so a form shows them
beside its fields and the service refuses the same input from the API. Plain values in, no ORM."""

import re

from placement import choices as c
from portal.exceptions import DomainError
from portal.identity import CERT_CATEGORIES, parse_certificate_number

# 残疾军人证: the issuing authority's short name (辽军, 沪军…), an optional series letter, the number
MILITARY_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,4}[A-Z]?\d{4,8}")


def person_problems(data: dict, *, sex: str, has_degree_file: bool) -> list[tuple[str, str]]:
    """基本信息: a woman's retirement category (the working-age check needs it) and, for a graduate,
    the degree, school and proof."""
    problems = []
    if sex == "F" and data.get("retirement_category") not in (c.RetirementCategory.FEMALE_50,
                                                              c.RetirementCategory.FEMALE_55):
        problems.append(("retirement_category", "请选择女职工的退休年龄类别（生产岗50周岁 / 管理、技术岗55周岁）"))
    if data.get("is_graduate"):
        for key, label in (("degree", "学历学位"), ("school", "毕业院校")):
            if not data.get(key):
                problems.append((key, f"高校毕业生请填写{label}"))
        if not has_degree_file:
            problems.append(("degree_file", "高校毕业生请上传学历学位证明"))
    return problems


def contract_problems(data: dict) -> list[tuple[str, str]]:
    """The manual's contract rules."""
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


def certificate_problems(data: dict, *, id_number: str | None) -> tuple[list[tuple[str, str]], str]:
    """A hand-added certificate: a 残疾人证 needs its category, a grade of 1–4 and a number that
    carries the person's ID, category and grade; a 残疾军人证 a grade of 1–10; the validity in
    order. Returns the problems and the number as it will be stored. Without `id_number` (a form
    that does not know the person) the number is not checked against the ID."""
    problems = []
    kind, number, grade = data.get("kind"), (data.get("number") or "").strip(), data.get("grade")
    if kind == c.CertificateKind.DISABILITY:
        if not data.get("category"):
            problems.append(("category", "请选择残疾类别"))
        if grade and grade not in c.CertificateKind.DISABILITY.grades:
            problems.append(("grade", "残疾人证等级为1至4级"))
        if id_number and not problems:
            try:
                parsed = parse_certificate_number(number, id_number=id_number, field_name="number")
            except DomainError as error:
                problems.append((error.field or "number", error.message))
            else:
                number = parsed.number
                if parsed.category != data.get("category") or parsed.grade != grade:
                    problems.append(("number", f"残疾证号显示为{CERT_CATEGORIES[parsed.category]}{parsed.grade}级，"
                                               "与所选类别、等级不一致"))
    elif kind == c.CertificateKind.MILITARY:
        if grade and grade not in c.CertificateKind.MILITARY.grades:
            problems.append(("grade", "残疾军人证等级应为1至10级"))
        if not MILITARY_NUMBER.fullmatch(number):
            problems.append(("number", "残疾军人证号格式不正确：应为发证机关简称加编号，如“辽军K004711”"))
    if data.get("valid_to") and data.get("valid_from") and data["valid_to"] < data["valid_from"]:
        problems.append(("valid_to", "有效期止不能早于有效期起"))
    return problems, number
