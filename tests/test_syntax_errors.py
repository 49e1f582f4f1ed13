"""Broken policy files give rustc-style messages at the right place, exit 1, no traceback.

Each file in tests/broken/ starts with `# expect: CODE LINE:COL` lines: exactly those
errors must be reported, at those places, by `kfpl check`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfpl.cli.main import main
from kfpl.codes import CODES
from kfpl.diagnostics import display_width
from kfpl.project.loader import compile_texts

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.kfpl"))
EXPECT = re.compile(r"^# expect: (KF\d{4}) (\d+):(\d+)$", re.M)


def expectations(path: Path) -> list[tuple[str, int, int]]:
    return [(c, int(line), int(col)) for c, line, col in EXPECT.findall(path.read_text("utf-8"))]


def test_there_are_several_broken_files() -> None:
    assert len(BROKEN) >= 8
    assert all(expectations(path) for path in BROKEN)


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_check_reports_exactly_the_expected_errors(path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--format", "short", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    found = re.findall(r":(\d+):(\d+): (KF\d{4}) ", result.output)
    assert sorted((c, int(line), int(col)) for line, col, c in found) == sorted(expectations(path))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_rustc_style_message_points_at_the_column(path: Path, lang: str) -> None:
    result = CliRunner().invoke(main, ["check", str(path), "--lang", lang])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    out = result.output
    lines = path.read_text("utf-8").splitlines()
    error, help = ("错误", "= 帮助：") if lang == "zh" else ("error", "= help: ")
    for code, line, col in expectations(path):
        assert f"{error}[{code}]" in out
        assert f"--> {path}:{line}:{col}" in out
        assert code in CODES
        # The source line is quoted under a numbered gutter, the caret under the column.
        source = lines[line - 1]
        quoted = f"{line} | {source}".rstrip()
        assert quoted in out
        rows = out.splitlines()
        at = rows.index(quoted)
        caret_row = rows[at + 1]
        bar = caret_row.index("|")
        pad = display_width(source[: col - 1])
        assert caret_row[bar + 2 + pad] in "^-", caret_row
    assert help in out


def test_short_format_is_one_line_per_error() -> None:
    path = next(p for p in BROKEN if p.stem == "tier_overlap")
    result = CliRunner().invoke(main, ["check", "--format", "short", str(path)])
    first = result.output.splitlines()[0]
    assert re.fullmatch(rf"{re.escape(str(path))}:19:5: KF0501 .*matches both", first)


# --------------------------------------------------------------------------- messages

HEAD = 'policy mfg\n  title zh "制造业" en "Manufacturing"\n'


def first(text: str) -> tuple[str, int, int, str, str]:
    comp = compile_texts({"p.kfpl": HEAD + text})
    diag = comp.diagnostics[0]
    return diag.code, diag.span.line, diag.span.column, diag.message.en, diag.help.en


def test_full_width_colon_names_the_ascii_character() -> None:
    code, line, col, message, help = first("input fees：money")
    assert (code, line, col) == ("KF0002", 3, 11)
    assert "`：`" in message and "`:`" in help


def test_full_width_percent() -> None:
    code, _, col, _, help = first("measure mfg-1\n  award 30％ of fees")
    assert (code, col) == ("KF0002", 11)
    assert "`%`" in help


def test_full_width_parentheses_and_space() -> None:
    assert first("measure mfg-1\n  requires （a）")[0] == "KF0002"
    code, _, _, message, _ = first("measure mfg-1\u3000award 1万")
    assert code == "KF0002" and "full-width space" in message


def test_misspelled_keyword_suggests_the_keyword() -> None:
    code, line, col, message, help = first("measure mfg-1\n  award 1万\n  cap 30万 per yaer")
    # The keyword is the two words `per year`: the fix names both.
    assert (code, line, col) == ("KF0005", 5, 11)
    assert "`per yaer`" in message and help == "write `per year`"


def test_misspelled_two_word_keyword() -> None:
    code, _, _, message, help = first("measure mfg-1\n  award tiers on x\n    at lest 1万 -> 1万\n")
    assert code == "KF0005" and "`at lest`" in message and "`at least`" in help


def test_number_and_unit_written_apart() -> None:
    code, _, col, _, help = first("measure mfg-1\n  award 30 % of fees")
    assert (code, col) == ("KF0008", 12)
    assert "`30%`" in help
    assert "`30%`" in first("measure mfg-1\n  award 30 percent of fees")[4]
    assert "`1.5亿`" in first("measure mfg-1\n  award 1.5 亿")[4]


def test_chinese_threshold_word_after_the_number() -> None:
    code, _, col, message, help = first("measure mfg-1\n  requires x 30万及以下\n")
    assert (code, col) == ("KF0010", 17)
    assert "以下" in message and "`at most 30万`" in help


def test_chinese_threshold_word_before_the_number() -> None:
    code, _, _, _, help = first("measure mfg-1\n  requires x 高于 30万\n")
    assert code == "KF0010" and "`more than`" in help


def test_invisible_character() -> None:
    code, _, col, message, _ = first("measure mfg-1\n  award\u00a01万")
    assert (code, col) == ("KF0011", 8)
    assert "no-break space" in message


def test_unterminated_string_and_run_on_string() -> None:
    code, line, col, _, _ = first('measure mfg-1\n  title zh "开封')
    assert (code, line, col) == ("KF0003", 4, 12)
    code, _, col, message, help = first('measure mfg-1\n  title zh "开封 en "Kaifeng"')
    assert (code, col) == ("KF0003", 12)
    assert "before the next language" in message and '`"开封"`' in help


def test_file_ending_mid_clause_points_after_the_last_character() -> None:
    code, line, col, _, help = first("measure mfg-1\n  award 30% of")
    assert (code, line, col) == ("KF0004", 4, 15)
    assert "a name" in help


def test_bad_date_is_a_literal_error() -> None:
    code, line, col, message, _ = first("  issued 2020-02-30\n")
    assert (code, line, col) == ("KF0007", 3, 10)
    assert "2020-02-30" in message


def test_invalid_id() -> None:
    assert first("measure 2a\n  award 1万")[0] == "KF0006"


def test_expected_list_folds_item_keywords() -> None:
    *_, help = first("measure mfg-1\n  award 1万 +")
    assert "a new item" in help and "`chain`" not in help


def test_control_characters_are_named_not_printed() -> None:
    comp = compile_texts({"p.kfpl": HEAD + "measure mfg-1\x00"})
    assert comp.diagnostics[0].message.en == "a control character (U+0000) in the policy text"
    # also inside a string, where it used to pass and then break the generated module
    comp = compile_texts({"p.kfpl": HEAD.replace('zh "', 'zh "\x07', 1)})
    assert [(d.code, d.span.line) for d in comp.diagnostics] == [("KF0011", 2)]


@pytest.mark.parametrize("depth", [65, 300, 3000])
def test_deep_nesting_is_a_diagnostic(depth: int) -> None:
    code, line, _, _, help = first("measure mfg-1\n  requires " + "(" * depth + "x" + ")" * depth)
    assert (code, line) == ("KF0009", 4)
    assert "requires" in help


def test_long_not_chain_is_a_diagnostic_not_a_crash() -> None:
    comp = compile_texts({"p.kfpl": HEAD + "measure mfg-1\n  requires " + "not " * 3000 + "x"})
    assert [d.code for d in comp.diagnostics] == ["KF0009"]


def test_huge_numbers_are_exact_or_reported() -> None:
    digits = "9" * 2000
    comp = compile_texts({"p.kfpl": HEAD + f"measure mfg-1\n  award {digits}亿"})
    assert all(d.code != "KF0000" for d in comp.diagnostics)
