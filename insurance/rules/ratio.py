"""参保比例 per 社保编号 (DOMAIN.md §3): enrolled members of the code across the plan year's
batches ÷ the registry's retiree count for the code. A code below the threshold needs materials,
unless every member of it without a social-insurance record is a 新退休 (recently retired: the
registry does not count them yet). Exact integer arithmetic; the percentage is for display."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from insurance.choices import Situation


@dataclass(frozen=True)
class Ratio:
    si_number: str
    registry_count: int | None  # 社保人数 (None: not fetched yet)
    enrolled_here: int  # 参保人数: this batch
    enrolled_before: int  # 已参保人数: the unit's other submitted batches of the plan year
    unmatched_situations: tuple[str, ...] = ()  # the situations of this row's members without a record

    @property
    def enrolled(self) -> int:
        return self.enrolled_here + self.enrolled_before

    def share(self) -> Decimal | None:
        if self.registry_count is None:
            return None
        if self.registry_count == 0:
            return Decimal(0)
        return Decimal(self.enrolled) / Decimal(self.registry_count)

    def reaches(self, threshold: Decimal) -> bool:
        """enrolled / count ≥ threshold, compared without division (a count of 0 never reaches)."""
        if self.registry_count is None or self.registry_count == 0:
            return False
        return Decimal(self.enrolled) >= threshold * Decimal(self.registry_count)

    def needs_materials(self, threshold: Decimal) -> bool:
        if self.reaches(threshold):
            return False
        if self.unmatched_situations and all(s == Situation.NEW_RETIREE for s in self.unmatched_situations):
            return False  # the manual: 新退休人员无需上传材料
        return True


def percent_text(share: Decimal | None) -> str:
    """0.75 → "75.0%" (the manual shows one decimal, e.g. 3.0%)."""
    if share is None:
        return "待获取"
    return f"{(share * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
