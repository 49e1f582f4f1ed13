"""The language service: what an editor asks about a policy file, as pure functions.

``kfpl lsp`` (``kfpl.language.server``) wires these to the Language Server Protocol;
the drafting studio calls the same functions over HTTP. Nothing here knows about
JSON-RPC or editors: positions are 0-based lines and 0-based *character* columns
(Unicode code points, as kfpl counts them); the protocol layer converts.

A file is always seen with its project: the other ``.kfpl`` files of its folder (read
from disk, or from the editor's unsaved buffers when it has them), so an input
declared in common.kfpl is known while measures.kfpl is edited, and a check that spans
files (duplicate ids, stacking rules) runs as it does in ``kfpl check``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kfpl.check.checker import check
from kfpl.diagnostics import Diagnostic, sort_key
from kfpl.model import PolicySet
from kfpl.project.sources import SourceError, catalogue, clause_text
from kfpl.render.sentences import Renderer
from kfpl.syntax import nodes as n
from kfpl.syntax.formatter import FormatError, format_text
from kfpl.syntax.parser import keyword_rules, parse_partial

# --------------------------------------------------------------------------- the project


@dataclass
class Project:
    """The files a document is checked with: path -> text (editor buffers win)."""

    texts: dict[str, str] = field(default_factory=dict)
    sources_dir: Path | None = None  # the folder holding ``sources/<doc>.json``

    @classmethod
    def around(cls, path: str, text: str, buffers: dict[str, str] | None = None) -> Project:
        """The project of ``path``: every ``.kfpl`` of its folder, with ``text`` for it."""
        buffers = buffers or {}
        texts: dict[str, str] = {}
        folder = Path(path).parent
        if folder.is_dir():
            for other in sorted(folder.glob("*.kfpl")):
                key = str(other)
                if key == path:
                    continue
                if key in buffers:
                    texts[key] = buffers[key]
                    continue
                try:
                    texts[key] = other.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue  # an unreadable neighbour is `kfpl check`'s to report
        texts[path] = text
        sources = folder if (folder / "sources").is_dir() else None
        return cls(texts, sources)


@dataclass
class Analysis:
    """One check of a project: the policy set (partial when files are broken) and the
    diagnostics of every file."""

    policy_set: PolicySet
    diagnostics: list[Diagnostic]


def analyse(project: Project) -> Analysis:
    modules: list[n.Module] = []
    diags: list[Diagnostic] = []
    broken: set[str] = set()
    for path, text in project.texts.items():
        module, syntax = parse_partial(text, path)
        modules.append(module)
        diags.extend(syntax)
        if syntax:
            broken.add(path)
    documents = catalogue(project.sources_dir if project.sources_dir is not None else ".")
    policy_set, checked = check(tuple(modules), documents)
    # As `kfpl check`: a broken file's own check errors mostly follow from its syntax errors.
    diags.extend(d for d in checked if d.span.file not in broken)
    diags.sort(key=sort_key)
    return Analysis(policy_set, diags)


def diagnostics(path: str, project: Project) -> list[Diagnostic]:
    """The diagnostics of one file, checked with its whole project."""
    return [d for d in analyse(project).diagnostics if d.span.file == path]


# --------------------------------------------------------------------------- words


_WORD = re.compile(r"[a-z_][a-z0-9_]*(?:-[a-z0-9]+)*|[\u3400-\u9fff][\u3400-\u9fff（）()、·]*")


@dataclass(frozen=True)
class Word:
    text: str
    line: int  # 0-based
    start: int  # 0-based character columns, end exclusive
    end: int


def word_at(text: str, line: int, column: int) -> Word | None:
    """The name, id, keyword or Chinese name under a cursor (or just before it)."""
    lines = text.split("\n")
    if not 0 <= line < len(lines):
        return None
    for match in _WORD.finditer(lines[line]):
        if match.start() <= column <= match.end():
            return Word(match.group(0), line, match.start(), match.end())
    return None


def _prefix_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    if not 0 <= line < len(lines):
        return ""
    before = lines[line][:column]
    match = re.search(r"([a-z_][a-z0-9_-]*|[\u3400-\u9fff]+)$", before)
    return match.group(1) if match else ""


def prefix_at(text: str, line: int, column: int) -> str:
    """What is typed before the cursor that a completion would replace."""
    return _prefix_at(text, line, column)


# --------------------------------------------------------------------------- hover


@dataclass(frozen=True)
class HoverText:
    markdown: str
    word: Word


def _declaration(ps: PolicySet, name: str) -> n.Node | None:
    for table in (
        ps.measures, ps.inputs, ps.params, ps.agencies, ps.enums, ps.rules, ps.targets,
        ps.chains, ps.tasks, ps.texts,
    ):  # fmt: skip
        found = table.get(name)
        if found is not None:
            return found
    return None


def _source_text(ref: n.SourceRef | None, project: Project) -> str | None:
    if ref is None:
        return None
    try:
        return clause_text(ref.doc, ref.clause, project.sources_dir)
    except (SourceError, OSError, ValueError):
        return None


def _quote(text: str) -> str:
    return "\n".join("> " + line for line in text.splitlines())


def _keyword_hover(word: str) -> str | None:
    for forms in keyword_rules().values():
        spelled = [" ".join(f) for f in forms]
        if word in spelled or any(word in f for f in forms):
            return "keyword · 关键词: " + " · ".join(f"`{s}`" for s in spelled)
    return None


def hover(path: str, line: int, column: int, project: Project) -> HoverText | None:
    """What the word under the cursor is: a measure's sentence (zh and en) and the text of
    its source clause; an input's labels and type; an agency's names; a keyword's forms."""
    text = project.texts.get(path, "")
    word = word_at(text, line, column)
    if word is None:
        return None
    ps = analyse(project).policy_set
    zh, en = Renderer(ps, "zh"), Renderer(ps, "en")
    decl = _declaration(ps, word.text)
    parts: list[str] = []
    if isinstance(decl, n.Measure):
        parts.append(f"**{decl.id}** {zh.label(decl.title)} · {en.label(decl.title)}")
        try:
            parts += [zh.rule_sentence(decl), en.rule_sentence(decl)]
            parts += zh.requirements(decl) + en.requirements(decl)
        except Exception:  # a half-written measure: the title and source still help
            pass
        source = _source_text(decl.source, project)
        if decl.source is not None:
            head = f"{decl.source.doc} {decl.source.clause}"
            parts.append(f"{head}:\n\n{_quote(source)}" if source else head)
    elif isinstance(decl, n.Rule | n.Target | n.Chain | n.Task | n.TextBlock):
        title = getattr(decl, "title", None)
        parts.append(f"**{word.text}** {zh.label(title)} · {en.label(title)}")
        source = _source_text(getattr(decl, "source", None), project)
        if source:
            parts.append(_quote(source))
    elif isinstance(decl, n.InputDecl):
        type_name = decl.type.name if isinstance(decl.type, n.NamedType) else "list"
        parts.append(f"**{decl.name}**: `{type_name}` (input · 数据项)")
        parts.append(f"{zh.label(decl.label)} · {en.label(decl.label)}")
    elif isinstance(decl, n.ParamDecl):
        parts.append(f"**{decl.name}**: `{decl.type_name}` (parameter · 参数)")
        parts.append(f"{zh.label(decl.label)} · {en.label(decl.label)}")
    elif isinstance(decl, n.AgencyDecl):
        parts.append(f"**{decl.name}** · {en.agency(decl.name)} (agency · 机构)")
    elif isinstance(decl, n.EnumDecl):
        members = ", ".join(f"`{m.name}` {zh.label(m.label)}" for m in decl.members)
        parts.append(f"**{decl.name}** (enum · 枚举): {members}")
    else:
        keyword = _keyword_hover(word.text)
        if keyword is None:
            return None
        parts.append(keyword)
    return HoverText("\n\n".join(p for p in parts if p), word)


# --------------------------------------------------------------------------- completion


@dataclass(frozen=True)
class Completion:
    label: str
    kind: str  # keyword, input, agency, measure, enum_value, parameter
    detail: str = ""


def _keywords() -> list[Completion]:
    out: dict[str, Completion] = {}
    for forms in keyword_rules().values():
        spelled = [" ".join(f) for f in forms]
        for word in spelled:
            others = " · ".join(s for s in spelled if s != word)
            out.setdefault(word, Completion(word, "keyword", others))
    return list(out.values())


def complete(path: str, line: int, column: int, project: Project) -> list[Completion]:
    """Keywords (both languages), inputs, agencies, measure ids and enum values that
    begin with what is typed before the cursor."""
    prefix = _prefix_at(project.texts.get(path, ""), line, column)
    ps = analyse(project).policy_set
    zh = Renderer(ps, "zh")
    found: list[Completion] = list(_keywords())
    found += [Completion(name, "input", zh.label(d.label)) for name, d in ps.inputs.items()]
    found += [Completion(name, "parameter", zh.label(d.label)) for name, d in ps.params.items()]
    found += [Completion(name, "agency", Renderer(ps, "en").agency(name)) for name in ps.agencies]
    found += [Completion(mid, "measure", zh.label(m.title)) for mid, m in ps.measures.items()]
    for enum in ps.enums.values():
        found += [Completion(m.name, "enum_value", zh.label(m.label)) for m in enum.members]
    seen: set[str] = set()
    out = []
    for item in found:
        if item.label.startswith(prefix) and item.label not in seen:
            seen.add(item.label)
            out.append(item)
    return out


# --------------------------------------------------------------------------- definition


def definition(path: str, line: int, column: int, project: Project) -> n.Span | None:
    """Where the name under the cursor is declared (a measure, input, agency, enum …)."""
    word = word_at(project.texts.get(path, ""), line, column)
    if word is None:
        return None
    ps = analyse(project).policy_set
    decl = _declaration(ps, word.text)
    if decl is None:
        for enum in ps.enums.values():
            for member in enum.members:
                if member.name == word.text:
                    return member.span
        return None
    return decl.span


# --------------------------------------------------------------------------- formatting


def format_document(text: str, path: str = "<string>") -> str | None:
    """The file in the canonical layout (``kfpl fmt``); None while it has syntax errors."""
    try:
        return format_text(text, None, path)
    except FormatError:
        return None
