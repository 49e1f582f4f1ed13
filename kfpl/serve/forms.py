"""The calculator's form, generated from the checked model, and its reading back.

A form shows only what the chosen measures read: the enterprise facts the measures and
the general rules read, and each claim's own facts. Values are passed to the
application reader as typed (``86万`` stays ``"86万"``), so the runtime's money parser
reads them exactly as it reads ``kfpl eval`` input; an empty field is left out of the
application, which makes the claim undetermined rather than zero.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kfpl.model import PolicySet
from kfpl.python.codegen import reads_of
from kfpl.syntax import nodes as n

LIST_ROWS = 3
HISTORY_ROWS = 3


@dataclass(frozen=True)
class Choice:
    value: str
    zh: str
    en: str


@dataclass(frozen=True)
class FormField:
    """One input of the form: ``kind`` picks the control (money, rate, count, year, bool,
    enum, date, text, list)."""

    name: str  # the form field name
    fact: str  # the input's name in the policy set
    kind: str
    zh: str
    en: str
    choices: tuple[Choice, ...] = ()
    columns: tuple[FormField, ...] = ()  # for a list: one field per record field

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class ClaimForm:
    index: int
    measure: n.Measure
    fields: tuple[FormField, ...]


@dataclass
class CalculatorForm:
    measures: list[n.Measure]
    enterprise: list[FormField]
    claims: list[ClaimForm]
    history_measures: list[n.Measure] = field(default_factory=list)


@dataclass(frozen=True)
class Group:
    key: str  # "policy:expo", "chain:textiles", "clause:expo 2"
    zh: str
    en: str
    measures: tuple[str, ...]


def _label(label: n.Label | None, fallback: str) -> tuple[str, str]:
    if label is None:
        return fallback, fallback
    return label.get("zh") or fallback, label.get("en") or fallback


def _field(
    name: str, fact: str, type_ref: n.TypeRef, label: n.Label | None, ps: PolicySet
) -> FormField:
    zh, en = _label(label, fact)
    if isinstance(type_ref, n.ListType):
        columns = tuple(
            _field(f.name, f.name, n.NamedType(f.type_name), f.label, ps) for f in type_ref.fields
        )
        return FormField(name, fact, "list", zh, en, columns=columns)
    if isinstance(type_ref, n.SetType):  # one checkbox per value, and "none of these"
        choices = tuple(
            Choice(m.name, *_label(m.label, m.name)) for m in ps.enums[type_ref.enum].members
        )
        return FormField(name, fact, "set", zh, en, choices)
    type_name = type_ref.name
    if type_name in ps.enums:
        choices = tuple(
            Choice(m.name, *_label(m.label, m.name)) for m in ps.enums[type_name].members
        )
        return FormField(name, fact, "enum", zh, en, choices)
    if type_name == "bool":
        return FormField(
            name, fact, "bool", zh, en, (Choice("true", "是", "yes"), Choice("false", "否", "no"))
        )
    return FormField(name, fact, type_name, zh, en)


def rule_reads(ps: PolicySet) -> list[str]:
    """Enterprise facts the general rules read (eligibility, exclusions, the yearly
    total's limit): every name a rule's nodes hold that is a declared input."""
    names: list[str] = []
    for rule in ps.rules.values():
        for node in rule.walk():
            for f in dataclasses.fields(node):
                value = getattr(node, f.name)
                for name in value if isinstance(value, tuple) else (value,):
                    if isinstance(name, str) and name in ps.inputs and name not in names:
                        names.append(name)
    return names


def build_form(ps: PolicySet, measure_ids: Iterable[str]) -> CalculatorForm:
    measures = [ps.measures[m] for m in dict.fromkeys(measure_ids) if m in ps.measures]
    enterprise_names: list[str] = []
    claims: list[ClaimForm] = []
    for index, measure in enumerate(measures):
        facts = []
        for name in reads_of(measure, ps):
            decl = ps.inputs[name]
            if decl.origin == "enterprise":
                if name not in enterprise_names:
                    enterprise_names.append(name)
                continue
            facts.append(_field(f"c.{index}.{name}", name, decl.type, decl.label, ps))
        claims.append(ClaimForm(index, measure, tuple(facts)))
    for name in rule_reads(ps):
        if ps.inputs[name].origin == "enterprise" and name not in enterprise_names:
            enterprise_names.append(name)
    enterprise = [
        _field(f"e.{name}", name, ps.inputs[name].type, ps.inputs[name].label, ps)
        for name in enterprise_names
    ]
    return CalculatorForm(measures, enterprise, claims, list(ps.measures.values()))


def groups(ps: PolicySet) -> list[Group]:
    """Ways to pick several measures at once: a whole document, a clause, an industry chain."""
    out: list[Group] = []
    for pid, policy in ps.policies.items():
        ids = tuple(m for m in ps.measures if ps.owner.get(m) == pid)
        if ids:
            zh, en = _label(policy.title, pid)
            out.append(Group(f"policy:{pid}", zh, en, ids))
    # chains: measures that require an enterprise enum fact to be one member
    enterprise_enums = {
        name: decl.type.name
        for name, decl in ps.inputs.items()
        if decl.origin == "enterprise"
        and isinstance(decl.type, n.NamedType)
        and decl.type.name in ps.enums
    }
    by_member: dict[tuple[str, str], list[str]] = {}
    for measure in ps.measures.values():
        for cond in measure.requires:
            for node in cond.walk():
                if isinstance(node, n.IsValue) and node.name in enterprise_enums:
                    found = by_member.setdefault((node.name, node.value), [])
                    if measure.id not in found:
                        found.append(measure.id)
    for (name, value), members in by_member.items():
        enum = ps.enums[enterprise_enums[name]]
        member = next((m for m in enum.members if m.name == value), None)
        mzh, men = _label(member.label if member else None, value)
        fzh, fen = _label(ps.inputs[name].label, name)
        out.append(Group(f"{name}:{value}", f"{fzh}：{mzh}", f"{fen}: {men}", tuple(members)))
    return out


def expand(ps: PolicySet, measures: Iterable[str], group_keys: Iterable[str]) -> list[str]:
    chosen = [m for m in measures if m in ps.measures]
    table = {g.key: g for g in groups(ps)}
    for key in group_keys:
        if key in table:
            chosen.extend(table[key].measures)
    return list(dict.fromkeys(chosen))


# --------------------------------------------------------------------------- reading back

_WHOLE = re.compile(r"^\d{1,6}$")


def _value(kind: str, raw: str) -> Any:
    """A form text as the JSON value the application reader expects."""
    if kind == "bool":
        return {"true": True, "false": False}.get(raw, raw)
    if kind in ("count", "year") and _WHOLE.match(raw):
        return int(raw)
    return raw


def _year(raw: str) -> Any:
    return int(raw) if _WHOLE.match(raw) else raw


@dataclass
class Reading:
    """The application a submitted form describes, and for each value in it the form
    field it came from (blank rows are dropped, so positions differ)."""

    application: dict[str, Any]
    origin: dict[str, str]

    def field_of(self, path: str) -> str | None:
        """The form field an application reader's error path points at."""
        best = ""
        for key in self.origin:
            if (path == key or path.startswith((key + ".", key + "["))) and len(key) > len(best):
                best = key
        return self.origin[best] if best else None


def read_form(form: CalculatorForm, data: Mapping[str, str]) -> Reading:
    """The application the form describes (only fields with a value)."""
    origin: dict[str, str] = {}

    def get(name: str) -> str:
        return str(data.get(name, "")).strip()

    def put(target: dict[str, Any], key: str, value: Any, path: str, name: str) -> None:
        target[key] = value
        origin[path] = name

    enterprise: dict[str, Any] = {}
    put(enterprise, "id", get("e.id") or "web", "enterprise.id", "e.id")
    if get("e.name"):
        put(enterprise, "name", get("e.name"), "enterprise.name", "e.name")

    def checked(f: FormField) -> list[str] | None:
        """A set field's ticked values; None when nothing (not even "none") is ticked."""
        ticked = [c.value for c in f.choices if get(f"{f.name}.{c.value}")]
        return ticked if ticked or get(f"{f.name}.none") else None

    for f in form.enterprise:
        if f.kind == "set":
            ticked = checked(f)
            if ticked is not None:
                put(enterprise, f.fact, ticked, f"enterprise.{f.fact}", f.name)
        elif get(f.name):
            put(enterprise, f.fact, _value(f.kind, get(f.name)), f"enterprise.{f.fact}", f.name)
    claims = []
    for position, claim in enumerate(form.claims):
        prefix = f"claims[{position}]"
        facts: dict[str, Any] = {}
        for f in claim.fields:
            path = f"{prefix}.facts.{f.fact}"
            if f.kind == "list":
                rows: list[dict[str, Any]] = []
                for row in range(LIST_ROWS):
                    cells = {c.fact: get(f"{f.name}.{row}.{c.fact}") for c in f.columns}
                    if not any(cells.values()):
                        continue
                    record: dict[str, Any] = {}
                    for c in f.columns:
                        item = f"{path}[{len(rows)}].{c.fact}"
                        put(
                            record,
                            c.fact,
                            _value(c.kind, cells[c.fact]),
                            item,
                            f"{f.name}.{row}.{c.fact}",
                        )
                    rows.append(record)
                if rows or get(f"{f.name}.none"):
                    put(
                        facts,
                        f.fact,
                        rows,
                        path,
                        f"{f.name}.0.{f.columns[0].fact}" if f.columns else f.name,
                    )
            elif f.kind == "set":
                ticked = checked(f)
                if ticked is not None:
                    put(facts, f.fact, ticked, path, f.name)
            elif get(f.name):
                put(facts, f.fact, _value(f.kind, get(f.name)), path, f.name)
        entry: dict[str, Any] = {
            "id": str(claim.index + 1),
            "measure": claim.measure.id,
            "facts": facts,
        }
        if get(f"c.{claim.index}.project"):
            put(
                entry,
                "project",
                get(f"c.{claim.index}.project"),
                f"{prefix}.project",
                f"c.{claim.index}.project",
            )
        claims.append(entry)
    history: list[dict[str, Any]] = []
    for row in range(HISTORY_ROWS):
        if not any(get(f"h.{row}.{key}") for key in ("measure", "year", "amount", "project")):
            continue
        prefix = f"history[{len(history)}]"
        entry = {}
        put(entry, "measure", get(f"h.{row}.measure"), f"{prefix}.measure", f"h.{row}.measure")
        put(entry, "year", _year(get(f"h.{row}.year")), f"{prefix}.year", f"h.{row}.year")
        put(entry, "amount", get(f"h.{row}.amount"), f"{prefix}.amount", f"h.{row}.amount")
        if get(f"h.{row}.project"):
            put(entry, "project", get(f"h.{row}.project"), f"{prefix}.project", f"h.{row}.project")
        origin[prefix] = f"h.{row}.measure"
        history.append(entry)
    app: dict[str, Any] = {}
    put(app, "year", _year(get("year")), "year", "year")
    app["enterprise"] = enterprise
    app["claims"] = claims
    if history:
        app["history"] = history
    return Reading(app, origin)
