"""Units of inputs: `unit zh "台" en "machine"` names the measure word of a count (3台)
or of one item of a list (单台, 逐台), and nothing else: money says yuan, a rate percent,
and a unit on them would print a wrong word beside the number."""

from __future__ import annotations

from kfpl.check.base import Context
from kfpl.runtime.bilingual import Text


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
            Text(
                f"`{decl.name}` 的类型为 `{ty}`，不能带计量单位（`{words}`）",
                f"`{decl.name}` is {ty}, so it takes no unit (`{words}`)",
            ),
            decl.unit.span,
            label=Text("计量单位只用于计数或清单", "a unit belongs to a count or a list"),
            help=Text(
                f"删除该单位；如果它是在计数，把 `{decl.name}` 声明为 `count`",
                f"delete the unit, or declare `{decl.name}` as a `count` if it counts things",
            ),
        )
