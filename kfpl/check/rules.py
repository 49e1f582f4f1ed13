"""Policy-level rules (附则) and plan items (targets, chains, goals)."""

from __future__ import annotations

from kfpl.check.base import CLAIM_KEYS, NUMERIC, Context, Ty, describe
from kfpl.check.types import check_cond, expect_literal, require_enterprise
from kfpl.diagnostics import did_you_mean
from kfpl.syntax import nodes as n


def check_rules(ctx: Context) -> None:
    for module in ctx.modules:
        for rule in module.of_type(n.Rule):
            check_rule(ctx, rule)


def check_rule(ctx: Context, rule: n.Rule) -> None:
    if not rule.bodies:
        ctx.warning(
            "KF0309",
            f"rule `{rule.id}` says nothing to apply",
            ctx.head_span(rule, "rule"),
            label="no `eligible if`, `exclude if`, `no stacking` or `yearly total`",
            help="add what the rule does, or make it a `text` block if it is informational",
        )
    for body in rule.bodies:
        if isinstance(body, n.Eligible):
            check_cond(ctx, body.cond, enterprise_only=True)
        elif isinstance(body, n.Exclude):
            for index, flag in enumerate(body.flags):
                span = ctx.word_span(body.span, flag, body.flags[:index].count(flag))
                _enterprise_input(ctx, flag, span, Ty("bool"), "an exclusion")
        elif isinstance(body, n.NoStacking):
            if body.key not in CLAIM_KEYS:
                guess = did_you_mean(body.key, set(CLAIM_KEYS))
                keys = ", ".join(f"`{k}`" for k in CLAIM_KEYS)
                ctx.error(
                    "KF0205",
                    f"`no stacking by {body.key}`: `{body.key}` is not a claim key",
                    ctx.word_span(body.span, body.key),
                    label="unknown key",
                    help=f"did you mean `{guess}`?" if guess else f"the keys are {keys}",
                )
        elif isinstance(body, n.GroupCap):
            _check_group_cap(ctx, rule, body)
        else:
            span = ctx.word_span(body.span, body.limit)
            _enterprise_input(ctx, body.limit, span, Ty("money"), "the yearly total")


def _check_group_cap(ctx: Context, rule: n.Rule, body: n.GroupCap) -> None:
    """`total of A, B at most X if COND`: declared measures, a money limit, a condition
    on the enterprise."""
    for index, mid in enumerate(body.measures):
        if mid not in ctx.ps.measures:
            guess = did_you_mean(mid, set(ctx.ps.measures))
            ctx.error(
                "KF0203",
                f"`total of …` names unknown measure `{mid}`",
                ctx.word_span(body.span, mid, body.measures[:index].count(mid)),
                label="no such measure",
                help=f"did you mean `{guess}`?" if guess else "name declared measures",
            )
    ok = expect_literal(ctx, body.limit, Ty("money"), "the limit of a group total")
    if ok and body.limit.value <= 0:
        ctx.error(
            "KF0405",
            f"the limit {body.limit.text} is not positive",
            body.limit.span,
            label="must be more than 0",
            help="write a positive amount",
        )
    if body.cond is not None:
        check_cond(ctx, body.cond, enterprise_only=True)
    _check_group_scope(ctx, body)


def _check_group_scope(ctx: Context, body: n.GroupCap) -> None:
    """A group cap per project (product) groups claims by their project (product), so
    every measure it lists must be one whose claims are for a project (product); per
    item has no meaning across measures (items are the rows of one claim's list)."""
    if body.scope == "item":
        ctx.error(
            "KF0312",
            "`total of … per item`: items are the rows of one claim, not shared by measures",
            ctx.word_span(body.span, "item"),
            label="no items across measures",
            help="write `per project`, `per product`, `per enterprise` or `per year`",
        )
        return
    if body.scope not in ("project", "product"):
        return
    for mid in dict.fromkeys(body.measures):
        measure = ctx.ps.measures.get(mid)
        if measure is None or measure.item == body.scope:
            continue
        has = f"for a {measure.item}" if measure.item else "for the enterprise's year"
        ctx.error(
            "KF0312",
            f"`total of … per {body.scope}` lists `{mid}`, whose claims are {has}",
            ctx.word_span(body.span, mid),
            label=f"not identified by {body.scope}",
            help=f"write `identified by {body.scope}` on `{mid}`, or cap the group "
            "`per enterprise` or `per year`",
        )


def _enterprise_input(ctx: Context, name: str, span: n.Span, want: Ty, where: str) -> None:
    ty = ctx.resolve(name, span)
    if ty.kind == "unknown":
        return
    if ty.kind != want.kind:
        ctx.error(
            "KF0401",
            f"{where} needs {describe(want)} enterprise input, but `{name}` is {describe(ty)}",
            span,
            label=f"expected {describe(want)}",
            help=f"declare `input {name}: {want.kind} from enterprise …`",
        )
        return
    if name in ctx.ps.params:
        ctx.error(
            "KF0206",
            f"{where} reads parameter `{name}`, not an enterprise input",
            span,
            label="a parameter",
            help=f"declare `input …: {want.kind} from enterprise …` and use it here",
        )
        return
    require_enterprise(ctx, name, span, where)


# --------------------------------------------------------------------------- plan

_UNITS = ("money", "rate", "count")


def check_plan(ctx: Context) -> None:
    for module in ctx.modules:
        for item in module.items:
            if isinstance(item, n.Target):
                unit = _target_unit(ctx, item)
                for goal in item.goals:
                    check_goal(ctx, goal, unit)
            elif isinstance(item, n.Chain):
                for goal in item.goals:
                    check_goal(ctx, goal, Ty("money"))


def _target_unit(ctx: Context, target: n.Target) -> Ty:
    if target.unit is None:
        return Ty("unknown")
    if target.unit in _UNITS:
        return Ty(target.unit)
    guess = did_you_mean(target.unit, set(_UNITS))
    ctx.error(
        "KF0803",
        f"unknown unit `{target.unit}` for target `{target.id}`",
        ctx.word_span(target.span, target.unit),
        label="not a unit",
        help=f"did you mean `{guess}`?" if guess else "the units are `money`, `rate` and `count`",
    )
    return Ty("unknown")


def check_goal(ctx: Context, goal: n.Goal, unit: Ty) -> None:
    ok = True
    for number in (goal.value, goal.high):
        if number is None:
            continue
        if unit.kind in NUMERIC:
            ok = expect_literal(ctx, number, unit, "the goal") and ok
    if ok and goal.high is not None and goal.value.value > goal.high.value:
        ctx.error(
            "KF0408",
            f"the goal between {goal.value.text} and {goal.high.text} runs backwards",
            goal.span,
            label="low end above high end",
            help=f"write `between {goal.high.text} and {goal.value.text}`",
        )
    if goal.within_years is not None and goal.within_years[0] > goal.within_years[1]:
        low, high = goal.within_years
        ctx.error(
            "KF0408",
            f"`within {low} to {high} years` runs backwards",
            goal.span,
            label="low end above high end",
            help=f"write `within {high} to {low} years`",
        )
