"""Demo registry records for the demo units (portal.demo.UNITS), with one person per oddity.

Other apps' demos and tests pick people from `DEMO_PEOPLE` by oddity instead of hard-coding ID
numbers::

    from portal.feeds.demo import Oddity, demo_people, demo_person
    clean = demo_people(unit="sh", oddity=Oddity.CLEAN, kind="employee")[0]
    demo_person("sh-gap").id_number

Records run from 2024-01 up to the current month. `load_registry` is the load_demo step; it is
idempotent and only adds what is missing, so staff's staged edits survive `make run`.
"""

import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils import timezone

from portal.demo import UNITS
from portal.feeds.generator import (
    FIRST_MONTH,
    REGIONS,
    STREETS,
    Job,
    Writer,
    certificate_number,
    credit_code,
    months_between,
    resident_id,
    retirement_month,
)
from portal.feeds.models import (
    DEMO,
    Certificate,
    RegistryPerson,
    RegistryUnit,
    UnitContribution,
    UnitContributionChange,
    UnitHeadcount,
)
from portal.feeds.types import add_months, month_of

D = datetime.date


class Oddity(StrEnum):
    CLEAN = "clean"  # passes every registry check for business year 2025 and 2026 to date
    CONTRIBUTION_GAP = "contribution_gap"  # no social insurance in 2025-03 and 2025-04
    MEDICAL_GAP = "medical_gap"  # no medical insurance in 2025-06 and 2025-07
    WAGE_UNDER_MINIMUM = "wage_under_minimum"  # paid 1500 a month
    CERTIFICATE_EXPIRES_MID_YEAR = "certificate_expires_mid_year"  # expired 2025-06-19, not renewed
    CERTIFICATE_REGRADED = "certificate_regraded"  # grade 4 until 2025-02-28, grade 3 from 2025-03-10
    CERTIFICATE_REISSUED = "certificate_reissued"  # number ends in B1 (补发)
    MILITARY_CERTIFICATE = "military_certificate"  # 残疾军人证
    RETIRES_MID_YEAR = "retires_mid_year"  # statutory retirement month inside 2025 (DOMAIN.md §4)
    NAME_DIFFERS = "name_differs"  # social insurance spells the name differently (王小明 / 王晓明)
    DECEASED = "deceased"  # an employee who died in 2025
    DECEASED_RETIREE = "deceased_retiree"
    TWO_PAYROLLS = "two_payrolls"  # two units paid (and can claim) the same months
    PAID_BY_RELATED_UNIT = "paid_by_related_unit"  # a related unit pays everything
    PAID_BY_DISPATCH_AGENCY = "paid_by_dispatch_agency"  # a labour-dispatch agency pays everything
    NO_CERTIFICATE = "no_certificate"  # not disabled: the certificate registry does not know them
    NOT_WITHHOLDABLE = "not_withholdable"  # the pension account refuses 委托代扣
    BALANCE_TOO_LOW = "balance_too_low"  # 120.00 on the pension account
    RETIREMENT_MONTH_MISSING = "retirement_month_missing"  # retired, 退休年月为空
    NOT_IN_SOCIAL_INSURANCE = "not_in_social_insurance"  # 未匹配到社保信息


@dataclass(frozen=True)
class DemoUnit:
    key: str
    credit_code: str
    name: str
    address: str
    authority: str
    region: str
    si_number: str
    headcount_base: int | None = None  # None: social insurance has no monthly figures for it


@dataclass(frozen=True)
class DemoPerson:
    """What other apps need to know about a demo person."""

    key: str
    unit: str  # the DemoUnit key the person works for (or retired from)
    kind: str  # "employee" or "retiree"
    id_number: str
    roster_name: str  # the name the unit's roster uses
    oddities: tuple[Oddity, ...]
    note: str  # what the registries say, in the UI's words
    certificate: str = ""  # the newest certificate number


_BY_KEY = {u.key: u for u in UNITS}
DEMO_UNITS = [
    DemoUnit("sh", _BY_KEY["sh"].credit_code, _BY_KEY["sh"].name, "上海市徐汇区漕溪北路398号",
             "上海市徐汇区市场监督管理局", "310104", "31061826", headcount_base=182),
    DemoUnit("nm", _BY_KEY["nm"].credit_code, _BY_KEY["nm"].name, "内蒙古自治区呼和浩特市新城区兴安北路126号",
             "呼和浩特市新城区市场监督管理局", "150102", "15010240", headcount_base=58),
    DemoUnit("ln", _BY_KEY["ln"].credit_code, _BY_KEY["ln"].name, "辽宁省沈阳市和平区南京北街206号",
             "沈阳市和平区市场监督管理局", "210102", "21010277"),
    DemoUnit("ln2", _BY_KEY["ln2"].credit_code, _BY_KEY["ln2"].name, "辽宁省沈阳市和平区中华路77号",
             "沈阳市和平区市场监督管理局", "210102", "21010312", headcount_base=40),
    DemoUnit("sh-sales", credit_code("91310104MA1FL4Y2K"), "上海浦江精密仪器销售有限公司", "上海市徐汇区虹漕路88号",
             "上海市徐汇区市场监督管理局", "310104", "31061903"),
    DemoUnit("sh-agency", credit_code("91310101MA1HR7W3N"), "上海申城人力资源服务有限公司",
             "上海市黄浦区西藏中路168号", "上海市黄浦区市场监督管理局", "310101", "31010455"),
    # the units that fill the reviewers' queues (portal.demo), and two dispatch agencies
    *[DemoUnit(u.key, u.credit_code, u.name, f"{REGIONS[u.region]}示范路{i + 10}号",
               f"{REGIONS[u.region]}市场监督管理局", u.region, f"{u.region[:4]}{9100 + i}", headcount_base=60 + 10 * i)
      for i, u in enumerate(UNITS) if "-" in u.key],
    DemoUnit("nm-agency", credit_code("91150102MA0RQ0B9K"), "呼和浩特市青城劳务派遣有限公司", "呼和浩特市新城区新华大街9号",
             "呼和浩特市新城区市场监督管理局", "150102", "15019109"),
    DemoUnit("ln-agency", credit_code("91210102MA0W1Q8T4"), "沈阳和平劳务派遣有限公司", "沈阳市和平区太原北街9号",
             "沈阳市和平区市场监督管理局", "210102", "21019109"),
]
_UNIT = {u.key: u for u in DEMO_UNITS}


@dataclass(frozen=True)
class _Job:
    unit: str
    wage: str
    first: int = FIRST_MONTH
    last: int | None = None  # None: up to the current month (or retirement, or death)
    si_missing: tuple[int, ...] = ()
    mi_missing: tuple[int, ...] = ()
    wages: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class _Cert:
    category: int
    grade: int
    valid_from: datetime.date
    valid_to: datetime.date
    reissue: int = 0
    military: str = ""  # the 残疾军人证 number; empty for a 残疾人证


@dataclass(frozen=True)
class _Spec:
    key: str
    unit: str
    kind: str
    name: str
    sex: str
    birth: datetime.date
    oddities: tuple[Oddity, ...]
    note: str
    category: str = ""  # retirement category (M, F50, F55); M/F55 by sex when empty
    hukou: str = ""
    si_name: str | None = None  # None: as `name`; "": unknown to social insurance
    jobs: tuple[_Job, ...] = ()
    certificates: tuple[_Cert, ...] = ()
    retired: bool = False
    retirement_month_missing: bool = False
    withholdable: bool = True
    balance: str = "3000.00"
    died: datetime.date | None = None
    bank: str = "中国工商银行"


Y25 = tuple(range(202501, 202513))
SPECS = [
    # --- 上海浦江精密仪器有限公司 -------------------------------------------------------------------
    _Spec("sh-clean", "sh", "employee", "张伟明", "M", D(1985, 4, 12), (Oddity.CLEAN,),
          "各项核验均通过（2025年及2026年至今）",
          jobs=(_Job("sh", "8600.00"),), certificates=(_Cert(4, 2, D(2021, 3, 15), D(2031, 3, 14)),)),
    _Spec("sh-name", "sh", "employee", "王小明", "M", D(1990, 8, 23), (Oddity.NAME_DIFFERS,),
          "社保登记姓名为“王晓明”，与名单不一致", si_name="王晓明",
          jobs=(_Job("sh", "7200.00"),), certificates=(_Cert(2, 3, D(2019, 6, 1), D(2029, 5, 31)),)),
    _Spec("sh-gap", "sh", "employee", "李秀英", "F", D(1978, 11, 5), (Oddity.CONTRIBUTION_GAP,),
          "2025年3月、4月无社保缴费记录（医保、工资正常）",
          jobs=(_Job("sh", "6500.00", si_missing=(202503, 202504)),),
          certificates=(_Cert(1, 4, D(2018, 9, 10), D(2028, 9, 9)),)),
    _Spec("sh-retiring", "sh", "employee", "陈建国", "M", D(1965, 6, 18), (Oddity.RETIRES_MID_YEAR,),
          "1965年6月出生，法定退休年月为2025年8月，2025年7月后无缴费记录", retired=True, balance="2400.00",
          jobs=(_Job("sh", "9100.00"),), certificates=(_Cert(4, 3, D(2017, 5, 2), D(2027, 5, 1)),)),
    _Spec("sh-cert-expiring", "sh", "employee", "周丽", "F", D(1982, 2, 27), (Oddity.CERTIFICATE_EXPIRES_MID_YEAR,),
          "残疾人证有效期至2025-06-19，未换证", jobs=(_Job("sh", "5800.00"),),
          certificates=(_Cert(6, 2, D(2015, 6, 20), D(2025, 6, 19)),)),
    _Spec("sh-low-wage", "sh", "employee", "赵磊", "M", D(1995, 7, 30), (Oddity.WAGE_UNDER_MINIMUM,),
          "2025年每月工资1500元，低于上海最低工资", jobs=(_Job("sh", "3100.00", wages=tuple((m, "1500.00") for m in Y25)),),
          certificates=(_Cert(5, 3, D(2020, 1, 8), D(2030, 1, 7)),)),
    _Spec("sh-two-units", "sh", "employee", "刘洋", "M", D(1988, 12, 2), (Oddity.TWO_PAYROLLS,),
          "2025年1月至6月同时由沈阳和平机械制造有限公司发放工资并缴纳社保、医保（重复参保）", hukou="210102",
          jobs=(_Job("sh", "7800.00"), _Job("ln", "4200.00", first=202501, last=202506)),
          certificates=(_Cert(4, 4, D(2022, 4, 1), D(2032, 3, 31)),)),
    _Spec("sh-related", "sh", "employee", "孙海燕", "F", D(1986, 3, 14), (Oddity.PAID_BY_RELATED_UNIT,),
          "社保、医保和工资均由关联单位上海浦江精密仪器销售有限公司缴纳、发放",
          jobs=(_Job("sh-sales", "6900.00"),), certificates=(_Cert(3, 3, D(2019, 10, 8), D(2029, 10, 7)),)),
    _Spec("sh-dispatched", "sh", "employee", "何婷", "F", D(1993, 9, 9), (Oddity.PAID_BY_DISPATCH_AGENCY,),
          "劳务派遣：社保、医保和工资由上海申城人力资源服务有限公司缴纳、发放",
          jobs=(_Job("sh-agency", "5600.00"),), certificates=(_Cert(4, 4, D(2023, 2, 1), D(2033, 1, 31)),)),
    _Spec("sh-plain", "sh", "employee", "钱志刚", "M", D(1979, 1, 21), (Oddity.NO_CERTIFICATE,),
          "非残疾人：残疾证系统无此人（无法自动获取残疾人信息）", jobs=(_Job("sh", "9800.00"),)),
    # retirees of the Shanghai unit (退休住院计划)
    _Spec("sh-ret-clean", "sh", "retiree", "吴国华", "M", D(1956, 5, 9), (Oddity.CLEAN,),
          "退休人员，校验通过、可代扣", retired=True, balance="3280.50"),
    _Spec("sh-ret-clean2", "sh", "retiree", "许淑珍", "F", D(1961, 2, 11), (Oddity.CLEAN,),
          "退休人员，校验通过、可代扣", retired=True, balance="5120.00", bank="交通银行"),
    _Spec("sh-ret-deceased", "sh", "retiree", "郑美玲", "F", D(1950, 10, 21), (Oddity.DECEASED_RETIREE,),
          "退休人员，2025-09-12死亡", category="F50", retired=True, died=D(2025, 9, 12)),
    _Spec("sh-ret-no-month", "sh", "retiree", "钱进", "M", D(1958, 1, 15), (Oddity.RETIREMENT_MONTH_MISSING,),
          "退休人员，退休年月为空", retired=True, retirement_month_missing=True),
    _Spec("sh-ret-no-withholding", "sh", "retiree", "冯桂英", "F", D(1962, 7, 7), (Oddity.NOT_WITHHOLDABLE,),
          "退休人员，养老金账户不可代扣", retired=True, withholdable=False, bank="中国农业银行"),
    _Spec("sh-ret-low-balance", "sh", "retiree", "蒋德胜", "M", D(1959, 9, 30), (Oddity.BALANCE_TOO_LOW,),
          "退休人员，养老金账户余额120.00元，不足代扣", retired=True, balance="120.00"),
    _Spec("sh-ret-name", "sh", "retiree", "韩梅", "F", D(1960, 4, 18), (Oddity.NAME_DIFFERS,),
          "退休人员，社保登记姓名为“韩玫”，与名单不一致", category="F50", retired=True, si_name="韩玫"),
    _Spec("sh-ret-no-si", "sh", "retiree", "沈卫东", "M", D(1957, 12, 3), (Oddity.NOT_IN_SOCIAL_INSURANCE,),
          "社保系统无此人（未匹配到社保信息）", retired=True, si_name=""),
    # --- 内蒙古草原乳业有限责任公司 -------------------------------------------------------------------
    _Spec("nm-clean", "nm", "employee", "巴图孟和", "M", D(1983, 9, 17), (Oddity.CLEAN,),
          "各项核验均通过（2025年及2026年至今）", jobs=(_Job("nm", "5600.00"),),
          certificates=(_Cert(4, 4, D(2020, 7, 1), D(2030, 6, 30)),)),
    _Spec("nm-low-wage", "nm", "employee", "其木格", "F", D(1992, 5, 6), (Oddity.WAGE_UNDER_MINIMUM,),
          "2025年3月至8月每月工资1500元，低于内蒙古一类区最低工资",
          jobs=(_Job("nm", "4300.00", wages=tuple((m, "1500.00") for m in range(202503, 202509))),),
          certificates=(_Cert(2, 2, D(2021, 5, 18), D(2031, 5, 17)),)),
    _Spec("nm-medical-gap", "nm", "employee", "乌云其其格", "F", D(1987, 1, 25), (Oddity.MEDICAL_GAP,),
          "2025年6月、7月无医保缴费记录", jobs=(_Job("nm", "5100.00", mi_missing=(202506, 202507)),),
          certificates=(_Cert(1, 1, D(2019, 11, 11), D(2029, 11, 10)),)),
    _Spec("nm-reissued", "nm", "employee", "阿拉坦仓", "M", D(1979, 8, 8), (Oddity.CERTIFICATE_REISSUED,),
          "残疾人证为补发证（证号末尾B1）", jobs=(_Job("nm", "6100.00"),),
          certificates=(_Cert(4, 3, D(2018, 4, 16), D(2028, 4, 15), reissue=1),)),
    _Spec("nm-regraded", "nm", "employee", "张桂兰", "F", D(1976, 12, 12), (Oddity.CERTIFICATE_REGRADED,),
          "2025-02-28前为肢体四级，2025-03-10起重新评定为肢体三级（新证号）", jobs=(_Job("nm", "4800.00"),),
          certificates=(_Cert(4, 4, D(2015, 3, 1), D(2025, 2, 28)), _Cert(4, 3, D(2025, 3, 10), D(2035, 3, 9)))),
    _Spec("nm-ret-clean", "nm", "retiree", "额尔敦", "M", D(1955, 3, 3), (Oddity.CLEAN,),
          "退休人员，可代扣", retired=True, balance="2650.00", bank="中国建设银行"),
    # --- 沈阳和平机械制造有限公司 ---------------------------------------------------------------------
    _Spec("ln-clean", "ln", "employee", "李建华", "M", D(1980, 10, 10), (Oddity.CLEAN,),
          "各项核验均通过（2025年及2026年至今）", jobs=(_Job("ln", "6200.00"),),
          certificates=(_Cert(3, 2, D(2020, 12, 28), D(2030, 12, 27)),)),
    _Spec("ln-military", "ln", "employee", "高志强", "M", D(1975, 6, 1), (Oddity.MILITARY_CERTIFICATE,),
          "残疾军人证三级", jobs=(_Job("ln", "7000.00"),),
          certificates=(_Cert(4, 3, D(2010, 8, 1), D(2040, 7, 31), military="辽军K004711"),)),
    _Spec("ln-military-9", "ln", "employee", "孙德福", "M", D(1984, 2, 19), (Oddity.MILITARY_CERTIFICATE,),
          "残疾军人证九级（按比例就业不计入）", jobs=(_Job("ln", "5400.00"),),
          certificates=(_Cert(4, 9, D(2012, 5, 20), D(2042, 5, 19), military="辽军K008215"),)),
    _Spec("ln-retiring", "ln", "employee", "马秀兰", "F", D(1975, 3, 8), (Oddity.RETIRES_MID_YEAR,),
          "女，生产岗（50岁类），退休年月为2025年5月", category="F50", retired=True, balance="1800.00",
          jobs=(_Job("ln", "4700.00"),), certificates=(_Cert(7, 2, D(2019, 4, 2), D(2029, 4, 1)),)),
    # --- 沈阳和平商贸有限公司 ---------------------------------------------------------------------------
    _Spec("ln2-clean", "ln2", "employee", "王桂芝", "F", D(1981, 4, 2), (Oddity.CLEAN,),
          "各项核验均通过（2025年及2026年至今）", category="F55", jobs=(_Job("ln2", "5200.00"),),
          certificates=(_Cert(4, 3, D(2019, 6, 11), D(2029, 6, 10)),)),
    _Spec("ln-deceased", "ln", "employee", "赵国庆", "M", D(1970, 1, 1), (Oddity.DECEASED,),
          "2025-10-03死亡，此后无缴费记录", died=D(2025, 10, 3), jobs=(_Job("ln", "6600.00"),),
          certificates=(_Cert(4, 2, D(2016, 8, 30), D(2026, 8, 29)),)),
    # --- the units that fill the reviewers' queues (issue 15, 23): one clean employee each ---------
    *[_Spec(f"{unit}-clean", unit, "employee", name, sex, birth, (Oddity.CLEAN,), "各项核验均通过（2025年及2026年至今）",
            jobs=(_Job(unit, "6300.00"),), certificates=(_Cert(category, grade, D(2020, 5, 1), D(2030, 4, 30)),))
      for unit, name, sex, birth, category, grade in (
          ("sh-sub", "唐振华", "M", D(1984, 3, 3), 4, 3), ("sh-cert", "邵丽萍", "F", D(1986, 6, 16), 2, 3),
          ("sh-fail", "顾建军", "M", D(1981, 9, 21), 4, 2), ("nm-sub", "娜仁花", "F", D(1988, 2, 8), 1, 3),
          ("nm-cert", "哈斯朝鲁", "M", D(1979, 11, 30), 4, 4), ("nm-fail", "斯琴", "F", D(1990, 7, 12), 3, 3),
          ("ln-sub", "吴立新", "M", D(1983, 5, 25), 4, 3), ("ln-fail", "郭淑华", "F", D(1985, 10, 4), 2, 2))],
    # their persons to review in Inner Mongolia and Liaoning
    _Spec("nm-rev-gap", "nm-rev", "employee", "图雅", "F", D(1989, 4, 14), (Oddity.CONTRIBUTION_GAP,),
          "2025年5月、6月无社保缴费记录（医保、工资正常）",
          jobs=(_Job("nm-rev", "5200.00", si_missing=(202505, 202506)),),
          certificates=(_Cert(4, 3, D(2019, 3, 1), D(2029, 2, 28)),)),
    _Spec("nm-rev-plain", "nm-rev", "employee", "朝格图", "M", D(1982, 8, 19), (Oddity.NO_CERTIFICATE,),
          "残疾证系统无此人（单位手动添加残疾证）", jobs=(_Job("nm-rev", "5600.00"),)),
    _Spec("nm-rev-dispatched", "nm-rev", "employee", "乌兰", "F", D(1991, 1, 9), (Oddity.PAID_BY_DISPATCH_AGENCY,),
          "劳务派遣：社保、医保和工资由呼和浩特市青城劳务派遣有限公司缴纳、发放", jobs=(_Job("nm-agency", "5000.00"),),
          certificates=(_Cert(4, 4, D(2022, 6, 1), D(2032, 5, 31)),)),
    _Spec("ln-plain", "ln", "employee", "韩冬", "M", D(1987, 12, 12), (Oddity.NO_CERTIFICATE,),
          "残疾证系统无此人（单位手动添加残疾证）", jobs=(_Job("ln", "5900.00"),)),
    _Spec("ln-dispatched", "ln", "employee", "蔡雪", "F", D(1992, 3, 27), (Oddity.PAID_BY_DISPATCH_AGENCY,),
          "劳务派遣：社保、医保和工资由沈阳和平劳务派遣有限公司缴纳、发放", jobs=(_Job("ln-agency", "5300.00"),),
          certificates=(_Cert(4, 4, D(2021, 9, 1), D(2031, 8, 31)),)),
]


def _category(spec: _Spec) -> str:
    return spec.category or ("M" if spec.sex == "M" else "F55")


def _id_number(index: int, spec: _Spec) -> str:
    region = spec.hukou or _UNIT[spec.unit].region
    return resident_id(region, spec.birth, 900 + 2 * index + (1 if spec.sex == "M" else 0))


def _certificate_numbers(id_number: str, spec: _Spec) -> list[str]:
    return [c.military or certificate_number(id_number, c.category, c.grade, c.reissue) for c in spec.certificates]


DEMO_PEOPLE: tuple[DemoPerson, ...] = tuple(
    DemoPerson(s.key, s.unit, s.kind, _id_number(i, s), s.name, s.oddities, s.note,
               (_certificate_numbers(_id_number(i, s), s) or [""])[-1])
    for i, s in enumerate(SPECS)
)


def demo_person(key: str) -> DemoPerson:
    return next(p for p in DEMO_PEOPLE if p.key == key)


def demo_people(*, unit: str | None = None, oddity: Oddity | None = None, kind: str | None = None) -> list[DemoPerson]:
    """Demo people, filtered by unit key, oddity and kind ("employee" / "retiree")."""
    return [p for p in DEMO_PEOPLE
            if (unit is None or p.unit == unit) and (oddity is None or oddity in p.oddities)
            and (kind is None or p.kind == kind)]


def demo_unit(key: str) -> DemoUnit:
    return _UNIT[key]


# --- rows -------------------------------------------------------------------------------------------


def _account(id_number: str) -> str:
    return "6222" + f"{int(hashlib.sha1(id_number.encode()).hexdigest(), 16) % 10 ** 15:015d}"


def _person_rows(index: int, spec: _Spec, until: int) -> Iterator:
    id_number = _id_number(index, spec)
    unit = _UNIT[spec.unit]
    hukou = spec.hukou or unit.region
    retires = retirement_month(spec.birth, _category(spec))
    person = RegistryPerson(
        id_number=id_number, name=spec.name, sex=spec.sex, birth_date=spec.birth, hukou_region=hukou,
        hukou_address=f"{REGIONS[hukou]}{STREETS[index % len(STREETS)]}{10 + index}弄{index % 9 + 1}号",
        death_date=spec.died, si_name=spec.name if spec.si_name is None else spec.si_name, origin=DEMO,
    )
    if spec.retired:
        person.retired = True
        person.retirement_month = None if spec.retirement_month_missing else retires
        person.retiree_unit_id = unit.credit_code
        person.pension_account = _account(id_number)
        person.pension_bank = spec.bank
        person.withholdable = spec.withholdable
        person.pension_balance = Decimal(spec.balance)
    yield person
    for cert, number in zip(spec.certificates, _certificate_numbers(id_number, spec), strict=True):
        yield Certificate(number=number, person_id=id_number, kind="military" if cert.military else "disability",
                          category=cert.category, grade=cert.grade, valid_from=cert.valid_from,
                          valid_to=cert.valid_to)
    last_possible = min(until, add_months(retires, -1), month_of(spec.died) if spec.died else until)
    for job in spec.jobs:
        yield from Job(
            _UNIT[job.unit].credit_code, job.first, min(job.last or until, last_possible), Decimal(job.wage),
            si_missing=frozenset(job.si_missing), mi_missing=frozenset(job.mi_missing),
            wages=tuple((m, Decimal(w)) for m, w in job.wages),
        ).rows(id_number)


# The headcount's month-to-month wobble (a plant hires in spring, loses people in autumn).
_SEASON = (0, 1, 1, 2, 2, 3, 3, 3, 2, 2, 1, 1)


def _headcount_rows(until: int) -> Iterator[UnitHeadcount]:
    for unit in DEMO_UNITS:
        if unit.headcount_base is None:
            continue
        # social insurance counts the retirees it knows, from their retirement month until death
        retirees = [(retirement_month(s.birth, _category(s)), s.died) for s in SPECS
                    if s.unit == unit.key and s.retired and s.si_name != ""]
        for month in months_between(FIRST_MONTH, until):
            count = unit.headcount_base + _SEASON[month % 100 - 1] + (month // 100 - 2024) * 4
            alive = sum(1 for since, died in retirees if since <= month and (died is None or month_of(died) >= month))
            yield UnitHeadcount(unit_id=unit.credit_code, month=month, headcount=count, retirees=alive)


# --- 征缴基数 (the Shanghai levy method) ----------------------------------------------------------------


@dataclass(frozen=True)
class LevyDemoUnit:
    """A Shanghai unit the levy demo assesses by the registry method: its monthly 征缴基数."""

    key: str
    credit_code: str
    name: str
    region: str
    si_number: str
    accounts: int  # 帐户人数 around which the months wobble
    average_base: int  # 社保缴费基数 per account per month
    over_cap_share: str = "0.04"  # the part of the base above the per-person 2× cap
    refund: int = 0  # a 退账 in the year (negative change)
    missing_month: int | None = None  # a month the registry has nothing for


LEVY_DEMO_UNITS = [
    LevyDemoUnit("sh", _BY_KEY["sh"].credit_code, _BY_KEY["sh"].name, "310104", "31061826", 182, 11800,
                 over_cap_share="0.11", refund=-36500, missing_month=3),
    LevyDemoUnit("levy-sh-draft", credit_code("91310104MA1LW0A1D"), "上海申江电子科技有限公司", "310104", "31062001", 236, 12600,
                 refund=-18200),
    LevyDemoUnit("levy-sh-objection", credit_code("91310104MA1LW0A2E"), "上海徐汇物流有限公司", "310104", "31062002", 148,
                 8200, missing_month=7),
    LevyDemoUnit("levy-sh-assessed", credit_code("91310104MA1LW0A3F"), "上海光启精密模具有限公司", "310104", "31062003",
                 95, 10400),
    LevyDemoUnit("levy-sh-paid", credit_code("91310115MA1LW0A4G"), "上海漕河泾食品有限公司", "310115", "31062004", 310,
                 9900),
    LevyDemoUnit("levy-sh-overdue", credit_code("91310115MA1LW0A5H"), "上海浦东医药有限公司", "310115", "31062005", 420,
                 15800, over_cap_share="0.18"),
    LevyDemoUnit("levy-sh-exempt", credit_code("91310104MA1LW0A6J"), "上海小微文化传媒有限公司", "310104", "31062006", 24,
                 9100),
    LevyDemoUnit("levy-sh-over", credit_code("91310104MA1LW0A7K"), "上海助残福利工场有限公司", "310104", "31062007", 40,
                 7600),
]


def _contribution_rows(until: int) -> Iterator:
    """Twelve months a year of each levy demo unit's 征缴基数 (2024 to `until`), with its oddities:
    a missing month, a base well above the cap, a 退账."""
    for unit in LEVY_DEMO_UNITS:
        if unit.key != "sh":
            yield RegistryUnit(credit_code=unit.credit_code, name=unit.name, address=f"{REGIONS[unit.region]}示范路1号",
                               registration_authority=f"{REGIONS[unit.region]}市场监督管理局", region_code=unit.region,
                               si_number=unit.si_number, origin=DEMO)
        for month in months_between(FIRST_MONTH, until):
            if unit.missing_month and month % 100 == unit.missing_month and month // 100 == 2025:
                continue
            accounts = unit.accounts + _SEASON[month % 100 - 1]
            base = Decimal(accounts * unit.average_base + (month % 100) * 137).quantize(Decimal("0.01"))
            capped = (base * (1 - Decimal(unit.over_cap_share))).quantize(Decimal("0.01"))
            yield UnitContribution(unit_id=unit.credit_code, month=month, base=base, capped_base=capped,
                                   accounts=accounts)
        for year in range(FIRST_MONTH // 100, until // 100 + 1):
            if unit.refund:
                yield UnitContributionChange(unit_id=unit.credit_code, year=year, category="refund",
                                             base=Decimal(unit.refund), capped_base=Decimal(unit.refund))
            yield UnitContributionChange(unit_id=unit.credit_code, year=year, category="back_payment",
                                         base=Decimal(unit.average_base * 2), capped_base=Decimal(unit.average_base * 2))


def demo_rows(until: int) -> Iterator:
    """Every demo registry row with records up to `until` (YYYYMM)."""
    yield from _demo_rows(until)
    yield from _contribution_rows(until)


def _demo_rows(until: int) -> Iterator:
    for u in DEMO_UNITS:
        yield RegistryUnit(credit_code=u.credit_code, name=u.name, address=u.address,
                           registration_authority=u.authority, region_code=u.region, si_number=u.si_number,
                           origin=DEMO)
    for index, spec in enumerate(SPECS):
        yield from _person_rows(index, spec, until)
    yield from _headcount_rows(until)


def current_month() -> int:
    return month_of(timezone.localdate())


def load_registry(until: int | None = None) -> None:
    """The load_demo step: add the demo registry records that are missing (idempotent)."""
    Writer(ignore_conflicts=True).write(demo_rows(until or current_month()))


DEMO_ORDER = 20  # the registries, before the apps that ask them (see load_demo)
DEMO_STEPS = [load_registry]
