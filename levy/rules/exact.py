"""Exact numbers: parse decimal strings into fractions and round only at the output, half-up."""

from decimal import Decimal
from fractions import Fraction

Number = int | Decimal | Fraction | str


def exact(value: Number) -> Fraction:
    """A Fraction from an int, a Decimal, a Fraction or a decimal string ("0.015"); never a float."""
    if isinstance(value, float):
        raise TypeError("floats are not exact: pass a Decimal or a decimal string")
    return Fraction(value) if not isinstance(value, str) else Fraction(Decimal(value))


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """Round an exact value to `places` decimals, halves away from zero (ROUND_HALF_UP)."""
    result = quotient_half_up(abs(value.numerator), value.denominator, places)
    return -result if value < 0 else result


def quotient_half_up(numerator: int, denominator: int, places: int = 2) -> Decimal:
    """numerator / denominator (non-negative integers) rounded half up, in integers only: exact,
    and cheap enough for an export that rounds two figures in each of 50,000 rows."""
    scaled = numerator * 10**places
    units = (2 * scaled + denominator) // (2 * denominator)  # floor(x + 1/2)
    return Decimal(units).scaleb(-places)


def money(value: Fraction) -> Decimal:
    """Yuan with two decimals, the one rounding every money figure gets."""
    return round_half_up(value, 2)


def shown(value: Fraction, places: int = 4) -> Decimal:
    """A ratio or a count for display only (4 decimals); computations keep the exact value."""
    return round_half_up(value, places)


def percent_text(value: Fraction | None, places: int = 2) -> str:
    """A ratio as printed on pages, certificates and exports: 0.0469… → "4.69%"; None → "—"."""
    return "—" if value is None else f"{round_half_up(value * 100, places)}%"


def plain(value: Fraction) -> str:
    """An exact value as its finite decimal ("0.015", "2") when it has one, else 4 decimals."""
    rest, twos, fives = value.denominator, 0, 0
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        return str(shown(value))
    places = max(twos, fives)
    number = Decimal(value.numerator * 10**places // value.denominator).scaleb(-places)
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def pct(value: Fraction) -> str:
    """0.015 → 1.5%; 19/1800 → 1.0556% (4 decimals when the exact value has more)."""
    return f"{plain(value * 100)}%"
