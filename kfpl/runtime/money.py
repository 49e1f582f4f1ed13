"""Exact money: Decimal yuan, rounded once per result to the fen (half-up), and
formatted the way each language writes amounts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

D = Decimal
ZERO = Decimal(0)
FEN = Decimal("0.01")
WAN = Decimal(10_000)
YI = Decimal(100_000_000)


def to_fen(amount: Decimal) -> Decimal:
    """Round to the fen, half-up: the one rounding a measure's result gets."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def yuan_str(amount: Decimal) -> str:
    """The JSON form: yuan with two decimals, e.g. ``"300000.00"``."""
    return f"{to_fen(amount):.2f}"


def plain(value: Decimal) -> str:
    """The shortest exact decimal text: 30, 1.5, 0.0435 (never an exponent, never -0).
    The one definition: explanations, docs and diagnostics all write numbers this way."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def places(value: Decimal) -> int:
    """How many decimals ``value`` needs (1.50 -> 1, 3E+1 -> 0)."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def money_zh(amount: Decimal) -> str:
    """Chinese as the source documents write it: 2000元, 30万元, 1.5亿元 (exact: an
    amount that would need more than two decimals of 万 or 亿 is written in 元)."""
    sign = "-" if amount < 0 else ""
    value = abs(amount)
    if value >= YI and places(value / YI) <= 2:
        return f"{sign}{plain(value / YI)}亿元"
    if value >= WAN and places(value / WAN) <= 2:
        return f"{sign}{plain(value / WAN)}万元"
    return f"{sign}{plain(value)}元"


def money_en(amount: Decimal) -> str:
    """English style: CNY 300,000 (fen shown only when present)."""
    sign = "-" if amount < 0 else ""
    value = abs(amount)
    if value == value.to_integral_value():
        return f"{sign}CNY {int(value):,}"
    return f"{sign}CNY {to_fen(value):,.2f}"


def rate_str(rate: Decimal) -> str:
    """0.3 -> 30%, 0.0435 -> 4.35%."""
    return f"{plain(rate * 100)}%"


def number_str(value: Decimal) -> str:
    return plain(value)


def money(amount: Decimal, lang: str) -> str:
    return money_zh(amount) if lang == "zh" else money_en(amount)
