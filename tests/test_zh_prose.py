"""Chinese prose of the generated pages, checked against what the law text says.

The pages are the committed build output (``kfpl build --check`` keeps them current).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kfpl.render.units import zh_count_unit

ZH_MEASURES = Path(__file__).resolve().parent.parent / "docs" / "zh" / "measures"


def page(measure: str) -> str:
    return (ZH_MEASURES / f"{measure}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("label", "unit"),
    [("服务企业年限", "年"), ("认证的种数", "种"), ("机器人台数", "台"), ("企业名称", "")],
)
def test_a_count_takes_the_measure_word_its_label_names(label: str, unit: str) -> None:
    assert zh_count_unit(label) == unit


def test_ind_20_service_years_carry_the_unit_year() -> None:
    # law: 服务企业不少于两年
    assert "服务企业年限在2年以上" in page("ind-20")
    assert "年限在2以上" not in page("ind-20")


def test_ind_1_certifications_are_counted_in_kinds() -> None:
    # law: 获得以上一种认证的企业……获得以上两种认证的企业
    text = page("ind-1")
    assert "认证的种数在2种以上的" in text
    assert "种数低于2的" not in text


def test_ind_12_calls_its_reward_a_reward() -> None:
    # law: 按单个品种实际委托生产合同执行额的5%对受托生产企业进行奖励
    text = page("ind-12")
    assert "执行额的5%给予一次性奖励" in text
    assert "一次性补贴" not in text
