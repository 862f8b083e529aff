"""Sections of the administrator's health page contributed by other parts (the feeds add theirs)."""

from collections.abc import Callable

_SECTIONS: list[Callable[[], dict]] = []


def health_section(fn):
    _SECTIONS.append(fn)
    return fn


def health_sections() -> list[dict]:
    return [fn() for fn in _SECTIONS]
