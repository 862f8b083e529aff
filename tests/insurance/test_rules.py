"""The retiree plan's pure rules, table-driven: roster rows and files, a member's verdict, the 75%
rule, coverage dates, working days (DOMAIN.md §3; seed 004)."""

import datetime
import re
from decimal import Decimal

import pytest

from insurance.choices import Result, Situation, Withholding
from insurance.rules import roster as r
from insurance.rules.coverage import coverage
from insurance.rules.ratio import Ratio, percent_text
from insurance.rules.verification import Facts, Fixes, member_result
from insurance.rules.workdays import add_working_days, is_working_day
from portal.spreadsheets import Formula
from tests import factories as f

D = datetime.date
ID = f.resident_id(1, birth="19560101")  # a man born 1956-01-01
TODAY = D(2026, 12, 6)


def row(**values):
    base = {r.NAME: "张三", r.ID_TYPE: "身份证", r.ID_NUMBER: ID, r.BIRTH: None, r.SEX: None, r.PHONE: "13900000000"}
    return {**base, **values}


@pytest.mark.parametrize("values,column,message", [
    (row(**{r.NAME: None}), r.NAME, "请填写姓名"),
    (row(**{r.NAME: "张三3"}), r.NAME, "只能包含文字"),
    (row(**{r.ID_TYPE: None}), r.ID_TYPE, "请填写证件类型"),
    (row(**{r.ID_TYPE: "护照"}), r.ID_TYPE, "只能填写“身份证”或“非身份证”"),
    (row(**{r.ID_NUMBER: None}), r.ID_NUMBER, "请填写证件号码"),
    (row(**{r.ID_NUMBER: ID[:-1] + ("0" if ID[-1] != "0" else "1")}), r.ID_NUMBER, "校验位不正确"),
    (row(**{r.ID_NUMBER: f.resident_id(1, birth="19561301")}), r.ID_NUMBER, "出生日期不存在"),
    (row(**{r.ID_NUMBER: 3.10104195601011e17}), r.ID_NUMBER, "存成了数字"),
    (row(**{r.ID_TYPE: "非身份证", r.ID_NUMBER: "E12345678", r.SEX: "男"}), r.BIRTH, "请填写出生日期"),
    (row(**{r.ID_TYPE: "非身份证", r.ID_NUMBER: "E12345678", r.BIRTH: "1958-12-09"}), r.SEX, "请填写性别"),
    (row(**{r.ID_TYPE: "非身份证", r.ID_NUMBER: "E1", r.BIRTH: "1958-12-09", r.SEX: "男"}), r.ID_NUMBER, "5至30位"),
    (row(**{r.BIRTH: "1956-02-01"}), r.BIRTH, "与身份证号码不一致"),
    (row(**{r.SEX: "女"}), r.SEX, "与身份证号码不一致"),
    (row(**{r.SEX: "未知"}), r.SEX, "只能填写“男”或“女”"),
    (row(**{r.BIRTH: "1956年13月1日"}), r.BIRTH, "格式应为"),
    (row(**{r.PHONE: None}), r.PHONE, "请填写手机号"),
    (row(**{r.NAME: Formula("A2")}), r.NAME, "单元格中是公式"),
])
def test_a_bad_row_is_reported_against_the_column_to_fix(values, column, message):
    member, problems = r.roster_row(values, row=7, today=TODAY)
    assert member is None
    assert any(p.column == column and p.row == 7 and re.search(message, p.message) for p in problems), problems


@pytest.mark.parametrize("values,expected", [
    (row(), ("张三", "resident_id", ID, D(1956, 1, 1), "M", "13900000000")),
    (row(**{r.ID_NUMBER: ID.lower(), r.PHONE: "+86 139-0000-0000", r.BIRTH: D(1956, 1, 1), r.SEX: "男"}),
     ("张三", "resident_id", ID, D(1956, 1, 1), "M", "13900000000")),
    (row(**{r.ID_TYPE: "非身份证", r.ID_NUMBER: "e12345678", r.BIRTH: "1958/12/9", r.SEX: "女", r.PHONE: 13900000001.0}),
     ("张三", "other", "E12345678", D(1958, 12, 9), "F", "13900000001")),
    (row(**{r.NAME: "阿依古丽·买买提", r.PHONE: "021-64870000"}),
     ("阿依古丽·买买提", "resident_id", ID, D(1956, 1, 1), "M", "02164870000")),
])
def test_a_good_row_is_normalized(values, expected):
    member, problems = r.roster_row(values, row=2, today=TODAY)
    assert not problems
    assert (member.name, member.id_type, member.id_number, member.birth_date, member.sex, member.phone) == expected


def members(*phones):
    return [r.Member(i + 2, f"人{i}", "resident_id", f.resident_id(i), D(1985, 1, 1), "M", phone)
            for i, phone in enumerate(phones)]


@pytest.mark.parametrize("phones,problem", [
    (("13900000000", "13900000001"), None),
    (("13900000000", "02164870000"), None),  # exactly half valid is enough
    (("13900000000", "021", "022"), "有效手机号只有1个"),
    (("13900000000", "13900000000"), "与第2行重复"),
])
def test_the_file_rules_on_phones(phones, problem):
    problems = r.roster_file(members(*phones))
    assert [p.message for p in problems if problem and problem in p.message] if problem else not problems


def test_the_same_document_twice_in_a_file_marks_the_later_row():
    same = [r.Member(2, "甲", "resident_id", ID, D(1956, 1, 1), "M", "13900000000"),
            r.Member(5, "乙", "resident_id", ID, D(1956, 1, 1), "M", "13900000001")]
    assert [(p.row, p.column) for p in r.roster_file(same)] == [(5, r.ID_NUMBER)]


def test_too_few_valid_phones_is_a_file_problem_without_a_row():
    problems = r.roster_file(members("1", "2", "13900000000"))
    assert [(p.row, p.column) for p in problems] == [(None, r.PHONE)]


CLEAN = Facts(si_found=True, si_name="张三", deceased=False, retired=True, retirement_month=201601, can_withhold=True)
NOW = 202612


@pytest.mark.parametrize("id_type,facts,fixes,expected", [
    ("resident_id", CLEAN, Fixes(), (Result.PASSED, Withholding.YES)),
    ("resident_id", CLEAN.__class__(**{**CLEAN.__dict__, "can_withhold": False}), Fixes(), (Result.PASSED, Withholding.NO)),
    ("other", None, Fixes(), (Result.UNVERIFIABLE, Withholding.UNKNOWN)),
    ("resident_id", None, Fixes(), (Result.PENDING, Withholding.UNKNOWN)),
    ("resident_id", Facts(si_found=True, si_name="张三", deceased=None, retired=True, retirement_month=201601,
                          can_withhold=True), Fixes(), (Result.PENDING, Withholding.UNKNOWN)),
    ("resident_id", Facts(si_found=False), Fixes(), (Result.NO_SOCIAL_INSURANCE, Withholding.UNKNOWN)),
    ("resident_id", Facts(si_found=False), Fixes(situation=Situation.NEW_RETIREE),
     (Result.NO_SOCIAL_INSURANCE, Withholding.UNKNOWN)),
    ("resident_id", Facts(**{**CLEAN.__dict__, "deceased": True}), Fixes(), (Result.DECEASED, Withholding.UNKNOWN)),
    ("resident_id", Facts(**{**CLEAN.__dict__, "si_name": "张叁"}), Fixes(), (Result.NAME_MISMATCH, Withholding.NO)),
    ("resident_id", CLEAN, Fixes(name_confirmed=True), (Result.NAME_CONFIRMED, Withholding.YES)),
    ("resident_id", Facts(**{**CLEAN.__dict__, "retirement_month": None}), Fixes(),
     (Result.RETIREMENT_MISSING, Withholding.NO)),
    ("resident_id", Facts(**{**CLEAN.__dict__, "retirement_month": 202801}), Fixes(),
     (Result.RETIREMENT_MISSING, Withholding.NO)),  # 值无效: in the future
    ("resident_id", Facts(**{**CLEAN.__dict__, "retired": False, "retirement_month": None}), Fixes(),
     (Result.RETIREMENT_MISSING, Withholding.NO)),
    ("resident_id", Facts(**{**CLEAN.__dict__, "retirement_month": None}), Fixes(retirement_month=201805),
     (Result.RETIREMENT_FILLED, Withholding.YES)),
    # death outranks a different name; no record outranks death
    ("resident_id", Facts(**{**CLEAN.__dict__, "deceased": True, "si_name": "张叁"}), Fixes(),
     (Result.DECEASED, Withholding.UNKNOWN)),
    ("resident_id", Facts(si_found=False, deceased=True), Fixes(), (Result.NO_SOCIAL_INSURANCE, Withholding.UNKNOWN)),
])
def test_a_members_verdict(id_type, facts, fixes, expected):
    assert member_result(id_type=id_type, name="张三", facts=facts, fixes=fixes, current_month=NOW) == expected


T = Decimal("0.75")


@pytest.mark.parametrize("ratio,reaches,needs,text", [
    (Ratio("31061826", 4, 3, 0), True, False, "75.0%"),  # exactly 75%
    (Ratio("31061826", 4, 2, 1), True, False, "75.0%"),  # with members enrolled in an earlier batch
    (Ratio("31061826", 4, 2, 0), False, True, "50.0%"),
    (Ratio("31061826", 13777, 11, 0), False, True, "0.1%"),
    (Ratio("31061826", None, 5, 0), False, True, "待获取"),
    (Ratio("", 0, 2, 0, (Situation.NEW_RETIREE, Situation.NEW_RETIREE)), False, False, "0.0%"),
    (Ratio("", 0, 2, 0, (Situation.NEW_RETIREE, Situation.ABROAD)), False, True, "0.0%"),
    (Ratio("", 0, 1, 0, ("",)), False, True, "0.0%"),
])
def test_the_participation_ratio(ratio, reaches, needs, text):
    assert ratio.reaches(T) is reaches
    assert ratio.needs_materials(T) is needs
    assert percent_text(ratio.share()) == text


@pytest.mark.parametrize("kind,completed,start,end,waiting,until", [
    ("central", None, D(2027, 7, 1), D(2028, 6, 30), 0, None),
    ("central", D(2027, 6, 1), D(2027, 7, 1), D(2028, 6, 30), 0, None),
    ("instant", None, None, D(2028, 6, 30), 30, None),
    ("instant", D(2027, 9, 14), D(2027, 9, 15), D(2028, 6, 30), 30, D(2027, 10, 14)),
])
def test_coverage_dates(kind, completed, start, end, waiting, until):
    result = coverage(kind=kind, coverage_start=D(2027, 7, 1), coverage_end=D(2028, 6, 30), waiting_days=30,
                      completed_on=completed)
    assert (result.start, result.end, result.waiting_days, result.waiting_until) == (start, end, waiting, until)


@pytest.mark.parametrize("start,overrides,expected", [
    (D(2026, 12, 4), {}, D(2026, 12, 7)),  # Friday → Monday
    (D(2026, 9, 30), {}, D(2026, 10, 8)),  # 国庆节 2026-10-01..07
    (D(2026, 9, 19), {}, D(2026, 9, 20)),  # Sunday 9-20 is a 调休 working day
    (D(2026, 2, 13), {}, D(2026, 2, 14)),  # Saturday 2-14 is a 调休 working day before 春节
    (D(2026, 12, 31), {}, D(2027, 1, 1)),  # 2027 is not in the package: Monday–Friday
    (D(2026, 12, 31), {D(2027, 1, 1): False}, D(2027, 1, 4)),  # the administrators' table: 元旦
    (D(2027, 1, 8), {D(2027, 1, 9): True}, D(2027, 1, 9)),  # a Saturday entered as a working day
])
def test_working_days(start, overrides, expected):
    assert add_working_days(start, 1, overrides) == expected


def test_a_holiday_is_not_a_working_day():
    assert not is_working_day(D(2026, 10, 1), {})
    assert is_working_day(D(2026, 10, 10), {})
