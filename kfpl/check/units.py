"""Units of inputs: `unit zh "台" en "machine"` names the measure word of a count (3台)
or of one item of a list (单台, 逐台), and nothing else: money says yuan, a rate percent,
and a unit on them would print a wrong word beside the number."""

from __future__ import annotations

from kfpl.check.base import Context, describe
from kfpl.runtime.bilingual import Text


def check_units(ctx: Context) -> None:
    for decl in ctx.ps.inputs.values():
        if decl.unit is None:
            continue
        ty = ctx.type_of_decl(decl.type)
        if ty.kind in ("count", "list", "unknown"):
            continue
        words = "/".join(w for w in (decl.unit.zh, decl.unit.en) if w)
        d = describe(ty)
        ctx.error(
            "KF0410",
            Text(
                f"`{decl.name}` 为{d.zh}，不能带单位（`{words}`）",
                f"`{decl.name}` is {d.en}, so it takes no unit (`{words}`)",
            ),
            decl.unit.span,
            label=Text("单位只能用于数量或列表", "a unit belongs to a count or a list"),
            help=Text(
                f"删去单位；如 `{decl.name}` 计的是件数，请将其声明为 `count`",
                f"delete the unit, or declare `{decl.name}` as a `count` if it counts things",
            ),
        )
