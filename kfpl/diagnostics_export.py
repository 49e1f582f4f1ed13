"""Diagnostics as data: ``kfpl check --format json`` and ``--format sarif`` (SARIF 2.1.0).

Columns are 1-based and count Unicode characters, as everywhere in kfpl; the SARIF run
says so (``columnKind: unicodeCodePoints``), so a viewer puts the mark under the right
Chinese character. Each code's rule carries its catalogue title and the fix.

Both forms are written in the language of ``--lang`` and carry the other too: in JSON,
``message``, ``label`` and ``help`` are in that language and ``translations`` holds
both (``{"zh": {...}, "en": {...}}``); in SARIF, ``message.text`` and the rules'
descriptions are in that language and each result's ``properties`` holds
``message_zh`` and ``message_en``.
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


def _words(d: Diagnostic, lang: str) -> dict[str, str]:
    return {"message": d.message[lang], "label": d.label[lang], "help": d.help[lang]}


def as_json(diags: list[Diagnostic], lang: str = "en") -> dict[str, Any]:
    """The diagnostics as one JSON document (``diagnostics_version`` marks its shape),
    in ``lang``, each with both languages under ``translations``."""
    return {
        "diagnostics_version": JSON_VERSION,
        "lang": lang,
        "summary": summary(diags, lang),
        "errors": sum(1 for d in diags if d.severity == "error"),
        "warnings": sum(1 for d in diags if d.severity == "warning"),
        "diagnostics": [
            {
                "code": d.code,
                "severity": d.severity,
                "message": d.message[lang],
                **_span_json(d.span),
                "label": d.label[lang],
                "help": d.help[lang],
                "secondary": [{"label": s.label[lang], **_span_json(s.span)} for s in d.secondary],
                "translations": {"zh": _words(d, "zh"), "en": _words(d, "en")},
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


def _rule(code: str, lang: str) -> dict[str, Any]:
    entry = CODES.get(code)
    rule: dict[str, Any] = {"id": code}
    if entry is not None:
        zh = lang == "zh"
        rule["shortDescription"] = {"text": entry.title_zh if zh else entry.title_en}
        rule["fullDescription"] = {"text": entry.explanation_zh if zh else entry.explanation_en}
        rule["help"] = {"text": entry.fix_zh if zh else entry.fix_en}
        rule["properties"] = {"title_zh": entry.title_zh, "title_en": entry.title_en}
    return rule


def message_text(d: Diagnostic, lang: str) -> str:
    """The message, its label and its help as one line, for a viewer that shows only one
    text per result (SARIF, the LSP)."""
    if lang == "zh":
        text = d.message.zh + (f"（{d.label.zh}）" if d.label else "")
        return text + (f"；帮助：{d.help.zh}" if d.help else "")
    text = d.message.en + (f" ({d.label.en})" if d.label else "")
    return text + (f"; help: {d.help.en}" if d.help else "")


def as_sarif(diags: list[Diagnostic], lang: str = "en") -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run of kfpl, in ``lang`` (both in ``properties``)."""
    codes = sorted({d.code for d in diags})
    index = {code: i for i, code in enumerate(codes)}
    results = []
    for d in diags:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": "error" if d.severity == "error" else "warning",
            "message": {"text": message_text(d, lang)},
            "locations": [_location(d.span)],
            "properties": {
                "message_zh": message_text(d, "zh"),
                "message_en": message_text(d, "en"),
            },
        }
        if d.secondary:
            result["relatedLocations"] = [
                {"id": i, **_location(s.span, s.label[lang])} for i, s in enumerate(d.secondary)
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
                        "rules": [_rule(code, lang) for code in codes],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
