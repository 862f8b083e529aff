"""Explanations: the ordered steps of a calculation, each with its value and the policy rows it
used, so a page can show "为什么是这个数" and the API can return the same list."""

from dataclasses import dataclass

from levy.rules.policy import PolicyRow


@dataclass(frozen=True)
class Step:
    key: str  # stable code (headcount, disabled_count, …) for tests and styling
    label: str  # 步骤, in Chinese
    formula: str  # the arithmetic with the numbers filled in
    value: str  # the result as shown
    rows: tuple[PolicyRow, ...] = ()

    @property
    def source(self) -> str:
        """The citations of the rows used, or the rule's legal basis when no row was needed."""
        return "；".join(row.citation for row in self.rows)

    def to_json(self) -> dict:
        return {"step": self.label, "formula": self.formula, "value": self.value, "source": self.source}


class Explanation:
    """Collects steps in order while a calculation runs."""

    def __init__(self):
        self.steps: list[Step] = []

    def add(self, key: str, label: str, formula: str, value, rows: tuple[PolicyRow, ...] = ()) -> None:
        self.steps.append(Step(key, label, formula, str(value), rows))

    def freeze(self) -> tuple[Step, ...]:
        return tuple(self.steps)
