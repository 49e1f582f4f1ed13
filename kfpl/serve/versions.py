"""The policy versions a server knows, by name: what ``POST /api/v1/evaluate?version=``
may choose.

A request names a version; it never gives a path or policy text. The versions are
fixed when the server starts, from what its operator already declared:

* ``saved``: the served project as saved (studio saves included), the default;
* the folder of ``--review-against``, named by its folder name;
* the project file's ``[examples] revision`` (kfpl.toml of the served folder), named by
  its folder name;
* each ``--policy-version NAME=FOLDER`` of ``kfpl serve``: another version, or another
  project (a second city's measures served beside the first), by the name given.

A version is compiled on first use (a revision the server never evaluates costs
nothing), through the same loader as ``kfpl eval``; a version whose policies have errors
answers every request naming it with the error, as ``kfpl eval`` would.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from kfpl.runtime.bilingual import Text
from kfpl.serve.project import Project, ProjectError, digest

DEFAULT = "saved"


class UnknownVersion(Exception):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"unknown policy version {name!r}: the versions are " + ", ".join(known))


def declared_revision(folder: Path) -> Path | None:
    """The ``[examples] revision`` of the project whose policies are ``folder``."""
    from kfpl.project import config

    try:
        project = config.load(folder)
    except config.ProjectError:
        return None
    if project.revision is None or not project.revision.is_dir():
        return None
    if project.policies.resolve() != folder.resolve():
        return None  # a kfpl.toml above that does not own this folder
    return project.revision.resolve()


NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class PolicyVersionError(ValueError):
    """A ``--policy-version`` the server cannot serve; ``text`` says why in both languages."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


def named_version(spec: str) -> tuple[str, Path]:
    """``NAME=FOLDER`` of ``--policy-version``; a project folder stands for its policies."""
    from kfpl.project import config

    name, sep, folder = spec.partition("=")
    if not sep or not folder:
        raise PolicyVersionError(
            Text(
                f"`--policy-version {spec}`：应写作 `名称=文件夹`",
                f"--policy-version {spec!r}: write NAME=FOLDER",
            )
        )
    if not NAME.fullmatch(name) or name == DEFAULT:
        raise PolicyVersionError(
            Text(
                f"`--policy-version {spec}`：名称由字母、数字、`_`、`.` 或 `-` 组成（至多64个字符，不得为 `{DEFAULT}`）",
                f"--policy-version {spec!r}: a name is letters, digits, '_', '.' or '-' "
                f"(at most 64, not {DEFAULT!r})",
            )
        )
    try:
        policies = config.load(folder).policies
    except config.ProjectError as exc:
        raise PolicyVersionError(
            Text(
                f"`--policy-version {name}`：{exc.words.zh}",
                f"--policy-version {name}: {exc.words.en}",
            )
        ) from exc
    if not policies.is_dir() or not any(policies.glob("*.kfpl")):
        raise PolicyVersionError(
            Text(
                f"`--policy-version {name}`：{policies} 中没有 .kfpl 文件",
                f"--policy-version {name}: {policies} holds no .kfpl files",
            )
        )
    return name, policies


class Versions:
    def __init__(
        self, served: Project, others: list[Path], named: dict[str, Path] | None = None
    ) -> None:
        self.served = served
        # Names the operator chose come first; a folder named twice answers to both.
        self._folders: dict[str, Path] = {k: v.resolve() for k, v in (named or {}).items()}
        for folder in others:
            folder = folder.resolve()
            if folder == served.folder:
                continue
            name = folder.name
            if name == DEFAULT or name in self._folders:
                continue  # the first declaration of a name wins
            self._folders[name] = folder
        self._loaded: dict[str, Project] = {}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        return [DEFAULT, *sorted(self._folders)]

    def get(self, name: str | None) -> Project:
        """The project of a version (``None``: the default), or UnknownVersion; a
        version that does not compile raises ProjectError."""
        if name is None or name == DEFAULT:
            return self.served
        folder = self._folders.get(name)
        if folder is None:
            raise UnknownVersion(name, self.names())
        with self._lock:
            if name not in self._loaded:
                self._loaded[name] = Project(folder)
            return self._loaded[name]

    def listing(self) -> list[dict[str, Any]]:
        """Each version's name and whether it is the default; once compiled, the
        digest of its texts and its measure ids (no path of the server is shown)."""
        out: list[dict[str, Any]] = []
        for name in self.names():
            entry: dict[str, Any] = {"version": name, "default": name == DEFAULT}
            try:
                project = self.get(name)
            except ProjectError as exc:
                entry["error"] = str(exc)
            else:
                texts = project.state.texts
                entry["digest"] = digest("\0".join(f"{k}\0{texts[k]}" for k in sorted(texts)))
                entry["measures"] = sorted(project.policy_set.measures)
            out.append(entry)
        return out
