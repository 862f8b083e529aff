"""Benchmarks (`make bench`): each module in this package measures one piece of work against its
physical floor measured in the same run, and prints one line in the TARGETS.md format:

    BENCH <name> value=<v> unit=<s|ms|rows/s> floor=<f> ratio=<v/f> target=<max> PASS|FAIL

They run on PostgreSQL when DATABASE_URL is set (SQLite otherwise), in a database of their own.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    name: str
    value: float
    floor: float
    unit: str
    target: float
    note: str = ""
    also_ok: bool = True  # a second bar the benchmark checks (peak memory, …); failing it fails the line
    at_least: bool = False  # a rate: the ratio must reach the target rather than stay under it

    @property
    def ratio(self) -> float:
        return self.value / self.floor if self.floor else float("inf")

    @property
    def passed(self) -> bool:
        met = self.ratio >= self.target if self.at_least else self.ratio <= self.target
        return met and self.also_ok and self.value > 0 and self.floor > 0  # nothing measured is no pass

    def line(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        extra = f" {self.note}" if self.note else ""
        return (
            f"BENCH {self.name} value={self.value:.4g} unit={self.unit} floor={self.floor:.4g} "
            f"ratio={self.ratio:.3f} target={'>=' if self.at_least else ''}{self.target:g} {verdict}{extra}"
        )


# Benchmark modules, in the order they run. Each has `run(smoke: bool = False) -> list[Result]`.
BENCHMARKS: list[str] = [
    "bench.placement_verify",
    "bench.certificate_pdf",
    "bench.certified_export",
    "bench.page_latency_employer",
    "bench.page_latency_staff",
    "bench.levy_bulk",
    "bench.roster_import",
    "bench.error_workbook",
    "bench.roster_verify",
    "bench.withholding_run",
]
