"""Policy-level rules (附则) and plan items (targets, chains, goals)."""

from __future__ import annotations

from kfpl.check.base import CLAIM_KEYS, NUMERIC, Context, Ty, describe
from kfpl.check.types import check_cond, expect_literal, require_enterprise
from kfpl.diagnostics import did_you_mean, suggestion
from kfpl.runtime.bilingual import Text
from kfpl.syntax import nodes as n


def check_rules(ctx: Context) -> None:
    for module in ctx.modules:
        for rule in module.of_type(n.Rule):
            check_rule(ctx, rule)


def check_rule(ctx: Context, rule: n.Rule) -> None:
    if not rule.bodies:
        ctx.warning(
            "KF0309",
            Text(f"规则 `{rule.id}` 没有可执行的内容", f"rule `{rule.id}` says nothing to apply"),
            ctx.head_span(rule, "rule"),
            label=Text(
                "没有 `eligible if`、`exclude if`、`no stacking` 或 `yearly total`",
                "no `eligible if`, `exclude if`, `no stacking` or `yearly total`",
            ),
            help=Text(
                "写明规则的作用；如仅为说明性内容，请改为 `text` 条文",
                "add what the rule does, or make it a `text` block if it is informational",
            ),
        )
    for body in rule.bodies:
        if isinstance(body, n.Eligible):
            check_cond(ctx, body.cond, enterprise_only=True)
        elif isinstance(body, n.Exclude):
            for index, flag in enumerate(body.flags):
                span = ctx.word_span(body.span, flag, body.flags[:index].count(flag))
                _enterprise_input(ctx, flag, span, Ty("bool"), Text("排除条件", "an exclusion"))
        elif isinstance(body, n.NoStacking):
            if body.key not in CLAIM_KEYS:
                guess = did_you_mean(body.key, set(CLAIM_KEYS))
                keys = Text.join(Text.same(f"`{k}`") for k in CLAIM_KEYS)
                ctx.error(
                    "KF0205",
                    Text(
                        f"`no stacking by {body.key}`：`{body.key}` 不是申报键",
                        f"`no stacking by {body.key}`: `{body.key}` is not a claim key",
                    ),
                    ctx.word_span(body.span, body.key),
                    label=Text("未知的键", "unknown key"),
                    help=suggestion(guess)
                    if guess
                    else Text(f"可用的键为 {keys.zh}", f"the keys are {keys.en}"),
                )
        elif isinstance(body, n.GroupCap):
            _check_group_cap(ctx, rule, body)
        else:
            span = ctx.word_span(body.span, body.limit)
            _enterprise_input(
                ctx, body.limit, span, Ty("money"), Text("年度总额", "the yearly total")
            )


def _check_group_cap(ctx: Context, rule: n.Rule, body: n.GroupCap) -> None:
    """`total of A, B at most X if COND`: declared measures, a money limit, a condition
    on the enterprise."""
    for index, mid in enumerate(body.measures):
        if mid not in ctx.ps.measures:
            guess = did_you_mean(mid, set(ctx.ps.measures))
            ctx.error(
                "KF0203",
                Text(
                    f"`total of …` 列出了未知的措施 `{mid}`",
                    f"`total of …` names unknown measure `{mid}`",
                ),
                ctx.word_span(body.span, mid, body.measures[:index].count(mid)),
                label=Text("没有这项措施", "no such measure"),
                help=suggestion(guess)
                if guess
                else Text("请列出已声明的措施", "name declared measures"),
            )
    limit = Text("合计上限", "the limit of a group total")
    ok = expect_literal(ctx, body.limit, Ty("money"), limit)
    if ok and body.limit.value <= 0:
        ctx.error(
            "KF0405",
            Text(
                f"上限 {body.limit.text} 不是正数", f"the limit {body.limit.text} is not positive"
            ),
            body.limit.span,
            label=Text("必须大于 0", "must be more than 0"),
            help=Text("写成正数金额", "write a positive amount"),
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
            Text(
                "`total of … per item`：单项是一次申报中列表的各行，不为各措施所共有",
                "`total of … per item`: items are the rows of one claim, not shared by measures",
            ),
            ctx.word_span(body.span, "item"),
            label=Text("各措施之间没有共同的单项", "no items across measures"),
            help=Text(
                "请写 `per project`、`per product`、`per enterprise` 或 `per year`",
                "write `per project`, `per product`, `per enterprise` or `per year`",
            ),
        )
        return
    if body.scope not in ("project", "product"):
        return
    for mid in dict.fromkeys(body.measures):
        measure = ctx.ps.measures.get(mid)
        if measure is None or measure.item == body.scope:
            continue
        has = (
            Text(f"`{measure.item}`", f"for a {measure.item}")
            if measure.item
            else Text("企业当年", "for the enterprise's year")
        )
        ctx.error(
            "KF0312",
            Text(
                f"`total of … per {body.scope}` 列出了 `{mid}`，但其申报对象为{has.zh}",
                f"`total of … per {body.scope}` lists `{mid}`, whose claims are {has.en}",
            ),
            ctx.word_span(body.span, mid),
            label=Text(f"未按 `{body.scope}` 区分", f"not identified by {body.scope}"),
            help=Text(
                f"在 `{mid}` 中写 `identified by {body.scope}`，或将合计上限改为 "
                "`per enterprise` 或 `per year`",
                f"write `identified by {body.scope}` on `{mid}`, or cap the group "
                "`per enterprise` or `per year`",
            ),
        )


def _enterprise_input(ctx: Context, name: str, span: n.Span, want: Ty, where: Text) -> None:
    ty = ctx.resolve(name, span)
    if ty.kind == "unknown":
        return
    if ty.kind != want.kind:
        w, d = describe(want), describe(ty)
        ctx.error(
            "KF0401",
            Text(
                f"{where.zh}须读取{w.zh}型的企业输入项，但 `{name}` 为{d.zh}",
                f"{where.en} needs {w.en} enterprise input, but `{name}` is {d.en}",
            ),
            span,
            label=Text(f"此处应为{w.zh}", f"expected {w.en}"),
            help=Text(
                f"声明 `input {name}: {want.kind} from enterprise …`",
                f"declare `input {name}: {want.kind} from enterprise …`",
            ),
        )
        return
    if name in ctx.ps.params:
        decl = f"`input …: {want.kind} from enterprise …`"
        ctx.error(
            "KF0206",
            Text(
                f"{where.zh}读取的是参数 `{name}`，不是企业输入项",
                f"{where.en} reads parameter `{name}`, not an enterprise input",
            ),
            span,
            label=Text("这是参数", "a parameter"),
            help=Text(f"声明 {decl} 并在此使用", f"declare {decl} and use it here"),
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
        Text(
            f"目标 `{target.id}` 的单位 `{target.unit}` 未知",
            f"unknown unit `{target.unit}` for target `{target.id}`",
        ),
        ctx.word_span(target.span, target.unit),
        label=Text("不是单位", "not a unit"),
        help=suggestion(guess)
        if guess
        else Text("单位为 `money`、`rate` 和 `count`", "the units are `money`, `rate` and `count`"),
    )
    return Ty("unknown")


def check_goal(ctx: Context, goal: n.Goal, unit: Ty) -> None:
    ok = True
    for number in (goal.value, goal.high):
        if number is None:
            continue
        if unit.kind in NUMERIC:
            ok = expect_literal(ctx, number, unit, Text("目标值", "the goal")) and ok
    if ok and goal.high is not None and goal.value.value > goal.high.value:
        ctx.error(
            "KF0408",
            Text(
                f"目标区间 {goal.value.text} 至 {goal.high.text} 上下限颠倒",
                f"the goal between {goal.value.text} and {goal.high.text} runs backwards",
            ),
            goal.span,
            label=Text("下限高于上限", "low end above high end"),
            help=Text(
                f"改写为 `between {goal.high.text} and {goal.value.text}`",
                f"write `between {goal.high.text} and {goal.value.text}`",
            ),
        )
    if goal.within_years is not None and goal.within_years[0] > goal.within_years[1]:
        low, high = goal.within_years
        ctx.error(
            "KF0408",
            Text(
                f"`within {low} to {high} years` 上下限颠倒",
                f"`within {low} to {high} years` runs backwards",
            ),
            goal.span,
            label=Text("下限高于上限", "low end above high end"),
            help=Text(
                f"改写为 `within {high} to {low} years`", f"write `within {high} to {low} years`"
            ),
        )
