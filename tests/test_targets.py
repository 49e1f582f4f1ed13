"""`kfpl targets`: the plan's targets judged against reported actuals, as the text words them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from kfpl.targets import targets_command

POLICIES = str(Path(__file__).resolve().parent.parent / "policies")


def run(tmp_path: Path, actuals: Any, *args: str) -> Result:
    path = tmp_path / "actuals.json"
    text = actuals if isinstance(actuals, str) else json.dumps(actuals, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return CliRunner().invoke(targets_command, [str(path), "--policies", POLICIES, *args])


def report(tmp_path: Path, actuals: dict[str, Any]) -> dict[str, Any]:
    result = run(tmp_path, actuals, "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def status(tmp_path: Path, target: str, by_year: dict[str, Any]) -> str:
    data = report(tmp_path, {target: by_year})
    found = next(t for t in data["targets"] if t["id"] == target)
    return str(found["status"])


# --------------------------------------------------------------------------- comparators


@pytest.mark.parametrize(
    ("actual", "expected"),
    [("36%", "met"), ("35%", "met"), ("0.3325", "met"), ("33.24%", "not_met"), ("30%", "not_met")],
)
def test_about_35_percent_allows_five_percent_of_the_goal_below(
    tmp_path: Path, actual: str, expected: str
) -> None:
    # 制造业增加值占地区生产总值比重35%左右 (到2022年)
    assert status(tmp_path, "plan-mva-share", {"2022": actual}) == expected


@pytest.mark.parametrize(("actual", "expected"), [("1%", "met"), ("0.0099", "not_met")])
def test_at_least_1_percent_includes_one_percent(
    tmp_path: Path, actual: str, expected: str
) -> None:
    # 研发经费支出占营业收入比重达到1%以上: 以上 includes the number
    assert status(tmp_path, "plan-rd-intensity", {"2022": actual}) == expected


@pytest.mark.parametrize(
    ("actual", "expected"), [("5000亿", "not_met"), ("500000000001", "met"), ("5200亿元", "met")]
)
def test_more_than_5000_yi_excludes_5000_yi(tmp_path: Path, actual: str, expected: str) -> None:
    # 8大重点产业集群总量超过五千亿规模: 超过 excludes the number
    assert status(tmp_path, "plan-key-clusters-total", {"2025": actual}) == expected


@pytest.mark.parametrize(
    ("actual", "expected"), [(7, "not_met"), (8, "met"), (10, "met"), (12, "met")]
)
def test_8_to_10_is_met_from_8(tmp_path: Path, actual: int, expected: str) -> None:
    # 力争培育8—10个百亿企业
    assert status(tmp_path, "plan-10-billion-enterprises", {"2025": actual}) == expected


def test_above_the_range_is_shown(tmp_path: Path) -> None:
    result = run(tmp_path, {"plan-10-billion-enterprises": {"2025": 12}}, "--lang", "en")
    assert "actual 12 → met (above the range)" in result.output


# --------------------------------------------------------------------------- years


def test_a_yearly_goal_is_an_average_over_the_years(tmp_path: Path) -> None:
    # 技改投资年均增长20%以上: (25% + 15%) / 2 = 20% is met although 2021 alone falls short
    growth = "plan-tech-reform-investment-growth"
    assert status(tmp_path, growth, {"2020": "25%", "2021": "15%"}) == "met"
    assert status(tmp_path, growth, {"2020": "21%", "2021": "18.9%"}) == "not_met"  # 19.95%
    # three years: 20% + 20% + 19.99% averages 19.9966…%, decided exactly (not rounded up)
    assert status(tmp_path, growth, {"2020": "20%", "2021": "20%", "2022": "19.99%"}) == "not_met"


def test_a_yearly_average_is_shown_with_the_years_it_covers(tmp_path: Path) -> None:
    # 单位工业增加值能耗年均下降5%: 6% and 4% average 5%
    figures = {"plan-energy-intensity-decline": {"2021": "6%", "2022": "4%"}}
    en = run(tmp_path, figures, "--lang", "en").output
    assert "2021 6%, 2022 4%: average over 2 years 5% → met" in en
    zh = run(tmp_path, figures).output
    assert "年均" in zh and "2年平均5%" in zh
    data = report(tmp_path, figures)
    energy = next(t for t in data["targets"] if t["id"] == "plan-energy-intensity-decline")
    assert energy["goals"][0]["average"] == "0.05" and energy["status"] == "met"


def test_a_goal_for_every_single_year_is_judged_year_by_year(tmp_path: Path) -> None:
    # 每年培育8—10个智能工厂(车间): 12 in 2021 does not make up for 7 in 2022
    smart = "plan-smart-factories"
    assert status(tmp_path, smart, {"2021": 12, "2022": 7}) == "not_met"
    assert (
        status(tmp_path, smart, dict.fromkeys(("2021", "2022", "2023", "2024", "2025"), 8)) == "met"
    )


def test_a_deadline_goal_reads_its_own_year(tmp_path: Path) -> None:
    # 到2022年、2025年，全市上云企业分别达到2200家、3000家
    data = report(tmp_path, {"plan-cloud-enterprises": {"2022": 2200}})
    cloud = next(t for t in data["targets"] if t["id"] == "plan-cloud-enterprises")
    assert [g["status"] for g in cloud["goals"]] == ["met", "no_data"]
    assert cloud["status"] == "no_data"  # 2025 not yet reported
    assert status(tmp_path, "plan-cloud-enterprises", {"2022": 2300, "2025": 2999}) == "not_met"
    assert status(tmp_path, "plan-cloud-enterprises", {"2022": 2300, "2025": 3000}) == "met"


def test_an_earlier_year_is_shown_but_does_not_decide_a_later_deadline(tmp_path: Path) -> None:
    result = run(tmp_path, {"plan-rd-intensity": {"2021": "0.8%"}}, "--lang", "en")
    assert result.exit_code == 0
    assert "no data (latest: 2021, 0.8%)" in result.output


def test_within_3_to_5_years_is_read_five_years_after_the_plan(tmp_path: Path) -> None:
    # 力争通过3至5年建成1家省级及以上制造业创新中心 (the plan is of 2020)
    assert status(tmp_path, "plan-innovation-centres", {"2025": 1}) == "met"
    assert status(tmp_path, "plan-innovation-centres", {"2025": 0}) == "not_met"
    assert status(tmp_path, "plan-innovation-centres", {"2024": 0}) == "no_data"


def test_no_figures_means_no_data_for_every_target(tmp_path: Path) -> None:
    data = report(tmp_path, {})
    assert {t["status"] for t in data["targets"]} == {"no_data"}
    assert data["summary"] == {"met": 0, "not_met": 0, "no_data": len(data["targets"])}


# --------------------------------------------------------------------------- output


def test_every_plan_target_is_reported_with_owner_and_clause(tmp_path: Path) -> None:
    data = report(tmp_path, {})
    ids = {t["id"] for t in data["targets"]}
    assert {"plan-mva-share", "plan-rd-intensity", "plan-energy-intensity-decline",
            "plan-green-factories", "plan-cloud-enterprises", "plan-tech-smes"} <= ids  # fmt: skip
    for target in data["targets"]:
        assert target["owners"], target["id"]
        assert target["source"]["doc"] == "plan"
        assert target["title"]["zh"] and target["title"]["en"]


def test_text_report_in_chinese_and_english(tmp_path: Path) -> None:
    actuals = {"plan-mva-share": {"2022": "36%"}, "plan-rd-intensity": {"2022": "0.9%"}}
    zh = run(tmp_path, actuals)
    assert zh.exit_code == 0
    assert "到2022年35%左右：2022年实际36% → 达成" in zh.output
    assert "到2022年1%以上：2022年实际0.9% → 未达成" in zh.output
    assert "达成1，未达成1" in zh.output
    en = run(tmp_path, actuals, "--lang", "en")
    assert "by 2022 about 35%: 2022: actual 36% → met" in en.output
    assert "by 2022 at least 1%: 2022: actual 0.9% → not met" in en.output


def test_aspirations_are_marked(tmp_path: Path) -> None:
    data = report(tmp_path, {})
    marked = {t["id"] for t in data["targets"] if t["aspiration"]}
    assert "plan-key-clusters-total" in marked  # 力争实现……超过五千亿
    assert "plan-mva-share" not in marked


def test_json_numbers_are_exact(tmp_path: Path) -> None:
    # 0.3325 as a JSON number must not become 0.33249999…
    assert status(tmp_path, "plan-mva-share", {"2022": 0.3325}) == "met"


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("actuals", "message"),
    [
        ('{"plan-mva-shar": {"2022": 1}}', "plan-mva-shar: no such target; did you mean `plan-mva-share`?"),
        ('{"plan-mva-share": {"22": 1}}', "plan-mva-share.22: `22` is not a year"),
        ('{"plan-mva-share": {"2022": "lots"}}', "plan-mva-share.2022: `lots` is not a number"),
        ('{"plan-mva-share": {"2022": true}}', "plan-mva-share.2022: expected a number"),
        ('{"plan-mva-share": 0.36}', "plan-mva-share: expected an object of years"),
        ('{"plan-mva-share": ', "not valid JSON"),
        ("[1, 2]", "the top level must be an object"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_naming_the_field(tmp_path: Path, actuals: str, message: str) -> None:
    result = run(tmp_path, actuals, "--lang", "en")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_bad_input_is_named_in_chinese(tmp_path: Path) -> None:
    result = run(tmp_path, '{"plan-mva-shar": {"2022": 1}}', "--lang", "zh")
    assert result.exit_code == 2
    assert "plan-mva-shar：没有这个目标；是否应为 `plan-mva-share`？" in result.output


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        targets_command, [str(tmp_path / "nope.json"), "--policies", POLICIES]
    )
    assert result.exit_code == 2
    assert "nope.json" in result.output


def test_help_documents_the_actuals_format() -> None:
    result = CliRunner().invoke(targets_command, ["--help"])
    assert result.exit_code == 0
    assert '"plan-mva-share": {"2022": "36%"}' in result.output
    assert "Exit codes" in result.output
