"""Source references: every `source DOC CLAUSE` names a real clause of a seed document.

The clause ids come from the stored seed text (``kfpl.project.sources``, ``policies/sources``)
when it is there: mfg 1–14, 附则 and 附则1…5; ind 1–21, 附则 and 附则1…5; the plan's
sections 一 … 四, 一(一) …, 二(一)1 … 8; every document's 标题 and 前言. Without the stored
text (an installed kfpl checking policies elsewhere) the same table, hardcoded below,
is used.
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


def _stored_clauses(doc: str, fallback: tuple[str, ...]) -> tuple[str, ...]:
    try:
        from kfpl.project import sources

        ids = [*sources.clauses(doc), *sources.groups(doc)]
    except Exception:  # no stored text: the hardcoded table is the authority
        return fallback
    return tuple(dict.fromkeys([*fallback, *ids]))


def _numbered(count: int) -> tuple[str, ...]:
    return tuple(str(i) for i in range(1, count + 1))


def _plan_clauses() -> tuple[str, ...]:
    out = ["标题", "前言", "一", "一(一)", "一(二)", "二"]
    out += ["二(一)", *(f"二(一){i}" for i in range(1, 9))]
    out += [f"二({c})" for c in "二三四五六"]
    out += ["三", *(f"三({c})" for c in "一二三四五六")]
    out += ["四", "四正文"]
    return tuple(out)


def _fiscal_clauses(count: int) -> tuple[str, ...]:
    return ("标题", "前言", *_numbered(count), "附则", *(f"附则{i}" for i in range(1, 6)))


DOCUMENTS: dict[str, Document] = {
    "plan": Document(
        "plan",
        "开封市推动制造业高质量发展实施方案",
        "Kaifeng Implementation Plan for High-Quality Manufacturing Development",
        _stored_clauses("plan", _plan_clauses()),
    ),
    "mfg": Document(
        "mfg",
        "开封市制造业高质量发展若干财政支持措施",
        "Kaifeng Fiscal Measures for High-Quality Manufacturing",
        _stored_clauses("mfg", _fiscal_clauses(14)),
    ),
    "ind": Document(
        "ind",
        "开封市培育壮大主导产业若干财政支持措施",
        "Kaifeng Fiscal Measures for Leading Industries",
        _stored_clauses("ind", _fiscal_clauses(21)),
    ),
}

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
    doc = DOCUMENTS.get(ref.doc)
    if doc is None:
        guess = did_you_mean(ref.doc, set(DOCUMENTS))
        known = ", ".join(f"`{d}`" for d in DOCUMENTS)
        ctx.error(
            "KF0701",
            f"unknown source document `{ref.doc}`",
            _doc_span(ref),
            label="not one of the policy documents",
            help=f"did you mean `{guess}`?" if guess else f"the documents are {known}",
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
                    help="add a line such as `source mfg 2` (document and clause)",
                )  # fmt: skip


def _check_prefix_matches(ctx: Context, item: n.Item, ref: n.SourceRef) -> None:
    """A measure `ind-3` whose source is `mfg 3` is probably a copy-paste slip."""
    if not isinstance(item, n.Measure | n.Rule | n.Target | n.Task | n.TextBlock):
        return
    head = item.id.split("-", 1)[0]
    if "-" in item.id and head in DOCUMENTS and ref.doc in DOCUMENTS and head != ref.doc:
        ctx.warning(
            "KF0703",
            f"`{item.id}` cites `{ref.doc} {ref.clause}` but its id names document `{head}`",
            _doc_span(ref),
            label=f"expected `{head}`",
            help=f"write `source {head} …`, or rename the item `{ref.doc}-…`",
        )
