"""Diagnostics as data: ``kfpl check --format json`` and ``--format sarif`` (SARIF 2.1.0).

Columns are 1-based and count Unicode characters, as everywhere in kfpl; the SARIF run
says so (``columnKind: unicodeCodePoints``), so a viewer puts the mark under the right
Chinese character. Each code's rule carries its catalogue title and the fix.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from kfpl import __version__
from kfpl.codes import CODES
from kfpl.diagnostics import Diagnostic, summary
from kfpl.syntax.nodes import Span

JSON_VERSION = 1
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _span_json(span: Span) -> dict[str, Any]:
    return {
        "file": span.file,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


def as_json(diags: list[Diagnostic]) -> dict[str, Any]:
    """The diagnostics as one JSON document (``diagnostics_version`` marks its shape)."""
    return {
        "diagnostics_version": JSON_VERSION,
        "summary": summary(diags),
        "errors": sum(1 for d in diags if d.severity == "error"),
        "warnings": sum(1 for d in diags if d.severity == "warning"),
        "diagnostics": [
            {
                "code": d.code,
                "severity": d.severity,
                "message": d.message,
                **_span_json(d.span),
                "label": d.label,
                "help": d.help,
                "secondary": [{"label": s.label, **_span_json(s.span)} for s in d.secondary],
            }
            for d in diags
        ],
    }


def _uri(path: str) -> str:
    # Relative paths stay relative (SARIF allows uri-references); separators are '/'.
    return PurePath(path).as_posix()


def _region(span: Span) -> dict[str, int]:
    line = max(1, span.line)
    column = max(1, span.column)
    region = {"startLine": line, "startColumn": column}
    if span.end_line > line:
        region |= {"endLine": span.end_line, "endColumn": max(1, span.end_column)}
    else:
        # Both kfpl and SARIF end a region at the column after its last character.
        region |= {"endLine": line, "endColumn": max(span.end_column, column + 1)}
    return region


def _location(span: Span, message: str = "") -> dict[str, Any]:
    loc: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(span.file)},
            "region": _region(span),
        }
    }
    if message:
        loc["message"] = {"text": message}
    return loc


def _rule(code: str) -> dict[str, Any]:
    entry = CODES.get(code)
    rule: dict[str, Any] = {"id": code}
    if entry is not None:
        rule["shortDescription"] = {"text": entry.title_en}
        rule["fullDescription"] = {"text": entry.explanation_en}
        rule["help"] = {"text": entry.fix_en}
        rule["properties"] = {"title_zh": entry.title_zh}
    return rule


def as_sarif(diags: list[Diagnostic]) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run of kfpl."""
    codes = sorted({d.code for d in diags})
    index = {code: i for i, code in enumerate(codes)}
    results = []
    for d in diags:
        text = d.message + (f" ({d.label})" if d.label else "")
        if d.help:
            text += f"; help: {d.help}"
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": "error" if d.severity == "error" else "warning",
            "message": {"text": text},
            "locations": [_location(d.span)],
        }
        if d.secondary:
            result["relatedLocations"] = [
                {"id": i, **_location(s.span, s.label)} for i, s in enumerate(d.secondary)
            ]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kfpl",
                        "version": __version__,
                        "rules": [_rule(code) for code in codes],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
