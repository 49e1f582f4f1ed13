"""Source references: every `source DOC CLAUSE` names a real clause of a project document.

The documents and their clause ids are the project's ``sources/<doc>.json``
(``kfpl.project.sources.catalogue``), given to the checker as ``Context.documents``:
the checker knows no document of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from kfpl.check.base import Context, kind_text
from kfpl.diagnostics import did_you_mean, suggestion
from kfpl.runtime.bilingual import Text
from kfpl.syntax import nodes as n


@dataclass(frozen=True)
class Document:
    id: str
    title_zh: str
    title_en: str
    clauses: tuple[str, ...]


def _sources_hint(ctx: Context, doc: str) -> Text:
    if not ctx.documents:
        return Text(
            f"本项目尚无来源文件：请添加 `sources/{doc}.json`（参见 `kfpl init`）",
            f"this project has no source documents: add sources/{doc}.json (see `kfpl init`)",
        )
    known = Text.join(Text.same(f"`{d}`") for d in ctx.documents)
    return Text(
        f"现有来源文件为 {known.zh}（`sources/*.json`）；新增文件应为 `sources/{doc}.json`",
        f"the documents are {known.en} (sources/*.json); a new one is a file sources/{doc}.json",
    )


_FULL_TO_ASCII = str.maketrans({"（": "(", "）": ")", " ": "", "\u3000": ""})


def normalize_clause(text: str) -> str:
    """``一（二）`` -> ``一(二)``; ``02`` -> ``2``."""
    text = text.translate(_FULL_TO_ASCII)
    if text.isdigit() and len(text) < 6:
        return str(int(text))
    return text.rstrip("、")


def _describe(doc: Document, sep: str = ", ") -> str:
    numbers = [c for c in doc.clauses if c.isdigit()]
    others = [c for c in doc.clauses if not c.isdigit() and not c.endswith("、")]
    # The clauses are quoted: their names are the document's own (Chinese) words.
    parts = [f"{numbers[0]}–{numbers[-1]}"] if numbers else []
    parts.extend(f'"{c}"' for c in others[:4])
    if len(others) > 4:
        parts.append("…")
    return sep.join(parts)


def check_source_ref(ctx: Context, ref: n.SourceRef) -> None:
    doc = ctx.documents.get(ref.doc)
    if doc is None:
        guess = did_you_mean(ref.doc, set(ctx.documents))
        ctx.error(
            "KF0701",
            Text(f"未知的来源文件 `{ref.doc}`", f"unknown source document `{ref.doc}`"),
            _doc_span(ref),
            label=Text("不是本项目的来源文件", "not one of the project's source documents"),
            help=suggestion(guess) if guess else _sources_hint(ctx, ref.doc),
        )
        return
    clause = normalize_clause(ref.clause)
    if clause in doc.clauses or f"{clause}、" in doc.clauses:
        return
    guess = did_you_mean(clause, set(doc.clauses)) if not clause.isdigit() else None
    ctx.error(
        "KF0702",
        Text(
            f"`{ref.doc}` 中没有第 `{ref.clause}` 条", f"`{ref.doc}` has no clause `{ref.clause}`"
        ),
        ref.span,
        label=Text(
            f"不是《{doc.title_zh}》的条款", f"not a clause of {doc.title_en or doc.title_zh}"
        ),
        help=suggestion(guess)
        if guess
        else Text(
            f"`{ref.doc}` 的条款为 {_describe(doc, '、')}",
            f"the clauses of `{ref.doc}` are {_describe(doc)}",
        ),
    )


def _doc_span(ref: n.SourceRef) -> n.Span:
    span = ref.span
    return n.Span(span.file, span.line, span.column, span.line, span.column + len(ref.doc))


def check_sources(ctx: Context) -> None:
    for module in ctx.modules:
        for item in module.items:
            if not isinstance(item, n.Measure | n.Rule | n.Target | n.Task | n.TextBlock | n.Chain):
                continue
            if item.source is not None:
                check_source_ref(ctx, item.source)
                _check_prefix_matches(ctx, item, item.source)
            elif not isinstance(item, n.Chain):
                kind = type(item).__name__.lower().replace("textblock", "text")
                line = f"`source {_any_doc(ctx)} 1`"
                ctx.error(
                    "KF0303",
                    Text(f"{kind_text(kind).zh} `{item.id}` 缺少 `source`（来源条款）",
                         f"{kind} `{item.id}` has no `source`"),
                    n.Span(item.span.file, item.span.line, item.span.column, item.span.line,
                           item.span.column + len(kind)),
                    label=Text("出自哪一条款？", "which clause does this come from?"),
                    help=Text(f"补写一行来源，如 {line}（文件与条款）",
                              f"add a line such as {line} (document and clause)"),
                )  # fmt: skip


def _check_prefix_matches(ctx: Context, item: n.Item, ref: n.SourceRef) -> None:
    """A measure `fair-3` whose source is `expo 3` is probably a copy-paste slip."""
    if not isinstance(item, n.Measure | n.Rule | n.Target | n.Task | n.TextBlock):
        return
    head = item.id.split("-", 1)[0]
    docs = ctx.documents
    if "-" in item.id and head in docs and ref.doc in docs and head != ref.doc:
        ctx.warning(
            "KF0703",
            Text(
                f"`{item.id}` 引用 `{ref.doc} {ref.clause}`，但其编号指向来源文件 `{head}`",
                f"`{item.id}` cites `{ref.doc} {ref.clause}` but its id names document `{head}`",
            ),
            _doc_span(ref),
            label=Text(f"应为 `{head}`", f"expected `{head}`"),
            help=Text(
                f"改写为 `source {head} …`，或将编号改为 `{ref.doc}-…`",
                f"write `source {head} …`, or rename the item `{ref.doc}-…`",
            ),
        )


def _any_doc(ctx: Context) -> str:
    return next(iter(ctx.documents), "doc")
