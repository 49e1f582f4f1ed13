"""`kfpl fmt`: one canonical layout of a policy file, and conversion of its keywords.

The formatter works on the concrete syntax, never on the typed nodes: the file is lexed
by the real parser (so every word is lexed in its context, exactly as `kfpl check` reads
it), the gaps between tokens give back the comments and blank lines, and the tokens are
parsed a second time with the *concrete* grammar, where each keyword is a node
(``kw_award``), to know which clause each word begins and which keyword it spells.

The layout: an item keyword starts a line at column 0, each clause a line indented by
2, each tier row a line indented by 4; inside a clause the drafter's line breaks are
kept (a continued label lines up under the clause's first ``zh``/``en``, anything else
is indented 2 more); words are separated by one space (none before ``,`` ``:`` ``)`` or
after ``(``); blank lines are kept, at most one in a row; comments stay where they were,
own-line comments at the indentation of what follows them. Enum values line up.

The result is checked before it is returned: it must parse to the same items as the
input. Formatting is idempotent (tested on every policy file and the fuzz corpus).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from lark import Lark, Token, Tree
from lark.lexer import Lexer

from kfpl.diagnostics import Diagnostic, display_width
from kfpl.syntax.parser import concrete_grammar, keyword_rules, lark_parser, parse

Keywords = Literal["zh", "en"] | None

_NO_SPACE_BEFORE = {",", ":", ")", "]", "}"}
_NO_SPACE_AFTER = {"(", "[", "{"}
# Chinese-only keywords written after their number (500万以上); en writes them before.
_POST_TO_PREFIX = {
    "kw_post_at_least": "kw_at_least",
    "kw_post_at_most": "kw_at_most",
    "kw_post_within": "kw_at_most",
}
_ROW_NODES = {"tier_row", "otherwise_row"}


class FormatError(Exception):
    """The file cannot be formatted: it has syntax errors (``diagnostics``)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(diagnostics[0].message.en if diagnostics else "cannot format")
        self.diagnostics = diagnostics


class _Replay(Lexer):
    """Hands the concrete parser the tokens the real parser already lexed."""

    def __init__(self, conf: Any) -> None:
        pass

    def lex(self, data: Any) -> Iterator[Token]:  # type: ignore[override]
        yield from data


@cache
def _concrete_parser() -> Lark:
    return Lark(
        concrete_grammar(),
        parser="lalr",
        lexer=_Replay,
        keep_all_tokens=True,
        maybe_placeholders=False,
    )


@cache
def _clause_nodes() -> frozenset[str]:
    """Nodes that begin a line of their own inside an item: every clause alternative."""
    out = {"enum_member", "param_value", "matter_entry"}
    for rule in _concrete_parser().rules:
        if rule.origin.name.endswith("_clause") and rule.alias:
            out.add(rule.alias)
    return frozenset(out)


@cache
def _string_terminals() -> tuple[dict[str, str], dict[str, str]]:
    """(main terminal name -> literal, literal -> concrete terminal name) for keywords."""
    main = {t.name: t.pattern.value for t in lark_parser().terminals if t.pattern.type == "str"}
    concrete = {
        t.pattern.value: t.name for t in _concrete_parser().terminals if t.pattern.type == "str"
    }
    return main, concrete


def _tokens(text: str) -> list[Token]:
    """Every token of the file, keywords included, lexed in context by the real parser."""
    interactive = lark_parser().parse_interactive(text)
    tokens = list(interactive.iter_parse())
    interactive.feed_eof(tokens[-1] if tokens else None)  # type: ignore[no-untyped-call]
    return tokens


# --------------------------------------------------------------------------- words


@dataclass
class _Word:
    text: str
    gap: str  # the original text between the previous token and this one
    role: str = ""  # "item", "clause", "row" when this word begins one
    kind: str = ""  # token type, or "kw" for keywords
    enum_member: bool = False
    label: int = 0  # which label a zh/en belongs to (continued labels line up)


@dataclass
class _Walk:
    target: Keywords
    words: list[_Word] = field(default_factory=list)
    gaps: dict[int, str] = field(default_factory=dict)
    label: int = 0

    def token(self, tok: Token, role: str, kind: str | None = None) -> None:
        gap = self.gaps.get(id(tok), "")
        self.words.append(_Word(str(tok), gap, role, kind or tok.type, label=self.label))

    def keyword(self, node: Tree[Token], role: str, rule: str | None = None) -> str:
        tokens = [t for t in node.children if isinstance(t, Token)]
        forms = keyword_rules()["_" + (rule or str(node.data))]
        words = [str(t) for t in tokens]
        if self.target is not None:
            wanted = [f for f in forms if (f[0].isascii()) == (self.target == "en")]
            if wanted:
                words = list(wanted[0])
        gap = self.gaps.get(id(tokens[0]), "") if tokens else ""
        for i, w in enumerate(words):
            self.words.append(_Word(w, gap if i == 0 else " ", role if i == 0 else "", "kw"))
        return ""

    def walk(self, node: Tree[Token] | Token, role: str = "") -> str:
        """Emit the node's words; returns the role not yet given (to the next word)."""
        if isinstance(node, Token):
            self.token(node, role)
            return ""
        name = str(node.data)
        if name.startswith("kw_"):
            return self.keyword(node, role)
        if name in ("bound_post", "compare_post") and self.target == "en":
            return self._post_as_prefix(node, role)
        start = len(self.words)
        if name == "label":
            self.label = id(node)
        for child in node.children:
            child_role = ""
            if isinstance(child, Tree):
                data = str(child.data)
                if name == "start":
                    child_role = "item"
                elif data in _clause_nodes():
                    child_role = "clause"
                elif data in _ROW_NODES:
                    child_role = "row"
            role = self.walk(child, child_role or role) if child_role else self.walk(child, role)
            role = ""
        if name in ("enum_member", "matter_entry") and len(self.words) > start:
            self.words[start].enum_member = True
        return role

    def _post_as_prefix(self, node: Tree[Token], role: str) -> str:
        """`x 500万以上` -> `x at least 500万`: English writes the comparison first."""
        children = list(node.children)
        post = children[-1]
        assert isinstance(post, Tree)
        kw = next(c for c in post.children if isinstance(c, Tree))
        number = children[-2]
        assert isinstance(number, Token)
        for child in children[:-2]:
            role = self.walk(child, role)
        before = len(self.words)
        self.keyword(kw, role, _POST_TO_PREFIX[str(kw.data)])
        self.words[before].gap = self.gaps.get(id(number), "")
        self.words.append(_Word(str(number), " ", "", number.type))
        return ""


# --------------------------------------------------------------------------- layout


def _gap_parts(gap: str) -> tuple[str | None, list[tuple[int, str]], int]:
    """(trailing comment, [(blank lines before, own-line comment)], blank lines before the word)."""
    lines = gap.split("\n")
    first = lines[0].strip()
    trailing = first if first.startswith("#") and len(lines) > 1 else None
    own: list[tuple[int, str]] = []
    blanks = 0
    for raw in lines[1:-1]:  # the last piece is the indentation of the word's own line
        stripped = raw.strip()
        if not stripped:
            blanks += 1
        else:
            own.append((blanks, stripped))
            blanks = 0
    return trailing, own, blanks


_LEVELS = {"item": 0, "clause": 2, "row": 4}


def _layout(words: list[_Word], trailing_gap: str) -> str:
    out: list[str] = []
    line = ""
    level = 0  # indentation of the current item, clause or row
    lang_col: int | None = None  # column of the first zh/en on the clause's first line
    lang_label = 0
    first_line = True
    prev: _Word | None = None
    enum_lines: list[int] = []  # output lines holding one whole enum value

    for word in words:
        trailing, own, blanks = _gap_parts(word.gap if prev else "\n" + word.gap)
        if prev is None:
            for before, comment in own:  # the file's opening comments
                if before and out:
                    out.append("")
                out.append(comment)
            if own and blanks:
                out.append("")
        else:
            if trailing is not None:
                line = line.rstrip() + "  " + trailing
            if word.role:
                level = _LEVELS[word.role]
            if word.role or "\n" in word.gap:
                if word.role:
                    indent = level
                elif word.kind == "LANG" and lang_col is not None and word.label == lang_label:
                    indent = lang_col
                else:
                    indent = level + 2
                out.append(line.rstrip())
                for before, comment in own:
                    if before:
                        out.append("")
                    out.append(" " * indent + comment)
                if blanks:
                    out.append("")
                line = " " * indent
                first_line = bool(word.role)
            elif not _joined(prev, word):
                line += " "
        if word.role:
            lang_col = None
        if word.enum_member:
            enum_lines.append(len(out))
        if word.kind == "LANG" and lang_col is None and first_line:
            lang_col, lang_label = display_width(line), word.label
        if "\n" in word.text:  # a long string: its own lines are kept as written
            head, *rest = word.text.split("\n")
            out.append(line + head)
            out.extend(rest[:-1])
            line = rest[-1]
        else:
            line += word.text
        prev = word
    trailing, own, _ = _gap_parts(trailing_gap + "\n")
    if trailing is not None:
        line = line.rstrip() + "  " + trailing
    out.append(line.rstrip())
    for before, comment in own:
        if before:
            out.append("")
        out.append(comment)
    _align_enum_values(out, enum_lines)
    while out and not out[0]:
        out.pop(0)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def _joined(prev: _Word, word: _Word) -> bool:
    """Words written without a space between them."""
    if word.text in _NO_SPACE_BEFORE or prev.text in _NO_SPACE_AFTER:
        return True
    if word.kind == "kw" and word.text in {"以上", "以下", "以内"}:
        return True  # 500万以上
    return word.text == "(" and prev.kind == "kw" and prev.text in ("list", "列表")


_ENUM_VALUE = re.compile(r"^(\s*\S+\s+)(\S+)\s+(.*)$")


def _align_enum_values(out: list[str], rows: list[int]) -> None:
    """Consecutive enum values line up their labels, as a table does."""
    groups: list[list[int]] = []
    for row in rows:
        if groups and row == groups[-1][-1] + 1:
            groups[-1].append(row)
        else:
            groups.append([row])
    for group in groups:
        parts = [_ENUM_VALUE.match(out[i]) for i in group]
        if not all(parts) or len(group) < 2:
            continue
        width = max(display_width(m.group(1) + m.group(2)) for m in parts if m)
        for i, m in zip(group, parts, strict=True):
            assert m is not None
            head = m.group(1) + m.group(2)
            out[i] = head + " " * (width - display_width(head) + 1) + m.group(3)


# --------------------------------------------------------------------------- entry points


def format_text(text: str, keywords: Keywords = None, path: str = "<string>") -> str:
    """The canonical layout of ``text``; ``keywords`` converts every keyword to zh or en.

    Raises ``FormatError`` when the text has syntax errors (nothing is formatted then).
    """
    module, diags = parse(text, path)
    if module is None:
        raise FormatError(diags)
    tokens = _tokens(text)
    gaps: dict[int, str] = {}
    pos = 0
    for tok in tokens:
        start = tok.start_pos or 0
        gaps[id(tok)] = text[pos:start]
        pos = tok.end_pos or start
    main_terms, concrete_terms = _string_terminals()
    replay = [
        Token.new_borrow_pos(concrete_terms[main_terms[t.type]], str(t), t)
        if t.type in main_terms
        else t
        for t in tokens
    ]
    for old, new in zip(tokens, replay, strict=True):
        gaps[id(new)] = gaps[id(old)]
    tree = _concrete_parser().parse(replay)
    walk = _Walk(keywords, gaps=gaps)
    walk.walk(tree)
    result = _layout(walk.words, text[pos:])
    again, _ = parse(result, path)
    if again is None or again.items != module.items:
        raise AssertionError(f"kfpl fmt changed the meaning of {path}")  # a bug in kfpl
    return result
