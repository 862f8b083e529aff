"""Revealing a full personal number is an explicit, audited action (checklist G1)."""

from portal.audit import audit_record


def pii_reveal(*, actor, obj, field: str, label: str) -> str:
    """Return the full value of `obj.<field>` and record who saw it."""
    value = getattr(obj, field) or ""
    audit_record(action="pii.reveal", actor=actor, obj=obj, data={"field": field, "label": f"查看完整{label}"})
    return value
