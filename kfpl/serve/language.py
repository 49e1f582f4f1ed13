"""The one adapter between the service and the language service of ``kfpl lsp``.

The studio and ``POST /api/v1/check`` get their diagnostics from
``kfpl.language.service.analyse``, the same function the editor integration calls, so
a drafter sees the same problems in the browser as in an editor. It parses (with error
recovery) and checks only: no code is generated or run, so policy text sent to the
service is never executed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kfpl.diagnostics import Diagnostic, Sources, render
from kfpl.language import service
from kfpl.model import PolicySet


@dataclass
class Checked:
    """The texts' check: the policy set is complete only when ``ok``."""

    policy_set: PolicySet
    diagnostics: list[Diagnostic]
    sources: Sources

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


def check_texts(texts: dict[str, str], sources_dir: Path | None = None) -> Checked:
    analysis = service.analyse(service.Project(dict(texts), sources_dir))
    sources = Sources()
    for path, text in texts.items():
        sources.add(path, text)
    return Checked(analysis.policy_set, analysis.diagnostics, sources)


_SEVERITY = {
    "zh": {"error": "错误", "warning": "警告"},
    "en": {"error": "error", "warning": "warning"},
}


def diagnostic_json(diag: Diagnostic, sources: Sources, lang: str = "zh") -> dict[str, Any]:
    """One diagnostic in ``lang`` (``rendered`` as ``kfpl check`` prints it), with both
    languages' words under ``translations``, as ``kfpl check --format json`` has them."""
    span = diag.span
    return {
        "code": diag.code,
        "severity": diag.severity,
        "severity_text": _SEVERITY[lang][diag.severity],
        "message": diag.message[lang],
        "file": span.file,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "label": diag.label[lang],
        "help": diag.help[lang],
        "rendered": render(diag, sources, lang=lang),
        "translations": {
            other: {"message": diag.message[other], "label": diag.label[other],
                    "help": diag.help[other]}
            for other in ("zh", "en")
        },
    }  # fmt: skip


def diagnostics(
    texts: dict[str, str],
    only: str | None = None,
    sources_dir: Path | None = None,
    lang: str = "zh",
) -> tuple[Checked, list[dict[str, Any]]]:
    """Check the texts together; the diagnostics as JSON (of one file if ``only``)."""
    checked = check_texts(texts, sources_dir)
    found = [
        diagnostic_json(d, checked.sources, lang)
        for d in checked.diagnostics
        if only is None or d.span.file == only
    ]
    return checked, found
