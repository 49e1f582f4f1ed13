"""Terminal columns of text, as wcwidth counts them.

A CJK or full-width character takes two columns, a combining mark none, so a table that
pads with ``str.ljust`` (which counts code points) drifts by one column per Chinese
character. Every text table and caret line pads through these functions instead.
"""

from __future__ import annotations

import wcwidth


def display_width(text: str) -> int:
    """Columns the text takes in a terminal; an escape sequence (colour) takes none."""
    return int(wcwidth.width(text))


def ljust(text: str, width: int) -> str:
    """The text padded on the right to ``width`` columns (never cut)."""
    return text + " " * max(0, width - display_width(text))


def rjust(text: str, width: int) -> str:
    """The text padded on the left to ``width`` columns (never cut)."""
    return " " * max(0, width - display_width(text)) + text


def clip(text: str, width: int) -> str:
    """At most ``width`` columns: a longer text is cut and ends with an ellipsis."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"
