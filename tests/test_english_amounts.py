"""English output writes amounts in yuan, never with 万 or 亿 (CNY 300,000, CNY 1.5 million).

Chinese may appear on an English page only as a quotation of the law (marked
``lang="zh"``) or as kfpl source text (code spans and fences), where 30万 is what the
drafter writes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfpl.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
EN_PAGES = sorted((ROOT / "docs" / "en").rglob("*.md"))
# An amount in 万 or 亿 standing in English text; one inside a run of Chinese (a quoted
# phrase of the law, 500万以上, 最高不超过30万元的) is a quotation, not an English amount.
AMOUNT_IN_WAN = re.compile(
    r"(?<![\u3400-\u9fff0-9.,])[0-9][0-9.,]*\s*(万|亿)元?(?![\u3400-\u9fff])"
)


def english_prose(markdown: str) -> str:
    """The page without Chinese quotations, code fences and code spans."""
    text = re.sub(r"^(`{3,})[^\n]*\n.*?^\1[ \t]*$", "", markdown, flags=re.S | re.M)
    text = re.sub(r'<span lang="zh">.*?</span>', "", text, flags=re.S)
    return re.sub(r"`[^`]+`", "", text)  # a code span may wrap onto the next line


def test_the_english_pages_exist() -> None:
    assert len(EN_PAGES) > 60  # a measure page each, and the review


@pytest.mark.parametrize("page", EN_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_an_english_page_writes_no_amount_in_wan(page: Path) -> None:
    found = [
        line.strip()[:120]
        for line in english_prose(page.read_text(encoding="utf-8")).splitlines()
        if AMOUNT_IN_WAN.search(line)
    ]
    assert found == []


def test_english_explanations_and_the_english_diff_write_no_amount_in_wan() -> None:
    runner = CliRunner()
    app = str(ROOT / "examples" / "application.json")
    explained = runner.invoke(main, ["eval", app, "--explain", "--lang", "en"])
    assert explained.exit_code == 0, explained.output
    assert "CNY" in explained.stdout
    assert not AMOUNT_IN_WAN.search(explained.stdout)
    diff = runner.invoke(
        main,
        ["diff", str(ROOT / "policies"), str(ROOT / "examples" / "revision-2023"), "--lang", "en"],
    )
    assert diff.exit_code == 0, diff.output
    assert "CNY 500,000" in diff.stdout  # the raised trade-fair cap
    assert not AMOUNT_IN_WAN.search(english_prose(diff.stdout))
