"""Staff edits of the mock registries ("stage a case": this person's March contribution is missing).
Every edit is validated, saved and audited in one transaction; the next feed call sees it."""

from django.db import transaction
from django.utils import timezone

from portal.audit import audit_record
from portal.feeds.models import (
    Certificate,
    IntakeSubmission,
    MonthRecord,
    RegistryPerson,
    RegistryUnit,
    UnitHeadcount,
)
from portal.feeds.types import INTAKE_ACKNOWLEDGED, INTAKE_RECEIVED, INTAKE_REJECTED, months_of


def _save(*, actor, obj, changes: dict, action: str):
    """Apply `changes`, check the whole row, save it and audit what changed (old → new)."""
    creating = obj.pk is None
    before = {} if creating else {name: getattr(obj, name) for name in changes}
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    with transaction.atomic():
        obj.save()
        diff = {name: [str(before.get(name, "")), str(value)]
                for name, value in changes.items() if creating or before[name] != value}
        audit_record(action=action, actor=actor, obj=obj, data={"changes": diff})
    return obj


def registry_person_update(*, actor, person: RegistryPerson, **changes) -> RegistryPerson:
    """Civil-registry, social-insurance and pension facts of a person."""
    return _save(actor=actor, obj=person, changes=changes, action="feeds.person_updated")


def month_record_save(*, actor, person: RegistryPerson, record: MonthRecord | None = None, **changes) -> MonthRecord:
    """One month from one paying unit: create it, or change what each registry says about it.
    A registry column set to None means that registry has no record (断缴 / 无医保 / 无工资)."""
    record = record or MonthRecord(person=person)
    return _save(actor=actor, obj=record, changes=changes,
                 action="feeds.month_updated" if record.pk else "feeds.month_created")


def certificate_save(*, actor, person: RegistryPerson, certificate: Certificate | None = None,
                     **changes) -> Certificate:
    certificate = certificate or Certificate(person=person)
    return _save(actor=actor, obj=certificate, changes=changes,
                 action="feeds.certificate_updated" if certificate.pk else "feeds.certificate_created")


def registry_unit_update(*, actor, unit: RegistryUnit, **changes) -> RegistryUnit:
    """Enterprise-registry facts (name, address, authority) and the 社保编号."""
    return _save(actor=actor, obj=unit, changes=changes, action="feeds.unit_updated")


def unit_headcounts_set(*, actor, unit: RegistryUnit, year: int, figures: dict[int, tuple]) -> None:
    """Social insurance's monthly (headcount, retirees) of a unit for one year; (None, None)
    removes the month's figures."""
    with transaction.atomic():
        existing = {h.month: h for h in UnitHeadcount.objects.filter(unit=unit, month__in=months_of(year))}
        changed = {}
        for month in months_of(year):
            headcount, retirees = figures.get(month, (None, None))
            row = existing.get(month)
            if headcount is None and retirees is None:
                if row is not None:
                    row.delete()
                    changed[month] = [f"{row.headcount}/{row.retirees}", ""]
                continue
            if row is None:
                row = UnitHeadcount(unit=unit, month=month)
            elif (row.headcount, row.retirees) == (headcount, retirees):
                continue
            changed[month] = [f"{row.headcount}/{row.retirees}" if row.pk else "", f"{headcount}/{retirees}"]
            row.headcount, row.retirees = headcount, retirees
            row.full_clean()
            row.save()
        audit_record(action="feeds.headcounts_updated", actor=actor, obj=unit, data={"year": year, "changes": changed})


def intake_submission_update(*, actor, submission: IntakeSubmission, **changes) -> IntakeSubmission:
    """Stage the tax bureau's answer (acknowledge or return a submission, or delay it)."""
    if changes.get("status") == INTAKE_ACKNOWLEDGED and not submission.intake_number:
        now = timezone.now()
        changes.update(acknowledged_at=now, intake_number=submission.intake_number_for(now))
    elif changes.get("status") in (INTAKE_RECEIVED, INTAKE_REJECTED):
        changes.update(acknowledged_at=None, intake_number="")
    return _save(actor=actor, obj=submission, changes=changes, action="feeds.intake_updated")
