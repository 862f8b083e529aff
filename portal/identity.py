"""Identity numbers (DOMAIN.md §5): resident IDs, unified social credit codes, disability
certificate numbers and foreign documents; their checks and their masked display.

python-stdnum decides check digits and dates. Its region table misses real (abolished) codes, so
an unknown region is only a warning; its credit-code validator rejects valid letter-first codes
(A…, N…, Y…), so we wrap it.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

from portal.exceptions import ValidationFailed

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
REGISTRATION_AUTHORITIES = "123456789ANY"


def normalize(value: str) -> str:
    """Full-width digits, ideographic spaces and a lower-case x are common in pasted numbers."""
    if value and value.isascii() and value.isalnum():
        return value.upper()  # already plain (most numbers of a roster): nothing to normalize
    value = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\-]", "", value).upper()


# --- resident ID -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"
    region_code: str
    warnings: tuple[str, ...] = field(default=())


def parse_resident_id(value: str, *, field_name: str = "id_number") -> ResidentId:
    """Validate an 18-character resident ID; raise ValidationFailed with a Chinese message."""
    number = normalize(value)
    if not number:
        raise ValidationFailed("请输入身份证号码", field=field_name)
    if len(number) != 18 or not _RESIDENT_ID.fullmatch(number):
        raise ValidationFailed("请输入18位身份证号码（最后一位可以是X）", field=field_name)
    if ric.calc_check_digit(number) != number[-1]:
        raise ValidationFailed("身份证号码校验位不正确，请核对", field=field_name)
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationFailed("身份证号码中的出生日期不存在，请核对", field=field_name) from None
    if birth > datetime.date.today() or birth.year < 1900:
        raise ValidationFailed("身份证号码中的出生日期不合理，请核对", field=field_name)
    warnings = () if _region_known(number[:6], birth.year) else (
        "身份证号码的地区码不在行政区划表中（可能是已撤销的区划），请核对",)
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number, birth, sex, number[:6], warnings)


_RESIDENT_ID = re.compile(r"\d{17}[\dX]")


@lru_cache(maxsize=8192)
def _region_known(region: str, year: int) -> bool:
    """stdnum's region table, asked once per region and birth year (a roster of 10,000 retirees
    repeats a few dozen districts; the table lookup was most of the parse)."""
    try:
        ric.get_birth_place(f"{region}{year:04d}0101001X")
    except stdnum_errors.ValidationError:
        return False
    return True


# --- other documents ----------------------------------------------------------------------------

DOCUMENT_PATTERNS = {
    # 护照: a letter or two and 7–8 digits (E12345678, G1234567, foreign passports vary)
    "passport": (re.compile(r"[A-Z0-9]{5,17}"), "护照号码应为5至17位字母或数字"),
    # 港澳居民来往内地通行证: H or M and 8 (or 10) digits
    "hk_macau_permit": (re.compile(r"[HM]\d{8}(\d{2})?"), "港澳居民来往内地通行证号码应为H或M开头加8位或10位数字"),
    # 台湾居民来往大陆通行证: 8 digits (older: 10 characters)
    "taiwan_permit": (re.compile(r"\d{8}|\d{10}|[A-Z]\d{9}"), "台湾居民来往大陆通行证号码应为8位数字"),
}


def parse_document_number(kind: str, value: str, *, field_name: str = "id_number") -> str:
    """A resident ID or another document; returns the normalized number."""
    if kind == "resident_id":
        return parse_resident_id(value, field_name=field_name).number
    number = normalize(value)
    if not number:
        raise ValidationFailed("请输入证件号码", field=field_name)
    pattern, message = DOCUMENT_PATTERNS[kind]
    if not pattern.fullmatch(number):
        raise ValidationFailed(message, field=field_name)
    return number


# --- unified social credit code -------------------------------------------------------------------

UNIT_KINDS = {
    "91": "enterprise", "92": "enterprise", "93": "enterprise",
    "11": "government", "12": "institution",
    "51": "social_org", "52": "social_org", "53": "social_org",
}
UNIT_KIND_LABELS = {
    "enterprise": "企业",
    "government": "机关",
    "institution": "事业单位",
    "social_org": "社会组织",
    "other": "其他组织",
}
UNIT_KIND_DETAIL = {
    "91": "企业", "92": "个体工商户", "93": "农民专业合作社",
    "11": "机关", "12": "事业单位", "13": "中央编办直接管理机构编制的群众团体",
    "51": "社会团体", "52": "民办非企业单位", "53": "基金会",
}


@dataclass(frozen=True)
class CreditCode:
    code: str
    unit_kind: str  # enterprise / government / institution / social_org / other
    kind_label: str
    region_code: str


def unit_kind_of(code: str) -> str:
    """The levy's unit kind from the first two characters (DOMAIN.md §1 and §6)."""
    if code[:2] in UNIT_KINDS:
        return UNIT_KINDS[code[:2]]
    if code[:1] == "9":
        return "enterprise"
    if code[:1] == "5":
        return "social_org"
    return "other"


def parse_credit_code(value: str, *, field_name: str = "credit_code") -> CreditCode:
    number = normalize(value)
    if not number:
        raise ValidationFailed("请输入统一社会信用代码", field=field_name)
    if len(number) != 18:
        raise ValidationFailed("统一社会信用代码应为18位", field=field_name)
    if any(c not in USCC_ALPHABET for c in number):
        raise ValidationFailed("统一社会信用代码只含数字和大写字母（不含I、O、Z、S、V）", field=field_name)
    if number[0] not in REGISTRATION_AUTHORITIES:
        raise ValidationFailed("统一社会信用代码第1位（登记管理部门码）不正确", field=field_name)
    if not number[2:8].isdigit():
        raise ValidationFailed("统一社会信用代码第3至8位应为行政区划代码", field=field_name)
    if number[0].isdigit():
        try:
            uscc.validate(number)
        except stdnum_errors.InvalidChecksum:
            raise ValidationFailed("统一社会信用代码校验位不正确，请核对", field=field_name) from None
        except stdnum_errors.ValidationError:
            raise ValidationFailed("统一社会信用代码格式不正确", field=field_name) from None
    elif uscc.calc_check_digit(number) != number[-1]:
        # stdnum rejects letter-first codes outright; its check-digit calculation is still right.
        raise ValidationFailed("统一社会信用代码校验位不正确，请核对", field=field_name)
    kind = unit_kind_of(number)
    label = UNIT_KIND_DETAIL.get(number[:2], UNIT_KIND_LABELS[kind])
    return CreditCode(number, kind, label, number[2:8])


# --- disability certificate ---------------------------------------------------------------------

def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """周岁 on a day: whole years since the birth date (a 29 February birthday counts on 1 March)."""
    years = day.year - birth_date.year
    return years - ((day.month, day.day) < (birth_date.month, birth_date.day))


CERT_CATEGORIES = {1: "视力残疾", 2: "听力残疾", 3: "言语残疾", 4: "肢体残疾", 5: "智力残疾", 6: "精神残疾", 7: "多重残疾"}
# As the certificates print them: 残疾人证 一级–四级, 残疾军人证 一级–十级.
CERT_GRADES = {n: f"{word}级" for n, word in enumerate("一二三四五六七八九十", start=1)}


def grade_label(grade) -> str:
    """二级, not 2级 (issue 15); a grade outside the certificates' range reads as given."""
    return CERT_GRADES.get(grade, f"{grade}级") if grade not in (None, "") else ""


@dataclass(frozen=True)
class CertificateNumber:
    number: str
    id_number: str
    category: int
    grade: int
    reissue: int


def parse_certificate_number(value: str, *, id_number: str, field_name: str = "certificate_number") -> CertificateNumber:
    """第二代残疾人证号: the holder's ID + category digit + grade digit (+ B and a reissue count)."""
    number = normalize(value)
    match = re.fullmatch(r"(\d{17}[\dX])([1-7])([1-4])(?:B(\d{1,2}))?", number)
    if not match:
        raise ValidationFailed("残疾证号应为18位身份证号加1位残疾类别和1位残疾等级（补发证另加B和次数）", field=field_name)
    if match.group(1) != normalize(id_number):
        raise ValidationFailed("残疾证号的前18位与身份证号码不一致", field=field_name)
    return CertificateNumber(number, match.group(1), int(match.group(2)), int(match.group(3)), int(match.group(4) or 0))


# --- masking ------------------------------------------------------------------------------------


def mask_id(number: str | None) -> str:
    """First 6 and last 4 shown (the security decision; the manuals' own pattern shows more)."""
    if not number:
        return ""
    if len(number) <= 10:
        return number[:2] + "*" * max(len(number) - 4, 1) + number[-2:]
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_certificate(number: str | None) -> str:
    """A certificate number contains the ID and then category and grade (health data): show the
    masked ID part only and hide everything after it."""
    if not number:
        return ""
    return mask_id(number[:18]) + ("**" if len(number) > 18 else "")


def mask_account(number: str | None) -> str:
    if not number:
        return ""
    return "*" * max(len(number) - 4, 0) + number[-4:]
