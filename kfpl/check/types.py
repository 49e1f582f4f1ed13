"""Types and units: a literal fits the type it meets; conditions read the right kinds.

Money is written `30万` or as a plain number of yuan; a rate always carries `%`; a
count is a plain whole number. Money and rates never mix (`30% of a rate`, `money +
rate`), and only a bool stands alone as a condition.
"""

from __future__ import annotations

from decimal import Decimal

from kfpl.check.base import Context, Ty, describe, fmt_money
from kfpl.diagnostics import did_you_mean
from kfpl.runtime.money import plain
from kfpl.syntax import nodes as n

# A plain number below this, where money is expected, is probably missing 万.
SMALL_MONEY = Decimal(1000)
# A threshold on money (`requires annual_revenue at least 2000`) is a sum a policy sets
# for enterprises: a plain number below 1万 yuan there has almost surely lost its 万.
SMALL_THRESHOLD = Decimal(10_000)


def small_money(ctx: Context, number: n.Number, what: str, below: Decimal = SMALL_MONEY) -> None:
    if number.unit == "plain" and 0 < number.value < below:
        ctx.warning(
            "KF0406",
            f"{what} `{number.text}` is read as {number.text} yuan",
            number.span,
            label=f"{number.text} 元?",
            help=f"did you mean `{number.text}万`? write `{number.text}元` if yuan is meant",
        )


def check_rate_range(ctx: Context, number: n.Number, what: str) -> None:
    if number.value > 1 or number.value < 0:
        ctx.error(
            "KF0404",
            f"{what} `{number.text}` is outside 0–100%",
            number.span,
            label="not a share of the base",
            help="a rate is a share between 0% and 100%",
        )


def expect_literal(
    ctx: Context, number: n.Number, ty: Ty, what: str, small: Decimal = SMALL_MONEY
) -> bool:
    """Report a literal that does not fit ``ty``; True when it fits."""
    kind, unit, text = ty.kind, number.unit, number.text
    if kind == "unknown":
        return True
    if kind == "money":
        if unit == "percent":
            ctx.error(
                "KF0402",
                f"{what} is money, but `{text}` is a rate",
                number.span,
                label="a rate where money is expected",
                help=f"write an amount such as `{plain(number.value * 100)}万`",
            )
            return False
        small_money(ctx, number, what, small)
        return True
    if kind == "rate":
        if unit == "plain":
            ctx.error(
                "KF0403",
                f"{what} `{text}` has no unit",
                number.span,
                label="a rate needs `%`",
                help=f"did you mean `{text}%`?",
            )
            return False
        if unit == "yuan":
            ctx.error(
                "KF0402",
                f"{what} is a rate, but `{text}` is money",
                number.span,
                label="money where a rate is expected",
                help="write a percentage such as `30%`",
            )
            return False
        check_rate_range(ctx, number, what)
        return True
    if kind in ("count", "year"):
        if unit != "plain":
            found = "a rate" if unit == "percent" else "money"
            sample = plain(number.value) if unit == "yuan" else "3"
            ctx.error(
                "KF0401",
                f"{what} is {describe(ty)}, but `{text}` is {found}",
                number.span,
                label=f"expected a plain {kind}",
                help=f"write a plain whole number, e.g. `{sample}`",
            )
            return False
        if number.value != number.value.to_integral_value():
            ctx.error(
                "KF0407",
                f"{what} `{text}` is not a whole number",
                number.span,
                label=f"{describe(ty)} is whole",
                help=f"write a whole number such as `{plain(number.value.to_integral_value())}`",
            )
            return False
        return True
    ctx.error(
        "KF0401",
        f"{what} is {describe(ty)}, not a number",
        number.span,
        label=f"`{text}` cannot be {describe(ty)}",
        help=_non_number_help(ty),
    )
    return False


def _non_number_help(ty: Ty) -> str:
    if ty.kind == "bool":
        return "a bool stands alone: write the name, or `not` and the name"
    if ty.kind == "enum":
        return f"compare an enum with `is`: `… is member` ({describe(ty)})"
    return "compare it with a value of its own type"


def check_member(ctx: Context, name: str, ty: Ty, member: str, span: n.Span) -> bool:
    members = ctx.enum_members(ty)
    if not members or member in members:
        return True
    guess = did_you_mean(member, set(members))
    listing = ", ".join(f"`{m}`" for m in members)
    ctx.error(
        "KF0202",
        f"`{member}` is not a value of enum `{ty.enum}` (the type of `{name}`)",
        span,
        label="unknown value",
        help=f"did you mean `{guess}`?" if guess else f"the values are {listing}",
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
        require_enterprise(ctx, node.name, name_span, "a general eligibility rule")
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
                f"`{node.name}` is {describe(ty)}, not a bool: it cannot be a condition alone",
                name_span,
                label="not a yes/no fact",
                help=_truthy_help(node.name, ty, ctx),
            )
    elif isinstance(node, n.Compare):
        if ty.numeric:
            word = node.op.replace("_", " ")
            expect_literal(ctx, node.value, ty, f"`{node.name} {word}`", SMALL_THRESHOLD)
        else:
            ctx.error(
                "KF0401",
                f"`{node.name}` is {describe(ty)} and cannot be compared with a number",
                name_span,
                label=f"{describe(ty)}",
                help=_non_number_help(ty),
            )
    else:
        assert isinstance(node, n.IsValue | n.InValues)
        values = (node.value,) if isinstance(node, n.IsValue) else node.values
        if ty.kind != "enum":
            keyword = "is" if isinstance(node, n.IsValue) else "in"
            ctx.error(
                "KF0401",
                f"`{node.name} {keyword} …` needs an enum, but `{node.name}` is {describe(ty)}",
                name_span,
                label=f"{describe(ty)}",
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
            help = (
                f"`{node.name}` holds one value: write `{node.name} is {node.values[0]}`"
                if len(node.values) == 1
                else f"`{node.name}` holds one value: write `{node.name} in ({shown})`"
            )
        else:
            help = f"declare `input {node.name}: set of <enum> …` if it holds several values"
        ctx.error(
            "KF0401",
            f"`{written}` needs a set, but `{node.name}` is {describe(ty)}",
            span,
            label=f"{describe(ty)}",
            help=help,
        )
        return
    if isinstance(node, n.CountOf):
        word = node.op.replace("_", " ")
        expect_literal(ctx, node.value, Ty("count"), f"`number of {node.name} {word}`")
        return
    _check_members(ctx, node, Ty("enum", enum=ty.enum), node.values)


def _set_misuse(ctx: Context, node: n.Atom, ty: Ty, span: n.Span) -> None:
    """A set-valued fact read as one value: say which set condition was meant."""
    members = ctx.enum_members(Ty("enum", enum=ty.enum))
    first = members[0] if members else "…"
    if isinstance(node, n.IsValue):
        help = f"a set may hold several values: write `{node.name} contains {node.value}`"
    elif isinstance(node, n.InValues):
        shown = ", ".join(node.values)
        help = f"write `{node.name} contains any of ({shown})`"
    elif isinstance(node, n.Compare):
        help = f"count its values: `number of {node.name} …`"
    else:
        help = f"write `{node.name} contains {first}`, or `number of {node.name} at least 1`"
    ctx.error(
        "KF0401",
        f"`{node.name}` is {describe(ty)}: it cannot be read as one value",
        span,
        label=f"{describe(ty)}",
        help=help,
    )


def _truthy_help(name: str, ty: Ty, ctx: Context) -> str:
    if ty.kind == "enum":
        members = ctx.enum_members(ty)
        return f"compare it: `{name} is {members[0] if members else '…'}`"
    if ty.kind == "bool":
        return f"a bool stands alone: write `{name}` or `not {name}`"
    if ty.numeric:
        return f"compare it: `{name} at least …`"
    return "use a bool input as a condition"


def require_enterprise(ctx: Context, name: str, span: n.Span, where: str) -> None:
    decl = ctx.ps.inputs.get(name)
    if decl is not None and decl.origin != "enterprise":
        ctx.error(
            "KF0206",
            f"{where} reads `{name}`, which is a fact of a claim, not of the enterprise",
            span,
            label="not `from enterprise`",
            help=f"declare it `input {name}: … from enterprise …`, or use an enterprise input",
        )


def money_type_help(ty: Ty) -> str:
    if ty.kind == "rate":
        return "a rate is a share: multiply it with money (`30% of booth_fees`), never add it"
    if ty.kind == "bool":
        return "a bool is yes/no: put it in `requires`, and take the share of an amount"
    return "take the share of a money input"


__all__ = ["check_cond", "expect_literal", "fmt_money"]
