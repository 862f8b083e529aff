"""The audit trail: one append-only table, written by services in the same transaction as the
change they record (healthchecks' Flip, generalised). Reads that reveal personal data or export it
write their own entry."""

from contextvars import ContextVar

from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.models import AuditEntry, IssuedDocument, Receipt

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
    entry = audit_entry(action=action, actor=actor, obj=obj, from_state=from_state, to_state=to_state, reason=reason,
                        data=data)
    entry.save()
    return entry


def audit_entry(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict | None = None,
) -> AuditEntry:
    """The entry audit_record appends, unsaved: a bulk job inserts many with one statement."""
    actor_user = actor if getattr(actor, "pk", None) else None
    return AuditEntry(
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


# --- labels for people ---------------------------------------------------------------------------
# Entries keep codes (stable, greppable); pages show the manuals' words. Each app registers the
# labels of its actions and, per model, of its status choices (the same code can mean different
# things: a submitted declaration is 完成申报, a submitted request is 待审核).
_ACTION_LABELS: dict[str, str] = {}
_STATE_LABELS: dict[str, dict[str, str]] = {}


def labels_register(*, actions: dict[str, str] | None = None, states: dict[type, type] | None = None,
                    state_labels: dict[type, dict] | None = None) -> None:
    """`actions`: action code → label; `states`: model class → its status choices; `state_labels`:
    model class → {code: label} where a model words shared states its own way (a month is 有效)."""
    _ACTION_LABELS.update(actions or {})
    for model, choices in (states or {}).items():
        _STATE_LABELS[model._meta.label_lower] = {str(value): str(label) for value, label in choices.choices}
    for model, labels in (state_labels or {}).items():
        _STATE_LABELS[model._meta.label_lower] = {str(value): str(label) for value, label in labels.items()}


def action_label(entry: AuditEntry) -> str:
    return (entry.data or {}).get("label") or _ACTION_LABELS.get(entry.action, entry.action)


def state_label(entry: AuditEntry, code: str) -> str:
    if not code or entry.content_type_id is None:
        return code
    ct = ContentType.objects.get_for_id(entry.content_type_id)  # cached by Django
    return _STATE_LABELS.get(f"{ct.app_label}.{ct.model}", {}).get(code, code)


# portal's own actions (the other apps register theirs in their AppConfig.ready)
labels_register(actions={
    "auth.login": "登录", "auth.logout": "退出", "auth.login_failed": "登录失败", "auth.locked_out": "账号锁定",
    "auth.otp_enrolled": "绑定身份验证器", "auth.otp_failed": "动态验证码错误",
    "staff.create": "新建工作人员", "staff.activate": "启用/停用工作人员", "staff.reset_totp": "重置身份验证器",
    "token.issue": "签发接口令牌", "token.revoke": "吊销接口令牌",
    "file.download": "查看或下载附件", "file.view": "在线查看附件", "document.download": "下载文书",
    "receipt.issue": "出具回执", "receipt.cancel": "回执作废", "notice.post": "发送通知", "pii.reveal": "查看完整号码",
    "feeds.unit_updated": "模拟数据源：修改单位", "feeds.person_updated": "模拟数据源：修改人员",
    "feeds.month_updated": "模拟数据源：修改月度记录", "feeds.certificate_updated": "模拟数据源：修改残疾证",
    "feeds.headcounts_updated": "模拟数据源：修改参保人数", "feeds.intake_updated": "模拟数据源：修改税务接收",
})
labels_register(states={Receipt: Receipt.Status, IssuedDocument: IssuedDocument.Status})
