"""The review charts: their numbers agree with the impact report, and the SVGs are
byte-identical from one build to the next."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("matplotlib", reason="the docs extra (matplotlib) is not installed")

from kfpl.diff.charts import Tables, chart_svgs, charts_markdown, impact_tables, table_rows
from kfpl.diff.review import load, review_site_files
from kfpl.project import config

ROOT = Path(__file__).resolve().parent.parent
PROJECT = config.load(ROOT)
assert PROJECT.revision is not None and PROJECT.population is not None
OLD, NEW, DATA = PROJECT.policies, PROJECT.revision, PROJECT.population


@pytest.fixture(scope="module")
def tables() -> Tables:
    return impact_tables(load(OLD), load(NEW), DATA, PROJECT.group_by)


@pytest.fixture(scope="module")
def impact() -> dict[str, object]:
    from kfpl.diff.impact import run_impact

    result: dict[str, object] = run_impact(
        load(OLD), load(NEW), DATA, [], False, group_by=PROJECT.group_by
    )
    return result


def test_chart_numbers_reconcile_with_the_impact_report(
    tables: Tables, impact: dict[str, object]
) -> None:
    by_measure = {m["measure"]: m for m in impact["by_measure"]}  # type: ignore[attr-defined]
    assert tables.measures, "the revision changes some measure's cost"
    for mid, _zh, _en, old, new in tables.measures:
        assert (f"{old:.2f}", f"{new:.2f}") == (by_measure[mid]["old"], by_measure[mid]["new"])
    changed = impact["enterprises_changed"]  # type: ignore[index]
    for rows in (tables.bands, tables.groups):
        assert sum(r[2] for r in rows) == changed["better"]
        assert sum(r[3] for r in rows) == changed["worse"]
        assert sum(r[2] + r[3] + r[4] for r in rows) == impact["enterprises"]
    totals = impact["totals"]  # type: ignore[index]
    assert sum((c[2] for c in tables.group_costs), Decimal(0)) == Decimal(totals["old"])
    assert sum((c[3] for c in tables.group_costs), Decimal(0)) == Decimal(totals["new"])
    # each group's cost is the impact report's, for the project's [impact] group_by
    by_group = {g["label"]["zh"]: g for g in impact["by_group"]}  # type: ignore[attr-defined]
    for zh, _en, old, new in tables.group_costs:
        if zh in by_group:
            assert (f"{old:.2f}", f"{new:.2f}") == (by_group[zh]["old"], by_group[zh]["new"])


def test_svgs_are_deterministic_and_labelled_in_each_language(tables: Tables) -> None:
    zh, again = chart_svgs(tables, "zh"), chart_svgs(tables, "zh")
    assert zh == again
    en = chart_svgs(tables, "en")
    for name, svg in zh.items():
        assert svg.startswith("<?xml") and "<svg" in svg, name
        assert "dc:date" not in svg  # no build date
        assert "WenQuanYi Zen Hei" in svg  # text kept as text, in the CJK font
    assert "修订前" in zh["cost"] and "受益企业" in zh["bands"]
    assert "before" in en["cost"] and "better off" in en["bands"]
    assert not any("万" in svg for svg in en.values())


def test_tables_beside_the_charts_read_in_the_page_language(tables: Tables) -> None:
    en = charts_markdown(tables, "en")
    assert "![Cost by measure, before and after](assets/review-cost.svg)" in en
    assert "万" not in en
    zh_rows = table_rows(tables, "zh")
    assert zh_rows["cost"]["head"] == ["措施", "修订前", "修订后", "变化"]
    assert all(row[1].endswith("元") for row in zh_rows["cost"]["rows"])


def test_the_built_review_pages_and_charts_are_committed() -> None:
    for rel, text in review_site_files(PROJECT).items():
        path = ROOT / "docs" / rel
        assert path.read_text(encoding="utf-8") == text, f"docs/{rel} is stale: run `kfpl build`"


TINY = """policy tiny
  title zh "小样例" en "Tiny"
  effective 2021 to 2022

enum trade zh "行业" en "trade"
  value textiles zh "纺织" en "textiles"
  value shoes zh "制鞋" en "shoes"

agency 某局 en "a bureau"

input sector: trade from enterprise
  zh "所属行业" en "sector"
input sales: money zh "销售额" en "sales"

measure tiny-1
  source tiny 1
  title zh "销售奖励" en "Sales award"
  department 某局
  award {rate} of sales
  cap 10万
"""

PEOPLE = [
    ("A", "textiles", "100万"),
    ("B", "textiles", "50万"),
    ("C", "shoes", "300万"),
    ("D", None, "10万"),
]


def tiny_version(folder: Path, rate: str) -> Path:
    folder.mkdir()
    (folder / "tiny.kfpl").write_text(TINY.replace("{rate}", rate), encoding="utf-8")
    segments = [{"id": "标题", "text": "小样例"}, {"id": "1", "text": "1. 按销售额给予奖励。"}]
    (folder / "sources").mkdir()
    (folder / "sources" / "tiny.json").write_text(
        json.dumps({"doc": "tiny", "title": "小样例", "segments": segments}, ensure_ascii=False),
        encoding="utf-8",
    )
    return folder


def test_groups_follow_the_projects_group_by_field(tmp_path: Path) -> None:
    # A project whose grouping field is `sector`: no `size` or `chain` anywhere.
    old = load(tiny_version(tmp_path / "old", "5%"))
    new = load(tiny_version(tmp_path / "new", "2%"))
    data = tmp_path / "people.jsonl"
    lines = []
    for eid, sector, sales in PEOPLE:
        enterprise = {"id": eid} | ({"sector": sector} if sector else {})
        claim = {"measure": "tiny-1", "facts": {"sales": sales}}
        lines.append(json.dumps({"year": 2021, "enterprise": enterprise, "claims": [claim]}))
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")

    tables = impact_tables(old, new, data, "sector")
    assert tables.group == ("所属行业", "sector")
    # 5% → 2%: A 5万 → 2万, B 2.5万 → 1万, C 10万 (capped) → 6万, D 0.5万 → 0.2万
    assert [(z, e, b, x, s) for z, e, b, x, s in tables.groups] == [
        ("纺织", "textiles", 0, 2, 0),
        ("制鞋", "shoes", 0, 1, 0),
        ("未填写", "not given", 0, 1, 0),
    ]
    costs = {e: (a, b) for _z, e, a, b in tables.group_costs}
    assert costs == {
        "textiles": (Decimal("75000"), Decimal("30000")),
        "shoes": (Decimal("100000"), Decimal("60000")),
        "not given": (Decimal("5000"), Decimal("2000")),
    }
    en = table_rows(tables, "en")
    assert en["groups"]["title"] == "Better and worse off, by sector"
    assert en["group-cost"]["head"][0] == "sector"
    svgs = chart_svgs(tables, "zh")
    assert set(svgs) == {"cost", "bands", "group-cost", "groups"}
    assert "支出变化：按所属行业" in svgs["group-cost"]

    # without a group_by there are no group charts (and nothing is guessed)
    plain = impact_tables(old, new, data)
    assert plain.group is None and not plain.groups
    assert set(chart_svgs(plain, "en")) == {"cost", "bands"}
