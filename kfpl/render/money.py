"""Amounts, rates and counts as each language writes them.

Chinese follows the source documents: 2000元, 30万元, 1.5亿元, 30%, no digit grouping.
English follows a well-edited notice: CNY 300,000, CNY 1.5 million, CNY 5 billion.
Every value is an exact ``Decimal``; nothing here rounds except to drop trailing zeros.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kfpl.runtime.dates import MONTHS_EN, Span
from kfpl.runtime.money import money_zh, places
from kfpl.runtime.money import plain as plain  # re-exported: sentences and targets use it
from kfpl.syntax import nodes as n

Lang = str  # "zh" | "en"

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
MILLION = Decimal(1_000_000)
BILLION = Decimal(1_000_000_000)


def grouped(value: Decimal) -> str:
    """Digits grouped by thousands, decimals kept exactly: 1,234,567.5."""
    text = plain(abs(value))
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}"
    sign = "-" if value < 0 else ""
    return sign + whole + (f".{frac}" if frac else "")


# The evaluators' explanations and the documentation write Chinese amounts alike.
zh_money = money_zh


def en_money(value: Decimal) -> str:
    """300000 -> CNY 300,000; 1500000 -> CNY 1.5 million; 5e9 -> CNY 5 billion."""
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if amount >= BILLION and places(amount / BILLION) <= 2:
        return f"{sign}CNY {plain(amount / BILLION)} billion"
    if amount >= MILLION and places(amount / MILLION) <= 2:
        return f"{sign}CNY {plain(amount / MILLION)} million"
    return f"{sign}CNY {grouped(amount)}"


def money(value: Decimal, lang: Lang) -> str:
    return zh_money(value) if lang == "zh" else en_money(value)


def money_range(low: Decimal, high: Decimal, lang: Lang) -> str:
    """50万—100万元 (the source writes 50—100万元); CNY 500,000 to CNY 1 million."""
    if lang == "zh":
        lo, hi = zh_money(low), zh_money(high)
        if lo[-2:] == hi[-2:] and lo[-2:] in ("万元", "亿元"):
            return f"{lo[:-1]}—{hi}"
        return f"{lo}—{hi}"
    return f"{en_money(low)} to {en_money(high)}"


def rate(value: Decimal) -> str:
    """0.30 -> 30%; 0.0435 -> 4.35% (the same in both languages)."""
    return f"{plain(value * 100)}%"


def count(value: Decimal, lang: Lang) -> str:
    return plain(value) if lang == "zh" else grouped(value)


def day(value: date, lang: Lang) -> str:
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"


def period_text(period: n.Period, lang: Lang) -> str:
    """自2023年4月11日起至2028年4月10日止 / from 11 April 2023 to 10 April 2028; a period in
    whole years as 2031年—2033年 / 2031 to 2033. The runtime's messages say the same."""
    span = Span(period.start, period.end, period.by_day)
    return span.zh() if lang == "zh" else span.en()


def year(value: int, lang: Lang) -> str:
    return f"{value}年" if lang == "zh" else str(value)
