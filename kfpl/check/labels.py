"""Bilingual text: every label has both zh and en, and neither is empty.

An agency's Chinese name is its id, so its label needs only `en`. Titles are required
where the documentation shows them (policies, measures, rules, targets, tasks, texts,
chains).
"""

from __future__ import annotations

from kfpl.check.base import Context, kind_text
from kfpl.runtime.bilingual import Text
from kfpl.syntax import nodes as n


def _missing(ctx: Context, label: n.Label, lang: str, where: Text) -> None:
    other = label.en if lang == "zh" else label.zh
    name = (
        Text("中文（`zh`）", "Chinese (zh)")
        if lang == "zh"
        else Text("英文（`en`）", "English (en)")
    )
    beside = Text(f'，与 "{_short(other)}" 并列', f' beside "{_short(other)}"') if other else None
    add = f'`{lang} "…"`'
    ctx.error(
        "KF0601",
        Text(f"{where.zh}缺少{name.zh}文字", f"{where.en} has no {name.en} text"),
        label.span,
        label=Text(f"缺少 `{lang}`", f"`{lang}` missing"),
        help=Text(
            f"补写 {add}{beside.zh if beside else ''}：每个标签都须中英文齐备",
            f"add {add}{beside.en if beside else ''}: every label is bilingual",
        ),
    )


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 30 else text[:29] + "…"


def _check_label(ctx: Context, label: n.Label, where: Text, need_zh: bool = True) -> None:
    if label.zh is None and need_zh:
        _missing(ctx, label, "zh", where)
    if label.en is None:
        _missing(ctx, label, "en", where)
    for lang, text in (("zh", label.zh), ("en", label.en)):
        if text is not None and not text.strip():
            ctx.error(
                "KF0602",
                Text(f"{where.zh}中 `{lang}` 文字为空", f"{where.en} has empty {lang} text"),
                label.span,
                label=Text(f'`{lang} ""` 为空', f'`{lang} ""` is empty'),
                help=Text("补写文字，或删去该子句", "write the text, or delete the clause"),
            )


def _labels(item: n.Node) -> list[n.Label]:
    return [node for node in item.walk() if isinstance(node, n.Label)]


def _kind(item: n.Item) -> Text:
    """``measure `expo-2a``` / 措施 `expo-2a`."""
    kinds = {n.TextBlock: "text", n.EnumDecl: "enum", n.InputDecl: "input",
             n.ParamDecl: "parameter", n.AgencyDecl: "agency", n.MatterDecl: "matter"}  # fmt: skip
    kind = kinds.get(type(item), type(item).__name__.lower())
    name = getattr(item, "id", None) or getattr(item, "name", "")
    word = kind_text(kind)
    return Text(f"{word.zh} `{name}`", f"{word.en} `{name}`")


_TITLED = (n.Policy, n.Measure, n.Rule, n.Target, n.Task, n.TextBlock, n.Chain)


def check_labels(ctx: Context) -> None:
    for module in ctx.modules:
        for item in module.items:
            kind = _kind(item)
            where = Text(f"{kind.zh}的标签", f"a label of {kind.en}")
            if isinstance(item, n.AgencyDecl):
                if item.label is not None:
                    _check_label(ctx, item.label, where, need_zh=False)
                continue
            for label in _labels(item):
                _check_label(ctx, label, where)
            if isinstance(item, _TITLED) and item.title is None and not isinstance(item, n.Policy):
                ctx.error(
                    "KF0303",
                    Text(f"{kind.zh}缺少 `title`（标题）", f"{kind.en} has no `title`"),
                    n.Span(item.span.file, item.span.line, item.span.column, item.span.line,
                           item.span.column + len(kind.en.split(" ")[0])),
                    label=Text("缺少标题", "title missing"),
                    help=Text('补写 `title zh "…" en "…"`：文档以中英两种语言显示标题',
                              'add `title zh "…" en "…"`: the documentation shows it in both '
                              "languages"),
                )  # fmt: skip
            if isinstance(item, n.TextBlock) and item.body is None:
                ctx.error(
                    "KF0303",
                    Text(
                        f"条文 `{item.id}` 缺少 `body`（正文）", f"text `{item.id}` has no `body`"
                    ),
                    item.span,
                    label=Text("缺少正文", "body missing"),
                    help=Text('补写 `body zh "…" en "…"`', 'add `body zh "…" en "…"`'),
                )
