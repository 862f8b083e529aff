"""Formatting shared by pages, PDFs and exports (the template filters call these)."""


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
