"""Text tables line up by display width: a Chinese character takes two columns."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kfpl.diagnostics import display_width
from kfpl.diff.command import diff_command
from kfpl.diff.report import TEXT_WIDTH
from kfpl.textwidth import clip, ljust, rjust

ROOT = Path(__file__).resolve().parent.parent


def test_cjk_takes_two_columns() -> None:
    assert display_width("单个企业") == 8
    assert display_width("mfg-3") == 5
    assert display_width("e\u0301") == 1  # a combining accent takes no column
    assert display_width("\x1b[31m红\x1b[0m") == 2  # colour codes take none


def test_padding_and_clipping_count_columns() -> None:
    assert ljust("上限", 6) == "上限  "
    assert rjust("30万元", 8) == "  30万元"
    assert display_width(clip("单个企业每年最高不超过30万元", 9)) <= 9
    assert clip("短", 9) == "短"


def test_diff_report_columns_line_up_in_chinese() -> None:
    """In `kfpl diff --lang zh`, the severity column of an item's changes starts at the
    same terminal column on every line, whatever mix of Chinese and ASCII precedes it."""
    args = [str(ROOT / "policies"), str(ROOT / "examples" / "revision-2023"), "--lang", "zh",
            "--no-behaviour"]  # fmt: skip
    out = CliRunner().invoke(diff_command, args, catch_exceptions=False).output
    groups = [g for g in out.split("\n\n") if g.count("\n    KD") >= 2]
    assert groups, out
    for group in groups:
        rows = [line for line in group.splitlines() if line.startswith("    KD")]
        columns = {display_width(row[: row.rindex("   [")]) for row in rows}
        # a change longer than the column runs past it; every other tag lines up
        assert len({c for c in columns if c <= 4 + 5 + 2 + TEXT_WIDTH}) == 1, group
