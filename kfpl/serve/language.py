"""The one adapter between the service and the checker.

The studio and ``POST /api/v1/check`` ask here for the diagnostics of a policy text. It
parses and checks only (kfpl.project.loader.compile_texts): no code is generated or
run, so policy text sent to the service is never executed. When the language service
of ``kfpl lsp`` lands, this function is the one place to switch over to it.
"""

from __future__ import annotations

from typing import Any

from kfpl.diagnostics import Diagnostic, render
from kfpl.project.loader import Compilation, compile_texts


def check_texts(texts: dict[str, str]) -> Compilation:
    return compile_texts(texts)


def diagnostic_json(diag: Diagnostic, comp: Compilation) -> dict[str, Any]:
    span = diag.span
    return {
        "code": diag.code,
        "severity": diag.severity,
        "message": diag.message,
        "file": span.file,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "label": diag.label,
        "help": diag.help,
        "rendered": render(diag, comp.sources),
    }


def diagnostics(
    texts: dict[str, str], only: str | None = None
) -> tuple[Compilation, list[dict[str, Any]]]:
    """Check the texts together; the diagnostics as JSON (of one file if ``only``)."""
    comp = check_texts(texts)
    found = [
        diagnostic_json(d, comp) for d in comp.diagnostics if only is None or d.span.file == only
    ]
    return comp, found
