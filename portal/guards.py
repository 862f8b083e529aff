"""Named predicates that know why they say no (the guards of portal.workflow's transitions).
Kept apart from the spine so that models can declare their transitions' guards without importing
the audit trail."""

from collections.abc import Callable

import rules

from portal.exceptions import NotAllowed

GENERIC_REFUSAL = "不满足办理条件"


def guard(message: str | Callable[..., str], *, code: str = "not_allowed") -> Callable:
    """Make a django-rules predicate that knows why it says no. `message` is a sentence, or a
    function of the predicate's arguments returning one (for refusals that name dates or counts)."""

    def decorate(fn) -> rules.Predicate:
        predicate = rules.predicate(fn)
        predicate.message = message
        predicate.code = code
        return predicate

    return decorate


def explain(predicate, *args) -> str:
    message = getattr(predicate, "message", GENERIC_REFUSAL)
    return message(*args) if callable(message) else message


class Permission:
    """Who may take a transition: predicates over (user, object), checked in order; the first
    that fails says why. Usable as django-fsm's `permission=` (which calls it with the object
    first) and on its own (`refusal(user, obj)`)."""

    def __init__(self, *predicates):
        self.predicates = predicates

    def __call__(self, instance, user) -> bool:
        return self.refusal(user, instance) is None

    def refusal(self, user, obj) -> NotAllowed | None:
        for predicate in self.predicates:
            if not predicate.test(user, obj):
                return NotAllowed(explain(predicate, user, obj), code=getattr(predicate, "code", None))
        return None

    def require(self, user, obj) -> None:
        problem = self.refusal(user, obj)
        if problem is not None:
            raise problem


def allowed(*predicates) -> Permission:
    return Permission(*predicates)


class _ClassPermission(Permission):
    def __init__(self, attribute: str):
        super().__init__()
        self.attribute = attribute

    def refusal(self, user, obj):
        return getattr(type(obj), self.attribute).refusal(user, obj)


def permission_of(attribute: str) -> Permission:
    """A permission an abstract model's transition takes from each concrete model's class
    attribute (the review machine, the requests): declared once, decided per model."""
    return _ClassPermission(attribute)


def insist(predicate, *args) -> None:
    """Raise the predicate's refusal unless it holds (services checking a rule that is not a
    transition: is this person still editable?)."""
    if not predicate.test(*args):
        raise NotAllowed(explain(predicate, *args), code=getattr(predicate, "code", None))
