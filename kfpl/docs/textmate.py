"""The editor grammar (TextMate JSON, ``editors/kfpl.tmLanguage.json``) for highlighting
in VS Code, Sublime Text, and any editor that reads TextMate grammars.

The keywords come from the grammar's keyword section (both languages), so the file is
generated, never edited: ``python -m kfpl.docs.textmate > editors/kfpl.tmLanguage.json``
(a test checks the committed file is current).
"""

from __future__ import annotations

import json
import re

from kfpl.syntax.parser import keyword_rules

ITEMS = ("policy", "enum", "input", "parameter", "agency", "measure", "rule", "target",
         "chain", "task", "text")  # fmt: skip
CJK = "\u3400-\u9fff"


def _words() -> tuple[list[str], list[str], list[str], list[str]]:
    """(item keywords en, item keywords zh, other keywords en, other keywords zh)."""
    item_en: set[str] = set()
    item_zh: set[str] = set()
    en: set[str] = set()
    zh: set[str] = set()
    for name, forms in keyword_rules().items():
        is_item = name.removeprefix("_kw_") in ITEMS
        for form in forms:
            word = " ".join(form)
            if form[0].isascii():
                (item_en if is_item else en).update([word] if is_item else form)
            else:
                (item_zh if is_item else zh).add(word)
    en -= item_en
    return _longest(item_en), _longest(item_zh), _longest(en), _longest(zh)


def _longest(words: set[str]) -> list[str]:
    # Longest first: an alternation takes the first word that matches (不超过 before 超过).
    return sorted(words, key=lambda w: (-len(w), w))


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in words)


def textmate_grammar() -> dict[str, object]:
    item_en, item_zh, en, zh = _words()
    # A Chinese keyword stands alone: followed by a space, a number, a quote or the end,
    # so the start of a Chinese name (来源核查中心) is not painted as the keyword 来源.
    zh_end = r"(?=[\s\d\"(,:]|$)"
    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "kfpl",
        "scopeName": "source.kfpl",
        "fileTypes": ["kfpl"],
        "patterns": [
            {"name": "comment.line.number-sign.kfpl", "match": "#.*$"},
            {"name": "string.quoted.triple.kfpl", "begin": '"""', "end": '"""'},
            {
                "name": "string.quoted.double.kfpl",
                "begin": '"',
                "end": '"|$',
                "patterns": [{"name": "constant.character.escape.kfpl", "match": r"\\."}],
            },
            {"name": "constant.numeric.date.kfpl", "match": r"\b\d{4}-\d{2}-\d{2}\b"},
            {
                "name": "constant.numeric.kfpl",
                "match": r"-?\d[\d_]*(\.\d+)?(%|万元|亿元|万|亿|元)?",
            },
            {"name": "keyword.declaration.kfpl", "match": rf"^\s*\b({_alt(item_en)})\b"},
            {"name": "keyword.declaration.kfpl", "match": rf"^\s*({_alt(item_zh)}){zh_end}"},
            {"name": "entity.name.function.kfpl", "match": r"\b[a-z][a-z0-9]*(-[a-z0-9]+)+\b"},
            {"name": "support.constant.language.kfpl", "match": r"\b(zh|en)\b(?=\s*\")"},
            {"name": "constant.language.kfpl", "match": r"\b(true|false)\b"},
            {"name": "keyword.other.kfpl", "match": rf"\b({_alt(en)})\b"},
            {"name": "keyword.other.kfpl", "match": rf"({_alt(zh)}){zh_end}"},
            {"name": "entity.name.namespace.kfpl", "match": f"[{CJK}][{CJK}（）()、·]*"},
            {"name": "keyword.operator.kfpl", "match": r"->|>=|<=|==|[<>=+]"},
        ],
    }


def render() -> str:
    return json.dumps(textmate_grammar(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    print(render(), end="")
