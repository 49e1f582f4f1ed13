"""Exact money: Decimal yuan, rounded once per result to the fen (half-up), and
formatted the way each language writes amounts."""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, getcontext, localcontext

from kfpl.runtime.bilingual import Text

D = Decimal
ZERO = Decimal(0)
FEN = Decimal("0.01")
WAN = Decimal(10_000)
YI = Decimal(100_000_000)

# The bounds of every number the language accepts, in policy text and in applications:
# at most 10^22 in size (a hundred thousand times the world's yearly output, in yuan)
# and at most 12 decimals. A product of two such numbers has at most 34 + 34 digits and
# a sum of a million of them six more, so MONEY_CONTEXT's 80 digits hold every result
# exactly until the one rounding to the fen. Python's default 28 digits do not: above
# 10^21 yuan a rate times an amount was rounded twice (issue 10).
MAX_MAGNITUDE = Decimal(10) ** 22
MAX_PLACES = 12
MONEY_CONTEXT = Context(prec=80, rounding=ROUND_HALF_UP, Emax=999_999, Emin=-999_999)


def exact() -> AbstractContextManager[Context]:
    """The arithmetic context of evaluation: ``with exact(): …``."""
    return localcontext(MONEY_CONTEXT)


def in_exact() -> bool:
    """Whether the arithmetic in force is already ``exact()``'s: entering it costs a
    microsecond, which a text rendered inside an evaluation need not pay again."""
    ctx = getcontext()
    return (
        ctx.prec == MONEY_CONTEXT.prec
        and ctx.rounding == MONEY_CONTEXT.rounding
        and ctx.Emax == MONEY_CONTEXT.Emax
        and ctx.Emin == MONEY_CONTEXT.Emin
    )


def out_of_bounds(value: Decimal) -> Text | None:
    """Why ``value`` is not a number the language accepts, or None if it is."""
    if not value.is_finite():
        return Text("不是有限数", "not a finite number")
    if abs(value) > MAX_MAGNITUDE:
        return Text(
            "大于 kfpl 所能接受的最大数 10^22", "larger than 10^22, the largest number kfpl accepts"
        )
    try:
        if places(value) > MAX_PLACES:
            return Text(f"小数超过 {MAX_PLACES} 位", f"more than {MAX_PLACES} decimals")
    except InvalidOperation:  # pragma: no cover - normalize of a finite decimal
        return Text("不是 kfpl 能够表示的数", "not a number kfpl can represent")
    return None


# The context's own quantize rounds by its rounding (half-up): the same result as
# ``amount.quantize(FEN, rounding=ROUND_HALF_UP, context=MONEY_CONTEXT)``, without the
# keyword arguments, which cost four times the rounding itself (every amount of every
# output goes through here).
_quantize = MONEY_CONTEXT.quantize


def to_fen(amount: Decimal) -> Decimal:
    """Round to the fen, half-up: the one rounding a measure's result gets."""
    return _quantize(amount, FEN)


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
    exponent = value.normalize(MONEY_CONTEXT).as_tuple().exponent
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
