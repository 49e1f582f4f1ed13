"""The editor grammar is generated from kfpl.lark and covers every keyword."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kfpl.docs.textmate import render, textmate_grammar
from kfpl.syntax.parser import keyword_rules

ROOT = Path(__file__).resolve().parent.parent


def test_committed_textmate_grammar_is_current() -> None:
    committed = (ROOT / "editors" / "kfpl.tmLanguage.json").read_text("utf-8")
    assert committed == render(), "run: python -m kfpl.docs.textmate > editors/kfpl.tmLanguage.json"
    assert json.loads(committed)["scopeName"] == "source.kfpl"


def _scope_of(line: str, word: str) -> str | None:
    """The scope the grammar's patterns give ``word`` where it stands in ``line``."""
    at = line.index(word)
    best: tuple[int, int, str] | None = None
    for order, pattern in enumerate(textmate_grammar()["patterns"]):  # type: ignore[attr-defined]
        if "match" not in pattern:
            continue
        for found in re.finditer(pattern["match"], line, re.M):
            start = found.start(1) if found.lastindex else found.start()
            if start <= at < found.end():
                key = (found.start(), order, pattern["name"])
                best = key if best is None or key < best else best
    return best[2] if best else None


def test_every_keyword_of_both_languages_is_highlighted_as_a_keyword() -> None:
    for forms in keyword_rules().values():
        for form in forms:
            for word in form if form[0].isascii() else (form[0],):
                line = f"  {word} 1"
                scope = _scope_of(line, word)
                assert scope is not None and scope.startswith("keyword."), (word, scope)


def test_a_chinese_name_that_begins_with_a_keyword_is_a_name() -> None:
    assert _scope_of("  主管部门 来源核查中心", "来源核查中心") == "entity.name.namespace.kfpl"
    assert _scope_of("  来源 mfg 2", "来源") == "keyword.other.kfpl"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_keyword_guide_lists_every_keyword_in_both_languages(lang: str) -> None:
    guide = (ROOT / "kfpl" / "docs" / "guide" / f"keywords.{lang}.md").read_text("utf-8")
    rows = set(re.findall(r"^\| (.+?) \| `(.+?)` \|$", guide, re.M))
    for forms in keyword_rules().values():
        spelled = [" ".join(f) for f in forms]
        en = next((f"`{w}`" for w in spelled if w.isascii()), None)
        zh = next(w for w in spelled if not w.isascii())
        assert any(row[1] == zh and (en is None or row[0] == en) for row in rows), (en, zh)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_chinese_example_of_the_guide_checks(lang: str) -> None:
    from kfpl.project.loader import compile_texts

    guide = (ROOT / "kfpl" / "docs" / "guide" / f"keywords.{lang}.md").read_text("utf-8")
    example = re.search(r"```kfpl\n(.*?)```", guide, re.S)
    assert example is not None
    texts = {
        str(p): p.read_text("utf-8")
        for p in (ROOT / "policies").glob("*.kfpl")
        if p.name != "mfg.kfpl"
    }
    mfg = (ROOT / "policies" / "mfg.kfpl").read_text("utf-8")
    start = mfg.index("\nmeasure mfg-2a\n")
    end = mfg.index("\nmeasure mfg-2b\n")
    texts["mfg.kfpl"] = mfg[:start] + "\n" + example.group(1) + mfg[end:]
    comp = compile_texts(texts)
    assert comp.ok, [d.one_line() for d in comp.diagnostics if d.severity == "error"]
