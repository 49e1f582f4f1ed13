"""`kfpl schema`: the JSON Schema of an application, derived from the policy set."""

from __future__ import annotations

from typing import Any

from kfpl.model import PolicySet
from kfpl.python.codegen import reads_of
from kfpl.syntax import nodes as n

MONEY = {
    "description": 'yuan: a decimal string ("2000000.00", "200万") or an integer; never negative',
    "anyOf": [
        {"type": "string", "pattern": r"^\d[\d_,]*(\.\d+)?(万元|亿元|万|亿|元)?$"},
        {"type": "integer", "minimum": 0},
    ],
}


def scalar(type_name: str, ps: PolicySet) -> dict[str, Any]:
    if type_name in ps.enums:
        return {"enum": [m.name for m in ps.enums[type_name].members]}
    known: dict[str, dict[str, Any]] = {
        "money": MONEY,
        "rate": {
            "type": "string",
            "pattern": r"^\d+(\.\d+)?%?$",
            "description": '"4.35%" or "0.0435"',
        },
        "count": {"type": "integer", "minimum": 0},
        "year": {"type": "integer"},
        "bool": {"type": "boolean"},
        "date": {"type": "string", "format": "date"},
        "text": {"type": "string"},
    }
    return known.get(type_name, {})


def input_schema(decl: n.InputDecl, ps: PolicySet) -> dict[str, Any]:
    label = decl.label
    if isinstance(decl.type, n.ListType):
        fields = {f.name: scalar(f.type_name, ps) for f in decl.type.fields}
        body: dict[str, Any] = {
            "type": "array",
            "items": {
                "type": "object",
                "properties": fields,
                "required": list(fields),
                "additionalProperties": False,
            },
        }
    else:
        body = dict(scalar(decl.type.name, ps))
    body["title"] = f"{label.zh or ''} / {label.en or ''}"
    return body


def application_schema(ps: PolicySet) -> dict[str, Any]:
    enterprise = {
        name: input_schema(decl, ps)
        for name, decl in ps.inputs.items()
        if decl.origin == "enterprise"
    }
    measure_rules = []
    for measure in ps.measures.values():
        facts = {
            name: input_schema(ps.inputs[name], ps)
            for name in reads_of(measure, ps)
            if ps.inputs[name].origin != "enterprise"
        }
        measure_rules.append(
            {
                "if": {"properties": {"measure": {"const": measure.id}}},
                "then": {
                    "properties": {
                        "facts": {
                            "type": "object",
                            "properties": facts,
                            "additionalProperties": False,
                        }
                    }
                },
            }
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "kfpl application",
        "description": "One enterprise's application for one year: profile, claims and prior awards. "
        "A missing fact makes a claim undetermined; it is never read as zero.",
        "type": "object",
        "required": ["enterprise", "claims"],
        "anyOf": [{"required": ["year"]}, {"required": ["date"]}],
        "additionalProperties": False,
        "properties": {
            "year": {"type": "integer", "description": "the application year"},
            "date": {
                "type": "string",
                "format": "date",
                "description": "the day the claims are judged at (in the application year); "
                "decides a period written with days",
            },
            "enterprise": {
                "type": "object",
                "required": ["id"],
                "additionalProperties": False,
                "properties": {"id": {"type": "string"}, "name": {"type": "string"}, **enterprise},
            },
            "claims": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["measure"],
                    "additionalProperties": False,
                    "properties": {
                        "id": {"type": "string"},
                        "measure": {"enum": list(ps.measures)},
                        "project": {
                            "type": "string",
                            "description": "the project (order, centre) the claim is for",
                        },
                        "product": {
                            "type": "string",
                            "description": "the product the claim is for",
                        },
                        "date": {
                            "type": "string",
                            "format": "date",
                            "description": "the day of the event claimed (in the application "
                            "year); else the application's date",
                        },
                        "facts": {"type": "object"},
                    },
                    "allOf": measure_rules,
                },
            },
            "history": {
                "type": "array",
                "items": {
                    "oneOf": [
                        {
                            "type": "object",
                            "description": "an award already paid",
                            "required": ["measure", "year", "amount"],
                            "additionalProperties": False,
                            "properties": {
                                "measure": {"enum": list(ps.measures)},
                                "year": {"type": "integer"},
                                "amount": MONEY,
                                "project": {"type": "string"},
                                "product": {"type": "string"},
                                "matter": {"type": "string", "description": "ignored"},
                                "level": {"type": "string"},
                                "step": MONEY,
                                "note": {"type": "string"},
                            },
                        },
                        {
                            "type": "object",
                            "description": "facts of an earlier year (首次超过)",
                            "required": ["year", "facts"],
                            "additionalProperties": False,
                            "properties": {
                                "year": {"type": "integer"},
                                "facts": {"type": "object"},
                                "note": {"type": "string"},
                            },
                        },
                    ]
                },
            },
        },
    }
