"""Error recovery: every syntax error of a file, and a broken file never hides the
problems of the others."""

from __future__ import annotations

from click.testing import CliRunner

from kfpl.cli.main import main
from kfpl.codes import PRELUDE
from kfpl.project.loader import compile_texts
from kfpl.syntax.parser import parse, parse_partial

MEASURE = """
measure mfg-{n}
  source mfg 2
  title zh "展会" en "Trade fairs"
  department 市工业和信息化局
  award {award}
"""


def test_every_broken_item_of_a_file_is_reported() -> None:
    text = (
        PRELUDE
        + MEASURE.format(n=1, award="30％ of booth_fees")
        + MEASURE.format(n=2, award="30% of booth_fees")
        + MEASURE.format(n=3, award="30% of booth_fees").replace("award", "awrd")
    )
    module, diags = parse_partial(text, "p.kfpl")
    assert [d.code for d in diags] == ["KF0002", "KF0005"]
    lines = text.splitlines()
    for diag, needle in zip(diags, ("％", "awrd"), strict=True):
        assert lines[diag.span.line - 1].index(needle) + 1 == diag.span.column
    # The good measure between them is still read.
    assert "mfg-2" in [getattr(item, "id", None) for item in module.items]
    assert parse(text)[0] is None  # the strict entry point still refuses the file


def test_a_syntax_error_in_one_file_does_not_hide_check_errors_in_another() -> None:
    good = PRELUDE + MEASURE.format(n=1, award="30% of unknown_fees")
    broken = "measure mfg-9\n  awrd 1万\n"
    comp = compile_texts({"a.kfpl": broken, "b.kfpl": good})
    found = {(d.span.file, d.code) for d in comp.diagnostics}
    assert ("a.kfpl", "KF0005") in found
    assert ("b.kfpl", "KF0201") in found  # unknown input, found although a.kfpl is broken
    assert not comp.ok


def test_check_command_reports_both_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.kfpl").write_text("measure mfg-9\n  awrd 1万\n", "utf-8")
    (tmp_path / "b.kfpl").write_text(PRELUDE + MEASURE.format(n=1, award="30% of nope"), "utf-8")
    result = CliRunner().invoke(main, ["check", "--format", "short", str(tmp_path)])
    assert result.exit_code == 1
    assert "a.kfpl:2:3: KF0005" in result.output
    assert "b.kfpl:" in result.output and "KF0201" in result.output
