"""The audit trail: one append-only table, written by services in the same transaction as the
change they record (healthchecks' Flip, generalised). Reads that reveal personal data or export it
write their own entry."""

from contextvars import ContextVar

from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.models import AuditEntry

# Set by portal.middleware.RequestContextMiddleware so services need not carry the request.
request_ip: ContextVar[str | None] = ContextVar("request_ip", default=None)


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict | None = None,
) -> AuditEntry:
    """Append one audit entry. Call inside the service's transaction."""
    actor_user = actor if getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        action=action,
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        actor=actor_user,
        actor_repr=(actor_user.display_name if actor_user else (str(actor) if actor else "系统"))[:100],
        reason=reason or "",
        ip=request_ip.get(),
        data=data or {},
    )


def audit_timeline(obj: models.Model, *, limit: int = 200):
    """The entries about one object, oldest first, for the timeline partial."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return (
        AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("at", "id")[:limit]
    )
