"""Measure words for counts, read from the drafter's own label of the input.

A count printed bare ("服务企业年限在2以上") is not how a document writes it; the unit
is already in the label the drafter declared (…年限, …种数, …台数), so it is read from
there rather than from code that knows any particular policy.
"""

from __future__ import annotations

# label ending -> measure word; longest endings first so 项目数 wins over 数
ZH_COUNT_UNITS: tuple[tuple[str, str], ...] = (
    ("项目数", "个"),
    ("年限", "年"),
    ("年数", "年"),
    ("种数", "种"),
    ("项数", "项"),
    ("台数", "台"),
    ("套数", "套"),
    ("家数", "家"),
    ("人数", "人"),
    ("个数", "个"),
)


def zh_count_unit(label: str) -> str:
    """The measure word a count labelled ``label`` takes in Chinese, or "" if none is known."""
    for ending, unit in ZH_COUNT_UNITS:
        if label.endswith(ending):
            return unit
    return ""
