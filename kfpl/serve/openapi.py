"""The OpenAPI 3.1 document of ``/api/v1``, written by hand (a test validates it)."""

from __future__ import annotations

from typing import Any

from kfpl import __version__

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "string",
            "description": "the message `kfpl eval` prints after the file name",
        },
        "path": {
            "type": "string",
            "description": "JSON path of the offending field, e.g. claims[0].facts.booth_rental",
        },
    },
}


def _errors(*codes: str) -> dict[str, Any]:
    text = {
        "400": "not JSON (or not UTF-8)",
        "413": "request body too large",
        "422": "JSON that the application reader refuses",
        "503": "time limit reached",
    }
    return {
        code: {
            "description": text[code],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for code in codes
    }


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi_document() -> dict[str, Any]:
    decision = {
        "type": "object",
        "description": "what `kfpl eval --format json` prints",
        "required": ["explain_version", "year", "enterprise", "total", "measures", "rules"],
        "properties": {
            "explain_version": {"type": "integer"},
            "year": {"type": "integer"},
            "enterprise": {"type": "string"},
            "total": {
                "type": "string",
                "description": "yuan, two decimals",
                "pattern": r"^-?\d+\.\d{2}$",
            },
            "measures": {"type": "array", "items": {"type": "object"}},
            "rules": {"type": "array", "items": {"type": "object"}},
        },
    }
    diagnostic = {
        "type": "object",
        "required": ["code", "severity", "message", "file", "line", "column"],
        "properties": {
            "code": {"type": "string", "pattern": "^KF\\d{4}$"},
            "severity": {"enum": ["error", "warning"]},
            "message": {"type": "string"},
            "file": {"type": "string"},
            "line": {"type": "integer"},
            "column": {"type": "integer"},
            "end_line": {"type": "integer"},
            "end_column": {"type": "integer"},
            "label": {"type": "string"},
            "help": {"type": "string"},
            "rendered": {"type": "string", "description": "the rustc-style text of `kfpl check`"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "kfpl policy calculator API",
            "version": f"1 (kfpl {__version__})",
            "description": "Evaluate applications against the served policy project, read its schema and "
            "measures, and check policy text. Amounts are decimal strings in yuan; a missing fact "
            "makes a claim undetermined, never zero.",
        },
        "paths": {
            "/api/v1/evaluate": {
                "post": {
                    "summary": "Evaluate one application (the same decision as `kfpl eval --format json`)",
                    "parameters": [
                        {
                            "name": "version",
                            "in": "query",
                            "required": False,
                            "description": "a policy version the server knows (GET /api/v1/versions); "
                            "default `saved`, the served project. Only names are accepted, never a "
                            "path or policy text; an unknown name is 422 with path `version`.",
                            "schema": {"type": "string"},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "description": "an application: its JSON Schema is GET /api/v1/schema",
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json("the decision", decision),
                        **_errors("400", "413", "422", "503"),
                    },
                }
            },
            "/api/v1/versions": {
                "get": {
                    "summary": "The policy versions `evaluate` may choose",
                    "description": "`saved` (the served project), the folder given with "
                    "--review-against and the project file's `[examples] revision`, each by its "
                    "folder name.",
                    "responses": {
                        "200": _json(
                            "the versions",
                            {
                                "type": "object",
                                "required": ["versions"],
                                "properties": {
                                    "versions": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["version", "default"],
                                            "properties": {
                                                "version": {"type": "string"},
                                                "default": {"type": "boolean"},
                                                "digest": {"type": "string"},
                                                "measures": {
                                                    "type": "array",
                                                    "items": {"type": "string"},
                                                },
                                                "error": {"type": "string"},
                                            },
                                        },
                                    }
                                },
                            },
                        )
                    },
                }
            },
            "/api/v1/schema": {
                "get": {
                    "summary": "The JSON Schema of an application (`kfpl schema`)",
                    "responses": {
                        "200": _json("a JSON Schema (draft 2020-12/schema)", {"type": "object"})
                    },
                }
            },
            "/api/v1/measures": {
                "get": {
                    "summary": "Measures, rules, targets and parameters (`kfpl list --format json`)",
                    "responses": {"200": _json("the listing", {"type": "object"})},
                }
            },
            "/api/v1/check": {
                "post": {
                    "summary": "Check policy text (parsed and checked only, never run)",
                    "description": "The text replaces the named file of the project (or is added as "
                    "`draft.kfpl`) and the whole set is checked.",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["text"],
                                    "properties": {
                                        "text": {"type": "string"},
                                        "file": {
                                            "type": "string",
                                            "pattern": r"^[A-Za-z0-9][A-Za-z0-9_\-]*\.kfpl$",
                                        },
                                    },
                                }
                            },
                            "text/plain": {"schema": {"type": "string"}},
                        },
                    },
                    "responses": {
                        "200": _json(
                            "the diagnostics",
                            {
                                "type": "object",
                                "required": ["ok", "errors", "warnings", "diagnostics"],
                                "properties": {
                                    "ok": {"type": "boolean"},
                                    "errors": {"type": "integer"},
                                    "warnings": {"type": "integer"},
                                    "diagnostics": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Diagnostic"},
                                    },
                                },
                            },
                        ),
                        **_errors("400", "413", "422", "503"),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": _json("OpenAPI 3.1", {"type": "object"})},
                }
            },
        },
        "components": {"schemas": {"Error": ERROR, "Diagnostic": diagnostic}},
    }
