"""The project a server serves: its policy files, the checked model and the evaluators.

Files are named by their path relative to the project folder (``measures.kfpl``) everywhere
the service shows them, so no absolute path of the server leaks into a page or a
diagnostic. Saving goes through :func:`Project.save`, the one place the service writes.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from kfpl.diagnostics import render
from kfpl.model import PolicySet
from kfpl.project.loader import Compilation, InputError, compile_texts, documents_of, read_text
from kfpl.python.evaluate import Program


def write_file(path: Path, text: str) -> None:
    """Write one file through a temporary beside it and a rename: a reader sees the old
    text or the new, never half of it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# A policy file name the studio may create or overwrite: one plain name directly in the
# project folder. Anything else (a folder part, `..`, a dot file, another suffix) is refused.
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}\.kfpl$")
MAX_POLICY_BYTES = 1_000_000


class ProjectError(Exception):
    """A project that cannot be served as it is: ``code`` 2 when unreadable, 1 when its
    policies have errors (the exit codes of the command line)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


class SaveError(Exception):
    """A save the studio refuses: ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Loaded:
    """One consistent state of the project: texts, their check and their evaluators."""

    texts: dict[str, str]
    compilation: Compilation
    program: Program

    @property
    def policy_set(self) -> PolicySet:
        assert self.compilation.policy_set is not None
        return self.compilation.policy_set


class Project:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder).resolve()
        if not self.folder.is_dir():
            raise ProjectError(f"no such project folder: {folder}")
        self._lock = threading.Lock()
        self.state = self._load(self.read_texts())

    # ------------------------------------------------------------------ reading

    def read_texts(self) -> dict[str, str]:
        files = sorted(p for p in self.folder.glob("*.kfpl") if p.is_file())
        if not files:
            raise ProjectError(f"no .kfpl files in {self.folder}")
        try:
            return {p.name: read_text(p) for p in files}
        except InputError as exc:
            raise ProjectError(str(exc)) from exc

    def _load(self, texts: dict[str, str]) -> Loaded:
        # `source` is checked against this project's documents, not those of the folder
        # the server was started in: a second project served beside the first has its own.
        try:
            documents = documents_of((str(self.folder),))
        except InputError as exc:
            raise ProjectError(str(exc)) from exc
        comp = compile_texts(texts, documents)
        if not comp.ok or comp.policy_set is None:
            shown = "\n\n".join(render(d, comp.sources) for d in comp.diagnostics)
            raise ProjectError(f"the project has policy errors:\n{shown}", code=1)
        return Loaded(texts, comp, Program.from_policy_set(comp.policy_set))

    @property
    def sources_dir(self) -> Path | None:
        """The project folder when it holds ``sources/`` (the language service's
        convention: the folder whose ``sources/<doc>.json`` the source clauses cite)."""
        return self.folder if (self.folder / "sources").is_dir() else None

    @property
    def policy_set(self) -> PolicySet:
        return self.state.policy_set

    @property
    def program(self) -> Program:
        return self.state.program

    def texts_with(self, name: str, text: str) -> dict[str, str]:
        """The saved texts with one file replaced (or added): what the studio checks."""
        return {**self.state.texts, name: text}

    # ------------------------------------------------------------------ writing

    def path_for(self, name: str) -> Path:
        """The file a studio request names, or SaveError: only a plain policy file name
        directly inside the project folder, never through a link leading out of it."""
        if not FILE_NAME.fullmatch(name):
            raise SaveError(400, f"not a policy file name of this project: {name!r}")
        path = self.folder / name
        if path.is_symlink() or path.resolve().parent != self.folder:
            raise SaveError(400, f"not a policy file name of this project: {name!r}")
        return path

    def save(self, name: str, text: str, base: str | None) -> Loaded:
        """Write one policy file atomically, if the whole project still checks with it.

        ``base`` is the digest of the text the editor started from: a file changed on
        disk since (by another editor) is not overwritten.
        """
        path = self.path_for(name)
        if len(text.encode("utf-8")) > MAX_POLICY_BYTES:
            raise SaveError(413, f"{name}: larger than {MAX_POLICY_BYTES} bytes")
        with self._lock:
            current = self.state.texts.get(name)
            if base is not None and current is not None and digest(current) != base:
                raise SaveError(409, f"{name} changed since it was opened: reload it first")
            try:
                loaded = self._load(self.texts_with(name, text))
            except ProjectError as exc:
                raise SaveError(422, str(exc)) from exc
            write_file(path, text)
            self.state = loaded
            return loaded
