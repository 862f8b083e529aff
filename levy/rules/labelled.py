"""Enums whose members carry the manuals' Chinese label, in pure Python: the rules packages define
their kinds with it, and Django fields and forms take `Kind.choices` just as they take a
TextChoices' (Django's own choices types would pull Django into the pure rules)."""

from enum import EnumType, StrEnum


class _LabelledType(EnumType):
    do_not_call_in_templates = True  # a template that sees the class does not call it

    def __contains__(cls, value) -> bool:
        """`"military" in CertificateKind`: a value or a member (Python 3.11's enums raise instead)."""
        try:
            return isinstance(value, cls) or value in cls._value2member_map_
        except TypeError:  # unhashable
            return False

    @property
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    @property
    def values(cls) -> list[str]:
        return [member.value for member in cls]

    @property
    def labels(cls) -> list[str]:
        return [member.label for member in cls]


class LabelledEnum(StrEnum, metaclass=_LabelledType):
    """`MEMBER = "value", "标签"`: a str enum with `.label`, and `.choices` on the class."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member
