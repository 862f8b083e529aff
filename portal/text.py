"""Formatting shared by pages, PDFs and exports (the template filters call these)."""

from django.utils import timezone

MINUTE = "%Y-%m-%d %H:%M"  # a moment as UI.md prints it: 2026-11-27 14:05


def local_minute(moment) -> str:
    """A moment in local time to the minute, or nothing: the one Python spelling of |ymd_hm."""
    return timezone.localtime(moment).strftime(MINUTE) if moment else ""


def month_ranges(months) -> str:
    """[202501, 202502, 202503, 202507] → "202501–202503、202507" (certified months, compact)."""
    months = sorted(int(m) for m in months or ())
    parts, start = [], None
    for i, month in enumerate(months):
        start = start or month
        if i + 1 == len(months) or months[i + 1] != month + 1:
            parts.append(str(start) if start == month else f"{start}–{month}")
            start = None
    return "、".join(parts)


def waited(delta) -> str:
    """How long an item has waited, in the coarse words every queue uses (3天5小时, 2小时10分钟;
    不到1分钟 for a fresh one, which "0分钟" said less plainly)."""
    minutes = max(0, int(delta.total_seconds() // 60))
    if not minutes:
        return "不到1分钟"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    return f"{hours}小时{minutes}分钟" if hours else f"{minutes}分钟"
