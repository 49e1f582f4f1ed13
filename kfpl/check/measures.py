"""Measures: one award, its form read with the right types, caps, once, years."""

from __future__ import annotations

from decimal import Decimal

from kfpl.check.base import CLAIM_KEYS, Context, Ty, describe
from kfpl.check.examples import check_example
from kfpl.check.tiers import check_steps, check_tiers
from kfpl.check.types import (
    check_cond,
    check_member,
    check_rate_range,
    expect_literal,
    money_type_help,
)
from kfpl.diagnostics import Secondary, did_you_mean
from kfpl.runtime.money import plain
from kfpl.syntax import nodes as n


def check_measures(ctx: Context) -> None:
    for module in ctx.modules:
        for measure in module.of_type(n.Measure):
            check_measure(ctx, measure)


def check_measure(ctx: Context, measure: n.Measure) -> None:
    if not measure.awards:
        ctx.error(
            "KF0301",
            f"measure `{measure.id}` has no `award`",
            ctx.head_span(measure, "measure"),
            label="what does this measure pay?",
            help="add a line such as `award 30% of booth_fees` or `award 100万`",
        )
    for extra in measure.awards[1:]:
        ctx.error(
            "KF0302",
            f"measure `{measure.id}` has more than one `award`",
            extra.span,
            label="second award",
            help="one measure pays one award: split it into measures with sub-letters "
            f"(`{measure.id}a`, `{measure.id}b`), or combine the bases (`30% of a + b`)",
            secondary=(Secondary(measure.awards[0].span, "first award"),),
        )
    for cond in measure.requires:
        check_cond(ctx, cond)
    for award in measure.awards:
        check_form(ctx, award.form, measure, None)
    check_caps(ctx, measure)
    check_once_and_years(ctx, measure)
    for example in measure.examples:
        check_example(ctx, example, measure)


# --------------------------------------------------------------------------- award forms


def check_form(ctx: Context, form: n.Form, measure: n.Measure, fields: Ty | None) -> None:
    if isinstance(form, n.Percent):
        _check_rate(ctx, form.rate, fields)
        for operand in form.base:
            _check_base(ctx, operand, form, fields)
    elif isinstance(form, n.Matching):
        _check_rate(ctx, form.rate, fields)
        span = ctx.word_span(form.span, form.higher_award)
        ty = ctx.resolve(form.higher_award, span, fields)
        _expect_money_name(ctx, form.higher_award, ty, span, "a matching award")
    elif isinstance(form, n.Fixed):
        if expect_literal(ctx, form.amount, Ty("money"), "a fixed award"):
            _positive(ctx, form.amount, "a fixed award")
    elif isinstance(form, n.PerStep):
        if expect_literal(ctx, form.amount, Ty("money"), "the amount per step"):
            _positive(ctx, form.amount, "the amount per step")
        if expect_literal(ctx, form.size, Ty("money"), "the step"):
            _positive(ctx, form.size, "the step")
        for operand in form.base:
            names = (operand.name,) if isinstance(operand, n.Ref) else (operand.new, operand.old)
            for name in names:
                span = ctx.word_span(operand.span, name)
                ty = ctx.resolve(name, span, fields)
                _expect_money_name(ctx, name, ty, span, "the base of a per-step award")
    elif isinstance(form, n.Range):
        ok = expect_literal(ctx, form.low, Ty("money"), "the low end of the range")
        ok = expect_literal(ctx, form.high, Ty("money"), "the high end of the range") and ok
        if ok and form.low.value > form.high.value:
            ctx.error(
                "KF0408",
                f"the range {form.low.text} to {form.high.text} runs backwards",
                form.span,
                label="low end above high end",
                help=f"write `between {form.high.text} and {form.low.text}`",
            )
    elif isinstance(form, n.ByCase):
        _check_by_case(ctx, form, measure, fields)
    elif isinstance(form, n.Tiers | n.Steps):
        _check_tiered(ctx, form, measure, fields)
    elif isinstance(form, n.Each):
        span = ctx.word_span(form.span, form.over)
        ty = ctx.resolve(form.over, span, fields)
        if ty.kind not in ("list", "unknown"):
            ctx.error(
                "KF0401",
                f"`each {form.over}` needs a list input, but `{form.over}` is {describe(ty)}",
                span,
                label="not a list",
                help=f"declare it `input {form.over}: list(field: money …)`, "
                "or award a share of it directly",
            )
            ty = Ty("unknown")
        check_form(ctx, form.form, measure, ty if ty.kind == "list" else None)
    elif isinstance(form, n.Staged):
        _check_staged(ctx, form, measure, fields)


def _check_rate(ctx: Context, rate: n.Rate, fields: Ty | None) -> None:
    if isinstance(rate, n.Number):
        expect_literal(ctx, rate, Ty("rate"), "the rate")
        return
    ty = ctx.resolve(rate.name, rate.span, fields)
    if ty.kind not in ("rate", "unknown"):
        ctx.error(
            "KF0402" if ty.kind == "money" else "KF0401",
            f"the rate `{rate.name}` is {describe(ty)}, not a rate",
            rate.span,
            label="expected a rate",
            help="use a rate parameter or input (`benchmark_rate of bank_loan`) "
            "or a percentage such as `30%`",
        )


def _check_base(ctx: Context, operand: n.Operand, form: n.Percent, fields: Ty | None) -> None:
    names = (operand.name,) if isinstance(operand, n.Ref) else (operand.new, operand.old)
    for name in names:
        span = operand.span if isinstance(operand, n.Ref) else ctx.word_span(operand.span, name)
        ty = ctx.resolve(name, span, fields)
        _expect_money_name(ctx, name, ty, span, "the base of a percentage")


def _expect_money_name(ctx: Context, name: str, ty: Ty, span: n.Span, what: str) -> None:
    if ty.kind in ("money", "unknown"):
        return
    code = "KF0402" if ty.kind == "rate" else "KF0401"
    ctx.error(
        code,
        f"{what} must be money, but `{name}` is {describe(ty)}",
        span,
        label=f"{describe(ty)}, not money",
        help=money_type_help(ty),
    )


def _positive(ctx: Context, number: n.Number, what: str) -> bool:
    if number.value > 0:
        return True
    ctx.error(
        "KF0405",
        f"{what} of {number.text} is not positive",
        number.span,
        label="must be more than 0",
        help="write a positive amount, or delete the clause",
    )
    return False


def _enum_on(ctx: Context, on: str, form: n.Node, fields: Ty | None, keyword: str) -> Ty:
    span = ctx.word_span(form.span, on)
    ty = ctx.resolve(on, span, fields)
    if ty.kind not in ("enum", "unknown"):
        ctx.error(
            "KF0401",
            f"`{keyword} {on}` needs an enum input, but `{on}` is {describe(ty)}",
            span,
            label="not an enum",
            help=f"declare `enum …` with its values and `input {on}: that_enum …`",
        )
        return Ty("unknown")
    return ty


def _check_by_case(ctx: Context, form: n.ByCase, measure: n.Measure, fields: Ty | None) -> None:
    ty = _enum_on(ctx, form.on, form, fields, "by")
    seen: dict[str, n.CaseArm] = {}
    for arm in form.arms:
        arm_span = ctx.word_span(arm.span, arm.value)
        first = seen.setdefault(arm.value, arm)
        if first is not arm:
            ctx.error(
                "KF0305",
                f"two arms for `{arm.value}`",
                arm_span,
                label="second arm",
                help="keep one arm for each value",
                secondary=(Secondary(first.span, "first arm"),),
            )
        if ty.kind == "enum":
            check_member(ctx, form.on, ty, arm.value, arm_span)
        check_form(ctx, arm.form, measure, fields)
    _coverage(ctx, ty, set(seen), form.span, form.on, "arm")


def _coverage(ctx: Context, ty: Ty, named: set[str], span: n.Span, on: str, what: str) -> None:
    if ty.kind != "enum":
        return
    missing = [m for m in ctx.enum_members(ty) if m not in named]
    if missing:
        listing = ", ".join(f"`{m}`" for m in missing)
        ctx.warning(
            "KF0304",
            f"no {what} for {listing} of enum `{ty.enum}`",
            ctx.word_span(span, on),
            label=f"{on} = {missing[0]} gets nothing",
            help=f"add `{missing[0]} -> …`, or a `requires {on} in (…)` line if "
            "such claims are not eligible",
        )


def _check_tiered(ctx: Context, form: n.Tiers | n.Steps, measure: n.Measure,
                  fields: Ty | None) -> None:  # fmt: skip
    keyword = "tiers on" if isinstance(form, n.Tiers) else "steps … by"
    span = ctx.word_span(form.span, form.on)
    ty = ctx.resolve(form.on, span, fields)
    if not ty.numeric and ty.kind != "unknown":
        ctx.error(
            "KF0401",
            f"`{keyword} {form.on}` needs a number, but `{form.on}` is {describe(ty)}",
            span,
            label="not a number",
            help="tiers read money, a rate or a count; use `by` for an enum",
        )
    ok = ty.numeric
    if isinstance(form, n.Steps):
        ok = expect_literal(ctx, form.size, ty, "the step") and ok
    for row in form.rows:
        for bound in (row.low, row.high):
            if bound is not None:
                ok = expect_literal(ctx, bound.value, ty, f"a tier bound on `{form.on}`") and ok
        check_form(ctx, row.form, measure, fields)
    if not ok:
        return
    if isinstance(form, n.Tiers):
        check_tiers(ctx, form, ty, measure if fields is None else None)
    else:
        check_steps(ctx, form, ty)


def _check_staged(ctx: Context, form: n.Staged, measure: n.Measure, fields: Ty | None) -> None:
    ty = _enum_on(ctx, form.on, form, fields, "staged on")
    seen: dict[str, n.Stage] = {}
    total = Decimal(0)
    shares_ok = True
    for stage in form.stages:
        span = ctx.word_span(stage.span, stage.name)
        first = seen.setdefault(stage.name, stage)
        if first is not stage:
            ctx.error("KF0305", f"stage `{stage.name}` is listed twice", span,
                      label="second stage", help="keep one entry per stage",
                      secondary=(Secondary(first.span, "first listed here"),))  # fmt: skip
        if ty.kind == "enum":
            check_member(ctx, form.on, ty, stage.name, span)
        if stage.share is not None:
            if expect_literal(ctx, stage.share, Ty("rate"), f"the share paid at `{stage.name}`"):
                total += stage.share.value
            else:
                shares_ok = False
    clawbacks = [s for s in form.stages if s.clawback]
    for extra in clawbacks[1:]:
        ctx.error("KF0307", "a second clawback stage", extra.span, label="second clawback",
                  help="one stage returns what was paid; list it once")  # fmt: skip
    if shares_ok and total != 1 and any(s.share is not None for s in form.stages):
        shares = " + ".join(s.share.text for s in form.stages if s.share is not None)
        ctx.warning(
            "KF0307",
            f"the stages pay {shares} = {plain(total * 100)}% of the award, not 100%",
            ctx.word_span(form.span, form.on),
            label="shares do not add up to 100%",
            help="make the shares add up to 100%, or note in a `note` why they do not",
        )
    if total > 1:
        check_rate_range(ctx, n.Number(total, "percent", f"{plain(total * 100)}%",
                                       span=form.span), "the stages together")  # fmt: skip
    _coverage(ctx, ty, set(seen), form.span, form.on, "stage")
    check_form(ctx, form.form, measure, fields)


# --------------------------------------------------------------------------- caps, once, years


def _has_each(measure: n.Measure) -> bool:
    return any(isinstance(node, n.Each) for award in measure.awards for node in award.walk())


def check_caps(ctx: Context, measure: n.Measure) -> None:
    for cap in measure.caps:
        what = f"the cap{'' if cap.scope == 'claim' else ' per ' + cap.scope}"
        if expect_literal(ctx, cap.amount, Ty("money"), what):
            _positive(ctx, cap.amount, "a cap")
        if cap.scope == "item" and measure.awards and not _has_each(measure):
            ctx.error(
                "KF0306",
                "`cap … per item` but the award has no items",
                cap.span,
                label="no `each` in the award",
                help="use `award each LIST: …` for a per-item award, or `per project`/`per year`",
            )


def check_once_and_years(ctx: Context, measure: n.Measure) -> None:
    once = measure.once
    for key in once.keys if once is not None else ():
        assert once is not None
        if key not in CLAIM_KEYS and key not in ctx.ps.inputs:
            guess = did_you_mean(key, set(CLAIM_KEYS) | set(ctx.ps.inputs))
            ctx.error(
                "KF0205",
                f"`once per {key}`: `{key}` is no claim key or input",
                ctx.word_span(once.span, key),
                label="unknown key",
                help=f"did you mean `{guess}`?" if guess else
                f"use one of {', '.join(f'`{k}`' for k in CLAIM_KEYS)} or an input",
            )  # fmt: skip
    years = measure.max_years
    if years is not None and (
        years.unit != "plain" or years.value <= 0 or years.value != years.value.to_integral_value()
    ):
        ctx.error(
            "KF0308",
            f"`for at most {years.text} years` needs a positive whole number of years",
            years.span,
            label="not a number of years",
            help="write e.g. `for at most 3 years`",
        )
    check_item(ctx, measure)


def check_item(ctx: Context, measure: n.Measure) -> None:
    """`identified by` names project or product; measures that are one matter are about
    the same kind of thing, or the matter could not be grouped by it."""
    if measure.identified_by is not None and measure.identified_by not in ("project", "product"):
        ctx.error(
            "KF0310",
            f"`identified by {measure.identified_by}`: a claim is for a project or a product",
            ctx.word_span(measure.span, measure.identified_by),
            label="not project or product",
            help="write `identified by project` or `identified by product`, or leave it out "
            "(the claim is then for the enterprise's year)",
        )
        return
    if measure.matter is None:
        return
    # Report each pair once, on the later measure, against the first earlier measure of
    # the matter whose claims are for something else.
    mine_at = ctx.position[measure.id]
    earlier = [
        other
        for item, other in ctx.first_by_item.get(measure.matter, {}).items()
        if item != measure.item and ctx.position[other.id] < mine_at
    ]
    if not earlier:
        return
    other = min(earlier, key=lambda m: ctx.position[m.id])
    mine = measure.item or "the enterprise"
    theirs = other.item or "the enterprise"
    ctx.error(
        "KF0311",
        f"`{measure.id}` and `{other.id}` are one matter `{measure.matter}` but their "
        f"claims are for different things ({mine} / {theirs})",
        ctx.word_span(measure.span, measure.matter),
        label="one matter, different items",
        help=f"write `identified by {other.item or measure.item}` on the one that lacks it, "
        "or give them different matters",
    )
