"""参保清册校验结果：参保比例情况 — one row per 社保编号 of the batch's members, with the registry's
retiree count stored at verification, the unit's enrolled members across the plan year, and
whether materials are needed (insurance.rules.ratio)."""

from dataclasses import dataclass

from django.db.models import Count, Q

from insurance import choices as c
from insurance.models import CodeRatio, InsuredMember
from insurance.rules.ratio import Ratio, percent_text


@dataclass(frozen=True)
class RatioRow:
    record: CodeRatio | None
    si_number: str
    unit_name: str
    ratio: Ratio
    threshold: object

    @property
    def label(self) -> str:
        return f"社保编号{self.si_number}" if self.si_number else "未匹配到单位社保编号的人员"

    @property
    def registry_count(self):
        return self.ratio.registry_count

    @property
    def percent(self) -> str:
        return percent_text(self.ratio.share())

    @property
    def threshold_percent(self) -> str:
        return percent_text(self.threshold)

    @property
    def needs_materials(self) -> bool:
        return self.ratio.needs_materials(self.threshold)

    @property
    def has_materials(self) -> bool:
        return bool(self.record and self.record.materials_id)


def ratio_rows(batch) -> list[RatioRow]:
    """The rows, in 社保编号 order with the unmatched row last. Members count once verified; the
    unmatched row holds those without a social-insurance record (or with other documents)."""
    members = batch.members.filter(deleted_at__isnull=True).exclude(check_state=c.CheckState.NOT_CHECKED)
    here = dict(members.values("si_number").annotate(n=Count("pk")).values_list("si_number", "n"))
    if not here:
        return []
    before = dict(
        InsuredMember.objects.filter(batch__employer_id=batch.employer_id, batch__plan_year_id=batch.plan_year_id,
                                     batch__status__in=c.SUBMITTED, deleted_at__isnull=True,
                                     si_number__in=[n for n in here if n])
        .exclude(batch=batch).values("si_number").annotate(n=Count("pk")).values_list("si_number", "n"))
    situations = tuple(members.filter(Q(si_number="")).values_list("situation", flat=True))
    records = {r.si_number: r for r in CodeRatio.objects.filter(batch=batch).select_related("materials")}
    threshold = batch.plan_year.threshold
    rows = []
    for si_number in sorted(here, key=lambda n: (n == "", n)):
        record = records.get(si_number)
        count = 0 if not si_number else (record.registry_count if record else None)
        ratio = Ratio(si_number, count, here[si_number], before.get(si_number, 0),
                      situations if not si_number else ())
        rows.append(RatioRow(record, si_number, record.unit_name if record else "", ratio, threshold))
    return rows
