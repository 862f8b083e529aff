"""The roster's rules (seed 004's import template; DOMAIN.md §3), over plain values: one row at a
time (`roster_row`), then the file as a whole (`roster_file`). No ORM: duplicates against the
database are the import service's question.

    *姓名, *证件类型 (身份证、非身份证), *证件号码, 出生日期, 性别, *手机号

Name, ID type, ID number and phone are required; birth date and sex are required for documents
other than the resident ID (and, when given for a resident ID, must agree with it); phone numbers
are unique within the batch and at least half of them are valid mobile numbers. Every problem is
reported against the column the user must fix, in words that say what to do.
"""

import datetime
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from portal.exceptions import ValidationFailed
from portal.identity import normalize, parse_resident_id
from portal.spreadsheets import Formula

NAME, ID_TYPE, ID_NUMBER, BIRTH, SEX, PHONE = "name", "id_type", "id_number", "birth_date", "sex", "phone"
# The manual's template headers, in its order (its notes live in the header text itself).
HEADERS = {
    NAME: "*姓名",
    ID_TYPE: "*证件类型（身份证、非身份证）",
    ID_NUMBER: "*证件号码",
    BIRTH: "出生日期（非身份证类型必填，格式如1990-01-01）",
    SEX: "性别（非身份证类型必填）",
    PHONE: "*手机号（有效手机号需达到50%以上）",
}
RESIDENT_ID, OTHER = "resident_id", "other"
ID_TYPES = {"身份证": RESIDENT_ID, "居民身份证": RESIDENT_ID, "非身份证": OTHER}
SEXES = {"男": "M", "女": "F"}
MOBILE = re.compile(r"1[3-9]\d{9}")
OTHER_DOCUMENT = re.compile(r"[A-Z0-9()\-]{5,30}")
NAME_PUNCTUATION = set("·•. -'")
MIN_VALID_PHONES = (1, 2)  # at least half (the manual: 有效手机号需达到50%以上)


@dataclass(frozen=True)
class Member:
    """A roster row that passed its checks, normalized."""

    row: int | None
    name: str
    id_type: str
    id_number: str
    birth_date: datetime.date
    sex: str
    phone: str

    @property
    def valid_mobile(self) -> bool:
        return is_mobile(self.phone)


@dataclass(frozen=True)
class Problem:
    """One thing wrong: its row (None for the file as a whole), column key ("" for the row or the
    file) and what to do."""

    row: int | None
    column: str
    message: str

    @property
    def header(self) -> str:
        return HEADERS.get(self.column, "")


def is_mobile(phone: str) -> bool:
    return bool(MOBILE.fullmatch(phone or ""))


def _text(value) -> str:
    """A cell as text: numbers typed into a text column come back as floats."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    match = re.fullmatch(r"(\d{4})-?(\d{1,2})-?(\d{1,2})", text)
    if not match:
        raise ValueError
    return datetime.date(*map(int, match.groups()))


def valid_name(name: str) -> bool:
    return 1 <= len(name) <= 50 and all(ch in NAME_PUNCTUATION or unicodedata.category(ch).startswith("L")
                                        for ch in name) and not all(ch in NAME_PUNCTUATION for ch in name)


def roster_row(values: dict, *, row: int | None = None, today: datetime.date | None = None
               ) -> tuple[Member | None, list[Problem]]:
    """Check one row ({column key: cell value}); the member, or None and every problem of the row."""
    today = today or datetime.date.today()
    problems: list[Problem] = []

    def problem(column: str, message: str) -> None:
        problems.append(Problem(row, column, message))

    for column, value in values.items():
        if isinstance(value, Formula):
            problem(column, "单元格中是公式，请改为直接填写内容（复制后“选择性粘贴—数值”）")
    if problems:
        return None, problems

    name = _text(values.get(NAME))
    if not name:
        problem(NAME, "请填写姓名")
    elif not valid_name(name):
        problem(NAME, "姓名只能包含文字和间隔号“·”，不超过50个字")

    id_type_text = _text(values.get(ID_TYPE))
    id_type = ID_TYPES.get(id_type_text)
    if not id_type_text:
        problem(ID_TYPE, "请填写证件类型：身份证或非身份证")
    elif id_type is None:
        problem(ID_TYPE, "证件类型只能填写“身份证”或“非身份证”")

    raw_number = values.get(ID_NUMBER)
    number, birth_from_id, sex_from_id = "", None, None
    if isinstance(raw_number, float) and len(_text(raw_number)) > 15:
        problem(ID_NUMBER, "证件号码被Excel存成了数字（末几位会丢失），请将该列设为文本格式后重新填写")
    elif not _text(raw_number):
        problem(ID_NUMBER, "请填写证件号码")
    elif id_type == RESIDENT_ID:
        try:
            parsed = parse_resident_id(_text(raw_number), field_name=ID_NUMBER)
        except ValidationFailed as error:
            problem(ID_NUMBER, error.message)
        else:
            number, birth_from_id, sex_from_id = parsed.number, parsed.birth_date, parsed.sex
    elif id_type == OTHER:
        number = normalize(_text(raw_number)).replace("（", "(").replace("）", ")")
        if not OTHER_DOCUMENT.fullmatch(number):
            problem(ID_NUMBER, "证件号码应为5至30位字母或数字（护照、港澳台居民居住证等）")
            number = ""

    birth = None
    if values.get(BIRTH) not in (None, ""):
        try:
            birth = _date(values.get(BIRTH))
        except ValueError:
            problem(BIRTH, "出生日期格式应为1990-01-01")
        else:
            if not datetime.date(1900, 1, 1) <= birth <= today:
                problem(BIRTH, "出生日期不合理，请核对")
                birth = None
            elif birth_from_id and birth != birth_from_id:
                problem(BIRTH, f"出生日期与身份证号码不一致（身份证号码中为{birth_from_id:%Y-%m-%d}）")
    elif id_type == OTHER:
        problem(BIRTH, "证件类型为非身份证时，请填写出生日期")

    sex_text = _text(values.get(SEX))
    sex = SEXES.get(sex_text)
    if sex_text and sex is None:
        problem(SEX, "性别只能填写“男”或“女”")
    elif sex and sex_from_id and sex != sex_from_id:
        problem(SEX, f"性别与身份证号码不一致（身份证号码中为{'男' if sex_from_id == 'M' else '女'}）")
    elif not sex_text and id_type == OTHER:
        problem(SEX, "证件类型为非身份证时，请填写性别")

    phone = phone_of(values.get(PHONE))
    if not phone:
        problem(PHONE, "请填写手机号")
    elif len(phone) > 20:
        problem(PHONE, "手机号不超过20位")

    if problems:
        return None, problems
    return Member(row, name, id_type, number, birth_from_id or birth, sex_from_id or sex, phone), []


def phone_of(value) -> str:
    """A phone cell as the roster stores it (spaces, hyphens and +86 dropped)."""
    phone = re.sub(r"[\s\-]", "", normalize(_text(value)))
    return phone[3:] if phone.startswith("+86") else phone


def roster_file(members: list[Member], *, existing_phones: dict[str, str] | None = None,
                phones: list[str] | None = None) -> list[Problem]:
    """The rules over the whole roster: one row per document number, phone numbers unique (in the
    file and, with `existing_phones` {phone: name}, among the batch's members kept), and at least
    half of the phones valid mobile numbers (`phones`: every row's, the rows with other errors
    included; else the members')."""
    problems = []
    by_number, by_phone = defaultdict(list), defaultdict(list)
    for member in members:
        by_number[(member.id_type, member.id_number)].append(member)
        by_phone[member.phone].append(member)
    for same in by_number.values():
        for member in same[1:]:
            problems.append(Problem(member.row, ID_NUMBER, f"证件号码与第{same[0].row}行重复"))
    for phone, same in by_phone.items():
        for member in same[1:]:
            problems.append(Problem(member.row, PHONE, f"手机号与第{same[0].row}行重复，手机号不能重复"))
        if existing_phones and phone in existing_phones:
            problems.append(Problem(same[0].row, PHONE, f"手机号已用于本批次的参保人员{existing_phones[phone]}"))
    phones = [m.phone for m in members] if phones is None else phones
    if phones:
        valid = sum(1 for phone in phones if is_mobile(phone))
        if not phone_ratio_ok(valid, len(phones)):
            problems.append(Problem(None, PHONE, f"有效手机号只有{valid}个，占{valid * 100 // len(phones)}%，"
                                                 "有效手机号需达到50%以上（11位手机号码）"))
    return problems


def phone_ratio_ok(valid: int, total: int) -> bool:
    numerator, denominator = MIN_VALID_PHONES
    return total == 0 or valid * denominator >= total * numerator
