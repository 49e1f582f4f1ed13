"""Diagnostics for machines and terminals: JSON, SARIF 2.1.0 (schema-validated), colour
on a terminal (NO_COLOR honoured), `kfpl explain`, legible invisible characters, and the
lost 万 in a condition."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from kfpl.cli.main import main, use_colour
from kfpl.codes import PRELUDE
from kfpl.diagnostics import render
from kfpl.project.loader import compile_texts

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "broken"
SCHEMA = json.loads(
    (ROOT / "tests" / "fixtures" / "sarif" / "sarif-2.1.0-subset.schema.json").read_text("utf-8")
)
EXPECT = re.compile(r"^# expect: (KF\d{4}) (\d+):(\d+)$", re.M)


def expected(path: Path) -> list[tuple[str, int, int]]:
    return sorted((c, int(a), int(b)) for c, a, b in EXPECT.findall(path.read_text("utf-8")))


def test_json_lists_every_diagnostic_with_its_place() -> None:
    path = BROKEN / "many_errors.kfpl"
    result = CliRunner().invoke(main, ["check", "--format", "json", str(path)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["diagnostics_version"] == 1
    found = sorted((d["code"], d["line"], d["column"]) for d in data["diagnostics"])
    assert found == expected(path)
    assert data["errors"] == sum(1 for d in data["diagnostics"] if d["severity"] == "error")
    assert all(d["file"] == str(path) and d["help"] for d in data["diagnostics"])


def test_json_of_a_clean_set_is_empty_and_exits_0() -> None:
    result = CliRunner().invoke(main, ["check", "--format", "json", str(ROOT / "policies")])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["diagnostics"] == []


@pytest.mark.parametrize("name", ["many_errors", "tier_overlap", "fullwidth_comma"])
def test_sarif_is_valid_sarif_2_1_0(name: str) -> None:
    path = BROKEN / f"{name}.kfpl"
    result = CliRunner().invoke(main, ["check", "--format", "sarif", str(path)])
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    jsonschema.validate(log, SCHEMA)
    run = log["runs"][0]
    assert log["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "kfpl"
    rules = run["tool"]["driver"]["rules"]
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        region = res["locations"][0]["physicalLocation"]["region"]
        assert (
            region["endColumn"] > region["startColumn"] or region["endLine"] > region["startLine"]
        )
    found = sorted(
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
        )
        for r in run["results"]
    )
    assert found == expected(path)


def test_schema_rejects_a_broken_log() -> None:
    # The schema copy is strict enough to catch a misplaced property.
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "2.1.0", "runs": [], "extra": 1}, SCHEMA)


# --------------------------------------------------------------------------- terminals


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(_Tty()) and not use_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(_Tty())


def test_coloured_render_keeps_the_text() -> None:
    comp = compile_texts({"p.kfpl": PRELUDE + "measure mfg-1\n  awrd 1万\n"})
    diag = comp.diagnostics[0]
    plain, coloured = render(diag, comp.sources), render(diag, comp.sources, colour=True)
    assert "\x1b[" in coloured and "\x1b[" not in plain
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    # Under the test runner stderr is not a terminal: no escape codes.
    result = CliRunner().invoke(main, ["check", str(BROKEN / "misspelled_keyword.kfpl")])
    assert "\x1b[" not in result.output


def test_an_ideographic_space_is_shown_in_the_source_line() -> None:
    comp = compile_texts({"p.kfpl": PRELUDE + "measure mfg-1\n  award\u30001万\n"})
    diag = comp.diagnostics[0]
    assert diag.code == "KF0002"
    text = render(diag, comp.sources)
    source_row = next(r for r in text.splitlines() if "award" in r)
    assert "award<U+3000>1万" in source_row
    caret_row = text.splitlines()[text.splitlines().index(source_row) + 1]
    start = source_row.index("<U+3000>")
    assert caret_row[start : start + len("<U+3000>")] == "^" * len("<U+3000>")


def test_explain_prints_the_page_of_a_code() -> None:
    result = CliRunner().invoke(main, ["explain", "KF0203", "--lang", "en"])
    assert result.exit_code == 0
    assert result.output.startswith("KF0203 (error): ")
    assert "Fix: " in result.output and "given mfg-2x paid" in result.output
    zh = CliRunner().invoke(main, ["explain", "kf0203", "--lang", "zh"])
    assert zh.exit_code == 0 and "错误示例" in zh.output
    wrong = CliRunner().invoke(main, ["explain", "KF0230"])
    assert wrong.exit_code == 2 and "KF0203" in wrong.output


def test_a_lost_wan_in_a_condition_is_flagged() -> None:
    text = PRELUDE + (
        'measure mfg-1\n  source mfg 2\n  title zh "展会" en "Trade fairs"\n'
        "  department 市工业和信息化局\n  requires booth_fees at least 2000\n"
        "  award 30% of booth_fees\n"
    )
    found = [d for d in compile_texts({"p.kfpl": text}).diagnostics if d.code == "KF0406"]
    assert len(found) == 1 and "`2000万`" in found[0].help.en
    assert found[0].span.line == text[: text.index("2000")].count("\n") + 1
    fixed = text.replace("at least 2000", "at least 2000万")
    assert not [d for d in compile_texts({"p.kfpl": fixed}).diagnostics if d.code == "KF0406"]
