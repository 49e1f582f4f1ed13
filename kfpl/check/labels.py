"""Bilingual text: every label has both zh and en, and neither is empty.

An agency's Chinese name is its id, so its label needs only `en`. Titles are required
where the documentation shows them (policies, measures, rules, targets, tasks, texts,
chains).
"""

from __future__ import annotations

from kfpl.check.base import Context
from kfpl.syntax import nodes as n


def _missing(ctx: Context, label: n.Label, lang: str, where: str) -> None:
    other = label.en if lang == "zh" else label.zh
    name = "Chinese (zh)" if lang == "zh" else "English (en)"
    hint = f' beside "{_short(other)}"' if other else ""
    ctx.error(
        "KF0601",
        f"{where} has no {name} text",
        label.span,
        label=f"`{lang}` missing",
        help=f'add `{lang} "…"`{hint}: every label is bilingual',
    )


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 30 else text[:29] + "…"


def _check_label(ctx: Context, label: n.Label, where: str, need_zh: bool = True) -> None:
    if label.zh is None and need_zh:
        _missing(ctx, label, "zh", where)
    if label.en is None:
        _missing(ctx, label, "en", where)
    for lang, text in (("zh", label.zh), ("en", label.en)):
        if text is not None and not text.strip():
            ctx.error(
                "KF0602",
                f"{where} has empty {lang} text",
                label.span,
                label=f'`{lang} ""` is empty',
                help="write the text, or delete the clause",
            )


def _labels(item: n.Node) -> list[n.Label]:
    return [node for node in item.walk() if isinstance(node, n.Label)]


def _describe(item: n.Item) -> str:
    kinds = {n.TextBlock: "text", n.EnumDecl: "enum", n.InputDecl: "input",
             n.ParamDecl: "parameter", n.AgencyDecl: "agency"}  # fmt: skip
    kind = kinds.get(type(item), type(item).__name__.lower())
    name = getattr(item, "id", None) or getattr(item, "name", "")
    return f"a label of {kind} `{name}`"


_TITLED = (n.Policy, n.Measure, n.Rule, n.Target, n.Task, n.TextBlock, n.Chain)


def check_labels(ctx: Context) -> None:
    for module in ctx.modules:
        for item in module.items:
            where = _describe(item)
            if isinstance(item, n.AgencyDecl):
                if item.label is not None:
                    _check_label(ctx, item.label, where, need_zh=False)
                continue
            for label in _labels(item):
                _check_label(ctx, label, where)
            if isinstance(item, _TITLED) and item.title is None and not isinstance(item, n.Policy):
                kind = where.removeprefix("a label of ")
                ctx.error(
                    "KF0303",
                    f"{kind} has no `title`",
                    n.Span(item.span.file, item.span.line, item.span.column, item.span.line,
                           item.span.column + len(kind.split(" ")[0])),
                    label="title missing",
                    help='add `title zh "…" en "…"`: the documentation shows it in both languages',
                )  # fmt: skip
            if isinstance(item, n.TextBlock) and item.body is None:
                ctx.error(
                    "KF0303",
                    f"text `{item.id}` has no `body`",
                    item.span,
                    label="body missing",
                    help='add `body zh "…" en "…"`',
                )
