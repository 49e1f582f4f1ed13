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
from kfpl.diagnostics import Secondary, did_you_mean, suggestion
from kfpl.runtime.bilingual import Text
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
            Text(
                f"措施 `{measure.id}` 缺少 `award`（奖励）",
                f"measure `{measure.id}` has no `award`",
            ),
            ctx.head_span(measure, "measure"),
            label=Text("本措施支付什么？", "what does this measure pay?"),
            help=Text(
                "补写一行奖励，如 `award 30% of booth_fees` 或 `award 100万`",
                "add a line such as `award 30% of booth_fees` or `award 100万`",
            ),
        )
    for extra in measure.awards[1:]:
        ctx.error(
            "KF0302",
            Text(
                f"措施 `{measure.id}` 有不止一条 `award`",
                f"measure `{measure.id}` has more than one `award`",
            ),
            extra.span,
            label=Text("第二条奖励", "second award"),
            help=Text(
                f"一项措施只支付一项奖励：请拆分为带字母后缀的措施（`{measure.id}a`、"
                f"`{measure.id}b`），或合并计算基数（`30% of a + b`）",
                "one measure pays one award: split it into measures with sub-letters "
                f"(`{measure.id}a`, `{measure.id}b`), or combine the bases (`30% of a + b`)",
            ),
            secondary=(Secondary(measure.awards[0].span, Text("第一条奖励", "first award")),),
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
        _expect_money_name(ctx, form.higher_award, ty, span, Text("配套奖励", "a matching award"))
    elif isinstance(form, n.Fixed):
        fixed = Text("定额奖励", "a fixed award")
        if expect_literal(ctx, form.amount, Ty("money"), fixed):
            _positive(ctx, form.amount, fixed)
    elif isinstance(form, n.PerStep):
        per_step, step = Text("每个台阶的金额", "the amount per step"), Text("台阶", "the step")
        if expect_literal(ctx, form.amount, Ty("money"), per_step):
            _positive(ctx, form.amount, per_step)
        if expect_literal(ctx, form.size, Ty("money"), step):
            _positive(ctx, form.size, step)
        for operand in form.base:
            names = (operand.name,) if isinstance(operand, n.Ref) else (operand.new, operand.old)
            for name in names:
                span = ctx.word_span(operand.span, name)
                ty = ctx.resolve(name, span, fields)
                base = Text("按台阶奖励的计算基数", "the base of a per-step award")
                _expect_money_name(ctx, name, ty, span, base)
    elif isinstance(form, n.Range):
        low, high = (
            Text("区间下限", "the low end of the range"),
            Text("区间上限", "the high end of the range"),
        )
        ok = expect_literal(ctx, form.low, Ty("money"), low)
        ok = expect_literal(ctx, form.high, Ty("money"), high) and ok
        if ok and form.low.value > form.high.value:
            lo, hi = form.low.text, form.high.text
            ctx.error(
                "KF0408",
                Text(f"区间 {lo} 至 {hi} 上下限颠倒", f"the range {lo} to {hi} runs backwards"),
                form.span,
                label=Text("下限高于上限", "low end above high end"),
                help=Text(f"改写为 `between {hi} and {lo}`", f"write `between {hi} and {lo}`"),
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
                Text(
                    f"`each {form.over}` 须用于列表输入项，但 `{form.over}` 为{describe(ty).zh}",
                    f"`each {form.over}` needs a list input, but `{form.over}` is {describe(ty).en}",
                ),
                span,
                label=Text("不是列表", "not a list"),
                help=Text(
                    f"将其声明为 `input {form.over}: list(field: money …)`，或直接按其比例奖励",
                    f"declare it `input {form.over}: list(field: money …)`, "
                    "or award a share of it directly",
                ),
            )
            ty = Ty("unknown")
        check_form(ctx, form.form, measure, ty if ty.kind == "list" else None)
    elif isinstance(form, n.Staged):
        _check_staged(ctx, form, measure, fields)


def _check_rate(ctx: Context, rate: n.Rate, fields: Ty | None) -> None:
    if isinstance(rate, n.Number):
        expect_literal(ctx, rate, Ty("rate"), Text("比例", "the rate"))
        return
    ty = ctx.resolve(rate.name, rate.span, fields)
    if ty.kind not in ("rate", "unknown"):
        ctx.error(
            "KF0402" if ty.kind == "money" else "KF0401",
            Text(
                f"比例 `{rate.name}` 为{describe(ty).zh}，不是比例",
                f"the rate `{rate.name}` is {describe(ty).en}, not a rate",
            ),
            rate.span,
            label=Text("此处应为比例", "expected a rate"),
            help=Text(
                "请使用比例型参数或输入项（`benchmark_rate of bank_loan`），或百分比如 `30%`",
                "use a rate parameter or input (`benchmark_rate of bank_loan`) "
                "or a percentage such as `30%`",
            ),
        )


def _check_base(ctx: Context, operand: n.Operand, form: n.Percent, fields: Ty | None) -> None:
    names = (operand.name,) if isinstance(operand, n.Ref) else (operand.new, operand.old)
    for name in names:
        span = operand.span if isinstance(operand, n.Ref) else ctx.word_span(operand.span, name)
        ty = ctx.resolve(name, span, fields)
        _expect_money_name(
            ctx, name, ty, span, Text("按比例计算的基数", "the base of a percentage")
        )


def _expect_money_name(ctx: Context, name: str, ty: Ty, span: n.Span, what: Text) -> None:
    if ty.kind in ("money", "unknown"):
        return
    code = "KF0402" if ty.kind == "rate" else "KF0401"
    ctx.error(
        code,
        Text(
            f"{what.zh}应为金额，但 `{name}` 为{describe(ty).zh}",
            f"{what.en} must be money, but `{name}` is {describe(ty).en}",
        ),
        span,
        label=Text(f"{describe(ty).zh}，不是金额", f"{describe(ty).en}, not money"),
        help=money_type_help(ty),
    )


def _positive(ctx: Context, number: n.Number, what: Text) -> bool:
    if number.value > 0:
        return True
    ctx.error(
        "KF0405",
        Text(f"{what.zh} {number.text} 不是正数", f"{what.en} of {number.text} is not positive"),
        number.span,
        label=Text("必须大于 0", "must be more than 0"),
        help=Text("写成正数金额，或删去该子句", "write a positive amount, or delete the clause"),
    )
    return False


def _enum_on(ctx: Context, on: str, form: n.Node, fields: Ty | None, keyword: str) -> Ty:
    span = ctx.word_span(form.span, on)
    ty = ctx.resolve(on, span, fields)
    if ty.kind not in ("enum", "unknown"):
        ctx.error(
            "KF0401",
            Text(
                f"`{keyword} {on}` 须用于枚举输入项，但 `{on}` 为{describe(ty).zh}",
                f"`{keyword} {on}` needs an enum input, but `{on}` is {describe(ty).en}",
            ),
            span,
            label=Text("不是枚举", "not an enum"),
            help=Text(
                f"声明 `enum …` 并列出其取值，再声明 `input {on}: that_enum …`",
                f"declare `enum …` with its values and `input {on}: that_enum …`",
            ),
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
                Text(f"`{arm.value}` 出现两个分支", f"two arms for `{arm.value}`"),
                arm_span,
                label=Text("第二个分支", "second arm"),
                help=Text("每个取值只保留一个分支", "keep one arm for each value"),
                secondary=(Secondary(first.span, Text("第一个分支", "first arm")),),
            )
        if ty.kind == "enum":
            check_member(ctx, form.on, ty, arm.value, arm_span)
        check_form(ctx, arm.form, measure, fields)
    _coverage(ctx, ty, set(seen), form.span, form.on, Text("分支", "arm"))


def _coverage(ctx: Context, ty: Ty, named: set[str], span: n.Span, on: str, what: Text) -> None:
    if ty.kind != "enum":
        return
    missing = [m for m in ctx.enum_members(ty) if m not in named]
    if missing:
        listing = Text.join(Text.same(f"`{m}`") for m in missing)
        ctx.warning(
            "KF0304",
            Text(
                f"枚举 `{ty.enum}` 的 {listing.zh} 没有对应的{what.zh}",
                f"no {what.en} for {listing.en} of enum `{ty.enum}`",
            ),
            ctx.word_span(span, on),
            label=Text(f"{on} = {missing[0]} 时不予奖励", f"{on} = {missing[0]} gets nothing"),
            help=Text(
                f"补写 `{missing[0]} -> …`；如此类申报不符合条件，可补写一行 `requires {on} in (…)`",
                f"add `{missing[0]} -> …`, or a `requires {on} in (…)` line if "
                "such claims are not eligible",
            ),
        )


def _check_tiered(ctx: Context, form: n.Tiers | n.Steps, measure: n.Measure,
                  fields: Ty | None) -> None:  # fmt: skip
    keyword = "tiers on" if isinstance(form, n.Tiers) else "steps … by"
    span = ctx.word_span(form.span, form.on)
    ty = ctx.resolve(form.on, span, fields)
    if not ty.numeric and ty.kind != "unknown":
        ctx.error(
            "KF0401",
            Text(
                f"`{keyword} {form.on}` 须用于数值，但 `{form.on}` 为{describe(ty).zh}",
                f"`{keyword} {form.on}` needs a number, but `{form.on}` is {describe(ty).en}",
            ),
            span,
            label=Text("不是数值", "not a number"),
            help=Text(
                "分档只能依据金额、比例或数量；枚举请用 `by`",
                "tiers read money, a rate or a count; use `by` for an enum",
            ),
        )
    ok = ty.numeric
    if isinstance(form, n.Steps):
        ok = expect_literal(ctx, form.size, ty, Text("台阶", "the step")) and ok
    bound_of = Text(f"`{form.on}` 的档次界限", f"a tier bound on `{form.on}`")
    for row in form.rows:
        for bound in (row.low, row.high):
            if bound is not None:
                ok = expect_literal(ctx, bound.value, ty, bound_of) and ok
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
            ctx.error("KF0305",
                      Text(f"阶段 `{stage.name}` 列出两次", f"stage `{stage.name}` is listed twice"),
                      span, label=Text("第二个阶段", "second stage"),
                      help=Text("每个阶段只列一次", "keep one entry per stage"),
                      secondary=(Secondary(first.span, Text("首次列出在此", "first listed here")),),
                      )  # fmt: skip
        if ty.kind == "enum":
            check_member(ctx, form.on, ty, stage.name, span)
        if stage.share is not None:
            paid = Text(f"`{stage.name}` 阶段支付的份额", f"the share paid at `{stage.name}`")
            if expect_literal(ctx, stage.share, Ty("rate"), paid):
                total += stage.share.value
            else:
                shares_ok = False
    clawbacks = [s for s in form.stages if s.clawback]
    for extra in clawbacks[1:]:
        ctx.error("KF0307", Text("出现第二个追回阶段", "a second clawback stage"), extra.span,
                  label=Text("第二个追回阶段", "second clawback"),
                  help=Text("只有一个阶段追回已支付款项，只列一次",
                            "one stage returns what was paid; list it once"))  # fmt: skip
    if shares_ok and total != 1 and any(s.share is not None for s in form.stages):
        shares = " + ".join(s.share.text for s in form.stages if s.share is not None)
        ctx.warning(
            "KF0307",
            Text(
                f"各阶段支付 {shares} = {plain(total * 100)}%，合计不是奖励的 100%",
                f"the stages pay {shares} = {plain(total * 100)}% of the award, not 100%",
            ),
            ctx.word_span(form.span, form.on),
            label=Text("各份额合计不是 100%", "shares do not add up to 100%"),
            help=Text(
                "使各份额合计为 100%，或在 `note` 中说明原因",
                "make the shares add up to 100%, or note in a `note` why they do not",
            ),
        )
    if total > 1:
        check_rate_range(ctx, n.Number(total, "percent", f"{plain(total * 100)}%",
                                       span=form.span), Text("各阶段合计", "the stages together"))  # fmt: skip
    _coverage(ctx, ty, set(seen), form.span, form.on, Text("阶段", "stage"))
    check_form(ctx, form.form, measure, fields)


# --------------------------------------------------------------------------- caps, once, years


def _has_each(measure: n.Measure) -> bool:
    return any(isinstance(node, n.Each) for award in measure.awards for node in award.walk())


def check_caps(ctx: Context, measure: n.Measure) -> None:
    for cap in measure.caps:
        scope_zh = {"project": "每个项目", "item": "每项", "product": "每个产品", "year": "每年",
                    "enterprise": "每个企业"}.get(cap.scope, "")  # fmt: skip
        what = Text(
            f"{scope_zh}上限" if cap.scope != "claim" else "上限",
            f"the cap{'' if cap.scope == 'claim' else ' per ' + cap.scope}",
        )
        if expect_literal(ctx, cap.amount, Ty("money"), what):
            _positive(ctx, cap.amount, Text("上限", "a cap"))
        if cap.scope == "item" and measure.awards and not _has_each(measure):
            ctx.error(
                "KF0306",
                Text(
                    "写了 `cap … per item`，但奖励中没有逐项计算的部分",
                    "`cap … per item` but the award has no items",
                ),
                cap.span,
                label=Text("奖励中没有 `each`", "no `each` in the award"),
                help=Text(
                    "逐项奖励请写 `award each LIST: …`，否则请用 `per project` 或 `per year`",
                    "use `award each LIST: …` for a per-item award, or `per project`/`per year`",
                ),
            )


def check_once_and_years(ctx: Context, measure: n.Measure) -> None:
    once = measure.once
    for key in once.keys if once is not None else ():
        assert once is not None
        if key not in CLAIM_KEYS and key not in ctx.ps.inputs:
            guess = did_you_mean(key, set(CLAIM_KEYS) | set(ctx.ps.inputs))
            ctx.error(
                "KF0205",
                Text(f"`once per {key}`：`{key}` 既不是申报键，也不是输入项",
                     f"`once per {key}`: `{key}` is no claim key or input"),
                ctx.word_span(once.span, key),
                label=Text("未知的键", "unknown key"),
                help=suggestion(guess) if guess else Text(
                    f"请使用 {'、'.join(f'`{k}`' for k in CLAIM_KEYS)} 之一或某个输入项",
                    f"use one of {', '.join(f'`{k}`' for k in CLAIM_KEYS)} or an input"),
            )  # fmt: skip
    years = measure.max_years
    if years is not None and (
        years.unit != "plain" or years.value <= 0 or years.value != years.value.to_integral_value()
    ):
        ctx.error(
            "KF0308",
            Text(
                f"`for at most {years.text} years` 中的年限应为正整数",
                f"`for at most {years.text} years` needs a positive whole number of years",
            ),
            years.span,
            label=Text("不是年数", "not a number of years"),
            help=Text("例如写 `for at most 3 years`", "write e.g. `for at most 3 years`"),
        )
    check_item(ctx, measure)


def check_item(ctx: Context, measure: n.Measure) -> None:
    """`identified by` names project or product; measures that are one matter are about
    the same kind of thing, or the matter could not be grouped by it."""
    if measure.identified_by is not None and measure.identified_by not in ("project", "product"):
        ctx.error(
            "KF0310",
            Text(
                f"`identified by {measure.identified_by}`：申报对象只能是项目或产品",
                f"`identified by {measure.identified_by}`: a claim is for a project or a product",
            ),
            ctx.word_span(measure.span, measure.identified_by),
            label=Text("不是项目或产品", "not project or product"),
            help=Text(
                "写 `identified by project` 或 `identified by product`，或不写（申报对象即为企业当年）",
                "write `identified by project` or `identified by product`, or leave it out "
                "(the claim is then for the enterprise's year)",
            ),
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

    def thing(item: str | None) -> Text:
        return Text(f"`{item}`", item) if item else Text("企业", "the enterprise")

    mine, theirs = thing(measure.item), thing(other.item)
    fix = f"`identified by {other.item or measure.item}`"
    ctx.error(
        "KF0311",
        Text(
            f"`{measure.id}` 与 `{other.id}` 同属事项 `{measure.matter}`，但申报对象不同"
            f"（{mine.zh} / {theirs.zh}）",
            f"`{measure.id}` and `{other.id}` are one matter `{measure.matter}` but their "
            f"claims are for different things ({mine.en} / {theirs.en})",
        ),
        ctx.word_span(measure.span, measure.matter),
        label=Text("同一事项，申报对象不同", "one matter, different items"),
        help=Text(
            f"在缺少的一方补写 {fix}，或将二者归入不同事项",
            f"write {fix} on the one that lacks it, or give them different matters",
        ),
    )
