"""The review charts: their numbers agree with the impact report, and the SVGs are
byte-identical from one build to the next."""

from __future__ import annotations

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
    return impact_tables(load(OLD), load(NEW), DATA)


@pytest.fixture(scope="module")
def impact() -> dict[str, object]:
    from kfpl.diff.impact import run_impact

    result: dict[str, object] = run_impact(load(OLD), load(NEW), DATA, [], False)
    return result


def test_chart_numbers_reconcile_with_the_impact_report(
    tables: Tables, impact: dict[str, object]
) -> None:
    by_measure = {m["measure"]: m for m in impact["by_measure"]}  # type: ignore[attr-defined]
    assert tables.measures, "the revision changes some measure's cost"
    for mid, _zh, _en, old, new in tables.measures:
        assert (f"{old:.2f}", f"{new:.2f}") == (by_measure[mid]["old"], by_measure[mid]["new"])
    changed = impact["enterprises_changed"]  # type: ignore[index]
    for rows in (tables.bands, tables.sizes):
        assert sum(r[2] for r in rows) == changed["better"]
        assert sum(r[3] for r in rows) == changed["worse"]
        assert sum(r[2] + r[3] + r[4] for r in rows) == impact["enterprises"]
    totals = impact["totals"]  # type: ignore[index]
    assert sum((c[2] for c in tables.chains), Decimal(0)) == Decimal(totals["old"])
    assert sum((c[3] for c in tables.chains), Decimal(0)) == Decimal(totals["new"])


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
