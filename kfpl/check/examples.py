"""Worked examples: facts name real inputs with values of their types, history names
real measures, outcomes are amounts."""

from __future__ import annotations

from kfpl.check.base import CLAIM_KEYS, Context, Ty, describe
from kfpl.check.types import check_member, expect_literal
from kfpl.diagnostics import Secondary, did_you_mean
from kfpl.runtime.dates import Span
from kfpl.syntax import nodes as n

PRIOR_KEYS = ("project", "product", "level", "step")


def check_example(ctx: Context, example: n.Example, measure: n.Measure) -> None:
    _check_facts(ctx, example.facts, None)
    _check_claims(ctx, example)
    for prior in example.priors:
        _check_prior(ctx, prior)
    for past in example.past:
        _check_past(ctx, past, example)
    outcome = example.outcome
    for amount in (outcome.amount, outcome.high):
        if amount is not None:
            _expect_value(ctx, amount, Ty("money"), "the expected amount")
    if (
        outcome.kind == "range"
        and outcome.amount is not None
        and outcome.high is not None
        and outcome.amount.value > outcome.high.value
    ):
        ctx.error(
            "KF0408",
            f"the expected range {outcome.amount.text} to {outcome.high.text} runs backwards",
            outcome.span,
            label="low end above high end",
            help=f"write `-> {outcome.high.text} to {outcome.amount.text}`",
        )
    _check_year(ctx, example, measure)


def _check_claims(ctx: Context, example: n.Example) -> None:
    """A multi-claim example: each claim names a declared measure, once by its name, with
    facts of the right types and an outcome in money."""
    seen: dict[str, n.ClaimCase] = {}
    for claim in example.claims:
        first = seen.setdefault(claim.name, claim)
        if first is not claim:
            ctx.error(
                "KF0801",
                f"claim `{claim.name}` is given twice in one example",
                ctx.word_span(claim.span, claim.name),
                label="second claim of this name",
                help="give each claim its own name (a, b, c …)",
                secondary=(Secondary(first.span, "first claim"),),
            )
        _known_measure(ctx, claim.measure, claim.span, f"claim `{claim.name}` names")
        _check_facts(ctx, claim.facts, None)
        for amount in (claim.outcome.amount, claim.outcome.high):
            if amount is not None:
                _expect_value(ctx, amount, Ty("money"), "the expected amount")


def _check_year(ctx: Context, example: n.Example, measure: n.Measure) -> None:
    period = ctx.ps.period_of(measure.id)
    if example.year is None or period is None:
        return
    span = Span(period.start, period.end, period.by_day)
    holds = span.holds(example.year, example.day if period.by_day else None)
    when = example.day.isoformat() if example.day else str(example.year)
    where = ctx.word_span(example.span, when) if example.day is None else example.span
    if holds is False and example.outcome.kind != "not_eligible":
        ctx.warning(
            "KF0802",
            f"the example is set on {when}, outside the effective period ({span.en()})",
            where,
            label="not in force then",
            help=f"use a {'day' if period.by_day else 'year'} {span.en().removeprefix('from ')}, "
            "or expect `-> not eligible`",
        )
    elif holds is None and example.outcome.kind != "undetermined":
        ctx.warning(
            "KF0802",
            f"the example is set in {example.year}, but the effective period ({span.en()}) "
            "begins or ends within that year, so the year alone does not decide",
            where,
            label="only part of this year is in force",
            help="give the claim's date: `example on YYYY-MM-DD …`",
        )


def _check_past(ctx: Context, past: n.PastFact, example: n.Example) -> None:
    """`given main_revenue = 40亿 in 2019`: a declared input, a value of its type, an
    earlier year than the example's."""
    span = ctx.word_span(past.span, past.name)
    decl = ctx.ps.inputs.get(past.name)
    if decl is None:
        guess = did_you_mean(past.name, set(ctx.ps.inputs))
        ctx.error(
            "KF0201",
            f"the example gives a past value of unknown input `{past.name}`",
            span,
            label="not declared",
            help=f"did you mean `{guess}`?" if guess else "name a declared input",
        )
        return
    _check_value(ctx, past.value, ctx.type_of_decl(decl.type), past.name)
    if example.year is not None and past.year >= example.year:
        ctx.error(
            "KF0804",
            f"a past value is given for {past.year}, not before the example's year {example.year}",
            ctx.word_span(past.span, str(past.year)),
            label="not a past year",
            help=f"give a year before {example.year}",
        )


def _check_facts(ctx: Context, facts: tuple[n.Fact, ...], record: Ty | None) -> None:
    seen: dict[str, n.Fact] = {}
    for fact in facts:
        name_span = ctx.word_span(fact.span, fact.name)
        first = seen.setdefault(fact.name, fact)
        if first is not fact:
            ctx.error(
                "KF0801",
                f"`{fact.name}` is given twice in one example",
                name_span,
                label="second value",
                help="give each fact once",
                secondary=(Secondary(first.span, "first value"),),
            )
        ty = _fact_type(ctx, fact.name, name_span, record)
        if ty is not None:
            _check_value(ctx, fact.value, ty, fact.name)


def _fact_type(ctx: Context, name: str, span: n.Span, record: Ty | None) -> Ty | None:
    if record is not None:
        found = record.field(name)
        if found is not None:
            return found
        fields = [f for f, _ in record.fields]
        guess = did_you_mean(name, set(fields))
        ctx.error(
            "KF0204",
            f"the record has no field `{name}`",
            span,
            label="unknown field",
            help=f"did you mean `{guess}`?" if guess else
            f"the fields are {', '.join(f'`{f}`' for f in fields)}",
        )  # fmt: skip
        return None
    decl = ctx.ps.inputs.get(name)
    if decl is not None:
        return ctx.type_of_decl(decl.type)
    if name in CLAIM_KEYS:
        return None  # a claim's own key (project, product…): any name will do
    guess = did_you_mean(name, set(ctx.ps.inputs))
    extra = (
        " (a parameter is not a fact: it comes from the policy)" if name in ctx.ps.params else ""
    )
    ctx.error(
        "KF0201",
        f"the example gives unknown input `{name}`{extra}",
        span,
        label="not declared",
        help=f"did you mean `{guess}`?"
        if guess
        else f'declare it: `input {name}: money zh "…" en "…"`',
    )
    return None


def _check_value(ctx: Context, value: n.Value, ty: Ty, name: str) -> None:
    if ty.kind == "unknown":
        return
    if isinstance(value, n.Number):
        _expect_value(ctx, value, ty, f"`{name}`")
    elif isinstance(value, n.NameValue):
        if ty.kind == "bool":
            if value.name not in ("true", "false"):
                _mismatch(ctx, value, ty, name, f"`{value.name}`", "write `true` or `false`")
        elif ty.kind == "enum":
            check_member(ctx, name, ty, value.name, value.span)
        elif ty.kind != "text":
            _mismatch(ctx, value, ty, name, f"`{value.name}`", _example_for(ty))
    elif isinstance(value, n.DateValue):
        if ty.kind != "date":
            _mismatch(ctx, value, ty, name, "a date", _example_for(ty))
    elif ty.kind == "set":
        _check_set_value(ctx, value, ty, name)
    elif isinstance(value, n.SetValue) or ty.kind != "list":
        _mismatch(ctx, value, ty, name, "a list", _example_for(ty))
    else:
        for record in value.records:
            _check_facts(ctx, record, ty)


def _check_set_value(ctx: Context, value: n.ListValue | n.SetValue, ty: Ty, name: str) -> None:
    """`[smart, digital]` (or `[]`, the empty set): known values, each once."""
    if isinstance(value, n.ListValue):
        if value.records:
            _mismatch(ctx, value, ty, name, "a list of records", _example_for(ty))
        return
    member_ty = Ty("enum", enum=ty.enum)
    seen: set[str] = set()
    for i, member in enumerate(value.members):
        span = ctx.word_span(value.span, member, value.members[:i].count(member))
        if member in seen:
            ctx.error(
                "KF0409",
                f"the example lists `{member}` twice in the set `{name}`",
                span,
                label="listed again",
                help="a set holds each value once: delete the repetition",
            )
            continue
        seen.add(member)
        check_member(ctx, name, member_ty, member, span)


def _expect_value(ctx: Context, number: n.Number, ty: Ty, what: str) -> None:
    if ty.kind in ("bool", "enum", "set", "date", "text", "list"):
        ctx.error(
            "KF0409",
            f"{what} is {describe(ty)}, but the example gives the number `{number.text}`",
            number.span,
            label=f"expected {describe(ty)}",
            help=_example_for(ty),
        )
        return
    expect_literal(ctx, number, ty, what)


def _mismatch(ctx: Context, value: n.Node, ty: Ty, name: str, given: str, help: str) -> None:
    ctx.error(
        "KF0409",
        f"`{name}` is {describe(ty)}, but the example gives {given}",
        value.span,
        label=f"expected {describe(ty)}",
        help=help,
    )


def _example_for(ty: Ty) -> str:
    return {
        "money": "write an amount such as `30万`",
        "rate": "write a percentage such as `30%`",
        "count": "write a whole number such as `3`",
        "year": "write a year such as `2021`",
        "bool": "write `true` or `false`",
        "date": "write a date such as `2021-06-30`",
        "list": "write a list of records such as `[{price = 10万}]`",
        "set": "write the values it holds, such as `[smart, digital]`, or `[]`",
        "text": "write a name",
    }.get(ty.kind, "write one of the enum's values")


def _known_measure(ctx: Context, measure: str, span: n.Span, who: str) -> None:
    """KF0203 when an example's claim or history names a measure the set lacks."""
    if measure not in ctx.ps.measures:
        guess = did_you_mean(measure, set(ctx.ps.measures))
        ctx.error(
            "KF0203",
            f"{who} unknown measure `{measure}`",
            ctx.word_span(span, measure),
            label="no such measure",
            help=f"did you mean `{guess}`?"
            if guess
            else "name a measure declared in the policy set",
        )


def _check_prior(ctx: Context, prior: n.Prior) -> None:
    _known_measure(ctx, prior.measure, prior.span, "the history names")
    expect_literal(ctx, prior.amount, Ty("money"), "the amount paid")
    for key in prior.keys:
        if key.name not in PRIOR_KEYS:
            guess = did_you_mean(key.name, set(PRIOR_KEYS))
            ctx.error(
                "KF0205",
                f"`{key.name}` is not a key of a past award",
                ctx.word_span(key.span, key.name),
                label="unknown key",
                help=f"did you mean `{guess}`?" if guess else
                f"the keys are {', '.join(f'`{k}`' for k in PRIOR_KEYS)}",
            )  # fmt: skip
