"""Worked examples: the ``example`` lines of a measure, run against its evaluator.

An example is a one-claim application: the facts go to the claim (or to the
enterprise profile, for ``from enterprise`` inputs), ``given`` lines become history,
and the year defaults to the first year the measure's policy is in force. The
set-level rules (exclusions, general eligibility, stacking, the yearly total) are not
applied: an example states what the measure itself pays.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kfpl.model import PolicySet
from kfpl.python.evaluate import Program
from kfpl.runtime import ApplicationError, Result
from kfpl.runtime.bilingual import EMPTY, Text
from kfpl.runtime.money import ZERO, money_en, money_zh, to_fen
from kfpl.syntax import nodes as n


@dataclass(frozen=True)
class ExampleCase:
    measure: n.Measure
    example: n.Example
    index: int

    @property
    def name(self) -> str:
        return self.name_in("en")

    def name_in(self, lang: str) -> str:
        """``expo-2a: example 1`` / ``expo-2a: 例 1`` for an example without a name."""
        number = self.index + 1
        label = self.example.name or (f"例 {number}" if lang == "zh" else f"example {number}")
        return f"{self.measure.id}: {label}"

    @property
    def location(self) -> str:
        return str(self.example.span)


@dataclass(frozen=True)
class ExampleOutcome:
    case: ExampleCase
    passed: bool
    expected: Text
    actual: Text
    result: Result | None
    error: Text = EMPTY

    def explain(self, lang: str = "en") -> str:
        if self.result is None:
            return self.error[lang]
        return "\n".join(
            f"  {'  ' * s.depth}{s.zh if lang == 'zh' else s.en}" for s in self.result.steps
        )


def cases(ps: PolicySet) -> Iterator[ExampleCase]:
    for measure in ps.measures.values():
        for index, example in enumerate(measure.examples):
            yield ExampleCase(measure, example, index)


def _sort_facts(
    ps: PolicySet,
    given: tuple[n.Fact, ...],
    enterprise: dict[str, Any],
    facts: dict[str, Any],
    keys: dict[str, Any],
) -> None:
    """Place each fact an example gives where an application carries it: the claim's
    project or product, the enterprise profile, or the claim's own facts."""
    for fact in given:
        decl = ps.inputs.get(fact.name)
        if fact.name in ("project", "product"):
            keys[fact.name] = _value(fact.value)
        elif decl is not None and decl.origin == "enterprise":
            enterprise[fact.name] = _value(fact.value)
        else:
            facts[fact.name] = _value(fact.value)


def _value(value: n.Value) -> Any:
    if isinstance(value, n.Number):
        return value.value
    if isinstance(value, n.DateValue):
        return value.value.isoformat()
    if isinstance(value, n.NameValue):
        return {"true": True, "false": False}.get(value.name, value.name)
    if isinstance(value, n.SetValue):
        return list(value.members)
    return [{f.name: _value(f.value) for f in record} for record in value.records]


def application(case: ExampleCase, ps: PolicySet) -> dict[str, Any]:
    """The application an example stands for: one claim of the enclosing measure, or the
    claims a multi-claim example lists (each with the shared facts and its own)."""
    period = ps.period_of(case.measure.id)
    year = case.example.year
    day = case.example.day
    if year is None:
        year = period.start.year if period else ps.reference_year()
        if period is not None and period.by_day:
            day = period.start  # an example without a date: the first day in force
    enterprise: dict[str, Any] = {"id": "example"}
    facts: dict[str, Any] = {}
    keys: dict[str, Any] = {}
    _sort_facts(ps, case.example.facts, enterprise, facts, keys)
    history = []
    for prior in case.example.priors:
        entry: dict[str, Any] = {
            "measure": prior.measure,
            "year": prior.year,
            "amount": prior.amount.value,
        }
        for key in prior.keys:
            entry[key.name] = _value(key.value)
        history.append(entry)
    past: dict[int, dict[str, Any]] = {}
    for was in case.example.past:
        past.setdefault(was.year, {})[was.name] = _value(was.value)
    history.extend({"year": year, "facts": facts} for year, facts in sorted(past.items()))
    claims = [{"id": "example", "measure": case.measure.id, "facts": facts, **keys}]
    if case.example.claims:
        claims = []
        for c in case.example.claims:
            own_facts, own_keys = dict(facts), dict(keys)
            _sort_facts(ps, c.facts, enterprise, own_facts, own_keys)
            claims.append({"id": c.name, "measure": c.measure, "facts": own_facts, **own_keys})
    app = {"year": year, "enterprise": enterprise, "claims": claims, "history": history}
    if day is not None:
        app["date"] = day.isoformat()
    return app


_STATUS = {
    "not_eligible": Text("不符合条件", "not eligible"),
    "excluded": Text("不符合条件", "not eligible"),
    "undetermined": Text("无法确定", "undetermined"),
    "superseded": Text("不重复享受", "superseded"),
}


def _money(amount: Decimal) -> Text:
    return Text(money_zh(amount), money_en(amount))


def _range(low: Decimal, high: Decimal) -> Text:
    return Text(f"{money_zh(low)}至{money_zh(high)}", f"{money_en(low)} to {money_en(high)}")


def describe(result: Result) -> Text:
    if result.status in _STATUS:
        return _STATUS[result.status]
    if result.amount_min is not None:
        return _range(result.amount_min, result.amount)
    return _money(result.amount)


def expected_text(outcome: n.Outcome) -> Text:
    if outcome.kind == "amount":
        assert outcome.amount is not None
        return _money(outcome.amount.value)
    if outcome.kind == "range":
        assert outcome.amount is not None and outcome.high is not None
        return _range(outcome.amount.value, outcome.high.value)
    return _STATUS.get(outcome.kind, Text.same(outcome.kind.replace("_", " ")))


def matches(outcome: n.Outcome, result: Result) -> bool:
    if outcome.kind == "not_eligible":
        return result.status in ("not_eligible", "excluded")
    if outcome.kind == "undetermined":
        return result.status == "undetermined"
    assert outcome.amount is not None
    want = to_fen(outcome.amount.value)
    if outcome.kind == "range":
        assert outcome.high is not None
        return (
            result.paid
            and result.amount_min == want
            and result.amount == to_fen(outcome.high.value)
        )
    if want == ZERO and result.status != "undetermined":
        # "-> 0" reads "gets nothing": an award of zero or no award at all.
        return not result.paid or result.amount == ZERO
    return result.paid and result.amount == want


def run_case(case: ExampleCase, ps: PolicySet, program: Program) -> ExampleOutcome:
    expected = expected_text(case.example.outcome)
    try:
        app = program.runtime.read(application(case, ps))
    except ApplicationError as exc:
        invalid = Text("示例无效", "invalid example")
        return ExampleOutcome(case, False, expected, invalid, None, Text(exc.text("zh"), str(exc)))
    if case.example.claims:
        return _run_claims(case, program, app)
    result = program.runtime.evaluate_one(app)
    return ExampleOutcome(
        case, matches(case.example.outcome, result), expected, describe(result), result
    )


def _run_claims(case: ExampleCase, program: Program, app: Any) -> ExampleOutcome:
    """A multi-claim example: the claims together, grouped, capped and stacked by the
    rules of the set (not the enterprise's standing); it passes when each claim gets what
    it states and the application the stated total."""
    outcome = program.runtime.evaluate_example(app)
    by_id = {r.claim.id: r for r in outcome.results}
    wants = [Text.same(f"{c.name} ") + expected_text(c.outcome) for c in case.example.claims]
    gots = [Text.same(f"{c.name} ") + describe(by_id[c.name]) for c in case.example.claims]
    total = to_fen(outcome.total)
    assert case.example.outcome.amount is not None
    want_total = to_fen(case.example.outcome.amount.value)
    passed = total == want_total and all(
        matches(c.outcome, by_id[c.name]) for c in case.example.claims
    )
    wrong = [r for c in case.example.claims if not matches(c.outcome, r := by_id[c.name])]
    shown = wrong[0] if wrong else outcome.results[-1]
    return ExampleOutcome(
        case,
        passed,
        Text.join([*wants, Text("合计 ", "total ") + _money(want_total)], "；", "; "),
        Text.join([*gots, Text("合计 ", "total ") + _money(total)], "；", "; "),
        shown,
    )


def run_all(ps: PolicySet, program: Program | None = None) -> list[ExampleOutcome]:
    program = program or Program.from_policy_set(ps)
    return [run_case(case, ps, program) for case in cases(ps)]


__all__ = ["Decimal", "ExampleCase", "ExampleOutcome", "cases", "run_all", "run_case"]
