"""Chinese prose of the generated pages, checked against what the law text says.

The pages are the committed build output (``kfpl build --check`` keeps them current).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfpl.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
ZH_MEASURES = ROOT / "docs" / "zh" / "measures"


def page(measure: str) -> str:
    return (ZH_MEASURES / f"{measure}.md").read_text(encoding="utf-8")


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


def test_ind_12_says_pinzhong_as_the_law_does_in_the_docs_and_the_explanation(
    tmp_path: Path,
) -> None:
    # law: 按单个品种……进行奖励。单个品种每年奖励金额不超过30万元,且只享受一次。
    text = page("ind-12")
    assert "单个品种最高不超过30万元" in text and "每个品种只享受一次" in text
    assert "单个产品" not in text and "每个产品" not in text
    # The explanation of a decision says it too (the cap binds: 5% of 1000万 = 50万).
    app = json.loads((ROOT / "examples" / "application.json").read_text(encoding="utf-8"))
    app["claims"] = [
        {
            "id": "1",
            "measure": "ind-12",
            "product": "国药准字H0001",
            "facts": {"entrusted_production_local": True, "entrusted_contract": "1000万"},
        }
    ]
    app["history"] = []
    path = tmp_path / "app.json"
    path.write_text(json.dumps(app, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(path), "--explain", "--lang", "zh"])
    assert "单个品种最高不超过30万元：由50万元核减为30万元" in result.output, result.output


@pytest.mark.parametrize("measure", ["mfg-3", "mfg-4", "mfg-5", "mfg-6"])
def test_technical_upgrading_is_a_hou_buzhu(measure: str) -> None:
    # law: 按照设备、研发实际投入的25%以内给予后补助
    assert "给予后补助" in page(measure) and "给予补贴" not in page(measure)


def test_mfg_8a_reads_like_the_law() -> None:
    # law: 对获得国家、省级新型工业化产业示范基地……的，分别给予一次性奖励100万元、50万元
    text = page("mfg-8a")
    assert "按认定或批准级别（国家级、省级）分别给予一次性奖励100万元、50万元。" in text
    assert "级别为国家级的" not in text and "国家级的，给予" not in text


def test_a_condition_on_levels_enumerates_them_as_the_law_does() -> None:
    # law (mfg 10): 新批准的国家级、省级……
    conditions = page("mfg-10a").split("{ #eligibility }")[1].split("\n## ")[0]
    assert "认定或批准级别为国家级、省级。" in conditions
    assert "国家级或省级" not in conditions


def test_mfg_12b_names_the_sum_as_the_law_does() -> None:
    # law: 按照年度内进行技术引进及购入科研仪器、设备和软件购置等费用总和的20%给予补助
    text = page("mfg-12b")
    assert "按年度内技术引进及购入科研仪器、设备和软件购置等费用总和的20%给予补助" in text
    assert "之和" not in text.split("**原文**")[0]


@pytest.mark.parametrize(("measure", "law"), [("ind-15", "单台最高不超过2000元"),
                                             ("ind-16", "单台最高不超过1万元")])  # fmt: skip
def test_a_list_counted_in_tai_is_capped_per_tai_as_the_law_says(measure: str, law: str) -> None:
    # law (ind 15): 单台最高不超过2000元; (ind 16): 每台不超过1万元
    text = page(measure)
    assert law in text and "逐台计算，各台相加" in text and "2台（" in text
    assert "每项最高" not in text and "逐项" not in text


def test_a_count_takes_the_unit_it_declares_not_one_guessed_from_its_label() -> None:
    from kfpl.project.loader import compile_texts
    from kfpl.render import Renderer

    text = """政策 mfg
  标题 zh "某市措施" en "Measures"
  有效期 2020 至 2022
数据项 robots: count zh "机器人数量" en "robots" 单位 zh "台" en "robot"
数据项 robot_years: count zh "机器人使用年限" en "years in use"
措施 mfg-1
  条件 robots 3以上
  条件 robot_years 不低于 2
  奖励 1万
"""
    comp = compile_texts({"mfg.kfpl": text})
    assert comp.policy_set is not None
    measure = comp.policy_set.measures["mfg-1"]
    assert Renderer(comp.policy_set, "zh").requirements(measure) == [
        "机器人数量在3台以上。",
        "机器人使用年限在2以上。",  # no unit declared: none printed, none guessed
    ]


def test_the_explanation_counts_in_the_declared_unit(tmp_path: Path) -> None:
    app = json.loads((ROOT / "examples" / "application.json").read_text(encoding="utf-8"))
    app["history"] = []
    app["claims"] = [
        {"id": "1", "measure": "ind-15", "facts": {"nev_sold": [{"price": "10万"}, {"price": "3万"}]}},
        {"id": "2", "measure": "ind-20", "facts": {"qualified_designers": True,
         "designer_service_years": 3, "benefit_improved": True, "design_fees": "50万"}},
    ]  # fmt: skip
    path = tmp_path / "app.json"
    path.write_text(json.dumps(app, ensure_ascii=False), encoding="utf-8")
    out = CliRunner().invoke(main, ["eval", str(path), "--explain", "--lang", "zh"]).output
    assert "逐台计算市内生产且市内销售的新能源汽车（共2台）" in out, out
    assert "单台最高不超过2000元：由4000元核减为2000元" in out and "各台合计：3200元" in out
    assert "服务企业年限2年以上（实际3年）" in out


def test_counted_goals_and_terms_take_their_measure_words() -> None:
    # plan 一(二): 千亿级产业集群达到2个以上; ind 4: 补贴期限不超过1年
    targets = (ROOT / "docs" / "zh" / "targets.md").read_text(encoding="utf-8")
    assert "到2025年，达到2个以上" in targets and "达到2以上" not in targets
    assert "补贴期限不超过1年（按项目计）" in page("ind-4")


def test_a_count_tier_that_leaves_one_number_names_it_as_the_law_does() -> None:
    # ind 1: 获得以上一种认证的企业…30万元；获得以上两种认证的…40万元. The measure requires at
    # least one certification, so the tier `less than 2` is exactly one: 为1种, not 低于2种.
    root = Path(__file__).resolve().parent.parent
    zh = (root / "docs" / "zh" / "measures" / "ind-1.md").read_text(encoding="utf-8")
    en = (root / "docs" / "en" / "measures" / "ind-1.md").read_text(encoding="utf-8")
    assert "认证的种数为1种的，给予一次性奖励30万元" in zh and "低于2" not in zh
    assert "- exactly 1 — a one-time reward of CNY 300,000" in en


def test_a_claim_without_facts_of_its_own_goes_straight_to_its_outcome() -> None:
    # mfg-10f's example: the own award's claim shares every fact (project, level).
    root = Path(__file__).resolve().parent.parent
    zh = (root / "docs" / "zh" / "measures" / "mfg-10f.md").read_text(encoding="utf-8")
    en = (root / "docs" / "en" / "measures" / "mfg-10f.md").read_text(encoding="utf-8")
    assert "申报`b`（mfg-10f） → 0元" in zh and "： →" not in zh
    assert "claim `b` (mfg-10f) → CNY 0" in en and ":  →" not in en
