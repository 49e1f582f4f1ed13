"""`kfpl explain KF0203`: a diagnostic code's page (kfpl/codes.py) in the terminal."""

from __future__ import annotations

import textwrap

from kfpl.codes import Code

_WORDS = {
    "zh": {"severity": {"error": "错误", "warning": "警告"}, "bad": "错误示例", "fix": "改正",
           "fixed": "改正后"},
    "en": {"severity": {"error": "error", "warning": "warning"}, "bad": "Example",
           "fix": "Fix", "fixed": "Fixed"},
}  # fmt: skip


def _block(text: str) -> str:
    return textwrap.indent(text.strip("\n"), "    ")


def code_page(entry: Code, lang: str) -> str:
    """The same content as the code's section of the documentation site's codes page."""
    words = _WORDS[lang]
    title = entry.title_zh if lang == "zh" else entry.title_en
    explanation = entry.explanation_zh if lang == "zh" else entry.explanation_en
    fix = entry.fix_zh if lang == "zh" else entry.fix_en
    colon = "：" if lang == "zh" else ":"
    after = colon if lang == "zh" else ": "
    severity = words["severity"][entry.severity]  # type: ignore[index]
    opened, closed = ("（", "）") if lang == "zh" else (" (", ")")
    out = [f"{entry.code}{opened}{severity}{closed}{after}{title}", "", explanation]
    if entry.example:
        out += ["", f"{words['bad']}{colon}", "", _block(entry.example)]
    if fix:
        out += ["", f"{words['fix']}{after}{fix}"]
    if entry.fixed:
        out += ["", f"{words['fixed']}{colon}", "", _block(entry.fixed)]
    return "\n".join(out)
