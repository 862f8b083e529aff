"""One table of badge tones for every status in the portal (STYLE.md 10: badges come from the
choices, templates never pick a colour). A tone says what the state means to the person reading
the list: nothing to do yet, in progress, done, needs their action, or failed."""

NEUTRAL, PROGRESS, DONE, ACTION, FAILED = "neutral", "progress", "done", "action", "failed"

TONES = {
    "": NEUTRAL, "draft": NEUTRAL, "incomplete": NEUTRAL, "queued": NEUTRAL, "cancelled": NEUTRAL,
    "not_started": NEUTRAL, "awaiting_roster": NEUTRAL, "awaiting_verification": NEUTRAL, "idle": NEUTRAL,
    "not_checked": NEUTRAL, "deleted": NEUTRAL,
    "submitted": PROGRESS, "pending": PROGRESS, "pending_review": PROGRESS, "sent": PROGRESS,
    "running": PROGRESS, "objection": PROGRESS, "assessed": PROGRESS, "verifying": PROGRESS, "under_review": PROGRESS,
    "withholding_requested": PROGRESS, "voucher_review": PROGRESS, "first_review": PROGRESS,
    "second_review": PROGRESS, "confirming": PROGRESS,
    "confirmed": DONE, "certified": DONE, "sent_to_tax": DONE, "approved": DONE, "acknowledged": DONE,
    "answered": DONE, "ready": DONE, "active": DONE, "issued": DONE, "done": DONE,
    "paid": DONE, "paid_late": DONE, "exempt": DONE, "over_ratio": DONE,
    "verified": DONE, "review_approved": DONE, "withholding_done": DONE, "roster_confirmed": DONE, "insured": DONE,
    "completed": DONE, "passed": DONE, "name_confirmed": DONE, "retirement_filled": DONE,
    "partially_rejected": ACTION, "waiting": ACTION, "name_mismatch": ACTION, "retirement_missing": ACTION,
    "no_si": ACTION, "unverifiable": ACTION, "returned": ACTION,
    "rejected": FAILED, "refused": FAILED, "failed": FAILED, "overdue": FAILED, "review_rejected": FAILED,
    "voucher_rejected": FAILED, "deceased": FAILED,
    # the withholding run and a member's 代扣结果 (issue 19)
    "scheduled": NEUTRAL, "received": DONE, "withheld": DONE, "insufficient": FAILED, "invalid": FAILED,
}


def tone(value) -> str:
    return TONES.get(str(value if value is not None else ""), NEUTRAL)
