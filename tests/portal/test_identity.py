"""Identity numbers (DOMAIN.md §5): validation, unit kinds, certificates, masking."""

import datetime

import pytest
from stdnum.cn import ric

from portal.exceptions import ValidationFailed
from portal.identity import (
    mask_certificate,
    mask_id,
    normalize,
    parse_certificate_number,
    parse_credit_code,
    parse_document_number,
    parse_resident_id,
)


def rid(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


@pytest.mark.parametrize(
    "value,birth,sex",
    [
        ("11010519491231002X", datetime.date(1949, 12, 31), "F"),  # DOMAIN.md's worked example
        (rid("31010419800101001"), datetime.date(1980, 1, 1), "M"),
        (rid("15010219851203002"), datetime.date(1985, 12, 3), "F"),
        ("１１０１０５１９４９１２３１００２ｘ", datetime.date(1949, 12, 31), "F"),  # full-width, lower-case x
    ],
)
def test_valid_resident_ids(value, birth, sex):
    parsed = parse_resident_id(value)
    assert parsed.birth_date == birth and parsed.sex == sex and not parsed.warnings


@pytest.mark.parametrize(
    "value,message",
    [
        ("", "请输入身份证号码"),
        ("1101051949123100", "18位"),
        ("110105194912310021", "校验位"),  # wrong check digit
        (rid("31010419800230001"), "出生日期不存在"),  # 30 February
        (rid("31010421000101001"), "不合理"),  # born in the future
        ("11010519491231002Y", "18位"),
    ],
)
def test_broken_resident_ids(value, message):
    with pytest.raises(ValidationFailed) as error:
        parse_resident_id(value)
    assert message in error.value.message and error.value.field == "id_number"


def test_an_unknown_region_code_is_only_a_warning():
    parsed = parse_resident_id(rid("99999919800101001"))
    assert parsed.warnings and "地区码" in parsed.warnings[0]


def _uscc(body: str) -> str:
    from stdnum.cn import uscc

    return body + uscc.calc_check_digit(body + "0")


@pytest.mark.parametrize(
    "body,kind,label",
    [
        ("91310104MA1FL3X8Q", "enterprise", "企业"),
        ("92310104MA1FL3X8Q", "enterprise", "个体工商户"),
        ("93150102MA0N7K2P5", "enterprise", "农民专业合作社"),
        ("11310104000000001", "government", "机关"),
        ("12310104425000001", "institution", "事业单位"),
        ("51310104MJ0000001", "social_org", "社会团体"),
        ("52310104MJ0000001", "social_org", "民办非企业单位"),
        ("N2110000MA0000000", "other", "其他组织"),  # letter-first: stdnum refuses, we accept
        ("Y1310104MA0000001", "other", "其他组织"),
        ("A1110000MA0000001", "other", "其他组织"),
    ],
)
def test_credit_codes_and_their_unit_kinds(body, kind, label):
    parsed = parse_credit_code(_uscc(body))
    assert (parsed.unit_kind, parsed.kind_label) == (kind, label)


@pytest.mark.parametrize(
    "value,message",
    [
        ("91110000600037341M", "校验位"),
        ("N2110000MA00000002", "校验位"),  # letter-first with a wrong check character
        ("9111000060003734", "18位"),
        ("91110000600O37341L", "不含I、O、Z、S、V"),
        ("Z1110000600037341L", "不含I、O、Z、S、V"),
        ("B1110000600037341L", "登记管理部门码"),
        ("9111AB00600037341L", "行政区划代码"),
    ],
)
def test_broken_credit_codes(value, message):
    with pytest.raises(ValidationFailed) as error:
        parse_credit_code(value)
    assert message in error.value.message


def test_certificate_numbers_must_carry_the_holders_id():
    id_number = rid("31010419800101001")
    parsed = parse_certificate_number(id_number + "42", id_number=id_number)
    assert (parsed.category, parsed.grade, parsed.reissue) == (4, 2, 0)
    assert parse_certificate_number(id_number + "71B2", id_number=id_number).reissue == 2
    with pytest.raises(ValidationFailed, match="不一致"):
        parse_certificate_number(rid("31010419800101002") + "42", id_number=id_number)
    with pytest.raises(ValidationFailed, match="残疾类别"):
        parse_certificate_number(id_number + "85", id_number=id_number)


@pytest.mark.parametrize(
    "kind,value,ok",
    [
        ("passport", "E12345678", True),
        ("passport", "E1", False),
        ("hk_macau_permit", "H12345678", True),
        ("hk_macau_permit", "X12345678", False),
        ("taiwan_permit", "12345678", True),
        ("taiwan_permit", "1234", False),
    ],
)
def test_foreign_documents(kind, value, ok):
    if ok:
        assert parse_document_number(kind, value) == value
    else:
        with pytest.raises(ValidationFailed):
            parse_document_number(kind, value)


def test_masking_shows_first_six_and_last_four_and_hides_certificate_suffixes():
    id_number = "310104198001010017"
    assert mask_id(id_number) == "310104********0017"
    assert mask_certificate(id_number + "42") == "310104********0017**"
    assert mask_certificate(id_number + "42B1") == "310104********0017**"
    assert "42" not in mask_certificate(id_number + "42")[-4:]
    assert normalize(" 3101 0419-8001 0100 1x ") == "31010419800101001X"


@pytest.mark.parametrize("birth,day,expected", [
    (datetime.date(1978, 11, 5), datetime.date(2026, 11, 4), 47),
    (datetime.date(1978, 11, 5), datetime.date(2026, 11, 5), 48),
    (datetime.date(2000, 2, 29), datetime.date(2026, 2, 28), 25),
    (datetime.date(2000, 2, 29), datetime.date(2026, 3, 1), 26),
])
def test_age_counts_whole_years_since_the_birth_date(birth, day, expected):
    from portal.identity import age_on

    assert age_on(birth, day) == expected
