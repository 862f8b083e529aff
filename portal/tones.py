"""One table of badge tones for every status in the portal (STYLE.md 10: badges come from the
choices, templates never pick a colour). A tone says what the state means to the person reading
the list: nothing to do yet, in progress, done, needs their action, or failed."""

NEUTRAL, PROGRESS, DONE, ACTION, FAILED = "neutral", "progress", "done", "action", "failed"

TONES = {
    "": NEUTRAL, "draft": NEUTRAL, "incomplete": NEUTRAL, "queued": NEUTRAL, "cancelled": NEUTRAL,
    "not_started": NEUTRAL,
    "submitted": PROGRESS, "pending": PROGRESS, "pending_review": PROGRESS, "sent": PROGRESS,
    "running": PROGRESS, "objection": PROGRESS, "assessed": PROGRESS,
    "confirmed": DONE, "certified": DONE, "sent_to_tax": DONE, "approved": DONE, "acknowledged": DONE,
    "answered": DONE, "ready": DONE, "active": DONE, "issued": DONE, "done": DONE,
    "paid": DONE, "paid_late": DONE, "exempt": DONE, "over_ratio": DONE,
    "partially_rejected": ACTION, "waiting": ACTION,
    "rejected": FAILED, "refused": FAILED, "failed": FAILED, "overdue": FAILED,
}


def tone(value) -> str:
    return TONES.get(str(value if value is not None else ""), NEUTRAL)
