"""Diagnostics: values collected across a whole run and rendered at one boundary.

A diagnostic has a stable code (``KFnnnn``, documented in ``kfpl/codes.py``), a
message, a primary span, optional secondary labelled spans and a ``help`` line
with a concrete fix. Its words are a ``Text`` in Chinese and English; rendering picks
one language (``kfpl check --lang``) and follows rustc:

    error[KF0203]: tiers overlap
      --> policies/expo.kfpl:41:5
       |
    41 |     at least 20亿 -> 45%
       |     ^^^^^^^^^^^^^ also matches investment = 20亿
       = help: write `at most 20亿`

and in Chinese ``错误[KF0203]：档次重叠`` … ``= 帮助：…``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kfpl import textwidth
from kfpl.runtime.bilingual import EMPTY, Text
from kfpl.syntax.nodes import Span

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Secondary:
    span: Span
    label: Text


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: Text
    span: Span
    label: Text = EMPTY
    help: Text = EMPTY
    severity: Severity = "error"
    secondary: tuple[Secondary, ...] = field(default=())

    def one_line(self, lang: str = "en") -> str:
        """The CI form: ``path:line:col: KF0203 message``."""
        span = self.span
        return f"{span.file}:{span.line}:{span.column}: {self.code} {self.message[lang]}"


# The words of the rendered form around the messages.
_WORDS = {
    "zh": {"error": "错误", "warning": "警告", "help": "帮助", "note": "附注",
           "colon": "：", "none": "未发现问题"},
    "en": {"error": "error", "warning": "warning", "help": "help", "note": "note",
           "colon": ": ", "none": "no problems"},
}  # fmt: skip


class Sources:
    """File text by path, so rendering can quote lines without re-reading disk."""

    def __init__(self) -> None:
        self._text: dict[str, list[str]] = {}

    def add(self, path: str, text: str) -> None:
        self._text[path] = text.splitlines()

    def line(self, path: str, number: int) -> str | None:
        lines = self._text.get(path)
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]


def display_width(text: str) -> int:
    """Terminal columns as wcwidth counts them: CJK and full-width characters take two,
    combining marks none; an escape sequence (colour) takes no column."""
    return textwidth.display_width(text)


def visible(text: str) -> str:
    """The line as printed: tabs as four spaces; a character that cannot be seen or told
    from a space (an ideographic space U+3000, a no-break space, a zero-width space, a
    control character) as its code, `<U+3000>`, so the drafter sees what is there."""
    out = []
    for ch in text:
        if ch == "\t":
            out.append("    ")
        elif not ch.isprintable() and ch != " ":
            out.append(f"<U+{ord(ch):04X}>")
        else:
            out.append(ch)
    return "".join(out)


# ANSI styles for a terminal (`kfpl check` on a TTY, unless NO_COLOR is set).
_STYLE = {
    "error": "\x1b[1;31m",
    "warning": "\x1b[1;33m",
    "bold": "\x1b[1m",
    "gutter": "\x1b[1;34m",
    "secondary": "\x1b[1;34m",
    "help": "\x1b[1;36m",
}
_RESET = "\x1b[0m"


def _paint(text: str, style: str, colour: bool) -> str:
    return f"{_STYLE[style]}{text}{_RESET}" if colour and text else text


def _underline(line: str, start_col: int, end_col: int, mark: str) -> str:
    # Columns are 1-based character offsets; pad with display widths so the caret
    # sits under the right glyph even after Chinese text or a tab.
    pad = display_width(visible(line[: start_col - 1]))
    width = max(1, display_width(visible(line[start_col - 1 : end_col - 1])))
    return " " * pad + mark * width


def _snippet(
    span: Span, label: str, mark: str, sources: Sources, gutter: int, colour: bool = False
) -> list[str]:
    text = sources.line(span.file, span.line)
    if text is None:
        return []
    end_col = span.end_column if span.end_line == span.line else len(text) + 1
    if end_col <= span.column:
        end_col = span.column + 1
    under = _underline(text, span.column, end_col, mark)
    style = "secondary" if mark == "-" else "error"
    bar = _paint("|", "gutter", colour)
    marks = _paint(f"{under}{' ' + label if label else ''}".rstrip(), style, colour)
    return [
        f"{_paint(str(span.line).rjust(gutter), 'gutter', colour)} {bar} {visible(text)}".rstrip(),
        f"{' ' * gutter} {bar} {marks}".rstrip(),
    ]


def render(diag: Diagnostic, sources: Sources, colour: bool = False, lang: str = "en") -> str:
    """The rustc-style multi-line form in ``lang``; ``colour`` adds ANSI styles for a
    terminal."""
    words = _WORDS["zh" if lang == "zh" else "en"]
    colon = words["colon"]
    spans = [diag.span, *(s.span for s in diag.secondary)]
    gutter = max(len(str(s.line)) for s in spans)
    head = _paint(f"{words[diag.severity]}[{diag.code}]", diag.severity, colour)
    pad = " " * gutter
    out = [
        f"{head}{_paint(colon + diag.message[lang], 'bold', colour)}",
        f"{pad}{_paint('-->', 'gutter', colour)} {diag.span}",
    ]
    body: list[tuple[Span, list[str]]] = [
        (diag.span, _snippet(diag.span, diag.label[lang], "^", sources, gutter, colour))
    ]
    for sec in diag.secondary:
        if sec.span.file == diag.span.file:
            body.append(
                (sec.span, _snippet(sec.span, sec.label[lang], "-", sources, gutter, colour))
            )
    body.sort(key=lambda pair: (pair[0].line, pair[0].column))
    bar = _paint("|", "gutter", colour)
    if any(lines for _, lines in body):
        out.append(f"{pad} {bar}")
        for _, lines in body:
            out.extend(lines)
    for sec in diag.secondary:
        if sec.span.file != diag.span.file:
            where = (
                f"{sec.label[lang]}，位于 {sec.span}"
                if lang == "zh"
                else (f"{sec.label[lang]} at {sec.span}")
            )
            out.append(f"{pad} {_paint('=', 'gutter', colour)} {words['note']}{colon}{where}")
    if diag.help:
        word = _paint(words["help"] + colon.rstrip(), "help", colour)
        gap = "" if lang == "zh" else " "
        out.append(f"{pad} {_paint('=', 'gutter', colour)} {word}{gap}{diag.help[lang]}")
    return "\n".join(out)


def summary(diags: list[Diagnostic], lang: str = "en") -> str:
    """``2 errors, 1 warning`` / ``共 2 个错误、1 个警告``."""
    errors = sum(1 for d in diags if d.severity == "error")
    warnings = len(diags) - errors
    if lang == "zh":
        found = [f"{k} 个{w}" for k, w in ((errors, "错误"), (warnings, "警告")) if k]
        return f"共 {'、'.join(found)}" if found else _WORDS["zh"]["none"]
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts) if parts else "no problems"


def sort_key(diag: Diagnostic) -> tuple[str, int, int, str]:
    return (diag.span.file, diag.span.line, diag.span.column, diag.code)


def edit_distance(a: str, b: str) -> int:
    """Edit distance with transpositions, for "did you mean" suggestions."""
    # Optimal string alignment: a swapped pair of letters (yaer -> year) costs one.
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, rows[-2][j - 2] + 1)
            row.append(cost)
        rows.append(row)
    return rows[-1][-1]


def suggestion(guess: str) -> Text:
    """The help of a near miss: ``did you mean `x`?``."""
    return Text(f"是否应为 `{guess}`？", f"did you mean `{guess}`?")


def did_you_mean(word: str, candidates: list[str] | set[str]) -> str | None:
    """The closest candidate within a small edit distance, or None."""
    limit = max(1, len(word) // 3)
    best = sorted((edit_distance(word, c), c) for c in candidates)
    if best and best[0][0] <= limit:
        return best[0][1]
    return None
