"""Units of inputs: `unit zh "台" en "machine"` names the measure word of a count (3台)
or of one item of a list (单台, 逐台), and nothing else: money says yuan, a rate percent,
and a unit on them would print a wrong word beside the number."""

from __future__ import annotations

from kfpl.check.base import Context


def check_units(ctx: Context) -> None:
    for decl in ctx.ps.inputs.values():
        if decl.unit is None:
            continue
        ty = ctx.type_of_decl(decl.type)
        if ty.kind in ("count", "list", "unknown"):
            continue
        words = "/".join(w for w in (decl.unit.zh, decl.unit.en) if w)
        ctx.error(
            "KF0410",
            f"`{decl.name}` is {ty}, so it takes no unit (`{words}`)",
            decl.unit.span,
            label="a unit belongs to a count or a list",
            help=f"delete the unit, or declare `{decl.name}` as a `count` if it counts things",
        )
