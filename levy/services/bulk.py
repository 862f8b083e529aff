"""年终批量核定 (issue 16 point 10): a tax officer starts one background job for a region and year;
it assesses every unit of the region whose figures are in (信息确认 done or ready: registry figures
fetched, or the 申报表 filled) but that did not finish 核定, from the stored figures, without building
an explanation per unit (a page computes it when asked, levy_recompute over the recorded inputs).

One SELECT streams the inputs; per batch the results go back in one INSERT … ON CONFLICT UPDATE
(the floor the benchmark compares with), with their audit entries in one INSERT. The spine's
per-row transition_apply would be 100,000 locked round trips: the job takes the same machine's
assess_at_year_end transition in memory (portal.workflow.transition_many: its states and audit
entries, from → assessed, actor 系统, label 年终批量核定) and writes in bulk; it is idempotent: an
assessment already assessed is no longer selected."""

from collections.abc import Iterator
from fractions import Fraction

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from levy.choices import AssessmentMethod, AssessmentStatus
from levy.models import CertifiedFigures, LevyAssessment, LevyBulkJob
from levy.rules import ENGINE_VERSION
from levy.rules.assessment import inputs_for, outcome_of, unit_kind
from levy.rules.levy import calculate_levy
from levy.selectors import PolicyMissing, filing_window, policy_for
from levy.versions import policy_snapshot
from portal import reference
from portal.audit import audit_record
from portal.exceptions import Conflict, ValidationFailed
from portal.identity import unit_kind_of
from portal.jobs import enqueue_on_commit
from portal.models import AuditEntry
from portal.predicates import is_tax_officer, region_contains
from portal.workflow import transition_many

S = AssessmentStatus
BATCH = 5000
RESULT_FIELDS = ["status", "record", "certified", "headcount", "disabled_numerator", "disabled_denominator",
                 "gross_levy", "reduction", "levy_amount", "reduction_rule", "outcome", "deadline", "assessed_at",
                 "updated_at"]


def bulk_start(*, actor, region, collection_year: int) -> LevyBulkJob:
    """Queue the job (one running job per region and year at a time)."""
    if not is_tax_officer.test(actor, None) or not region_contains(actor, region):
        raise ValidationFailed("只能对您辖区内的地区批量核定", field="region")
    with transaction.atomic():
        if LevyBulkJob.objects.select_for_update().filter(
                region=region, collection_year=collection_year, status__in=["queued", "running"]).exists():
            raise Conflict("该地区本年度已有正在进行的批量核定，请等待完成")
        job = LevyBulkJob.objects.create(region=region, collection_year=collection_year,
                                         created_by=actor if getattr(actor, "pk", None) else None)
        audit_record(action="levy.bulk_start", actor=actor, obj=job,
                     data={"label": f"发起{collection_year}年残保金年终批量核定", "region": region.code})
        pk = job.pk
        enqueue_on_commit("levy.tasks.levy_bulk_task", pk)
    return job


def pending_q(job: LevyBulkJob) -> Q:
    """What the job assesses: the region's assessments of the year at 信息确认 or confirmed, with
    their figures in."""
    ready = Q(method=AssessmentMethod.REGISTRY, registry_state="fetched") | Q(
        method=AssessmentMethod.DECLARED, declared_headcount__isnull=False, declared_wage_total__isnull=False)
    return Q(collection_year=job.collection_year, status__in=[S.DRAFT, S.CONFIRMED],
             employer__admin_region__path__startswith=job.region.path) & ready


class _Policies:
    """Per admin region: the policy, its snapshot and the payment deadline, looked up once."""

    def __init__(self, collection_year: int):
        self.year, self.cache = collection_year, {}

    def get(self, region_code: str):
        if region_code not in self.cache:
            try:
                policy = policy_for(region_code, self.year)
            except PolicyMissing:
                self.cache[region_code] = None
            else:
                window = filing_window(region_code, self.year - 1, "payment")
                self.cache[region_code] = (policy, policy_snapshot(policy), window[1] if window else None)
        return self.cache[region_code]


def _year_end_figures(a: LevyAssessment, certified: dict, policies: _Policies, now) -> dict | None:
    """The 核定 fields of one assessment (the transition's arguments); None when its region lacks a
    policy."""
    entry = policies.get(a.employer.admin_region_id)
    if entry is None:
        return None
    policy, snapshot, deadline = entry
    figures_id, numerator, denominator = certified.get(a.employer_id, (None, 0, 1))
    inputs = inputs_for(method=a.method, kind=unit_kind(unit_kind_of(a.employer.credit_code), a.is_business_registered),
                        figures=a.figures, declared_headcount=a.declared_headcount,
                        declared_wage_total=a.declared_wage_total, disabled_count=Fraction(numerator, denominator))
    result = calculate_levy(inputs, policy, explain=False)
    return {"at": now, "figures": {
        "record": {"engine_version": ENGINE_VERSION, "inputs": inputs.to_json(), "policy": snapshot},
        "certified_id": figures_id, "headcount": result.headcount,
        "disabled_numerator": result.disabled_count.numerator,
        "disabled_denominator": result.disabled_count.denominator,
        "gross_levy": result.gross_levy, "reduction": result.reduction, "levy_amount": result.levy,
        "reduction_rule": result.reduction_rule, "outcome": outcome_of(result), "deadline": deadline,
        "updated_at": now,
    }}


def _batches(qs) -> Iterator[list]:
    batch = []
    for row in qs.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk_run(job_id: int) -> LevyBulkJob | None:
    """Run the job (the task). Idempotent: a finished job is left alone; a job run twice assesses
    only what is still unassessed."""
    job = LevyBulkJob.objects.select_related("region").filter(pk=job_id).first()
    if job is None or job.status in (LevyBulkJob.Status.DONE,):
        return job  # idempotent: done
    qs = (LevyAssessment.objects.filter(pending_q(job))
          .select_related("employer")
          .order_by("pk"))
    certified = {e: (pk, n, d) for pk, e, n, d in CertifiedFigures.objects.filter(
        business_year=job.collection_year - 1, status="active",
        employer__admin_region__path__startswith=job.region.path).values_list(
        "pk", "employer_id", "disabled_numerator", "disabled_denominator")}
    LevyBulkJob.objects.filter(pk=job.pk).update(status="running", started_at=timezone.now(), total=qs.count(),
                                                 done=0, assessed=0, skipped=0)
    policies = _Policies(job.collection_year)
    done = assessed = skipped = 0
    try:
        for batch in _batches(qs):
            now = timezone.now()
            results, entries = transition_many(
                batch, "assess_at_year_end", data={"job": job.pk},
                prepare=lambda a: _year_end_figures(a, certified, policies, now))  # noqa: B023 (used at once)
            skipped += len(batch) - len(results)
            with transaction.atomic():
                LevyAssessment.objects.bulk_create(results, update_conflicts=True, unique_fields=["id"],
                                                   update_fields=RESULT_FIELDS)
                AuditEntry.objects.bulk_create(entries)
                reference.changed(LevyAssessment._meta.db_table)  # an upsert sends no signal (逾期未缴 counts it)
            done += len(batch)
            assessed += len(results)
            LevyBulkJob.objects.filter(pk=job.pk).update(done=done, assessed=assessed, skipped=skipped)
    except Exception as error:
        LevyBulkJob.objects.filter(pk=job.pk).update(status="failed", error=str(error)[:500],
                                                     finished_at=timezone.now())
        raise
    LevyBulkJob.objects.filter(pk=job.pk).update(status="done", finished_at=timezone.now())
    return LevyBulkJob.objects.get(pk=job.pk)
