"""One hierarchy of domain errors. Services raise them with a Chinese message for the user; the
API maps them once (portal.drf.exception_handler): a rule refusing well-formed input is 422, a
state that does not allow the action 409; a request that does not match the API schema is DRF's
400. Pages show them as form errors or messages (portal.views.base)."""


class DomainError(Exception):
    """A rule of the business said no. `message` is shown to the user as is."""

    code = "rule"
    http_status = 422

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def problems(self) -> "list[DomainError]":
        """This problem and any others found with it (a form or an API body reports them all)."""
        return [self]


class ValidationFailed(DomainError):
    """Input that breaks a rule (a bad ID number, a contract ending before it starts): 422 in the
    API, since the request itself was well formed. `also` carries further problems found in the
    same input, so a form reports them all at once (issue 15)."""

    also: "list[ValidationFailed]" = []  # noqa: RUF012 (never mutated: all_of sets a new list)

    def problems(self) -> "list[DomainError]":
        return [self, *self.also]

    @classmethod
    def all_of(cls, problems: "list[ValidationFailed]") -> "ValidationFailed":
        first, *rest = problems
        first.also = rest
        return first


class NotAllowed(DomainError):
    """The state of the object does not allow this now (outside the filing window...)."""

    code = "not_allowed"
    http_status = 409


class Conflict(NotAllowed):
    """Not allowed because someone else changed the object first (two tabs, two reviewers), or
    its state is not the one this action starts from."""

    code = "conflict"
    http_status = 409
