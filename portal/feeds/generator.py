"""A deterministic generator for the mock registries: a seed in, the same records out.

`population(seed, people, until)` yields registry rows for a synthetic population (benchmarks:
`manage.py feeds_generate --seed 7 --people 20000`); `portal.feeds.demo` builds the hand-written
demo people from the same pieces. Rows are written with bulk inserts in batches, so 20,000 people
(about 700,000 month records) never sit in memory at once.

The population has the oddities the real registries have, in small shares: contribution gaps and
unpaid months, medical-insurance gaps, wages under any minimum wage (1500), certificates expiring
and re-assessed mid-year, persons retiring mid-year (DOMAIN.md §4), names written differently in
social insurance, deceased persons and retirees, persons on two payrolls, pension accounts that
cannot be withheld or lack the balance, retirees with no retirement month, persons unknown to
social insurance.

Resident IDs are valid (GB 11643 check digit, real region codes, real dates); the sequence digits
keep generated numbers (000–899) apart from the demo people's (9xx). Credit codes are valid too;
generated units' organisation codes start with "GN", the demo units' with "MA".
"""

import datetime
import hashlib
import math
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db import connection, transaction
from stdnum.cn import ric, uscc

from portal.feeds.models import (
    Certificate,
    MonthRecord,
    RegistryPerson,
    RegistryUnit,
    UnitContribution,
    UnitContributionChange,
    UnitHeadcount,
)
from portal.feeds.types import add_months, month_of

FIRST_MONTH = 202401
GENERATED = "generated"
CENT = Decimal("0.01")

# Real GB/T 2260 codes (tests check them against stdnum's table), with the names addresses use.
REGIONS = {
    "310104": "上海市徐汇区", "310101": "上海市黄浦区", "310115": "上海市浦东新区", "310112": "上海市闵行区",
    "150102": "内蒙古自治区呼和浩特市新城区", "150105": "内蒙古自治区呼和浩特市赛罕区",
    "150203": "内蒙古自治区包头市昆都仑区", "210102": "辽宁省沈阳市和平区", "210103": "辽宁省沈阳市沈河区",
    "210202": "辽宁省大连市中山区", "110105": "北京市朝阳区", "330106": "浙江省杭州市西湖区",
    "440106": "广东省广州市天河区",
}
CITIES = {"31": "上海", "11": "北京", "1501": "呼和浩特", "1502": "包头", "2101": "沈阳", "2102": "大连",
          "33": "杭州", "44": "广州"}
PROVINCE_ABBR = {"31": "沪", "15": "蒙", "21": "辽", "11": "京", "33": "浙", "44": "粤"}
STREETS = ["人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "长江路", "黄河路", "胜利街", "文化路",
           "光明路", "团结路", "青年路", "复兴路", "育才路", "东风路"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建国志红玉兰文斌辉海燕鹏宇浩凯欣怡晨阳思雨佳琪子涵俊"
MONGOLIAN = ["巴图", "乌云", "其木格", "额尔敦", "阿拉坦", "斯琴", "格日勒", "那仁", "苏和", "图雅", "朝鲁", "萨仁"]
# Same-sounding characters: how the same person ends up written differently in two registries.
HOMOPHONES = {"小": "晓", "晓": "小", "明": "铭", "丽": "莉", "莉": "丽", "华": "桦", "梅": "玫", "伟": "玮",
              "红": "宏", "军": "君", "静": "婧", "芳": "方", "英": "瑛", "杰": "洁", "海": "涛"}
INDUSTRIES = ["机械制造", "电子科技", "食品", "物流", "建筑工程", "商贸", "信息技术", "纺织", "医药", "印刷",
              "物业管理", "餐饮管理", "环保科技", "汽车配件"]
BANKS = ["中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "交通银行", "上海农商银行"]
CATEGORY_WEIGHTS = [(1, 12), (2, 14), (3, 3), (4, 45), (5, 10), (6, 10), (7, 6)]
SI_BASE_FLOOR = Decimal("4000")  # illustrative, not an official 缴费基数下限
# The levy's per-person monthly cap: twice a monthly average wage (illustrative: 2 × 147,684 / 12).
LEVY_BASE_CAP = Decimal("24614.00")

# --- identity numbers -------------------------------------------------------------------------------


def resident_id(region: str, birth: datetime.date, seq: int) -> str:
    """An 18-character resident ID; `seq` (0–999) is the order code, odd for men (GB 11643)."""
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # it ignores the last character


def order_code(rng: random.Random, sex: str, *, demo: bool = False) -> int:
    """Generated people use 000–899 and demo people 900–999, so they never collide."""
    base = 900 + rng.randrange(50) * 2 if demo else rng.randrange(450) * 2
    return base + (1 if sex == "M" else 0)


def credit_code(body: str) -> str:
    """A unified social credit code from its first 17 characters."""
    return body + uscc.calc_check_digit(body + "0")


def certificate_number(id_number: str, category: int, grade: int, reissue: int = 0) -> str:
    """第二代残疾人证号: ID + category digit + grade digit (+ B and the reissue count)."""
    return f"{id_number}{category}{grade}" + (f"B{reissue}" if reissue else "")


def military_certificate_number(region: str, serial: int) -> str:
    """残疾军人证: province abbreviation, 军, a letter, six digits (e.g. 辽军A004711)."""
    return f"{PROVINCE_ABBR.get(region[:2], '京')}军{'ABCDEFGH'[serial % 8]}{serial % 1000000:06d}"


# --- rules the data must agree with -----------------------------------------------------------------

# DOMAIN.md §4: (base years, first delayed birth month, birth months per extra month, max delay)
RETIREMENT = {"M": (60, 196501, 4, 36), "F55": (55, 197001, 4, 36), "F50": (50, 197501, 2, 60)}


def retirement_month(birth: datetime.date, category: str) -> int:
    """The statutory retirement month after the 2025 reform (DOMAIN.md §4)."""
    base, first, step, most = RETIREMENT[category]
    birth_month = month_of(birth)
    n = (birth_month // 100 - first // 100) * 12 + (birth_month % 100 - first % 100)
    delay = 0 if n < 0 else min(most, n // step + 1)
    return add_months(birth_month, base * 12 + delay)


def income_tax(wage: Decimal) -> Decimal:
    """A plausible monthly withholding (5000 threshold, 10.5% insurance, 3%/10% bands); the mock
    only needs tax to track the wage, not to be the tax law."""
    taxable = wage * Decimal("0.895") - 5000
    if taxable <= 0:
        return Decimal("0.00")
    tax = taxable * Decimal("0.03") if taxable <= 3000 else taxable * Decimal("0.10") - 210
    return tax.quantize(CENT, ROUND_HALF_UP)


def months_between(first: int, last: int) -> Iterator[int]:
    month = first
    while month <= last:
        yield month
        month = add_months(month, 1)


# --- rows -------------------------------------------------------------------------------------------


class MonthRow(NamedTuple):
    """A MonthRecord's values: half a million model instances would cost more than the inserts."""

    id_number: str
    credit_code: str
    month: int
    si_paid: bool | None
    si_base: Decimal | None
    mi_paid: bool | None
    wage: Decimal | None
    income_tax: Decimal | None


MONTH_COLUMNS = ("id_number", "credit_code", "month", "si_paid", "si_base", "mi_paid", "wage", "income_tax")


@dataclass
class Job:
    """A stretch of months one unit pays a person for. Month sets change single registries."""

    unit: str  # credit code
    first: int
    last: int
    wage: Decimal
    si_missing: frozenset = frozenset()  # no social-insurance record (断缴)
    si_unpaid: frozenset = frozenset()  # on record, unpaid (欠缴)
    mi_missing: frozenset = frozenset()
    wages: tuple[tuple[int, Decimal], ...] = ()  # months paid another wage than `wage`

    def rows(self, id_number: str) -> Iterator[MonthRow]:
        other = dict(self.wages)
        for month in months_between(self.first, self.last):
            wage = other.get(month, self.wage)
            missing = month in self.si_missing
            yield MonthRow(
                id_number, self.unit, month,
                None if missing else month not in self.si_unpaid,
                None if missing else max(wage, SI_BASE_FLOOR),
                None if month in self.mi_missing else True,
                wage, income_tax(wage),
            )


def fingerprint(rows) -> str:
    """A digest of rows' field values, to compare two generations."""
    digest = hashlib.sha256()
    for row in rows:
        if isinstance(row, MonthRow):
            values = ["MonthRow", *map(str, row)]
        else:
            values = [type(row).__name__] + [str(getattr(row, f.attname)) for f in row._meta.concrete_fields
                                              if not f.primary_key]
        digest.update("|".join(values).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def insert_months(rows: list[MonthRow], *, ignore_conflicts: bool = False) -> None:
    """Plain multi-row inserts: bulk_create's per-object work was most of the generator's time."""
    if not rows:
        return
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(MonthRecord._meta.db_table)} ({', '.join(map(qn, MONTH_COLUMNS))}) VALUES "
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            execute_values(cursor.cursor, head + "%s" + tail, rows, page_size=1000)
        else:
            cursor.executemany(head + "(" + ", ".join(["%s"] * len(MONTH_COLUMNS)) + ")" + tail, rows)


class Writer:
    """Bulk inserts in batches, parents before children. With `ignore_conflicts` rows that exist
    already are left as they are (a re-run adds only what is missing and keeps staff's edits)."""

    ORDER = (RegistryUnit, RegistryPerson, Certificate, MonthRow, UnitHeadcount, UnitContribution,
             UnitContributionChange)

    def __init__(self, *, batch: int = 5000, ignore_conflicts: bool = False):
        self.batch = batch
        self.ignore_conflicts = ignore_conflicts
        self.buffers = {model: [] for model in self.ORDER}
        self.counts = Counter()

    def add(self, row) -> None:
        self.buffers[type(row)].append(row)
        if len(self.buffers[type(row)]) >= self.batch:
            self.flush()

    def flush(self) -> None:
        for model in self.ORDER:
            rows = self.buffers[model]
            if not rows:
                continue
            if model is MonthRow:
                insert_months(rows, ignore_conflicts=self.ignore_conflicts)
                model = MonthRecord
            else:
                model.objects.bulk_create(rows, batch_size=self.batch, ignore_conflicts=self.ignore_conflicts)
            self.counts[model._meta.verbose_name] += len(rows)
            rows.clear()

    def write(self, rows) -> Counter:
        with transaction.atomic():
            for row in rows:
                self.add(row)
            self.flush()
        return self.counts


# --- the population ---------------------------------------------------------------------------------


def _name(rng: random.Random, region: str) -> str:
    if region.startswith("15") and rng.random() < 0.3:
        return rng.choice(MONGOLIAN) + rng.choice(["", "其其格", "巴特尔", "孟和"])
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def variant(name: str) -> str:
    """The same name with one character written as a same-sounding one."""
    for i in range(1, len(name)):
        if name[i] in HOMOPHONES:
            return name[:i] + HOMOPHONES[name[i]] + name[i + 1:]
    return name[:-1] + ("晓" if name[-1] != "晓" else "小")


def _date(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(CENT)


def _units(rng: random.Random, count: int) -> list[RegistryUnit]:
    units = []
    codes = list(REGIONS)
    for i in range(count):
        region = codes[i % len(codes)] if i < len(codes) else rng.choice(codes)
        org = "GN" + "".join("0123456789ABCDEFGHJKLMNPQRTUWXY"[(i // 31 ** k) % 31] for k in range(6, -1, -1))
        place = REGIONS[region]
        city = CITIES.get(region[:4]) or CITIES[region[:2]]
        units.append(RegistryUnit(
            credit_code=credit_code(f"91{region}{org}"),
            name=f"{city}{rng.choice('恒华联通信达宏盛鑫泰安康永兴')}{rng.choice('源达昌丰顺和邦瑞力诚')}"
                 f"{rng.choice(INDUSTRIES)}有限公司",
            address=f"{place}{rng.choice(STREETS)}{rng.randrange(1, 999)}号",
            registration_authority=f"{place}市场监督管理局",
            region_code=region, si_number=f"{region[:2]}9{i:07d}", origin=GENERATED,
        ))
    return units


def population(seed: int, people: int, until: int) -> Iterator:
    """Rows for `people` persons in about people/40 units, months FIRST_MONTH..until."""
    rng = random.Random(seed)
    units = _units(rng, max(3, people // 40))
    yield from units
    used: set[str] = set()
    headcount: Counter = Counter()
    bases: dict[tuple[str, int], list[Decimal]] = {}  # (unit, month) → [base, capped base]
    retirees: dict[str, list[tuple[int, datetime.date | None]]] = {}  # unit → (retired from, died)
    serial = 0
    for _ in range(people):
        unit = rng.choice(units)
        hukou = unit.region_code if rng.random() < 0.8 else rng.choice(list(REGIONS))
        sex = rng.choice("MF")
        category = "M" if sex == "M" else rng.choice(("F50", "F55"))
        older = rng.random() < 0.12
        birth = _date(rng, datetime.date(1945, 1, 1), datetime.date(1964, 12, 31)) if older else \
            _date(rng, datetime.date(1966, 1, 1), datetime.date(2004, 12, 31))
        id_number = resident_id(hukou, birth, order_code(rng, sex))
        while id_number in used:
            id_number = resident_id(hukou, birth, order_code(rng, sex))
        used.add(id_number)
        name = _name(rng, hukou)
        retires = retirement_month(birth, category)
        died = None
        if rng.random() < (0.03 if retires <= until else 0.002):
            died = _date(rng, datetime.date(2024, 1, 1), datetime.date(until // 100, until % 100, 28))
        known_to_si = not (retires <= until and rng.random() < 0.01)
        person = RegistryPerson(
            id_number=id_number, name=name, sex=sex, birth_date=birth, hukou_region=hukou,
            hukou_address=f"{REGIONS[hukou]}{rng.choice(STREETS)}{rng.randrange(1, 300)}弄{rng.randrange(1, 60)}号",
            death_date=died, si_name="" if not known_to_si else (variant(name) if rng.random() < 0.005 else name),
            origin=GENERATED,
        )
        if retires <= until:
            person.retired = True
            person.retirement_month = None if rng.random() < 0.01 else retires
            person.retiree_unit_id = unit.credit_code
            person.pension_account = "6222" + "".join(str(rng.randrange(10)) for _ in range(15))
            person.pension_bank = rng.choice(BANKS)
            person.withholdable = rng.random() < 0.93
            person.pension_balance = _money(rng.uniform(0, 440) if rng.random() < 0.05 else rng.uniform(800, 60000))
            retirees.setdefault(unit.credit_code, []).append((retires, died))
        yield person

        if rng.random() < 0.15:
            serial += 1
            yield from _certificates(rng, id_number, hukou, serial)

        last = min(until, add_months(retires, -1), month_of(died) if died else until)
        first = FIRST_MONTH if rng.random() < 0.9 else add_months(FIRST_MONTH, rng.randrange(24))
        if first > last:
            continue
        for job in _jobs(rng, unit, units, first, last):
            for row in job.rows(id_number):
                if row.si_paid:
                    headcount[(row.credit_code, row.month)] += 1
                    total = bases.setdefault((row.credit_code, row.month), [Decimal(0), Decimal(0)])
                    total[0] += row.si_base
                    total[1] += min(row.si_base, LEVY_BASE_CAP)
                yield row

    for (code, month), count in sorted(headcount.items()):
        alive_retired = sum(1 for since, died in retirees.get(code, ())
                            if since <= month and (died is None or month_of(died) >= month))
        yield UnitHeadcount(unit_id=code, month=month, headcount=count, retirees=alive_retired)
    yield from _contributions(random.Random(seed + 1), bases, headcount)


def _contributions(rng: random.Random, bases: dict, headcount: Counter) -> Iterator:
    """征缴基数 per unit and month, summed from the persons' bases (before and after the levy's
    per-person cap), with the registry's oddities: a month missing for a few units, and 退账 or
    补缴 changes in some years."""
    missing = {code for code, _month in bases if rng.random() < 0.02}
    for (code, month), (base, capped) in sorted(bases.items()):
        if code in missing and month % 100 == 3:
            continue  # the registry lost this unit's March
        yield UnitContribution(unit_id=code, month=month, base=base, capped_base=capped,
                               accounts=headcount[(code, month)])
    for code, year in sorted({(code, month // 100) for code, month in bases}):
        roll = rng.random()
        if roll < 0.05:
            amount = Decimal(rng.randrange(2000, 30000))
            yield UnitContributionChange(unit_id=code, year=year, category="refund", base=-amount, capped_base=-amount)
        elif roll < 0.08:
            amount = Decimal(rng.randrange(5000, 60000))
            yield UnitContributionChange(unit_id=code, year=year, category="back_payment", base=amount,
                                         capped_base=min(amount, LEVY_BASE_CAP * 2))


def _certificates(rng: random.Random, id_number: str, region: str, serial: int) -> Iterator[Certificate]:
    if rng.random() < 0.05:
        start = _date(rng, datetime.date(2005, 1, 1), datetime.date(2023, 12, 31))
        yield Certificate(number=military_certificate_number(region, serial * 7919), person_id=id_number,
                          kind="military", category=4, grade=rng.randint(1, 10),
                          valid_from=start, valid_to=add_years(start, 30) - datetime.timedelta(days=1))
        return
    category = rng.choices([c for c, _ in CATEGORY_WEIGHTS], [w for _, w in CATEGORY_WEIGHTS])[0]
    grade = rng.choices((1, 2, 3, 4), (10, 25, 30, 35))[0]
    start = _date(rng, datetime.date(2014, 1, 1), datetime.date(2024, 12, 31))
    end = add_years(start, 10) - datetime.timedelta(days=1)
    reissue = 1 if rng.random() < 0.03 else 0
    yield Certificate(number=certificate_number(id_number, category, grade, reissue), person_id=id_number,
                      kind="disability", category=category, grade=grade, valid_from=start, valid_to=end)
    if end < datetime.date(2026, 6, 30) and rng.random() < 0.6:
        # re-assessed: a new grade, so a new number, from a little after the old one ran out
        new_grade = grade % 4 + 1
        new_start = end + datetime.timedelta(days=rng.randrange(1, 60))
        yield Certificate(number=certificate_number(id_number, category, new_grade), person_id=id_number,
                          kind="disability", category=category, grade=new_grade, valid_from=new_start,
                          valid_to=new_start.replace(year=new_start.year + 10, day=min(new_start.day, 28)))


def _jobs(rng: random.Random, unit: RegistryUnit, units: list, first: int, last: int) -> list[Job]:
    wage = Decimal(int(min(max(rng.lognormvariate(math.log(7000), 0.45), 3000), 60000)) // 10 * 10)
    months = list(months_between(first, last))
    job = Job(unit.credit_code, first, last, wage)
    roll = rng.random()
    if roll < 0.03:  # a gap of one to three months
        start = rng.randrange(len(months))
        job.si_missing = frozenset(months[start:start + rng.randint(1, 3)])
    elif roll < 0.04:
        job.si_unpaid = frozenset(rng.sample(months, min(len(months), 2)))
    if rng.random() < 0.02:
        start = rng.randrange(len(months))
        job.mi_missing = frozenset(months[start:start + rng.randint(1, 2)])
    if rng.random() < 0.01:  # part-time months paid less than any minimum wage
        start = rng.randrange(len(months))
        job.wages = tuple((m, Decimal("1500.00")) for m in months[start:start + rng.randint(3, 12)])
    jobs = [job]
    if len(months) > 6 and rng.random() < 0.05:  # changed jobs
        cut = months[rng.randrange(3, len(months) - 2)]
        job.last = add_months(cut, -1)
        jobs.append(Job(rng.choice(units).credit_code, cut, last, wage + 500))
    elif len(months) > 6 and rng.random() < 0.005:  # on a second payroll for a few months
        start = rng.randrange(len(months) - 3)
        other = rng.choice([u for u in units if u is not unit] or units)
        jobs.append(Job(other.credit_code, months[start], months[start + rng.randint(2, 3)],
                        Decimal(3000 + rng.randrange(40) * 50)))
    return jobs


def delete_generated() -> None:
    """Remove the generated population (the demo records stay)."""
    with transaction.atomic():
        MonthRecord.objects.filter(person__origin=GENERATED).delete()
        MonthRecord.objects.filter(unit__origin=GENERATED).delete()
        Certificate.objects.filter(person__origin=GENERATED).delete()
        UnitHeadcount.objects.filter(unit__origin=GENERATED).delete()
        UnitContribution.objects.filter(unit__origin=GENERATED).delete()
        UnitContributionChange.objects.filter(unit__origin=GENERATED).delete()
        RegistryPerson.objects.filter(origin=GENERATED).delete()
        RegistryUnit.objects.filter(origin=GENERATED).delete()
