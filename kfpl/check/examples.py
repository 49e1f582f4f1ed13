"""Worked examples: facts name real inputs with values of their types, history names
real measures, outcomes are amounts."""

from __future__ import annotations

from kfpl.check.base import CLAIM_KEYS, Context, Ty, describe
from kfpl.check.types import check_member, expect_literal
from kfpl.diagnostics import Secondary, did_you_mean, suggestion
from kfpl.runtime.bilingual import Text
from kfpl.runtime.dates import Span
from kfpl.syntax import nodes as n

PRIOR_KEYS = ("project", "product", "level", "step")

EXPECTED = Text("预期金额", "the expected amount")


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
            _expect_value(ctx, amount, Ty("money"), EXPECTED)
    if (
        outcome.kind == "range"
        and outcome.amount is not None
        and outcome.high is not None
        and outcome.amount.value > outcome.high.value
    ):
        ctx.error(
            "KF0408",
            Text(
                f"预期区间 {outcome.amount.text} 至 {outcome.high.text} 上下限颠倒",
                f"the expected range {outcome.amount.text} to {outcome.high.text} runs backwards",
            ),
            outcome.span,
            label=Text("下限高于上限", "low end above high end"),
            help=Text(
                f"改写为 `-> {outcome.high.text} to {outcome.amount.text}`",
                f"write `-> {outcome.high.text} to {outcome.amount.text}`",
            ),
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
                Text(
                    f"同一示例中申报 `{claim.name}` 出现两次",
                    f"claim `{claim.name}` is given twice in one example",
                ),
                ctx.word_span(claim.span, claim.name),
                label=Text("同名的第二项申报", "second claim of this name"),
                help=Text(
                    "每项申报各取一个名称（`a`、`b`、`c` …）",
                    "give each claim its own name (a, b, c …)",
                ),
                secondary=(Secondary(first.span, Text("第一项申报", "first claim")),),
            )
        who = Text(f"申报 `{claim.name}` 列出了", f"claim `{claim.name}` names")
        _known_measure(ctx, claim.measure, claim.span, who)
        _check_facts(ctx, claim.facts, None)
        for amount in (claim.outcome.amount, claim.outcome.high):
            if amount is not None:
                _expect_value(ctx, amount, Ty("money"), EXPECTED)


def _check_year(ctx: Context, example: n.Example, measure: n.Measure) -> None:
    period = ctx.ps.period_of(measure.id)
    if example.year is None or period is None:
        return
    span = Span(period.start, period.end, period.by_day)
    holds = span.holds(example.year, example.day if period.by_day else None)
    when = example.day.isoformat() if example.day else str(example.year)
    where = ctx.word_span(example.span, when) if example.day is None else example.span
    if holds is False and example.outcome.kind != "not_eligible":
        unit = Text("日期", "day") if period.by_day else Text("年份", "year")
        ctx.warning(
            "KF0802",
            Text(
                f"示例的时间（{when}）不在有效期（{span.zh()}）内",
                f"the example is set on {when}, outside the effective period ({span.en()})",
            ),
            where,
            label=Text("当时尚未施行或已经失效", "not in force then"),
            help=Text(
                f"请改用有效期（{span.zh()}）内的{unit.zh}，或预期结果写 `-> not eligible`",
                f"use a {unit.en} {span.en().removeprefix('from ')}, or expect `-> not eligible`",
            ),
        )
    elif holds is None and example.outcome.kind != "undetermined":
        ctx.warning(
            "KF0802",
            Text(
                f"示例的年份为 {example.year}，但有效期（{span.zh()}）在该年内开始或结束，"
                "仅凭年份无法判定",
                f"the example is set in {example.year}, but the effective period ({span.en()}) "
                "begins or ends within that year, so the year alone does not decide",
            ),
            where,
            label=Text("该年只有部分时间有效", "only part of this year is in force"),
            help=Text(
                "请写明申报日期：`example on YYYY-MM-DD …`",
                "give the claim's date: `example on YYYY-MM-DD …`",
            ),
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
            Text(
                f"示例给出了未声明的输入项 `{past.name}` 的往年取值",
                f"the example gives a past value of unknown input `{past.name}`",
            ),
            span,
            label=Text("未声明", "not declared"),
            help=suggestion(guess)
            if guess
            else Text("请使用已声明的输入项", "name a declared input"),
        )
        return
    _check_value(ctx, past.value, ctx.type_of_decl(decl.type), past.name)
    if example.year is not None and past.year >= example.year:
        ctx.error(
            "KF0804",
            Text(
                f"往年取值的年份为 {past.year}，并不早于示例年份 {example.year}",
                f"a past value is given for {past.year}, not before the example's year {example.year}",
            ),
            ctx.word_span(past.span, str(past.year)),
            label=Text("不是往年", "not a past year"),
            help=Text(f"请给出 {example.year} 年以前的年份", f"give a year before {example.year}"),
        )


def _check_facts(ctx: Context, facts: tuple[n.Fact, ...], record: Ty | None) -> None:
    seen: dict[str, n.Fact] = {}
    for fact in facts:
        name_span = ctx.word_span(fact.span, fact.name)
        first = seen.setdefault(fact.name, fact)
        if first is not fact:
            ctx.error(
                "KF0801",
                Text(
                    f"同一示例中 `{fact.name}` 给出两次",
                    f"`{fact.name}` is given twice in one example",
                ),
                name_span,
                label=Text("第二个取值", "second value"),
                help=Text("每项事实只给出一次", "give each fact once"),
                secondary=(Secondary(first.span, Text("第一个取值", "first value")),),
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
            Text(f"记录中没有字段 `{name}`", f"the record has no field `{name}`"),
            span,
            label=Text("未知的字段", "unknown field"),
            help=suggestion(guess) if guess else Text(
                f"字段为 {'、'.join(f'`{f}`' for f in fields)}",
                f"the fields are {', '.join(f'`{f}`' for f in fields)}"),
        )  # fmt: skip
        return None
    decl = ctx.ps.inputs.get(name)
    if decl is not None:
        return ctx.type_of_decl(decl.type)
    if name in CLAIM_KEYS:
        return None  # a claim's own key (project, product…): any name will do
    guess = did_you_mean(name, set(ctx.ps.inputs))
    param = name in ctx.ps.params
    declare = f'`input {name}: money zh "…" en "…"`'
    ctx.error(
        "KF0201",
        Text(
            f"示例给出了未声明的输入项 `{name}`"
            + ("（参数不是事实，由政策规定）" if param else ""),
            f"the example gives unknown input `{name}`"
            + (" (a parameter is not a fact: it comes from the policy)" if param else ""),
        ),
        span,
        label=Text("未声明", "not declared"),
        help=suggestion(guess)
        if guess
        else Text(f"先声明该输入项：{declare}", f"declare it: {declare}"),
    )
    return None


def _check_value(ctx: Context, value: n.Value, ty: Ty, name: str) -> None:
    if ty.kind == "unknown":
        return
    if isinstance(value, n.Number):
        _expect_value(ctx, value, ty, Text.same(f"`{name}`"))
    elif isinstance(value, n.NameValue):
        given = Text.same(f"`{value.name}`")
        if ty.kind == "bool":
            if value.name not in ("true", "false"):
                _mismatch(ctx, value, ty, name, given, _example_for(Ty("bool")))
        elif ty.kind == "enum":
            check_member(ctx, name, ty, value.name, value.span)
        elif ty.kind != "text":
            _mismatch(ctx, value, ty, name, given, _example_for(ty))
    elif isinstance(value, n.DateValue):
        if ty.kind != "date":
            _mismatch(ctx, value, ty, name, Text("日期", "a date"), _example_for(ty))
    elif ty.kind == "set":
        _check_set_value(ctx, value, ty, name)
    elif isinstance(value, n.SetValue) or ty.kind != "list":
        _mismatch(ctx, value, ty, name, Text("列表", "a list"), _example_for(ty))
    else:
        for record in value.records:
            _check_facts(ctx, record, ty)


def _check_set_value(ctx: Context, value: n.ListValue | n.SetValue, ty: Ty, name: str) -> None:
    """`[smart, digital]` (or `[]`, the empty set): known values, each once."""
    if isinstance(value, n.ListValue):
        if value.records:
            _mismatch(ctx, value, ty, name, Text("记录列表", "a list of records"), _example_for(ty))
        return
    member_ty = Ty("enum", enum=ty.enum)
    seen: set[str] = set()
    for i, member in enumerate(value.members):
        span = ctx.word_span(value.span, member, value.members[:i].count(member))
        if member in seen:
            ctx.error(
                "KF0409",
                Text(
                    f"示例在集合 `{name}` 中两次列出 `{member}`",
                    f"the example lists `{member}` twice in the set `{name}`",
                ),
                span,
                label=Text("重复列出", "listed again"),
                help=Text(
                    "集合中每个取值只出现一次：请删去重复项",
                    "a set holds each value once: delete the repetition",
                ),
            )
            continue
        seen.add(member)
        check_member(ctx, name, member_ty, member, span)


def _expect_value(ctx: Context, number: n.Number, ty: Ty, what: Text) -> None:
    if ty.kind in ("bool", "enum", "set", "date", "text", "list"):
        d = describe(ty)
        ctx.error(
            "KF0409",
            Text(
                f"{what.zh}应为{d.zh}，但示例给出的是数字 `{number.text}`",
                f"{what.en} is {d.en}, but the example gives the number `{number.text}`",
            ),
            number.span,
            label=Text(f"此处应为{d.zh}", f"expected {d.en}"),
            help=_example_for(ty),
        )
        return
    expect_literal(ctx, number, ty, what)


def _mismatch(ctx: Context, value: n.Node, ty: Ty, name: str, given: Text, help: Text) -> None:
    d = describe(ty)
    ctx.error(
        "KF0409",
        Text(
            f"`{name}` 应为{d.zh}，但示例给出的是{given.zh}",
            f"`{name}` is {d.en}, but the example gives {given.en}",
        ),
        value.span,
        label=Text(f"此处应为{d.zh}", f"expected {d.en}"),
        help=help,
    )


_EXAMPLE_FOR = {
    "money": Text("写成金额，如 `30万`", "write an amount such as `30万`"),
    "rate": Text("写成百分比，如 `30%`", "write a percentage such as `30%`"),
    "count": Text("写成整数，如 `3`", "write a whole number such as `3`"),
    "year": Text("写成年份，如 `2021`", "write a year such as `2021`"),
    "bool": Text("写 `true` 或 `false`", "write `true` or `false`"),
    "date": Text("写成日期，如 `2021-06-30`", "write a date such as `2021-06-30`"),
    "list": Text(
        "写成记录列表，如 `[{price = 10万}]`", "write a list of records such as `[{price = 10万}]`"
    ),
    "set": Text(
        "写出集合所含的取值，如 `[smart, digital]`，或写 `[]`",
        "write the values it holds, such as `[smart, digital]`, or `[]`",
    ),
    "text": Text("写一个名称", "write a name"),
}


def _example_for(ty: Ty) -> Text:
    return _EXAMPLE_FOR.get(ty.kind, Text("写该枚举的一个取值", "write one of the enum's values"))


def _known_measure(ctx: Context, measure: str, span: n.Span, who: Text) -> None:
    """KF0203 when an example's claim or history names a measure the set lacks."""
    if measure not in ctx.ps.measures:
        guess = did_you_mean(measure, set(ctx.ps.measures))
        ctx.error(
            "KF0203",
            Text(f"{who.zh}未知的措施 `{measure}`", f"{who.en} unknown measure `{measure}`"),
            ctx.word_span(span, measure),
            label=Text("没有这项措施", "no such measure"),
            help=suggestion(guess)
            if guess
            else Text("请列出政策集中已声明的措施", "name a measure declared in the policy set"),
        )


def _check_prior(ctx: Context, prior: n.Prior) -> None:
    _known_measure(ctx, prior.measure, prior.span, Text("已获奖励记录列出了", "the history names"))
    expect_literal(ctx, prior.amount, Ty("money"), Text("已支付金额", "the amount paid"))
    for key in prior.keys:
        if key.name not in PRIOR_KEYS:
            guess = did_you_mean(key.name, set(PRIOR_KEYS))
            ctx.error(
                "KF0205",
                Text(f"`{key.name}` 不是已获奖励记录的键", f"`{key.name}` is not a key of a past award"),
                ctx.word_span(key.span, key.name),
                label=Text("未知的键", "unknown key"),
                help=suggestion(guess) if guess else Text(
                    f"可用的键为 {'、'.join(f'`{k}`' for k in PRIOR_KEYS)}",
                    f"the keys are {', '.join(f'`{k}`' for k in PRIOR_KEYS)}"),
            )  # fmt: skip
