"""Diagnostics: values collected across a whole run and rendered at one boundary.

A diagnostic has a stable code (``KFnnnn``, documented in ``kfpl/codes.py``), a
message, a primary span, optional secondary labelled spans and a ``help`` line
with a concrete fix. Rendering follows rustc:

    error[KF0203]: tiers overlap
      --> policies/expo.kfpl:41:5
       |
    41 |     at least 20亿 -> 45%
       |     ^^^^^^^^^^^^^ also matches investment = 20亿
       = help: write `at most 20亿`
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kfpl import textwidth
from kfpl.syntax.nodes import Span

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Secondary:
    span: Span
    label: str


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    span: Span
    label: str = ""
    help: str = ""
    severity: Severity = "error"
    secondary: tuple[Secondary, ...] = field(default=())

    def one_line(self) -> str:
        """The CI form: ``path:line:col: KF0203 message``."""
        return f"{self.span.file}:{self.span.line}:{self.span.column}: {self.code} {self.message}"


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


def render(diag: Diagnostic, sources: Sources, colour: bool = False) -> str:
    """The rustc-style multi-line form; ``colour`` adds ANSI styles for a terminal."""
    spans = [diag.span, *(s.span for s in diag.secondary)]
    gutter = max(len(str(s.line)) for s in spans)
    head = _paint(f"{diag.severity}[{diag.code}]", diag.severity, colour)
    pad = " " * gutter
    out = [
        f"{head}{_paint(': ' + diag.message, 'bold', colour)}",
        f"{pad}{_paint('-->', 'gutter', colour)} {diag.span}",
    ]
    body: list[tuple[Span, list[str]]] = [
        (diag.span, _snippet(diag.span, diag.label, "^", sources, gutter, colour))
    ]
    for sec in diag.secondary:
        if sec.span.file == diag.span.file:
            body.append((sec.span, _snippet(sec.span, sec.label, "-", sources, gutter, colour)))
    body.sort(key=lambda pair: (pair[0].line, pair[0].column))
    bar = _paint("|", "gutter", colour)
    if any(lines for _, lines in body):
        out.append(f"{pad} {bar}")
        for _, lines in body:
            out.extend(lines)
    for sec in diag.secondary:
        if sec.span.file != diag.span.file:
            out.append(f"{pad} {_paint('=', 'gutter', colour)} note: {sec.label} at {sec.span}")
    if diag.help:
        out.append(
            f"{pad} {_paint('=', 'gutter', colour)} {_paint('help:', 'help', colour)} {diag.help}"
        )
    return "\n".join(out)


def summary(diags: list[Diagnostic]) -> str:
    errors = sum(1 for d in diags if d.severity == "error")
    warnings = len(diags) - errors
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


def did_you_mean(word: str, candidates: list[str] | set[str]) -> str | None:
    """The closest candidate within a small edit distance, or None."""
    limit = max(1, len(word) // 3)
    best = sorted((edit_distance(word, c), c) for c in candidates)
    if best and best[0][0] <= limit:
        return best[0][1]
    return None
