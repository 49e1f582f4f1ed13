"""Source references: every `source DOC CLAUSE` names a real clause of a project document.

The documents and their clause ids are the project's ``sources/<doc>.json``
(``kfpl.project.sources.catalogue``), given to the checker as ``Context.documents``:
the checker knows no document of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from kfpl.check.base import Context
from kfpl.diagnostics import did_you_mean
from kfpl.syntax import nodes as n


@dataclass(frozen=True)
class Document:
    id: str
    title_zh: str
    title_en: str
    clauses: tuple[str, ...]


def _sources_hint(ctx: Context, doc: str) -> str:
    if not ctx.documents:
        return f"this project has no source documents: add sources/{doc}.json (see `kfpl init`)"
    known = ", ".join(f"`{d}`" for d in ctx.documents)
    return f"the documents are {known} (sources/*.json); a new one is a file sources/{doc}.json"


_FULL_TO_ASCII = str.maketrans({"（": "(", "）": ")", " ": "", "\u3000": ""})


def normalize_clause(text: str) -> str:
    """``一（二）`` -> ``一(二)``; ``02`` -> ``2``."""
    text = text.translate(_FULL_TO_ASCII)
    if text.isdigit() and len(text) < 6:
        return str(int(text))
    return text.rstrip("、")


def _describe(doc: Document) -> str:
    numbers = [c for c in doc.clauses if c.isdigit()]
    others = [c for c in doc.clauses if not c.isdigit() and not c.endswith("、")]
    parts = []
    if numbers:
        parts.append(f"{numbers[0]}–{numbers[-1]}")
    if len(others) <= 3:
        parts.extend(others)
    else:
        parts.append(", ".join(f'"{c}"' for c in others[:4]) + ", …")
    return ", ".join(parts)


def check_source_ref(ctx: Context, ref: n.SourceRef) -> None:
    doc = ctx.documents.get(ref.doc)
    if doc is None:
        guess = did_you_mean(ref.doc, set(ctx.documents))
        ctx.error(
            "KF0701",
            f"unknown source document `{ref.doc}`",
            _doc_span(ref),
            label="not one of the project's source documents",
            help=f"did you mean `{guess}`?" if guess else _sources_hint(ctx, ref.doc),
        )
        return
    clause = normalize_clause(ref.clause)
    if clause in doc.clauses or f"{clause}、" in doc.clauses:
        return
    guess = did_you_mean(clause, set(doc.clauses)) if not clause.isdigit() else None
    ctx.error(
        "KF0702",
        f"`{ref.doc}` has no clause `{ref.clause}`",
        ref.span,
        label=f"not a clause of {doc.title_zh}",
        help=f"did you mean `{guess}`?"
        if guess
        else f"the clauses of `{ref.doc}` are {_describe(doc)}",
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
                ctx.error(
                    "KF0303",
                    f"{kind} `{item.id}` has no `source`",
                    n.Span(item.span.file, item.span.line, item.span.column, item.span.line,
                           item.span.column + len(kind)),
                    label="which clause does this come from?",
                    help=f"add a line such as `source {_any_doc(ctx)} 1` (document and clause)",
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
            f"`{item.id}` cites `{ref.doc} {ref.clause}` but its id names document `{head}`",
            _doc_span(ref),
            label=f"expected `{head}`",
            help=f"write `source {head} …`, or rename the item `{ref.doc}-…`",
        )


def _any_doc(ctx: Context) -> str:
    return next(iter(ctx.documents), "doc")
