"""The facts of a 审核认定书 (certificate of a certified declaration), fixed when it is issued:
a pure function from the certified persons (levy.rules.certified.CountedPerson, the snapshot the
certification records) to the PDF template's context (templates/pdf/certificate.html)."""

from fractions import Fraction

from levy.rules import percent_text, round_half_up
from levy.rules.certificates import CertificateKind
from levy.rules.certified import CountedPerson
from portal.identity import mask_id
from portal.text import month_ranges

LABELS = {
    "unit": "用人单位名称", "credit_code": "统一社会信用代码", "year": "业务年度", "headcount": "在职职工人数",
    "disabled": "安排残疾人就业人数", "ratio": "实际安排比例", "required": "规定比例", "persons": "安置残疾人名单",
    "index": "序号", "name": "姓名", "id": "身份证号", "certificate": "残疾证件", "confirmed": "安置确认(月)",
    "approved": "安置核定(月)", "months": "认定月份",
}
TITLE = "残疾人按比例就业情况审核认定书"


def certificate_label(person: CountedPerson) -> str:
    """残疾人证 2级 / 残疾军人证 3级 (empty when no certificate stood for the person)."""
    if not person.certificate_grade:
        return ""
    return f"{CertificateKind(person.certificate_kind).label} {person.certificate_grade}级"


def certificate_context(
    *,
    unit_name: str,
    credit_code: str,
    business_year: int,
    headcount: int,
    persons: list[CountedPerson],
    disabled_count: Fraction,
    required_ratio: Fraction,
    issuer: str,
    certified_on: str,
) -> dict:
    """The template context: every figure as it will be printed (the exact disabled count too)."""
    actual = disabled_count / headcount if headcount else Fraction(0)
    return {
        "title": TITLE,
        "intro": f"经审核，{unit_name}{business_year}年度按比例安排残疾人就业情况认定如下。",
        "labels": LABELS,
        "issuer": issuer,
        "unit_name": unit_name,
        "credit_code": credit_code,
        "business_year": business_year,
        "headcount": headcount,
        # two decimals on the certificate; the exact fraction belongs in the explanation (issue 14)
        "disabled_count": str(round_half_up(disabled_count, 2)),
        "actual_ratio": percent_text(actual),
        "required_ratio": percent_text(required_ratio),
        "persons": [
            {"name": p.name, "id_masked": mask_id(p.id_number), "certificate": certificate_label(p),
             "confirmed": len(p.months), "approved": p.approved, "months": month_ranges(p.months)}
            for p in persons
        ],
        "certified_on": certified_on,
    }
