"""Writes of the levy app: policy-table edits (each recorded in the audit trail as old → new) and
the certified declaration figures the certification step hands over."""

from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from levy.models import CertifiedFigures, PolicyBase
from portal.audit import audit_record
from portal.exceptions import Conflict, ValidationFailed

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
    audit_record(
        action=POLICY_CHANGE, actor=actor, obj=row, reason=reason,
        from_state=_short(only[0]) if only else ("" if not before else "多项"),
        to_state=_short(only[1]) if only else ("新增" if not before else "多项"),
        data={"table": row._meta.verbose_name, "changes": changes, "created": not before},
    )
    return row


@transaction.atomic
def policy_row_delete(*, row: PolicyBase, actor, reason: str = "") -> None:
    """Delete a policy-table row, keeping its last values in the audit trail."""
    audit_record(
        action=POLICY_CHANGE, actor=actor, obj=row, reason=reason, from_state="存在", to_state="已删除",
        data={"table": row._meta.verbose_name, "deleted": _fields(row)},
    )
    row.delete()


# --- certified figures --------------------------------------------------------------------------


def _fraction(value, field: str) -> Fraction:
    number = Fraction(value)
    if number < 0:
        raise ValidationFailed("人数不能为负数", field=field)
    return number


def _months_by_weight(value: dict) -> dict[str, int]:
    months = {}
    for weight, count in value.items():
        if int(weight) < 0 or int(count) < 0:
            raise ValidationFailed("折算人数和安置人月数不能为负数", field="person_months_by_weight")
        months[str(int(weight))] = int(count)
    return dict(sorted(months.items(), reverse=True))


@transaction.atomic
def certified_figures_record(
    *, employer, business_year: int, headcount: int, disabled_count: Fraction, local_disabled_count: Fraction,
    person_months_by_weight: dict, certificate_reference: str, actor,
) -> CertifiedFigures:
    """Record a certified declaration's figures for the levy. Idempotent: the same figures again
    change nothing. Different figures for a year that already has active ones are a Conflict
    (cancel them first); after a cancellation the year can be recorded again."""
    disabled = _fraction(disabled_count, "disabled_count")
    local = _fraction(local_disabled_count, "local_disabled_count")
    if local > disabled:
        raise ValidationFailed("本地户籍残疾人数不能多于安排残疾人总数", field="local_disabled_count")
    if headcount < 0:
        raise ValidationFailed("在职职工人数不能为负数", field="headcount")
    figures = {
        "headcount": headcount,
        "disabled_numerator": disabled.numerator, "disabled_denominator": disabled.denominator,
        "local_numerator": local.numerator, "local_denominator": local.denominator,
        "person_months_by_weight": _months_by_weight(person_months_by_weight),
        "certificate_reference": certificate_reference,
    }
    existing = CertifiedFigures.objects.select_for_update().filter(employer=employer, business_year=business_year).first()
    if existing is not None and existing.is_active:
        if all(getattr(existing, key) == value for key, value in figures.items()):
            return existing  # idempotent: already recorded
        raise Conflict(f"{business_year}年度已有认证数据（{existing.certificate_reference}），请先撤销后再记录")
    row = existing or CertifiedFigures(employer=employer, business_year=business_year)
    for key, value in figures.items():
        setattr(row, key, value)
    row.recorded_at, row.recorded_by = timezone.now(), actor if getattr(actor, "pk", None) else None
    row.cancelled_at, row.cancelled_by, row.cancel_reason = None, None, ""
    row.full_clean()
    row.save()
    audit_record(
        action="levy.certified_figures_record", actor=actor, obj=row,
        from_state="已撤销" if existing else "", to_state="有效",
        data={**{k: v for k, v in figures.items() if "numerator" not in k and "denominator" not in k},
              "disabled_count": str(disabled), "local_disabled_count": str(local)},
    )
    return row


@transaction.atomic
def certified_figures_cancel(*, employer, business_year: int, actor, reason: str) -> CertifiedFigures:
    """Cancel a year's certified figures (the declaration was reopened). Idempotent."""
    if not reason.strip():
        raise ValidationFailed("请填写撤销原因", field="reason")
    row = CertifiedFigures.objects.select_for_update().filter(employer=employer, business_year=business_year).first()
    if row is None:
        raise ValidationFailed(f"{business_year}年度没有认证数据，无需撤销")
    if not row.is_active:
        return row  # idempotent: already cancelled
    row.cancelled_at, row.cancel_reason = timezone.now(), reason
    row.cancelled_by = actor if getattr(actor, "pk", None) else None
    row.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    audit_record(action="levy.certified_figures_cancel", actor=actor, obj=row, from_state="有效",
                 to_state="已撤销", reason=reason)
    return row
