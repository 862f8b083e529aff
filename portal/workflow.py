"""The workflow spine (STYLE.md 10a): the one way a status changes anywhere in the project.

`transition_apply(obj, "certify", actor=…)` locks the row, checks the actor's permission and the
transition's conditions, applies the transition, saves, writes the audit entry (from, to, actor,
reason) and schedules the after-commit work, all in one database transaction.

Conditions and permissions sit on the `@transition` itself (django-fsm's `conditions=` and
`permission=`) as named predicates from the owning app's `predicates.py`. Each predicate carries
the sentence a refused user reads, so pages, templates and the API ask the same question through
`refusal()` / `can()` and can never disagree with the service.

    @guard("本年度已完成申报，不能再修改")          # portal.guards: a condition takes the object,
    def is_draft(declaration): ...                  # a permission the user and the object

    @guard("只有残联审核人员可以办理")
    def is_federation_staff(user, obj): ...

    @transition(field=status, source=D.SUBMITTED, target=D.CERTIFIED,
                conditions=[has_no_unconfirmed_persons], permission=allowed(is_federation_staff, in_scope),
                custom={"label": "年审认证审核通过"})
    def certify(self, *, by, certificate): ...
"""

import inspect
from collections.abc import Callable, Iterable

from django.db import models, transaction
from django_fsm import ConcurrentTransition, FSMFieldMixin

from portal.audit import audit_entry, audit_record
from portal.exceptions import Conflict, DomainError, NotAllowed
from portal.guards import GENERIC_REFUSAL, Permission, explain

# --- asking: may this actor take this transition now? ------------------------------------------------


def _meta(obj: models.Model, name: str):
    method = getattr(obj, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise TypeError(f"{type(obj).__name__}.{name} is not a transition")
    return meta


def transition_of(obj: models.Model, name: str):
    """The django-fsm Transition `name` would take from the object's current state (or None)."""
    meta = _meta(obj, name)
    state = meta.field.get_state(obj)
    return meta.get_transition(state) if meta.has_transition(state) else None


def transition_label(obj: models.Model, name: str) -> str:
    for transition in _meta(obj, name).transitions.values():
        if transition.custom.get("label"):
            return transition.custom["label"]
    return name


def _state_display(obj: models.Model, field) -> str:
    value = field.get_state(obj)
    return str(dict(field.flatchoices).get(value, value) or "未开始")


def _wrong_state(obj: models.Model, name: str) -> Conflict:
    meta = _meta(obj, name)
    for transition in meta.transitions.values():
        refused = transition.custom.get("refused")
        if refused:
            message = refused(obj) if callable(refused) else refused
            return Conflict(message, code=transition.custom.get("code", "wrong_state"))
    label = transition_label(obj, name)
    return Conflict(f"{obj._meta.verbose_name}当前状态为“{_state_display(obj, meta.field)}”，不能{label}",
                    code="wrong_state")


def refusal(obj: models.Model, name: str, actor=None) -> DomainError | None:
    """Why `actor` may not take transition `name` on `obj` now, or None when they may. The state
    first (a Conflict: someone or something moved it on), then the permission (who may: a user who
    may not is not told more), then the conditions (NotAllowed, with the failing predicate's
    sentence)."""
    transition = transition_of(obj, name)
    if transition is None:
        return _wrong_state(obj, name)
    return _refused_by(transition, obj, actor)


def _refused_by(transition, obj: models.Model, actor) -> DomainError | None:
    permission = transition.permission
    if isinstance(permission, Permission):
        problem = permission.refusal(actor, obj)
        if problem is not None:
            return problem
    elif permission is not None and not transition.has_perm(obj, actor):
        return NotAllowed(GENERIC_REFUSAL)
    for condition in transition.conditions:
        if not condition(obj):
            return NotAllowed(explain(condition, obj), code=getattr(condition, "code", None))
    return None


def can(actor, obj: models.Model, name: str) -> bool:
    """The flag a view hands its template (`can_certify`), from the same check the service makes
    (a wrong state answers no without composing its message: some read the database)."""
    transition = transition_of(obj, name)
    return transition is not None and _refused_by(transition, obj, actor) is None


def require(obj: models.Model, name: str, actor=None) -> None:
    problem = refusal(obj, name, actor)
    if problem is not None:
        raise problem


# --- doing: the one way a status changes ----------------------------------------------------------------


def locked(obj: models.Model, *related: str) -> models.Model:
    """Re-read under a row lock: the second of two simultaneous changes waits, then sees the
    first one's result (PostgreSQL; on SQLite the concurrent-transition check does this job)."""
    qs = type(obj)._default_manager.select_for_update(of=("self",) if related else ())
    return qs.select_related(*related).get(pk=obj.pk)


def audit_action(obj: models.Model, name: str) -> str:
    transition = next(iter(_meta(obj, name).transitions.values()))
    prefix = getattr(obj, "audit_name", obj._meta.model_name)
    return f"{prefix}.{transition.custom.get('action', name)}"


def _state_field(obj: models.Model):
    return next(field for field in obj._meta.concrete_fields if isinstance(field, FSMFieldMixin))


def audit_created(obj: models.Model, *, actor=None, action: str = "", reason: str = "",
                  data: dict | None = None) -> None:
    """A workflow object came into being in its first state: its first timeline entry (the one
    entry with a state that is not a transition)."""
    prefix = getattr(obj, "audit_name", obj._meta.model_name)
    audit_record(action=action or f"{prefix}.create", actor=actor, obj=obj,
                 to_state=_state_field(obj).value_from_object(obj), reason=reason, data=data)


def audit_change(obj: models.Model, *, action: str, before, after, actor=None, reason: str = "",
                 data: dict | None = None) -> None:
    """A recorded change of a value that is not a workflow state (a unit's 残联主管部门, a policy
    parameter): the same timeline entry as a transition, from → to."""
    audit_record(action=action, actor=actor, obj=obj, from_state=str(before)[:40], to_state=str(after)[:40],
                 reason=reason, data=data)


def transition_apply(
    obj: models.Model,
    name: str,
    *,
    actor=None,
    reason: str = "",
    data: dict | None = None,
    lock: bool = True,
    related: Iterable[str] = (),
    prepare: Callable[[models.Model], dict | None] | None = None,
    after_commit: Callable[[], None] | None = None,
    **kwargs,
) -> models.Model:
    """Lock, check, apply, save, audit, schedule. Returns the saved object (a fresh instance
    when `lock` re-read it). `prepare(obj)` runs after the checks and before the transition and
    may return more keyword arguments for it (an issued certificate, say), so nothing is issued
    for a change that is refused. Inside a caller's transaction, everything commits together."""
    model = type(obj)
    with transaction.atomic():
        if lock:
            obj = locked(obj, *related)
        require(obj, name, actor)
        if prepare is not None:
            kwargs.update(prepare(obj) or {})
        meta = _meta(obj, name)
        if "reason" in inspect.signature(meta.get_transition(meta.field.get_state(obj)).method).parameters:
            kwargs.setdefault("reason", reason)  # a transition that records its reason on the row
        field = meta.field
        before = field.get_state(obj)
        getattr(obj, name)(**kwargs)
        try:
            with transaction.atomic():
                obj.save()
        except ConcurrentTransition:  # changed between our read and write (a database without row locks)
            fresh = model._default_manager.get(pk=obj.pk)
            raise (refusal(fresh, name, actor) or Conflict("该事项已被他人办理，请刷新后查看")) from None
        label = transition_label(obj, name)
        audit_record(action=audit_action(obj, name), actor=actor, obj=obj, from_state=before,
                     to_state=field.get_state(obj), reason=reason,
                     data={"label": label, **(data or {})} if label != name else data)
        if after_commit is not None:
            transaction.on_commit(after_commit)
    return obj


def transition_many(
    objs: Iterable[models.Model],
    name: str,
    *,
    actor=None,
    data: dict | None = None,
    prepare: Callable[[models.Model], dict | None],
) -> tuple[list[models.Model], list]:
    """One transition over many rows in memory, for a background job that writes them in bulk
    (the year-end 批量核定: 100,000 locked round trips would be the job). `prepare(obj)` returns
    the transition's keyword arguments, or None to leave the row alone; a row whose state or
    conditions refuse the transition is left alone too. Returns the changed rows and their audit
    entries, both unsaved: the caller writes them in one transaction (an upsert and an insert).
    The job acts as the system, so no permission is asked; its query must select only rows that
    nothing else changes meanwhile (there are no row locks here)."""
    changed, entries = [], []
    for obj in objs:
        meta = _meta(obj, name)
        before = meta.field.get_state(obj)
        if not meta.has_transition(before) or not meta.conditions_met(obj, before):
            continue
        kwargs = prepare(obj)
        if kwargs is None:
            continue
        getattr(obj, name)(**kwargs)
        label = transition_label(obj, name)
        entries.append(audit_entry(action=audit_action(obj, name), actor=actor, obj=obj, from_state=before,
                                   to_state=meta.field.get_state(obj), data={"label": label, **(data or {})}))
        changed.append(obj)
    return changed, entries
