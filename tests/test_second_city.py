"""A second city's policy, as a project of its own (fixtures/wenzhou): its own documents,
agencies and declarations; it checks, its worked examples pass, its pages render from
its own source text, and the diff of its draft and final versions holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from kfpl.cli.main import main

HERE = Path(__file__).parent / "fixtures" / "wenzhou"
FINAL, DRAFT = HERE / "final", HERE / "draft"


def kfpl(*args: str | Path) -> tuple[int, str]:
    command = [str(a) for a in args]
    result = CliRunner().invoke(main, [*command, "--lang", "en"], catch_exceptions=False)
    return result.exit_code, result.output


def test_both_versions_check_against_their_own_documents() -> None:
    for folder in (FINAL, DRAFT):
        code, out = kfpl("check", folder)
        assert code == 0, out
        assert "no problems" in out


def test_a_clause_the_document_does_not_have_is_reported(tmp_path: Path) -> None:
    copy = tmp_path / "final"
    shutil.copytree(FINAL, copy)
    path = copy / "wzgy.kfpl"
    path.write_text(
        path.read_text(encoding="utf-8").replace("source wzgy 8\n", "source wzgy 7\n"),
        encoding="utf-8",
    )
    code, out = kfpl("check", copy)
    assert code == 1
    assert "wzgy" in out and "7" in out


def test_worked_examples_pass() -> None:
    for folder, count in ((FINAL, 32), (DRAFT, 26)):
        code, out = kfpl("test", folder)
        assert code == 0, out
        assert out.strip().splitlines()[-1] == f"{count} passed, 0 failed"


def test_one_rate_per_equipment_project() -> None:
    """Exactly 500万 in the three major fields meets both rows: only the 15% is paid."""
    code, out = kfpl("eval", FINAL / "application.json", "--policies", FINAL, "--format", "json")
    assert code == 0, out
    result = json.loads(out)
    status = {m["id"]: (m["status"], m["amount"]) for m in result["measures"]}
    assert status["c1"] == ("awarded", "750000.00")
    assert status["c2"][0] == "superseded"
    assert status["c3"] == ("awarded", "600000.00")  # 20% of 200万 + 100万
    assert status["c4"] == ("awarded", "500000.00")
    assert result["total"] == "1850000.00"


def test_pages_render_from_the_projects_own_source_text(tmp_path: Path) -> None:
    code, out = kfpl("build", FINAL, "--out", tmp_path / "gen", "--docs", tmp_path / "docs")
    assert code == 0, out
    zh = (tmp_path / "docs" / "zh" / "measures" / "wzgy-9b.md").read_text(encoding="utf-8")
    en = (tmp_path / "docs" / "en" / "measures" / "wzgy-9b.md").read_text(encoding="utf-8")
    clause = json.loads((FINAL / "sources" / "wzgy.json").read_text(encoding="utf-8"))
    nine = next(s["text"] for s in clause["segments"] if s["id"] == "9")
    assert nine in zh
    assert "机器换人：200万元至500万元设备投资" in zh
    assert "Machines replacing labour: 200万 to 500万" in en
    for page in (tmp_path / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert "开封" not in text and "Kaifeng" not in text, page


def test_the_draft_cites_the_same_document() -> None:
    assert (DRAFT / "sources" / "wzgy.json").read_bytes() == (
        FINAL / "sources" / "wzgy.json"
    ).read_bytes()


def diff_json(*extra: str) -> dict[str, Any]:
    code, out = kfpl("diff", DRAFT, FINAL, "--format", "json", *extra)
    assert code == 0, out
    doc: dict[str, Any] = json.loads(out)
    return doc


def test_draft_to_final_with_behaviour_reports_each_widening_more_generous() -> None:
    doc = diff_json()
    widenings = {
        (ch["check"], ch["item"], ch["direction"])
        for ch in doc["changes"]
        if ch["check"] in ("KD101", "KD113", "KD116")
    }
    assert widenings == {
        ("KD116", "wzgy-1b", "more_generous"),
        ("KD116", "wzgy-1d", "more_generous"),
        ("KD113", "wzgy-9d", "more_generous"),
        ("KD101", "wzgy-9c", "more_generous"),
        ("KD101", "wzgy-9e", "more_generous"),
    }
    assert doc["summary"]["directions"]["less_generous"] == 0
    verdicts = {m["measure"]: m["verdict"] for m in doc["behaviour"]["measures"]}
    assert verdicts["wzgy-1b"] == verdicts["wzgy-1d"] == verdicts["wzgy-9d"] == "more_generous"
    left = {(r["side"], r["kind"], r["name"], r["value"]) for r in doc["behaviour"]["left_out"]}
    assert {
        ("old", "field", "in_sme_park", ""),
        ("old", "field", "tech_sme", ""),
        ("old", "value", "first_set_level", "in_city"),
        ("old", "value", "award_won", "provincial_third"),
    } <= left


def test_neither_version_has_a_period_and_the_report_says_so() -> None:
    code, out = kfpl("diff", DRAFT, FINAL, "--lang", "en")
    assert code == 0
    assert "neither version declares an effective period (both in force every year)" in out


def test_impact_of_draft_to_final_on_a_small_population() -> None:
    doc = diff_json("--impact", str(HERE / "population-final.jsonl"))
    im = doc["impact"]
    assert im["reconciliation"]["ok"]
    assert im["totals"] == {"old": "500000.00", "new": "1135000.00", "delta": "635000.00"}
    # B's green project is paid 12% instead of 10% (one rate per project, a stacking
    # decision): that is not the yearly total limit, which this policy does not have.
    assert im["yearly_limit_binds"] == {"old": 0, "new": 0}
    assert {(r["name"], r["count"]) for r in im["left_out"]} == {
        ("in_sme_park", 2),
        ("tech_sme", 2),
        ("laser_technology", 1),
        ("first_set_level", 1),
    }
