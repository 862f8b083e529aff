"""Home-page sections contributed by the apps. An app registers a function that takes the request
and returns a dict with a template and its context, or None when it has nothing for this user."""

from collections.abc import Callable

_SECTIONS: list[tuple[int, Callable]] = []


def home_section(order: int):
    def decorator(fn):
        _SECTIONS.append((order, fn))
        _SECTIONS.sort(key=lambda item: item[0])
        return fn

    return decorator


def home_sections(request) -> list[dict]:
    sections = []
    for _order, fn in _SECTIONS:
        section = fn(request)
        if section:
            sections.append(section)
    return sections
