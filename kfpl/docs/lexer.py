"""A Pygments lexer for kfpl, registered as ``kfpl`` through the ``pygments.lexers``
entry point, so ```` ```kfpl ```` blocks are highlighted in the docs site and anywhere
else Pygments runs.

The keywords are read from the grammar (``grammar/kfpl.lark``), where every keyword is
written once: a keyword added there is highlighted without touching this file.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import ClassVar

from pygments.lexer import RegexLexer, words  # type: ignore[import-untyped]
from pygments.token import (  # type: ignore[import-untyped]
    Comment,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

# Items start a new block: shown as declarations.
ITEM_KEYWORDS = ("policy", "enum", "input", "parameter", "agency", "measure", "rule", "target",
                 "chain", "task", "text")  # fmt: skip
LANG_WORDS = ("zh", "en")
CONSTANTS = ("true", "false")


@cache
def grammar_keywords() -> tuple[str, ...]:
    """Every word the grammar spells out: quoted literals and the words of keyword regexes."""
    try:
        text = resources.files("kfpl.grammar").joinpath("kfpl.lark").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - broken install
        return ()
    found: set[str] = set(re.findall(r'"([a-z]+)"', text))
    for pattern in re.findall(r"^[A-Z_]+(?:\.\d+)?:\s*/([a-z\\s+|]+)/\s*$", text, re.MULTILINE):
        found.update(w for w in re.split(r"\\s\+|\|", pattern) if w.isalpha())
    found -= set(LANG_WORDS) | set(ITEM_KEYWORDS)
    return tuple(sorted(found, key=lambda w: (-len(w), w)))


class KfplLexer(RegexLexer):  # type: ignore[misc]
    """The kfpl policy language."""

    name = "kfpl"
    aliases: ClassVar[list[str]] = ["kfpl"]
    filenames: ClassVar[list[str]] = ["*.kfpl"]
    mimetypes: ClassVar[list[str]] = ["text/x-kfpl"]

    tokens: ClassVar[dict[str, list]] = {  # type: ignore[type-arg]
        "root": [
            (r"[ \t\r\n]+", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"""(.|\n)*?"""', String.Doc),
            (r'"(\\.|[^"\\\n])*"', String.Double),
            (r"\d{4}-\d{2}-\d{2}", Literal.Date),
            (r"-?\d[\d_]*(\.\d+)?(%|万元|亿元|万|亿|元)?", Number),
            (r"[a-z][a-z0-9]*(-[a-z0-9]+)+", Name.Label),  # ids: expo-2a
            (words(ITEM_KEYWORDS, suffix=r"\b"), Keyword.Declaration),
            (words(LANG_WORDS, suffix=r"\b"), Keyword.Pseudo),
            (words(CONSTANTS, suffix=r"\b"), Keyword.Constant),
            (words(grammar_keywords(), suffix=r"\b"), Keyword),
            (r"[a-z_][a-z0-9_]*", Name),
            (r"[\u3400-\u9fff][\u3400-\u9fff（）()、·]*", Name.Entity),  # departments
            (r"->|>=|<=|==|[<>=+]", Operator),
            (r"[:,()\[\]{}]", Punctuation),
            (r".", Text),
        ]
    }
