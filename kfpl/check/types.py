"""Types and units: a literal fits the type it meets; conditions read the right kinds.

Money is written `30万` or as a plain number of yuan; a rate always carries `%`; a
count is a plain whole number. Money and rates never mix (`30% of a rate`, `money +
rate`), and only a bool stands alone as a condition.
"""

from __future__ import annotations

from decimal import Decimal

from kfpl.check.base import Context, Ty, describe, fmt_money
from kfpl.diagnostics import did_you_mean, suggestion
from kfpl.runtime.bilingual import Text
from kfpl.runtime.money import plain
from kfpl.syntax import nodes as n

# A plain number below this, where money is expected, is probably missing 万.
SMALL_MONEY = Decimal(1000)
# A threshold on money (`requires annual_revenue at least 2000`) is a sum a policy sets
# for enterprises: a plain number below 1万 yuan there has almost surely lost its 万.
SMALL_THRESHOLD = Decimal(10_000)


def small_money(ctx: Context, number: n.Number, what: Text, below: Decimal = SMALL_MONEY) -> None:
    if number.unit == "plain" and 0 < number.value < below:
        t = number.text
        ctx.warning(
            "KF0406",
            Text(f"{what.zh} `{t}` 将按 {t} 元计算", f"{what.en} `{t}` is read as {t} yuan"),
            number.span,
            label=Text(f"{t} 元？", f"{t} yuan?"),
            help=Text(
                f"是否应为 `{t}万`？如确指元，请写 `{t}元`",
                f"did you mean `{t}万`? write `{t}元` if yuan is meant",
            ),
        )


def check_rate_range(ctx: Context, number: n.Number, what: Text) -> None:
    if number.value > 1 or number.value < 0:
        ctx.error(
            "KF0404",
            Text(
                f"{what.zh} `{number.text}` 超出 0–100% 的范围",
                f"{what.en} `{number.text}` is outside 0–100%",
            ),
            number.span,
            label=Text("不是基数的一部分", "not a share of the base"),
            help=Text("比例是介于 0% 与 100% 之间的份额", "a rate is a share between 0% and 100%"),
        )


def expect_literal(
    ctx: Context, number: n.Number, ty: Ty, what: Text, small: Decimal = SMALL_MONEY
) -> bool:
    """Report a literal that does not fit ``ty``; True when it fits."""
    kind, unit, text = ty.kind, number.unit, number.text
    if kind == "unknown":
        return True
    if kind == "money":
        if unit == "percent":
            ctx.error(
                "KF0402",
                Text(
                    f"{what.zh}应为金额，但 `{text}` 是比例",
                    f"{what.en} is money, but `{text}` is a rate",
                ),
                number.span,
                label=Text("此处应为金额，却写了比例", "a rate where money is expected"),
                help=Text(
                    f"写成金额，如 `{plain(number.value * 100)}万`",
                    f"write an amount such as `{plain(number.value * 100)}万`",
                ),
            )
            return False
        small_money(ctx, number, what, small)
        return True
    if kind == "rate":
        if unit == "plain":
            ctx.error(
                "KF0403",
                Text(f"{what.zh} `{text}` 缺少单位", f"{what.en} `{text}` has no unit"),
                number.span,
                label=Text("比例须带 `%`", "a rate needs `%`"),
                help=suggestion(f"{text}%"),
            )
            return False
        if unit == "yuan":
            ctx.error(
                "KF0402",
                Text(
                    f"{what.zh}应为比例，但 `{text}` 是金额",
                    f"{what.en} is a rate, but `{text}` is money",
                ),
                number.span,
                label=Text("此处应为比例，却写了金额", "money where a rate is expected"),
                help=Text("写成百分比，如 `30%`", "write a percentage such as `30%`"),
            )
            return False
        check_rate_range(ctx, number, what)
        return True
    if kind in ("count", "year"):
        if unit != "plain":
            found = Text("比例", "a rate") if unit == "percent" else Text("金额", "money")
            sample = plain(number.value) if unit == "yuan" else "3"
            d = describe(ty)
            ctx.error(
                "KF0401",
                Text(
                    f"{what.zh}应为{d.zh}，但 `{text}` 是{found.zh}",
                    f"{what.en} is {d.en}, but `{text}` is {found.en}",
                ),
                number.span,
                label=Text(f"此处应为不带单位的{d.zh}", f"expected a plain {kind}"),
                help=Text(
                    f"写成不带单位的整数，如 `{sample}`",
                    f"write a plain whole number, e.g. `{sample}`",
                ),
            )
            return False
        if number.value != number.value.to_integral_value():
            ctx.error(
                "KF0407",
                Text(f"{what.zh} `{text}` 不是整数", f"{what.en} `{text}` is not a whole number"),
                number.span,
                label=Text(f"{describe(ty).zh}须为整数", f"{describe(ty).en} is whole"),
                help=Text(
                    f"写成整数，如 `{plain(number.value.to_integral_value())}`",
                    f"write a whole number such as `{plain(number.value.to_integral_value())}`",
                ),
            )
            return False
        return True
    ctx.error(
        "KF0401",
        Text(
            f"{what.zh}为{describe(ty).zh}，不是数值",
            f"{what.en} is {describe(ty).en}, not a number",
        ),
        number.span,
        label=Text(f"`{text}` 不能作为{describe(ty).zh}", f"`{text}` cannot be {describe(ty).en}"),
        help=_non_number_help(ty),
    )
    return False


def _non_number_help(ty: Ty) -> Text:
    if ty.kind == "bool":
        return Text(
            "是否值单独构成条件：写出其名称，或写 `not` 加名称",
            "a bool stands alone: write the name, or `not` and the name",
        )
    if ty.kind == "enum":
        d = describe(ty)
        return Text(
            f"枚举用 `is` 比较：`… is member`（{d.zh}）",
            f"compare an enum with `is`: `… is member` ({d.en})",
        )
    return Text("应与同类型的值比较", "compare it with a value of its own type")


def check_member(ctx: Context, name: str, ty: Ty, member: str, span: n.Span) -> bool:
    members = ctx.enum_members(ty)
    if not members or member in members:
        return True
    guess = did_you_mean(member, set(members))
    listing = Text.join(Text.same(f"`{m}`") for m in members)
    ctx.error(
        "KF0202",
        Text(
            f"`{member}` 不是枚举 `{ty.enum}`（`{name}` 的类型）的取值",
            f"`{member}` is not a value of enum `{ty.enum}` (the type of `{name}`)",
        ),
        span,
        label=Text("未知的取值", "unknown value"),
        help=suggestion(guess)
        if guess
        else Text(f"可选取值为 {listing.zh}", f"the values are {listing.en}"),
    )
    return False


def check_cond(ctx: Context, cond: n.Cond, fields: Ty | None = None,
               enterprise_only: bool = False) -> None:  # fmt: skip
    """Walk a condition without recursion (a drafter may nest parentheses deeply)."""
    todo: list[n.Cond] = [cond]
    while todo:
        node = todo.pop()
        if isinstance(node, n.Not):
            todo.append(node.operand)
        elif isinstance(node, n.AllOf | n.AnyOf):
            todo.extend(reversed(node.operands))
        else:
            _check_atom(ctx, node, fields, enterprise_only)


def _name_span(ctx: Context, node: n.Node, name: str) -> n.Span:
    return ctx.word_span(node.span, name)


def _check_atom(ctx: Context, node: n.Cond, fields: Ty | None, enterprise_only: bool) -> None:
    assert isinstance(node, n.ATOMS)
    name_span = _name_span(ctx, node, node.name)
    ty = ctx.resolve(node.name, name_span, fields)
    if ty.kind == "unknown":
        return
    if enterprise_only:
        where = Text("通用资格规则", "a general eligibility rule")
        require_enterprise(ctx, node.name, name_span, where)
    if isinstance(node, n.Contains | n.CountOf):
        _check_set_atom(ctx, node, ty, name_span)
        return
    if ty.kind == "set":
        _set_misuse(ctx, node, ty, name_span)
        return
    if isinstance(node, n.Truthy):
        if ty.kind != "bool":
            ctx.error(
                "KF0401",
                Text(
                    f"`{node.name}` 为{describe(ty).zh}，不是是否值，不能单独作为条件",
                    f"`{node.name}` is {describe(ty).en}, not a bool: it cannot be a condition alone",
                ),
                name_span,
                label=Text("不是“是/否”事实", "not a yes/no fact"),
                help=_truthy_help(node.name, ty, ctx),
            )
    elif isinstance(node, n.Compare):
        if ty.numeric:
            word = node.op.replace("_", " ")
            what = Text.same(f"`{node.name} {word}`")
            expect_literal(ctx, node.value, ty, what, SMALL_THRESHOLD)
        else:
            ctx.error(
                "KF0401",
                Text(
                    f"`{node.name}` 为{describe(ty).zh}，不能与数值比较",
                    f"`{node.name}` is {describe(ty).en} and cannot be compared with a number",
                ),
                name_span,
                label=describe(ty),
                help=_non_number_help(ty),
            )
    else:
        assert isinstance(node, n.IsValue | n.InValues)
        values = (node.value,) if isinstance(node, n.IsValue) else node.values
        if ty.kind != "enum":
            keyword = "is" if isinstance(node, n.IsValue) else "in"
            ctx.error(
                "KF0401",
                Text(
                    f"`{node.name} {keyword} …` 须用于枚举，但 `{node.name}` 为{describe(ty).zh}",
                    f"`{node.name} {keyword} …` needs an enum, but `{node.name}` is {describe(ty).en}",
                ),
                name_span,
                label=describe(ty),
                help=_truthy_help(node.name, ty, ctx),
            )
            return
        _check_members(ctx, node, ty, values)


def _check_members(ctx: Context, node: n.Atom, ty: Ty, values: tuple[str, ...]) -> None:
    skip: dict[str, int] = {}
    for value in values:
        count = skip.get(value, 0) + (1 if value == node.name else 0)
        span = ctx.word_span(node.span, value, count)
        skip[value] = count + 1
        check_member(ctx, node.name, ty, value, span)


def _check_set_atom(ctx: Context, node: n.Contains | n.CountOf, ty: Ty, span: n.Span) -> None:
    """`contains` and `number of` read a set-valued fact (`input x: set of kind`)."""
    if ty.kind != "set":
        if isinstance(node, n.CountOf):
            written = f"number of {node.name}"
        else:
            written = f"{node.name} contains …"
        if ty.kind == "enum" and isinstance(node, n.Contains):
            shown = ", ".join(node.values)
            fix = (
                f"`{node.name} is {node.values[0]}`"
                if len(node.values) == 1
                else f"`{node.name} in ({shown})`"
            )
            help = Text(
                f"`{node.name}` 只有一个取值：应写 {fix}",
                f"`{node.name}` holds one value: write {fix}",
            )
        else:
            decl = f"`input {node.name}: set of <enum> …`"
            help = Text(
                f"如其可有多个取值，请声明为 {decl}", f"declare {decl} if it holds several values"
            )
        ctx.error(
            "KF0401",
            Text(
                f"`{written}` 须用于集合，但 `{node.name}` 为{describe(ty).zh}",
                f"`{written}` needs a set, but `{node.name}` is {describe(ty).en}",
            ),
            span,
            label=describe(ty),
            help=help,
        )
        return
    if isinstance(node, n.CountOf):
        word = node.op.replace("_", " ")
        what = Text.same(f"`number of {node.name} {word}`")
        expect_literal(ctx, node.value, Ty("count"), what)
        return
    _check_members(ctx, node, Ty("enum", enum=ty.enum), node.values)


def _set_misuse(ctx: Context, node: n.Atom, ty: Ty, span: n.Span) -> None:
    """A set-valued fact read as one value: say which set condition was meant."""
    members = ctx.enum_members(Ty("enum", enum=ty.enum))
    first = members[0] if members else "…"
    if isinstance(node, n.IsValue):
        fix = f"`{node.name} contains {node.value}`"
        help = Text(f"集合可有多个取值：应写 {fix}", f"a set may hold several values: write {fix}")
    elif isinstance(node, n.InValues):
        fix = f"`{node.name} contains any of ({', '.join(node.values)})`"
        help = Text(f"应写 {fix}", f"write {fix}")
    elif isinstance(node, n.Compare):
        fix = f"`number of {node.name} …`"
        help = Text(f"应计其取值个数：{fix}", f"count its values: {fix}")
    else:
        one, count = f"`{node.name} contains {first}`", f"`number of {node.name} at least 1`"
        help = Text(f"应写 {one}，或 {count}", f"write {one}, or {count}")
    ctx.error(
        "KF0401",
        Text(
            f"`{node.name}` 为{describe(ty).zh}，不能作为单个取值读取",
            f"`{node.name}` is {describe(ty).en}: it cannot be read as one value",
        ),
        span,
        label=describe(ty),
        help=help,
    )


def _truthy_help(name: str, ty: Ty, ctx: Context) -> Text:
    if ty.kind == "enum":
        members = ctx.enum_members(ty)
        fix = f"`{name} is {members[0] if members else '…'}`"
        return Text(f"应加以比较：{fix}", f"compare it: {fix}")
    if ty.kind == "bool":
        return Text(
            f"是否值单独构成条件：写 `{name}` 或 `not {name}`",
            f"a bool stands alone: write `{name}` or `not {name}`",
        )
    if ty.numeric:
        return Text(f"应加以比较：`{name} at least …`", f"compare it: `{name} at least …`")
    return Text("请以是否值输入项作为条件", "use a bool input as a condition")


def require_enterprise(ctx: Context, name: str, span: n.Span, where: Text) -> None:
    decl = ctx.ps.inputs.get(name)
    if decl is not None and decl.origin != "enterprise":
        ctx.error(
            "KF0206",
            Text(
                f"{where.zh}读取了 `{name}`，但它是申报事项的事实，不是企业的事实",
                f"{where.en} reads `{name}`, which is a fact of a claim, not of the enterprise",
            ),
            span,
            label=Text("未注明 `from enterprise`", "not `from enterprise`"),
            help=Text(
                f"将其声明为 `input {name}: … from enterprise …`，或改用企业输入项",
                f"declare it `input {name}: … from enterprise …`, or use an enterprise input",
            ),
        )


def money_type_help(ty: Ty) -> Text:
    if ty.kind == "rate":
        return Text(
            "比例是份额：应与金额相乘（`30% of booth_fees`），不能相加",
            "a rate is a share: multiply it with money (`30% of booth_fees`), never add it",
        )
    if ty.kind == "bool":
        return Text(
            "是否值只表示是或否：应写入 `requires`，并按某一金额的比例计算",
            "a bool is yes/no: put it in `requires`, and take the share of an amount",
        )
    return Text("应按某一金额输入项的比例计算", "take the share of a money input")


__all__ = ["check_cond", "expect_literal", "fmt_money"]
