"""certificate_pdf: the 审核认定书 of a 50-person declaration against the same template with only
Latin text and a Latin font, in one run (TARGETS.md: ratio ≤ 2). Without libharfbuzz-subset0
WeasyPrint falls back to fontTools and takes ~40× longer: this benchmark refuses to run then."""

import time
from fractions import Fraction

from bench import Result
from levy.rules.certified import CountedPerson
from placement.certificate import LABELS, certificate_context
from portal.pdf import harfbuzz_subset_available, render_pdf

TARGET = 2.0
ROUNDS = 5
NAMES = ["王堃", "李䶮", "张伟明", "陈思远", "欧阳晓燕", "巴特尔", "其木格", "刘洋", "赵磊", "周丽"]


def chinese_context(persons: int) -> dict:
    return certificate_context(
        unit_name="上海浦江精密仪器有限公司", credit_code="91310104MA1FL3X8Q5", business_year=2025, headcount=236,
        persons=[CountedPerson(NAMES[i % len(NAMES)], f"3101041990010{i:05d}", "disability", 2, True, False,
                               tuple(202501 + m for m in range(12)), (2,) * 12) for i in range(persons)],
        disabled_count=Fraction(persons * 24, 12), required_ratio=Fraction(15, 1000), issuer="上海市残疾人联合会",
        certified_on="2026年11月27日",
    )


def latin_context(persons: int) -> dict:
    """The same layout and amount of text, Latin only, in a Latin font."""
    context = chinese_context(persons)
    context.update(
        latin=True, title="Certificate of proportional employment", issuer="Shanghai Disabled Persons Federation",
        intro="After review, the employment of disabled persons in 2025 is certified as follows.",
        unit_name="Shanghai Pujiang Precision Instruments Co Ltd", certified_on="27 November 2026",
        labels={key: key.replace("_", " ").title() for key in LABELS},
        persons=[{**p, "name": f"Person {i}", "certificate": "Disability card grade 2"}
                 for i, p in enumerate(context["persons"])],
    )
    return context


def _median_seconds(context: dict) -> float:
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        render_pdf("pdf/certificate.html", context)
        timings.append(time.perf_counter() - started)
    return sorted(timings)[len(timings) // 2]


def run(smoke: bool = False) -> list[Result]:
    if not harfbuzz_subset_available():
        raise RuntimeError("libharfbuzz-subset0 is missing: WeasyPrint is on its ~40x slower fontTools path "
                           "(install it: make install does as root)")
    persons = 5 if smoke else 50
    chinese, latin = chinese_context(persons), latin_context(persons)
    render_pdf("pdf/certificate.html", chinese)  # warm the font caches for both
    render_pdf("pdf/certificate.html", latin)
    value, floor = _median_seconds(chinese), _median_seconds(latin)
    return [Result("certificate_pdf", value, floor, "s", TARGET, note=f"persons={persons} rounds={ROUNDS}")]
