"""What a registry call can raise. The split decides what callers do next (STYLE.md 13):

- `FeedUnavailable` is transient (a timeout, a 5xx, no slot free in time, the network): ask again
  later. Placement and insurance tasks retry it with backoff and jitter; a month whose feed did not
  answer is *pending*, never ✗.
- `FeedRejected` is permanent (a malformed answer, a malformed question): asking again gives the
  same answer, so it goes to a state staff can see and re-drive.
- `RecordNotFound` (and `PersonNotFound`, `UnitNotFound`) is the registry's real answer "I do not
  know this person / unit": permanent, and evidence (社保 "未匹配到社保信息").

This package never retries by itself: the caller owns the retry policy and its backoff.
"""


class FeedError(Exception):
    """Base of every registry failure. `message` is Chinese and may be shown to staff."""

    def __init__(self, message: str, *, source: str = ""):
        super().__init__(message)
        self.message = message
        self.source = source


class FeedUnavailable(FeedError):
    """Transient: retry later. `reason` is one of "timeout", "error", "queue", "network"."""

    def __init__(self, message: str, *, source: str = "", reason: str = "error"):
        super().__init__(message, source=source)
        self.reason = reason


class FeedRejected(FeedError):
    """Permanent: the question or the answer is malformed; retrying does not help."""


class RecordNotFound(FeedRejected):
    """The registry answered that it has no record of what was asked."""


class PersonNotFound(RecordNotFound):
    """No record of this person in this registry (e.g. 未匹配到社保信息)."""


class UnitNotFound(RecordNotFound):
    """No record of this unit (credit code) in this registry."""


class SubmissionNotFound(RecordNotFound):
    """The tax-bureau intake has no submission with this reference."""
