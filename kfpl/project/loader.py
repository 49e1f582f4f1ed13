"""Find, read, parse and check a policy set: the front half of every command.

The files come from the paths given, or from the project (``kfpl.project.config``) of
the current folder; the documents that ``source`` may cite come from the same
project's ``sources/``.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kfpl.check.sources import Document
from kfpl.diagnostics import Diagnostic, Sources, sort_key
from kfpl.model import PolicySet
from kfpl.project import config
from kfpl.project.sources import SourceError, catalogue
from kfpl.runtime.bilingual import Text
from kfpl.syntax import nodes as n


class InputError(Exception):
    """A path that cannot be read: reported as a usage error (exit 2). ``words`` in
    both languages; ``str()`` is the English."""

    def __init__(self, words: str | Text) -> None:
        self.words = words if isinstance(words, Text) else Text.same(words)
        super().__init__(self.words.en)


@dataclass
class Compilation:
    policy_set: PolicySet | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: Sources = field(default_factory=Sources)

    @property
    def ok(self) -> bool:
        return self.policy_set is not None and not any(
            d.severity == "error" for d in self.diagnostics
        )


def project_of(paths: list[str] | tuple[str, ...] = ()) -> config.Project:
    """The project of the first path given, or of the current folder."""
    try:
        return config.load(paths[0] if paths else ".")
    except config.ProjectError as exc:
        raise InputError(exc.words) from exc


def _shown(path: Path) -> Path:
    """A project file as diagnostics and generated code show it: relative to the current
    folder when below it, so output does not depend on where the clone is."""
    if not path.is_absolute():
        return path
    try:
        return Path(os.path.relpath(path))
    except ValueError:
        return path


def discover(paths: list[str] | tuple[str, ...]) -> list[Path]:
    """The .kfpl files named, or found (sorted) in the folders named; with no path,
    the current project's."""
    if not paths:
        project = project_of(())
        found = [_shown(path) for path in project.policy_files()]
        if not found:
            where = project.file or project.policies
            raise InputError(
                Text(
                    f"{project.policies} 中没有 .kfpl 文件（项目 {where}）："
                    "请给出文件夹或文件，或用 `kfpl init DIR` 新建项目",
                    f"no .kfpl files in {project.policies} (project {where}): "
                    "give a folder or file, or start a project with `kfpl init DIR`",
                )
            )
        return found
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(path.glob("*.kfpl")))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(Text(f"没有这个文件或文件夹：{raw}", f"no such file or folder: {raw}"))
    for path in files:
        try:
            str(path).encode("utf-8")
        except UnicodeEncodeError:
            # Its name reaches generated code, diagnostics and pages: it must be text.
            shown = str(path).encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
            raise InputError(
                Text(
                    f"{shown}：文件名不是 UTF-8 文本，请重命名该文件",
                    f"{shown}: the file name is not UTF-8 text; rename the file",
                )
            ) from None
    if not files:
        named = ", ".join(paths)
        raise InputError(Text(f"{named} 中没有 .kfpl 文件", f"no .kfpl files in {named}"))
    return files


def documents_of(paths: list[str] | tuple[str, ...] = ()) -> dict[str, Document]:
    """The source documents of the project of ``paths`` (or of the current folder)."""
    project = project_of(paths)
    try:
        return catalogue(project)
    except SourceError as exc:
        raise InputError(str(exc)) from exc


def compile_texts(
    texts: dict[str, str], documents: Mapping[str, Document] | None = None
) -> Compilation:
    """Parse and check files given as text, keyed by the path shown in diagnostics;
    ``source`` is checked against ``documents`` (default: the current project's)."""
    if documents is None:
        documents = documents_of(())
    with _no_cyclic_gc():
        return _compile(texts, documents)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a policy set is compiled.

    Parsing allocates hundreds of thousands of tree nodes that all stay alive; each
    collection walks every one of them, so with collection on, compile time grew with
    the square of the set (100× the real set: 0.57 ms a line against 0.09). The nodes
    hold no cycles worth collecting mid-compile; reference counting still frees the
    rest, and the collector resumes (as it was) when the compile ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _compile(texts: dict[str, str], documents: Mapping[str, Document]) -> Compilation:
    # The parser and checker are imported here, not above: `kfpl eval` with its
    # evaluators in the cache needs discover() and project_of() only.
    from kfpl.check.checker import check
    from kfpl.syntax.parser import parse_partial

    comp = Compilation(None)
    modules: list[n.Module] = []
    broken: set[str] = set()
    for path, text in texts.items():
        comp.sources.add(path, text)
        # A file with syntax errors still gives the items that parsed, so the whole set
        # is checked: one broken file never hides the problems of the others. The broken
        # file's own check errors are left out: they would mostly follow from the items
        # its syntax errors cost.
        module, diags = parse_partial(text, path)
        comp.diagnostics.extend(diags)
        if diags:
            broken.add(path)
        modules.append(module)
    policy_set, diags = check(tuple(modules), documents)
    comp.diagnostics.extend(d for d in diags if d.span.file not in broken)
    comp.policy_set = None if broken else policy_set
    comp.diagnostics.sort(key=sort_key)
    return comp


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            Text(
                f"{path}：不是 UTF-8 文本（第 {exc.start} 字节处：{exc.reason}）",
                f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})",
            )
        ) from exc
    except OSError as exc:
        raise InputError(Text(f"{path}：{exc.strerror}", f"{path}: {exc.strerror}")) from exc


def compile_paths(paths: list[str] | tuple[str, ...] = ()) -> Compilation:
    """The files of ``paths`` (default: the current project's), checked against the
    documents of the project they belong to."""
    files = discover(paths)
    documents = documents_of(tuple(paths))
    return compile_texts({str(path): read_text(path) for path in files}, documents)
