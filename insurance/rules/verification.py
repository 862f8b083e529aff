"""A member's 校验结果 and 代扣类型 from what the registries said and what the agent fixed (seed 004:
社保姓名与参保姓名不一致, 死亡, 退休年月为空或值无效, 未匹配到社保信息, 校验通过).

The registries are asked three questions per member: social insurance (is the person on record,
and under which name), civil status (alive), and pension (retired since when, under which unit's
社保编号, and can the account be withheld). A registry that did not answer makes the member
pending (asked again later), never failed."""

from dataclasses import dataclass

from insurance.choices import IdType, Result, Withholding


@dataclass(frozen=True)
class Facts:
    """What the registries said about one member (None: that registry did not answer)."""

    si_found: bool | None
    si_name: str = ""
    deceased: bool | None = None
    retired: bool | None = None
    retirement_month: int | None = None
    can_withhold: bool | None = None

    @property
    def complete(self) -> bool:
        if self.si_found is False:
            return True  # no social-insurance record: nothing else can change the verdict
        return None not in (self.si_found, self.deceased, self.retired, self.can_withhold)


@dataclass(frozen=True)
class Fixes:
    """What the agent did about an exception."""

    name_confirmed: bool = False
    retirement_month: int | None = None
    situation: str = ""


def retirement_month_valid(month: int | None, *, current_month: int) -> bool:
    """A retirement month is YYYYMM, not in the future (the person has retired)."""
    return month is not None and 190001 <= month <= current_month and 1 <= month % 100 <= 12


def member_result(*, id_type: str, name: str, facts: Facts | None, fixes: Fixes,
                  current_month: int) -> tuple[Result, Withholding]:
    """The verdict on one member, first problem first: a document the registries cannot check, a
    registry still silent, no social-insurance record, death, a different name on record, a
    missing or impossible retirement month. 代扣类型 is known only for members on record who are
    alive: 可代扣 when nothing is wrong (or it was fixed) and the account can be withheld."""
    if id_type != IdType.RESIDENT_ID:
        return Result.UNVERIFIABLE, Withholding.UNKNOWN
    if facts is None or not facts.complete:
        return Result.PENDING, Withholding.UNKNOWN
    if not facts.si_found:
        return Result.NO_SOCIAL_INSURANCE, Withholding.UNKNOWN
    if facts.deceased:
        return Result.DECEASED, Withholding.UNKNOWN
    if facts.si_name != name:
        return Result.NAME_MISMATCH, Withholding.NO
    registry_ok = facts.retired and retirement_month_valid(facts.retirement_month, current_month=current_month)
    if registry_ok:
        result = Result.NAME_CONFIRMED if fixes.name_confirmed else Result.PASSED
    elif retirement_month_valid(fixes.retirement_month, current_month=current_month):
        result = Result.RETIREMENT_FILLED
    else:
        return Result.RETIREMENT_MISSING, Withholding.NO
    return result, Withholding.YES if facts.can_withhold else Withholding.NO


def handled(result: str, situation: str) -> bool:
    """Nothing left for the agent to do about this member (a deleted member is handled too)."""
    if result in (Result.NO_SOCIAL_INSURANCE, Result.UNVERIFIABLE):
        return bool(situation)
    return result in (Result.PASSED, Result.NAME_CONFIRMED, Result.RETIREMENT_FILLED)
