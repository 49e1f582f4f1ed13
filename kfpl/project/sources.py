"""The original text of the seed documents, kept in the repository as data.

``policies/sources/<doc>.json`` holds one seed document split into its lines, each
addressed by the clause id a policy's ``source`` clause uses:

* ``mfg`` / ``ind``: ``"1"`` … ``"21"`` (numbered measures), ``"附则1"`` … (the
  paragraphs of the general provisions), and the group ``"附则"`` (all of them);
* ``plan``: ``"一(二)"``, ``"二(一)"``, ``"二(一)3"`` (numbered sub-items) and
  ``"四正文"`` (the body of section 四, which has no sub-items);
* every document: ``"标题"`` (title), ``"前言"`` (preamble) and section headings
  written as printed, with their comma: ``"一、"``, ``"二、"`` ….

Groups name several lines at once: each section by its numeral (``"二"`` is the
heading ``"二、"`` and everything under it) and, in mfg and ind, ``"附则"`` (the five
paragraphs of the general provisions, without their heading).

``notice`` is the covering letter that precedes the three documents. Joining the
segments of ``notice``, ``plan``, ``mfg`` and ``ind`` (in that order) with newlines
gives back the seed file byte for byte; ``reassemble()`` does it and the tests check it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DOCS = ("notice", "plan", "mfg", "ind")

# The repository's policies folder, found from this file (editable install or a clone).
REPO_POLICIES = Path(__file__).resolve().parents[2] / "policies"


class SourceError(LookupError):
    """A document or clause that the stored source text does not have."""


def sources_dir(policies_dir: str | Path | None = None) -> Path:
    """``<policies_dir>/sources``; by default the repository's ``policies/sources``."""
    base = Path(policies_dir) if policies_dir is not None else REPO_POLICIES
    return base / "sources"


@cache
def _load(folder: Path, doc: str) -> dict[str, Any]:
    path = folder / f"{doc}.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        known = ", ".join(DOCS)
        raise SourceError(f"no source text for document `{doc}` (known: {known})") from exc
    return data


def document(doc: str, policies_dir: str | Path | None = None) -> dict[str, Any]:
    """The stored document: ``{"doc", "title", "order", "segments": [{"id", "text"}], …}``."""
    return _load(sources_dir(policies_dir).resolve(), doc)


def clauses(doc: str, policies_dir: str | Path | None = None) -> dict[str, str]:
    """Clause id -> exact text, in document order (groups such as ``附则`` not included)."""
    return {seg["id"]: seg["text"] for seg in document(doc, policies_dir)["segments"]}


def groups(doc: str, policies_dir: str | Path | None = None) -> dict[str, list[str]]:
    """Named groups of clauses, e.g. ``{"附则": ["附则1", …]}``."""
    found: dict[str, list[str]] = document(doc, policies_dir).get("groups", {})
    return found


def clause_text(doc: str, clause: str, policies_dir: str | Path | None = None) -> str:
    """The exact text of one clause (a group's clauses joined by newlines)."""
    table = clauses(doc, policies_dir)
    if clause in table:
        return table[clause]
    group = groups(doc, policies_dir).get(clause)
    if group is not None:
        return "\n".join(table[member] for member in group)
    raise SourceError(f"document `{doc}` has no clause `{clause}`")


def numbered_clauses(doc: str, policies_dir: str | Path | None = None) -> list[str]:
    """The numbered measures of a fiscal document (``["1", "2", …]``), as the text numbers them."""
    return [cid for cid in clauses(doc, policies_dir) if cid.isdigit()]


def reassemble(policies_dir: str | Path | None = None) -> str:
    """The seed file rebuilt from the stored documents."""
    return "\n".join("\n".join(clauses(doc, policies_dir).values()) for doc in DOCS)
