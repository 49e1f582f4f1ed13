"""The original text of a project's source documents, kept as data.

``sources/<doc>.json`` holds one document split into its lines, each addressed by the
clause id a policy's ``source DOC CLAUSE`` uses::

    {"doc": "expo", "title": "…", "title_en": "…", "order": 1,
     "segments": [{"id": "标题", "text": "…"}, {"id": "1", "text": "1. …"}, …],
     "groups": {"附则": ["附则1", "附则2"]}}

``doc`` is the file's name, ``title`` (and the optional ``title_en``) its title,
``order`` (optional) its place when the documents are joined; ``groups`` (optional)
name several clauses at once. The documents of a project are exactly the files in its
``sources/`` folder (``kfpl.project.config``); nothing here knows any particular
city's documents. Joining every document's segments in order with newlines gives back
the text they were split from; ``reassemble()`` does it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from kfpl.check.sources import Document
from kfpl.project.config import Project, documents_folder

# Where a project is: its folder (or a file in it), or the project itself.
Where = str | Path | Project | None


class SourceError(LookupError):
    """A document or clause that the stored source text does not have."""


def sources_dir(policies_dir: Where = None) -> Path:
    """The ``sources/`` of the project at ``policies_dir`` (default: the current folder's)."""
    if isinstance(policies_dir, Project):
        return policies_dir.sources
    return documents_folder(policies_dir if policies_dir is not None else ".")


def names(policies_dir: Where = None) -> list[str]:
    """The project's documents, in their ``order`` (then by name)."""
    folder = sources_dir(policies_dir)
    found = sorted(path.stem for path in folder.glob("*.json")) if folder.is_dir() else []
    return sorted(found, key=lambda doc: (document(doc, policies_dir).get("order", 0), doc))


@cache
def _load(folder: Path, doc: str) -> dict[str, Any]:
    path = folder / f"{doc}.json"
    if not doc or "/" in doc or doc.startswith("."):
        raise SourceError(f"`{doc}` is not a document name")
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        known = ", ".join(sorted(p.stem for p in folder.glob("*.json"))) or "none"
        raise SourceError(f"no source text for document `{doc}` (known: {known})") from exc
    except (OSError, ValueError) as exc:
        raise SourceError(f"{path}: not a readable source document ({exc})") from exc
    return checked_document(path, data)


def checked_document(path: Path | str, data: Any) -> dict[str, Any]:
    """``data`` if it has the shape of a source document, else a SourceError naming ``path``."""
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        raise SourceError(f"{path}: a source document needs a list of `segments`")
    return data


def entry(doc: str, data: dict[str, Any]) -> Document:
    """One document as the checker sees it: id, titles, every clause and group id."""
    ids = [str(seg.get("id", "")) for seg in data["segments"] if isinstance(seg, dict)]
    ids += [str(group) for group in data.get("groups", {})]
    return Document(
        doc,
        str(data.get("title", doc)),
        str(data.get("title_en", data.get("title", doc))),
        tuple(dict.fromkeys(ids)),
    )


def document(doc: str, policies_dir: Where = None) -> dict[str, Any]:
    """The stored document: ``{"doc", "title", "order", "segments": [{"id", "text"}], …}``."""
    return _load(sources_dir(policies_dir).resolve(), doc)


def clauses(doc: str, policies_dir: Where = None) -> dict[str, str]:
    """Clause id -> exact text, in document order (groups such as ``附则`` not included)."""
    return {seg["id"]: seg["text"] for seg in document(doc, policies_dir)["segments"]}


def groups(doc: str, policies_dir: Where = None) -> dict[str, list[str]]:
    """Named groups of clauses, e.g. ``{"附则": ["附则1", …]}``."""
    found: dict[str, list[str]] = document(doc, policies_dir).get("groups", {})
    return found


def clause_text(doc: str, clause: str, policies_dir: Where = None) -> str:
    """The exact text of one clause (a group's clauses joined by newlines)."""
    table = clauses(doc, policies_dir)
    if clause in table:
        return table[clause]
    group = groups(doc, policies_dir).get(clause)
    if group is not None:
        return "\n".join(table[member] for member in group)
    raise SourceError(f"document `{doc}` has no clause `{clause}`")


def numbered_clauses(doc: str, policies_dir: Where = None) -> list[str]:
    """The numbered measures of a fiscal document (``["1", "2", …]``), as the text numbers them."""
    return [cid for cid in clauses(doc, policies_dir) if cid.isdigit()]


def reassemble(policies_dir: Where = None) -> str:
    """The seed file rebuilt from the stored documents."""
    return "\n".join("\n".join(clauses(doc, policies_dir).values()) for doc in names(policies_dir))


def catalogue(policies_dir: Where = None) -> dict[str, Document]:
    """The project's documents as the checker sees them: id, titles, every clause and
    group id. A file that cannot be read is left out here; citing it then reports the
    document as unknown, and `kfpl check` names the broken file (``problems``)."""
    out: dict[str, Document] = {}
    for doc in names_readable(policies_dir):
        out[doc] = entry(doc, document(doc, policies_dir))
    return out


def names_readable(policies_dir: Where = None) -> list[str]:
    """The documents whose files can be read (``names`` without the broken ones)."""
    folder = sources_dir(policies_dir)
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            document(path.stem, policies_dir)
        except SourceError:
            continue
        found.append(path.stem)
    return sorted(found, key=lambda doc: (document(doc, policies_dir).get("order", 0), doc))


def problems(policies_dir: Where = None) -> list[str]:
    """One message per source file that cannot be read."""
    folder = sources_dir(policies_dir)
    out = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            document(path.stem, policies_dir)
        except SourceError as exc:
            out.append(str(exc))
    return out
