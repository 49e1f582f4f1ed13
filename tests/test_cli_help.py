"""The command-line help follows the language as every other output does: Chinese for a
Chinese project (or `--lang zh`), English otherwise; no command or option is left
without its Chinese text."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kfpl.cli.help_zh import COMMANDS, OPTIONS
from kfpl.cli.main import main

HAN = re.compile(r"[\u4e00-\u9fff]")


def commands() -> dict[str, click.Command]:
    ctx = click.Context(main)
    found = {name: main.get_command(ctx, name) for name in main.list_commands(ctx)}
    return {name: cmd for name, cmd in found.items() if cmd is not None}


def test_every_command_and_option_has_its_chinese_help() -> None:
    missing = [name for name in commands() if name not in COMMANDS]
    assert missing == []
    english = {
        p.help for cmd in commands().values() for p in cmd.params if getattr(p, "help", None)
    }
    assert sorted(h for h in english if h not in OPTIONS) == []


def help_of(args: list[str]) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("name", ["check", "eval", "diff", "serve", "batch", "fmt"])
def test_a_command_help_is_chinese_with_lang_zh_and_english_with_lang_en(name: str) -> None:
    zh = help_of([name, "--help", "--lang", "zh"])
    en = help_of([name, "--help", "--lang", "en"])
    assert COMMANDS[name].split("\n", 1)[0] in zh
    assert "语言" in zh  # the --lang option's own help, in Chinese
    assert not HAN.search(en.replace("企业端", "").replace("起草", ""))


def test_the_project_language_decides_the_help_when_no_flag_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chinese = tmp_path / "zh-project"
    chinese.mkdir()
    (chinese / "kfpl.toml").write_text('lang = "zh"\n', encoding="utf-8")
    monkeypatch.chdir(chinese)
    listing = help_of(["--help"])
    assert "解析并检查政策文件" in listing and "运行政策中写明的算例" in listing
    assert "解析并检查政策文件" in help_of(["check", "-h"])
    monkeypatch.chdir(tmp_path)  # no project file: the (English) locale of the tests decides
    english = help_of(["--help"])
    assert "Parse and check policy files" in english
    assert not HAN.search(english.replace("企业端", "").replace("起草", ""))  # serve's page names
