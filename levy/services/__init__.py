"""Writes of the levy app: policy-table edits (each recorded in the audit trail as old → new) and
the certified declaration figures the certification step hands over."""

from decimal import Decimal

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from levy.models import CertifiedFigures, CertifiedPerson, PolicyBase
from levy.rules import certified
from levy.rules.certified import CountedPerson
from levy.services.assessment import assessments_on_figures_cancelled, assessments_on_figures_recorded
from portal.exceptions import Conflict, ValidationFailed
from portal.workflow import audit_change, audit_created, transition_apply

POLICY_CHANGE = "levy.policy_change"


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _fields(row: PolicyBase) -> dict:
    data = model_to_dict(row, exclude=["id", "updated_at"])
    return {key: _jsonable(value) for key, value in data.items()}


def _short(value) -> str:
    return str(value)[:40]


@transaction.atomic
def policy_row_save(*, row: PolicyBase, actor, reason: str = "") -> PolicyBase:
    """Create or change a policy-table row; the audit entry holds every changed field old → new."""
    row.full_clean()
    before = {}
    if row.pk:
        before = _fields(type(row).objects.select_for_update().get(pk=row.pk))
    row.save()
    after = _fields(row)
    changes = {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
    if not changes:
        return row  # nothing changed: no entry
    only = next(iter(changes.values())) if len(changes) == 1 and before else None
    audit_change(row, action=POLICY_CHANGE, actor=actor, reason=reason,
                 before=_short(only[0]) if only else ("" if not before else "多项"),
                 after=_short(only[1]) if only else ("新增" if not before else "多项"),
                 data={"table": row._meta.verbose_name, "changes": changes, "created": not before})
    return row


@transaction.atomic
def policy_row_delete(*, row: PolicyBase, actor, reason: str = "") -> None:
    """Delete a policy-table row, keeping its last values in the audit trail."""
    audit_change(row, action=POLICY_CHANGE, actor=actor, reason=reason, before="存在", after="已删除",
                 data={"table": row._meta.verbose_name, "deleted": _fields(row)})
    row.delete()


# --- certified figures --------------------------------------------------------------------------


def _snapshot(person) -> dict:
    return {"name": person.name, "id_number": person.id_number, "certificate_kind": str(person.certificate_kind),
            "certificate_grade": person.certificate_grade, "local_hukou": person.local_hukou,
            "graduate": person.graduate, "months": list(person.months), "weights": list(person.weights)}


def _check_persons(persons) -> None:
    for person in persons:
        if len(person.months) != len(person.weights) or any(w < 0 for w in person.weights):
            raise ValidationFailed(f"{person.name}的认定月份与折算人数不一致", field="persons")


def _same_record(row: CertifiedFigures, headcount: int, reference: str, persons) -> bool:
    stored = [_snapshot(p) for p in row.persons.all()]
    return (row.headcount, row.certificate_reference) == (headcount, reference) and stored == [
        _snapshot(p) for p in persons]


@transaction.atomic
def certified_figures_record(*, employer, business_year: int, headcount: int, persons: list[CountedPerson],
                             certificate_reference: str, actor) -> CertifiedFigures:
    """Record what a certification certified: the headcount and each person counted; the disabled
    counts and person-months by weight are derived from the persons (levy.rules.certified), so they
    can never disagree. Idempotent: the same record again changes nothing. A year with active
    figures that differ is a Conflict (cancel them first); a cancelled year is recorded anew."""
    if headcount < 0:
        raise ValidationFailed("在职职工人数不能为负数", field="headcount")
    _check_persons(persons)
    disabled, local = certified.disabled_count(persons), certified.local_disabled_count(persons)
    figures = {
        "headcount": headcount,
        "disabled_numerator": disabled.numerator, "disabled_denominator": disabled.denominator,
        "local_numerator": local.numerator, "local_denominator": local.denominator,
        "person_months_by_weight": certified.months_by_weight(persons),
        "certificate_reference": certificate_reference,
    }
    existing = CertifiedFigures.objects.select_for_update().filter(employer=employer, business_year=business_year).first()
    if existing is not None and existing.is_active:
        if _same_record(existing, headcount, certificate_reference, persons):
            return existing  # idempotent: already recorded
        raise Conflict(f"{business_year}年度已有认证数据（{existing.certificate_reference}），请先撤销后再记录")
    recorder = actor if getattr(actor, "pk", None) else None
    row = existing or CertifiedFigures(employer=employer, business_year=business_year, recorded_by=recorder,
                                       recorded_at=timezone.now())
    for key, value in figures.items():
        setattr(row, key, value)
    row.full_clean(exclude=["status"])
    data = {"headcount": headcount, "disabled_count": str(disabled), "local_disabled_count": str(local),
            "persons": len(persons), "certificate_reference": certificate_reference}
    if existing is None:
        row.save()
        audit_created(row, actor=actor, action="levy.certified_figures_record", data=data)
    else:  # a cancelled year certified again: the new snapshot replaces the cancelled one
        row.persons.all().delete()
        row = transition_apply(row, "record_again", actor=actor, lock=False, by=recorder, data=data)
    CertifiedPerson.objects.bulk_create([CertifiedPerson(figures=row, **_snapshot(p)) for p in persons])
    assessments_on_figures_recorded(employer=employer, business_year=business_year, actor=actor)
    return row


@transaction.atomic
def certified_figures_cancel(*, employer, business_year: int, actor, reason: str) -> CertifiedFigures:
    """Cancel a year's certified figures (the declaration was reopened). Idempotent."""
    if not reason.strip():
        raise ValidationFailed("请填写撤销原因", field="reason")
    row = CertifiedFigures.objects.filter(employer=employer, business_year=business_year).first()
    if row is None:
        raise ValidationFailed(f"{business_year}年度没有认证数据，无需撤销")
    if not row.is_active:
        return row  # idempotent: already cancelled
    row = transition_apply(row, "cancel", actor=actor, reason=reason, by=actor if getattr(actor, "pk", None) else None)
    assessments_on_figures_cancelled(employer=employer, business_year=business_year, actor=actor, reason=reason)
    return row
