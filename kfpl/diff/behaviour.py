"""Behavioural diff: evaluate both versions where results can change, list what did.

For each measure present in both versions (renames included) the probe points are:

* every threshold either version states on one of the measure's inputs (``requires``,
  tier and step bounds, general eligibility), and every cap's binding point (the base
  at which ``rate × base`` reaches the cap), each at the value and one unit either side
  (1 yuan for money, 1 for counts);
* every enum member and both truth values of the inputs the measure reads;
* the worked examples of both versions;
* years only one version is in force, on the worked examples;
* where a period is written with days, the day before, the first and the last day of
  each version's period and the day after, on the worked examples (a changed period
  moves in force and out at those days).

Each point is a one-claim application from a fully eligible enterprise (all profile
conditions met, no exclusion flag, a local retained tax far above any award), with
the other facts held at the measure's first worked example. A measure whose results
are the same at every point was only reworded: its changes are proven neutral. A
measure whose results only went up (or only down) settles the direction of any
change that the text alone could not.

Set-level rules (stacking, the yearly total) are probed with one more application
holding a claim on every measure, for the same project, from an enterprise whose
yearly limit binds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from kfpl.diff import canon as c
from kfpl.diff.readable import Reader, left_out_json
from kfpl.diff.structural import Change, match_items, measure_similarity
from kfpl.model import PolicySet
from kfpl.runtime.dates import Span
from kfpl.syntax import nodes as n

ONE = Decimal(1)
BIG = Decimal(10) ** 12  # a local retained tax no award comes near
MAX_CASES_PER_MEASURE = 8


# --------------------------------------------------------------------------- applications


def exclusion_flags(ps: PolicySet) -> set[str]:
    return {
        flag
        for rule in ps.rules.values()
        for body in rule.bodies
        if isinstance(body, n.Exclude)
        for flag in body.flags
    }


def default_enterprise(ps: PolicySet, *others: PolicySet) -> dict[str, Any]:
    """An enterprise every general condition admits and no exclusion catches."""
    flags = exclusion_flags(ps).union(*(exclusion_flags(o) for o in others))
    enterprise: dict[str, Any] = {"id": "PROBE", "name": "probe"}
    for s in (ps, *others):
        for name, decl in s.inputs.items():
            if decl.origin != "enterprise" or name in enterprise:
                continue
            enterprise[name] = default_value(s, decl.type, name in flags)
    for s in (ps, *others):
        for rule in s.rules.values():
            for body in rule.bodies:
                if isinstance(body, n.Eligible):
                    satisfy(enterprise, body.cond, s)
    return enterprise


def own_enterprise(program: Any, enterprise: dict[str, Any]) -> dict[str, Any]:
    """The probe enterprise as one version can read it: the profile is built from both
    versions, and an enterprise input only one of them declares is not the other's."""
    inputs = program.runtime.inputs
    return {
        k: v
        for k, v in enterprise.items()
        if k in ("id", "name") or (k in inputs and inputs[k].origin == "enterprise")
    }


def default_value(ps: PolicySet, ty: n.TypeRef, flag: bool = False) -> Any:
    if isinstance(ty, n.ListType):
        return [{f.name: default_value(ps, n.NamedType(f.type_name)) for f in ty.fields}]
    if isinstance(ty, n.SetType):  # every value held: each `contains` holds
        return _set_members(ps, ty.enum)
    name = ty.name
    if name == "bool":
        return not flag
    if name == "money":
        return str(BIG)
    if name == "count":
        return 1
    if name == "rate":
        return "0.1"
    if name == "year":
        return ps.reference_year()
    if name == "date":
        return f"{ps.reference_year()}-06-30"
    if name == "text":
        return "probe"
    enum = ps.enums.get(name)
    return enum.members[0].name if enum and enum.members else name


def _set_members(ps: PolicySet, enum_name: str) -> list[str]:
    enum = ps.enums.get(enum_name)
    return [m.name for m in enum.members] if enum else []


def _set_of(ps: PolicySet, name: str) -> list[str]:
    ty = ps.type_of(name)
    return _set_members(ps, ty.enum) if isinstance(ty, n.SetType) else []


def _sized(ps: PolicySet, name: str, op: str, at: Decimal, hold: bool) -> list[str]:
    """The first k values of a set-valued fact, k chosen so `number of` holds (or fails)."""
    members = _set_of(ps, name)
    for k in range(len(members) + 1):
        size = Decimal(k)
        ok = {
            "at_least": size >= at,
            "more_than": size > at,
            "equal": size == at,
            "at_most": size <= at,
            "less_than": size < at,
        }[op]
        if ok == hold:
            return members[:k]
    return members


def satisfy(facts: dict[str, Any], cond: n.Cond, ps: PolicySet) -> None:
    """Adjust facts so a simple condition holds (best effort, for the probe's base)."""
    for part in c.flatten_and(cond):
        if isinstance(part, n.Truthy):
            facts[part.name] = True
        elif isinstance(part, n.IsValue):
            facts[part.name] = part.value
        elif isinstance(part, n.InValues) and part.values:
            facts[part.name] = part.values[0]
        elif isinstance(part, n.Contains):
            held = set(facts.get(part.name) or ()) | set(part.values)
            facts[part.name] = [v for v in _set_of(ps, part.name) if v in held]
        elif isinstance(part, n.CountOf):
            facts[part.name] = _sized(ps, part.name, part.op, part.value.value, True)
        elif isinstance(part, n.Compare):
            v = part.value.value
            unit = unit_of(ps, part.name)
            facts[part.name] = fact_value(
                ps,
                part.name,
                {
                    "at_least": v,
                    "more_than": v + unit,
                    "equal": v,
                    "at_most": v,
                    "less_than": v - unit,
                }[part.op],
            )
        elif isinstance(part, n.AnyOf) and part.operands:
            satisfy(facts, part.operands[0], ps)


def falsify(facts: dict[str, Any], cond: n.Cond, ps: PolicySet) -> None:
    """Adjust facts so a simple condition fails (best effort, like ``satisfy``)."""
    if isinstance(cond, n.Truthy):
        facts[cond.name] = False
    elif isinstance(cond, n.IsValue | n.InValues):
        taken = {cond.value} if isinstance(cond, n.IsValue) else set(cond.values)
        ty = ps.type_of(cond.name)
        enum = ps.enums.get(ty.name) if isinstance(ty, n.NamedType) else None
        other = [m.name for m in enum.members if m.name not in taken] if enum else []
        if other:
            facts[cond.name] = other[0]
    elif isinstance(cond, n.Contains):
        # Dropping every named value fails `all of` and `any of` alike.
        held = set(facts.get(cond.name) or ()) - set(cond.values)
        facts[cond.name] = [v for v in _set_of(ps, cond.name) if v in held]
    elif isinstance(cond, n.CountOf):
        facts[cond.name] = _sized(ps, cond.name, cond.op, cond.value.value, False)
    elif isinstance(cond, n.Compare):
        v, unit = cond.value.value, unit_of(ps, cond.name)
        failing = {
            "at_least": v - unit,
            "more_than": v,
            "equal": v + unit,
            "at_most": v + unit,
            "less_than": v,
        }[cond.op]
        facts[cond.name] = fact_value(ps, cond.name, max(failing, Decimal(0)))
    elif isinstance(cond, n.Not):
        satisfy(facts, cond.operand, ps)
    elif isinstance(cond, n.AllOf) and cond.operands:
        falsify(facts, cond.operands[0], ps)
    elif isinstance(cond, n.AnyOf):
        for op in cond.operands:
            falsify(facts, op, ps)


def alternative_points(
    conds: list[tuple[n.Cond, PolicySet]], base: dict[str, Any]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """For every `or` of either version: each alternative holding while the others of
    that `or` fail, so an alternative one version adds is evaluated on its own."""
    for cond, ps in conds:
        for node in cond.walk():
            if not isinstance(node, n.AnyOf) or len(node.operands) < 2:
                continue
            for op in node.operands:
                facts = dict(base)
                for other in node.operands:
                    if other is not op:
                        falsify(facts, other, ps)
                satisfy(facts, op, ps)
                yield c.cond_text(op), facts


def unit_of(ps: PolicySet, name: str) -> Decimal:
    ty = ps.type_of(name)
    if isinstance(ty, n.NamedType) and ty.name == "rate":
        return Decimal("0.0001")
    return ONE


def fact_value(ps: PolicySet, name: str, value: Decimal) -> Any:
    ty = ps.type_of(name)
    if isinstance(ty, n.NamedType) and ty.name in ("count", "year"):
        return int(value)
    return format(value, "f")


def json_value(value: n.Value) -> Any:
    if isinstance(value, n.Number):
        return str(value.value)
    if isinstance(value, n.DateValue):
        return value.value.isoformat()
    if isinstance(value, n.NameValue):
        return {"true": True, "false": False}.get(value.name, value.name)
    if isinstance(value, n.SetValue):
        return list(value.members)
    return [{f.name: json_value(f.value) for f in record} for record in value.records]


# --------------------------------------------------------------------------- what a measure reads


def measure_inputs(m: n.Measure, ps: PolicySet) -> list[str]:
    """The declared inputs a measure reads, in first-use order (examples excluded)."""
    names: list[str] = []
    parts: list[n.Node] = [*m.requires, *m.awards]
    for part in parts:
        for node in part.walk():
            for name in _names(node):
                if name in ps.inputs and name not in names:
                    names.append(name)
    return names


def _names(node: n.Node) -> Iterator[str]:
    if isinstance(node, (n.Ref, *n.ATOMS)):
        yield node.name
    elif isinstance(node, n.Tiers | n.Steps | n.ByCase | n.Staged):
        yield node.on
    elif isinstance(node, n.Each):
        yield node.over
    elif isinstance(node, n.Increase):
        yield node.new
        yield node.old
    elif isinstance(node, n.Matching):
        yield node.higher_award


def boundaries(m: n.Measure, name: str, ps: PolicySet, rules: list[n.Rule]) -> set[Decimal]:
    """The values of ``name`` at which the measure's result can change shape."""
    found: set[Decimal] = set()
    conds: list[n.Node] = [*m.requires]
    conds += [b.cond for r in rules for b in r.bodies if isinstance(b, n.Eligible)]
    for cond in conds:
        for node in cond.walk():
            if isinstance(node, n.Compare) and node.name == name:
                found.add(node.value.value)
    caps = [cap.amount.value for cap in m.caps]
    for node in m.award.walk():
        if isinstance(node, n.Tiers | n.Steps) and node.on == name:
            for row in node.rows:
                for bound in (row.low, row.high):
                    if bound is not None:
                        found.add(bound.value.value)
        if isinstance(node, n.Steps) and node.on == name:
            found.update(node.size.value * k for k in (1, 2, 3))
        if isinstance(node, n.Percent) and isinstance(node.rate, n.Number) and node.rate.value:
            if any(isinstance(op, n.Ref) and op.name == name for op in node.base):
                found.update(cap / node.rate.value for cap in caps)
            for op in node.base:
                if isinstance(op, n.Increase) and op.new == name:
                    found.update(cap / node.rate.value for cap in caps)
        if (
            isinstance(node, n.Matching)
            and node.higher_award == name
            and isinstance(node.rate, n.Number)
            and node.rate.value
        ):
            found.update(cap / node.rate.value for cap in caps)
    fen = Decimal("0.01")
    return {b.quantize(fen) if b != b.to_integral_value() else b.quantize(ONE) for b in found}


def probe_values(ps: PolicySet, name: str, bounds: set[Decimal]) -> list[Any]:
    ty = ps.type_of(name)
    if isinstance(ty, n.ListType):
        return []
    if isinstance(ty, n.SetType):  # none, each value alone, and all of them
        members = _set_members(ps, ty.enum)
        return [[], *([m] for m in members), members]
    kind = ty.name if ty is not None else "money"
    if kind == "bool":
        return [True, False]
    enum = ps.enums.get(kind)
    if enum is not None:
        return [m.name for m in enum.members]
    if kind not in ("money", "count", "rate"):
        return []
    unit = unit_of(ps, name)
    values: set[Decimal] = set()
    for b in bounds:
        values.update(v for v in (b - unit, b, b + unit) if v >= 0)
    if bounds:
        # one point inside the lowest and one beyond the highest segment
        values.update({(min(bounds) / 2).to_integral_value(), max(bounds) * 2})
    if kind == "count":
        values = {v.to_integral_value() for v in values}
    return [fact_value(ps, name, v) for v in sorted(values)]


# --------------------------------------------------------------------------- results


@dataclass
class Side:
    status: str
    amount: str
    ceiling: bool
    explain: list[dict[str, Any]]

    def key(self) -> tuple[str, str, bool]:
        # "capped" is "awarded" with a cap that bound: the same result for the applicant.
        status = "awarded" if self.status == "capped" else self.status
        return (
            status,
            self.amount if self.paid_status else "0.00",
            self.ceiling and self.paid_status,
        )

    @property
    def paid_status(self) -> bool:
        return self.status in ("awarded", "capped")

    @property
    def paid(self) -> Decimal:
        return Decimal(self.amount) if self.status in ("awarded", "capped") else Decimal(0)

    def why(self, other: Side | None = None) -> dict[str, list[str]]:
        steps = self.explain
        if other is not None:
            theirs = {(s["en"]) for s in other.explain}
            steps = [s for s in steps if s["en"] not in theirs] or steps[-1:]
        return {"zh": [s["zh"] for s in steps], "en": [s["en"] for s in steps]}


def side_of(result: dict[str, Any] | None) -> Side:
    if result is None:
        return Side("absent", "0.00", False, [])
    return Side(result["status"], result["amount"], bool(result.get("ceiling")), result["explain"])


@dataclass
class Case:
    measure: str
    old_measure: str
    label: dict[str, str]
    year: int
    facts: dict[str, Any]
    old: Side
    new: Side
    kind: str  # boundary | example | period | day | rules
    day: date | None = None  # the claim's date (probes at a period's boundary days)
    facts_zh: str = ""  # the facts as a zh page words them (labels, 万元, 是/否)

    @property
    def delta(self) -> Decimal:
        return self.new.paid - self.old.paid

    def to_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "old_measure": self.old_measure,
            "kind": self.kind,
            "label": self.label,
            "year": self.year,
            **({"date": self.day.isoformat()} if self.day else {}),
            "facts": {k: _show(v) for k, v in self.facts.items()},
            "facts_zh": self.facts_zh,
            "facts_en": ", ".join(f"{k} = {_show(v, 'en')}" for k, v in self.facts.items()),
            "old": {
                "status": self.old.status,
                "amount": self.old.amount,
                "ceiling": self.old.ceiling,
                "why": self.old.why(self.new),
            },
            "new": {
                "status": self.new.status,
                "amount": self.new.amount,
                "ceiling": self.new.ceiling,
                "why": self.new.why(self.old),
            },
            "delta": f"{self.delta:.2f}",
        }


def _show(value: Any, lang: str = "kfpl") -> str:
    """A probed fact as kfpl writes it (30万), or in English amounts (CNY 300,000)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return (
            "["
            + ", ".join(
                "{" + ", ".join(f"{k} = {_show(v, lang)}" for k, v in r.items()) + "}"
                for r in value
            )
            + "]"
        )
    if isinstance(value, str):
        try:
            if "." not in value or Decimal(value) >= 1:
                return c.money(Decimal(value), lang)
            return value
        except ArithmeticError:
            return value
    return str(value)


@dataclass
class Verdict:
    measure: str
    old_measure: str | None
    points: int = 0
    changed: int = 0
    up: int = 0
    down: int = 0
    status: str = "unchanged"
    # (old, new) when compared: [first, last] years, or ISO days for a period written with days
    periods: tuple[list[Any] | None, list[Any] | None] | None = None
    year: int | None = None  # the year the boundary probes ran in

    @property
    def verdict(self) -> str:
        if self.status in ("added", "removed"):
            return self.status
        if self.points == 0:
            return "not_compared"  # nothing evaluated in a year both are in force
        if self.changed == 0:
            return "unchanged"
        if self.down == 0 and self.up > 0:
            return "more_generous"
        if self.up == 0 and self.down > 0:
            return "less_generous"
        return "mixed"

    def to_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "old_measure": self.old_measure,
            "points": self.points,
            "changed": self.changed,
            "increases": self.up,
            "decreases": self.down,
            "verdict": self.verdict,
            "periods": None
            if self.periods is None
            else {"old": self.periods[0], "new": self.periods[1]},
            "year": self.year,
        }


@dataclass
class Behaviour:
    points: int = 0
    verdicts: list[Verdict] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    period: dict[int, dict[str, int]] = field(default_factory=dict)
    # boundary days of periods written with days: ISO day -> which version is in force, changes
    days: dict[str, dict[str, Any]] = field(default_factory=dict)
    readers: tuple[Reader, Reader] | None = None

    def verdict_of(self, measure: str) -> Verdict | None:
        return next((v for v in self.verdicts if v.measure == measure), None)

    def to_json(self, max_cases: int = MAX_CASES_PER_MEASURE) -> dict[str, Any]:
        shown: list[Case] = []
        per: dict[str, int] = {}
        for case in self.cases:
            if case.kind == "period":
                continue
            per[case.measure] = per.get(case.measure, 0) + 1
            if per[case.measure] <= max_cases:
                shown.append(case)
        return {
            "points": self.points,
            "measures": [v.to_json() for v in self.verdicts],
            "cases": [case.to_json() for case in shown],
            "cases_total": sum(1 for case in self.cases if case.kind != "period"),
            "period": [{"year": y, **counts} for y, counts in sorted(self.period.items())],
            "days": [{"date": d, **info} for d, info in sorted(self.days.items())],
            "left_out": left_out_json(*(r.left_out for r in self.readers)) if self.readers else [],
        }


# --------------------------------------------------------------------------- the probe


def span_of(ps: PolicySet, measure_id: str) -> Span | None:
    period = ps.period_of(measure_id)
    return None if period is None else Span(period.start, period.end, period.by_day)


def years_in_force(ps: PolicySet, measure_id: str) -> set[int] | None:
    """The years a measure is in force (on at least one day); None when neither it nor
    its policy declares an effective period (then it is in force in every year)."""
    period = ps.period_of(measure_id)
    if period is None:
        return None
    return set(range(period.start.year, period.end.year + 1))


def probe_day(spans: tuple[Span | None, Span | None], year: int) -> date | None:
    """The claim date of a probe in ``year`` when a period is written with days: a day of
    that year in force in both versions if there is one (30 June, moved inside), else one
    in force in either; None when no period is written with days (the year decides)."""
    dated = [s for s in spans if s is not None]
    if not any(s.by_day for s in dated):
        return None
    for group in (dated, [s for s in dated if s.by_day]):
        lo = max([date(year, 1, 1), *(s.start for s in group)])
        hi = min([date(year, 12, 31), *(s.end for s in group)])
        if lo <= hi:
            return min(max(date(year, 6, 30), lo), hi)
    return date(year, 6, 30)


def boundary_days(spans: tuple[Span | None, Span | None]) -> list[date]:
    """The day before, the first and the last day, and the day after, of every period
    written with days (either version)."""
    days: set[date] = set()
    for s in spans:
        if s is None or not s.by_day:
            continue
        for edge in (s.start, s.end):
            for shift in (-1, 0, 1):
                with suppress(OverflowError):  # a period ending on 9999-12-31
                    days.add(edge + timedelta(days=shift))
    return sorted(d for d in days if 1000 <= d.year <= 9999)


@dataclass
class Years:
    """The years a measure pair is compared in, and the years only one side is in force."""

    both: set[int]
    one: set[int]
    new_years: set[int] | None
    fallback: int

    @property
    def compare(self) -> int:
        """The year the boundary probes run in."""
        return min(self.both) if self.both else min(self.new_years or {self.fallback})

    def side(self, year: int) -> str:
        return "new_only" if self.new_years is None or year in self.new_years else "old_only"


def common_years(old: PolicySet, old_id: str, new: PolicySet, new_id: str) -> Years:
    a, b = years_in_force(old, old_id), years_in_force(new, new_id)
    fallback = declared_year(new, new_id) or declared_year(old, old_id) or new.reference_year()
    if a is None and b is None:
        return Years({fallback}, set(), None, fallback)
    if a is None or b is None:
        # one side is in force every year: compare in the other side's years
        return Years(set(b if a is None else a), set(), b, fallback)  # type: ignore[arg-type]
    return Years(a & b, a ^ b, b, fallback)


def declared_year(ps: PolicySet, measure_id: str) -> int | None:
    """A year the policy itself names (its issue date), for a set without periods."""
    policy = ps.policy_of(measure_id)
    issued = getattr(policy, "issued", None) if policy is not None else None
    return getattr(issued, "year", None)


def behavioural_diff(
    old: PolicySet, new: PolicySet, old_program: Any = None, new_program: Any = None
) -> Behaviour:
    from kfpl.python.evaluate import Program

    old_program = old_program or Program.from_policy_set(old)
    new_program = new_program or Program.from_policy_set(new)
    enterprise = default_enterprise(new, old)
    old_reader = Reader(old_program.runtime, new_program.runtime)
    new_reader = Reader(new_program.runtime, old_program.runtime)
    out = Behaviour(readers=(old_reader, new_reader))
    pairs = match_items(old.measures, new.measures, measure_similarity, 0.6)
    old_rules = list(old.rules.values())
    new_rules = list(new.rules.values())
    for old_id, new_id in pairs:
        if old_id is None or new_id is None:
            ident = new_id or old_id
            assert ident is not None
            out.verdicts.append(
                Verdict(ident, old_id, status="added" if old_id is None else "removed")
            )
            continue
        om, nm = old.measures[old_id], new.measures[new_id]
        verdict = Verdict(new_id, old_id)
        out.verdicts.append(verdict)
        years = common_years(old, old_id, new, new_id)
        both_years, one_year, year = years.both, years.one, years.compare
        verdict.periods = (_period(old, old_id), _period(new, new_id))
        verdict.year = year if both_years else None
        spans = (span_of(old, old_id), span_of(new, new_id))
        examples: list[Probe] = []
        for label, kind, yr, facts, history in probes(
            om, nm, old, new, old_rules + new_rules, year
        ):
            if kind == "example" or not examples:
                # the worked examples, else the first point: probed on the boundary days
                if examples and examples[0][1] != "example":
                    examples.clear()
                examples.append((label, kind, yr, facts, history))
            if kind != "example" and not both_years:
                continue  # no year to compare in: the examples show the period alone
            run_years = [yr]
            if kind == "example" and one_year:
                run_years += [min(one_year), max(one_year)]
            for y in dict.fromkeys(run_years):
                day = probe_day(spans, y)
                a = side_of(
                    run(old_program, old_reader, y, enterprise, old_id, facts, history, day)
                )
                b = side_of(
                    run(new_program, new_reader, y, enterprise, new_id, facts, history, day)
                )
                in_both = y in both_years
                if in_both:
                    verdict.points += 1
                    out.points += 1
                if a.key() == b.key():
                    continue
                case_kind = kind if in_both else "period"
                case = Case(new_id, old_id, label, y, facts, a, b, case_kind)
                out.cases.append(case)
                if case_kind == "period":
                    counts = out.period.setdefault(y, {"changed": 0, "old_only": 0, "new_only": 0})
                    counts["changed"] += 1
                    counts[years.side(y)] += 1
                    continue
                verdict.changed += 1
                if case.delta > 0:
                    verdict.up += 1
                elif case.delta < 0:
                    verdict.down += 1
                elif (a.status in ("awarded", "capped")) != (b.status in ("awarded", "capped")):
                    # eligible for 0.00 vs not eligible: count as the direction of eligibility
                    if b.status in ("awarded", "capped"):
                        verdict.up += 1
                    else:
                        verdict.down += 1
        probe_days(out, verdict, spans, examples, enterprise, (old_program, new_program))
    probe_rules(out, old, new, pairs, enterprise, old_program, new_program)
    for case in out.cases:
        case.facts_zh = facts_zh(case.facts, (new, old))
    return out


def facts_zh(facts: dict[str, Any], sets: tuple[PolicySet, ...]) -> str:
    """A probe's facts as a zh page shows them: each input by its label, money in 元/万元,
    yes/no as 是/否, an enum value by its label."""
    from kfpl.render.sentences import Renderer

    parts = []
    for name, value in facts.items():
        ps = next((s for s in sets if name in s.inputs), sets[0])
        r = Renderer(ps, "zh")
        kind = r.type_name(name)
        if isinstance(value, bool) or (isinstance(value, str) and not _is_number(value)):
            shown = r.member(name, str(value).lower() if isinstance(value, bool) else value)
        elif kind == "money" and _is_number(str(value)):
            shown = r.money(Decimal(str(value)))
        else:
            shown = _show(value)
        parts.append(f"{r.name(name)}：{shown}")
    return "，".join(parts)


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def probe_days(
    out: Behaviour,
    verdict: Verdict,
    spans: tuple[Span | None, Span | None],
    examples: list[Probe],
    enterprise: dict[str, Any],
    programs: tuple[Any, Any],
) -> None:
    """The worked examples on the days around each period written with days. A day in
    force in both versions is a compared point (a change there is a change of the
    measure); a day in force in one only is reported as the period's change."""
    assert out.readers is not None
    old_id, new_id = verdict.old_measure or verdict.measure, verdict.measure
    for day in boundary_days(spans):
        inside = [s is None or bool(s.holds(day.year, day)) for s in spans]
        entry = out.days.setdefault(
            day.isoformat(), {"old": inside[0], "new": inside[1], "changed": 0}
        )
        for label, _kind, _yr, facts, history in examples[:1]:
            a = side_of(
                run(programs[0], out.readers[0], day.year, enterprise, old_id, facts, history, day)
            )
            b = side_of(
                run(programs[1], out.readers[1], day.year, enterprise, new_id, facts, history, day)
            )
            both = all(inside)
            if both:
                verdict.points += 1
                out.points += 1
            if a.key() == b.key():
                continue
            case = Case(new_id, old_id, label, day.year, facts, a, b, "day", day)
            out.cases.append(case)
            entry["changed"] += 1
            if not both:
                continue
            verdict.changed += 1
            if case.delta > 0:
                verdict.up += 1
            elif case.delta < 0:
                verdict.down += 1


RULES = "(rules)"  # the verdict of the set-level probe


def _period(ps: PolicySet, measure_id: str) -> list[Any] | None:
    period = ps.period_of(measure_id)
    if period is None:
        return None
    return list(period.iso()) if period.by_day else list(period.years)


def probe_rules(
    out: Behaviour,
    old: PolicySet,
    new: PolicySet,
    pairs: list[tuple[str | None, str | None]],
    enterprise: dict[str, Any],
    old_program: Any,
    new_program: Any,
) -> None:
    """Set-level rules (stacking, the yearly total): one application with a claim on every
    measure both versions have, all for the same project, evaluated once with a yearly
    limit far above any award and once with a limit that binds."""
    common = [(a, b) for a, b in pairs if a is not None and b is not None]
    if not common:
        return
    verdict = Verdict(RULES, RULES)
    limits = {
        body.limit
        for ps in (old, new)
        for rule in ps.rules.values()
        for body in rule.bodies
        if isinstance(body, n.YearlyCap)
    }
    first = common[0]
    assert first[0] is not None and first[1] is not None
    years = common_years(old, first[0], new, first[1])
    if not years.both:
        out.verdicts.append(verdict)  # no year in force in both: nothing compared
        return
    year = years.compare
    facts = {b: base_facts(new.measures[b], new, old.measures[a], old) for a, b in common}
    for label, limit in (
        ({"zh": "全部措施、同一项目", "en": "every measure, one project"}, BIG),
        (
            {
                "zh": "全部措施、同一项目、年度上限50万元",
                "en": "every measure, one project, yearly limit 50万",
            },
            Decimal(500_000),
        ),
    ):
        ent = {**enterprise, **{name: str(limit) for name in limits}}
        sides = []
        totals: list[Decimal] = []
        assert out.readers is not None
        for program, index in ((old_program, 0), (new_program, 1)):
            reads = program.runtime.measure_inputs
            claims = []
            for k, pair in enumerate(common):
                mid = pair[index]
                assert mid is not None
                claim_facts = {
                    f: v
                    for f, v in facts[pair[1]].items()
                    if f in reads.get(mid, ()) and f not in enterprise
                }
                claims.append(
                    {
                        "id": f"c{k + 1}",
                        "measure": mid,
                        "project": "P1",
                        "product": f"X{k + 1}",
                        "facts": claim_facts,
                    }
                )
            app = out.readers[index].fit(
                {"year": year, "enterprise": ent, "claims": claims, "history": []}
            )
            day = probe_day((span_of(old, first[0]), span_of(new, first[1])), year)
            if day is not None:
                app["date"] = day.isoformat()
            result = program.evaluate(app)
            sides.append({m["id"]: m for m in result["measures"]})
            totals.append(Decimal(result["total"]))
        for k, (a_id, b_id) in enumerate(common):
            a, b = side_of(sides[0].get(f"c{k + 1}")), side_of(sides[1].get(f"c{k + 1}"))
            verdict.points += 1
            out.points += 1
            if a.key() == b.key():
                continue
            assert a_id is not None and b_id is not None
            named = {lang: f"{b_id}: {text}" for lang, text in label.items()}
            out.cases.append(Case(RULES, RULES, named, year, {}, a, b, "rules"))
            verdict.changed += 1
        # What the applicant receives is the total: one claim superseded so that another
        # is trimmed less by the yearly limit is not "more generous".
        gap = totals[1] - totals[0]
        if gap > 0:
            verdict.up += 1
        elif gap < 0:
            verdict.down += 1
    out.verdicts.append(verdict)


def run(
    program: Any,
    reader: Reader,
    year: int,
    enterprise: dict[str, Any],
    measure: str,
    facts: dict[str, Any],
    history: list[dict[str, Any]],
    day: date | None = None,
) -> dict[str, Any] | None:
    reads = program.runtime.measure_inputs.get(measure)
    if reads is None:
        return None
    ent = own_enterprise(program, enterprise)
    claim_facts = {}
    for key, value in facts.items():
        if key in enterprise:
            ent[key] = value
        else:
            claim_facts[key] = value
    app = reader.fit(
        {
            "year": year,
            "enterprise": ent,
            "claims": [{"id": "c1", "measure": measure, "facts": claim_facts}],
            "history": history,
        }
    )
    if day is not None:
        app["date"] = day.isoformat()
    claim = app["claims"][0]
    claim.update(project="P1", product="X1")
    claim["facts"] = {k: v for k, v in claim["facts"].items() if k in reads}
    result = program.evaluate(app)
    return next(iter(result["measures"]), None)


Probe = tuple[dict[str, str], str, int, dict[str, Any], list[dict[str, Any]]]


def probes(
    om: n.Measure, nm: n.Measure, old: PolicySet, new: PolicySet, rules: list[n.Rule], year: int
) -> Iterator[Probe]:
    """(label, kind, year, facts, history) for every probe point of a measure pair."""
    # Multi-claim examples are whole applications, not probes of one measure's claim.
    examples = [ex for ex in nm.examples if not ex.claims] + [
        ex
        for ex in om.examples
        if not ex.claims and c.canon(ex) not in {c.canon(e) for e in nm.examples}
    ]
    base = base_facts(nm, new, om, old)
    seen: set[str] = set()
    for index, ex in enumerate(examples):
        facts = {**base, **{f.name: json_value(f.value) for f in ex.facts}}
        history = [
            {
                "measure": p.measure,
                "year": p.year,
                "amount": str(p.amount.value),
                **{k.name: json_value(k.value) for k in p.keys},
            }
            for p in ex.priors
        ]
        if not history and not ex.year:
            seen.add(repr(sorted(facts.items())))
        name = ex.name or f"example {index + 1}"
        yield (
            {"zh": f"算例：{ex.title('zh') or index + 1}", "en": f"example: {name}"},
            "example",
            ex.year or year,
            facts,
            history,
        )
    new_names = measure_inputs(nm, new)
    names = new_names + [x for x in measure_inputs(om, old) if x not in new_names]
    for name in names:
        ps = new if name in new.inputs else old
        bounds = boundaries(nm, name, new, rules) | boundaries(om, name, old, rules)
        for value in probe_values(ps, name, bounds):
            facts = {**base, name: value}
            key = repr(sorted(facts.items()))
            if key in seen:
                continue
            seen.add(key)
            yield (
                {"zh": facts_zh({name: value}, (ps,)), "en": f"{name} = {_show(value, 'en')}"},
                "boundary",
                year,
                facts,
                [],
            )
    conds = [(cond, new) for cond in nm.requires] + [(cond, old) for cond in om.requires]
    conds += [
        (b.cond, ps)
        for ps in (new, old)
        for r in ps.rules.values()
        for b in r.bodies
        if isinstance(b, n.Eligible)
    ]
    for text, facts in alternative_points(conds, base):
        key = repr(sorted(facts.items()))
        if key in seen:
            continue
        seen.add(key)
        yield (
            {"zh": f"只满足 {text}", "en": f"only {text} holds"},
            "boundary",
            year,
            facts,
            [],
        )


def base_facts(nm: n.Measure, new: PolicySet, om: n.Measure, old: PolicySet) -> dict[str, Any]:
    """The facts held fixed while one input moves: the first worked example's, with
    conditions satisfied for inputs it does not give."""
    facts: dict[str, Any] = {}
    for m, ps in ((om, old), (nm, new)):
        for name in measure_inputs(m, ps):
            decl = ps.inputs[name]
            if decl.origin == "enterprise":
                continue
            bounds = sorted(boundaries(m, name, ps, []))
            if (
                isinstance(decl.type, n.NamedType)
                and decl.type.name in ("money", "count")
                and bounds
            ):
                facts[name] = fact_value(ps, name, bounds[-1])
            else:
                facts[name] = default_value(ps, decl.type)
        for cond in m.requires:
            satisfy(facts, cond, ps)
        single = [ex for ex in m.examples if not ex.claims]
        if single:
            facts.update({f.name: json_value(f.value) for f in single[0].facts})
    return facts


# --------------------------------------------------------------------------- settling directions


def settle_directions(changes: list[Change], behaviour: Behaviour) -> list[Change]:
    """Use the evidence: a measure whose results never changed was only reworded
    (every change on it is neutral); one whose results only rose or only fell settles
    the changes the text alone left as ``depends``."""
    out: list[Change] = []
    for ch in changes:
        if ch.item_kind == "rule":
            # Two probe applications are evidence of a direction, not a proof of neutrality.
            rules = behaviour.verdict_of(RULES)
            if (
                ch.direction == "depends"
                and rules is not None
                and rules.verdict in ("more_generous", "less_generous", "mixed")
            ):
                out.append(replace(ch, direction=rules.verdict, settled_by_behaviour=True))  # type: ignore[arg-type]
            else:
                out.append(ch)
            continue
        verdict = behaviour.verdict_of(ch.item) if ch.item_kind == "measure" else None
        if verdict is None or ch.action in ("add", "remove") or verdict.points == 0:
            out.append(ch)
            continue
        v = verdict.verdict
        if v == "unchanged" and ch.direction not in ("wording", "neutral"):
            out.append(replace(ch, direction="neutral", settled_by_behaviour=True))
        elif ch.direction == "depends" and v in ("more_generous", "less_generous", "mixed"):
            out.append(replace(ch, direction=v, settled_by_behaviour=True))  # type: ignore[arg-type]
        else:
            out.append(ch)
    return out
