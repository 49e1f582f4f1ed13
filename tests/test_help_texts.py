"""Help a drafter follows must lead somewhere: the files CLI help points at exist, and a
syntax error where a date belongs shows both ways a date may be written."""

from __future__ import annotations

import re
from pathlib import Path

import click
from click.testing import CliRunner

from kfpl.cli.main import main
from kfpl.project.loader import compile_texts

ROOT = Path(__file__).resolve().parent.parent


def test_every_file_the_cli_help_names_exists() -> None:
    assert isinstance(main, click.Group)
    named = set()
    for name in main.commands:
        out = CliRunner().invoke(main, [name, "--help", "--lang", "en"]).output
        named |= set(re.findall(r"\bdocs/[\w/.-]+\.md\b", out))
    assert "docs/zh/guide/editors.md" in named  # `kfpl lsp` points at the editor guide
    assert all((ROOT / path).is_file() for path in named), sorted(named)


def _help(text: str) -> tuple[str, str]:
    comp = compile_texts({"mfg.kfpl": text})
    (diag,) = comp.diagnostics
    assert diag.help is not None
    return diag.help.zh, diag.help.en


def test_a_bad_date_is_told_both_ways_to_write_one() -> None:
    zh, en = _help('policy mfg\n  title zh "测" en "T"\n  issued soon\n')
    assert en == "expected a date such as 2024-01-15 (or `2024年1月15日`)"
    assert zh == "此处应为 日期（如 2024年1月15日、2024-01-15）"
    zh, en = _help('policy mfg\n  title zh "测" en "T"\n  effective soon to 2022\n')
    assert "zh_date" not in en and "zh_year" not in en
    assert "a year such as 2024 (or `2024年`)" in en and "年份（如 2024年、2024）" in zh
