"""The figures of a certified declaration, derived from its per-person snapshot (DOMAIN.md §1): the
disabled count A = Σ (confirmed months × weight) / 12, the same over local 户籍 persons, and the
person-months by weight. Pure: the certification records the persons once, everything else is
computed from them here, so the counts can never disagree with the roster."""

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class CountedPerson:
    """One person as certified: the months counted (YYYYMM) and each month's weight."""

    name: str
    id_number: str
    certificate_kind: str
    certificate_grade: int
    local_hukou: bool
    graduate: bool
    months: tuple[int, ...]
    weights: tuple[int, ...]

    @property
    def approved(self) -> int:
        return sum(self.weights)


def disabled_count(persons) -> Fraction:
    return Fraction(sum(p.approved for p in persons), 12)


def local_disabled_count(persons) -> Fraction:
    return Fraction(sum(p.approved for p in persons if p.local_hukou), 12)


def months_by_weight(persons) -> dict[str, int]:
    """{"2": 24, "1": 8}: how many counted person-months carried each weight, heaviest first."""
    counted: dict[int, int] = {}
    for person in persons:
        for weight in person.weights:
            counted[weight] = counted.get(weight, 0) + 1
    return {str(weight): counted[weight] for weight in sorted(counted, reverse=True)}
