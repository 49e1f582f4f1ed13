"""Reading a policy set as it was at a git revision, straight from the object store.

``git ls-tree`` lists the ``.kfpl`` files of a folder at a revision and ``git show
REV:path`` reads each one: no checkout, no temporary work tree, the work tree is
never touched. The project around them is the revision's too: its ``kfpl.toml`` and the
clause texts of its ``sources/`` as they were at that revision, so a clause added since
is unknown to the old side and a clause removed since is still known to it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from kfpl.check.sources import Document
from kfpl.project import config
from kfpl.project.sources import SourceError, checked_document, entry


class GitError(Exception):
    """A revision or path git cannot resolve: a usage error (exit 2)."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except FileNotFoundError as exc:  # pragma: no cover - git is a documented requirement
        raise GitError("git is not installed") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {' '.join(args)} failed")
    return done.stdout.decode("utf-8")


def repo_root(start: Path) -> Path:
    return Path(_git(["rev-parse", "--show-toplevel"], start).strip())


def read_at_revision(
    rev: str, paths: list[str] | tuple[str, ...], cwd: str | Path = "."
) -> dict[str, str]:
    """The ``.kfpl`` files under ``paths`` (files or folders, relative to ``cwd``) at
    ``rev``, as {display path: text}. The display path is ``REV:path``."""
    here = Path(cwd).resolve()
    root = repo_root(here)
    texts: dict[str, str] = {}
    if rev.startswith("-"):
        raise GitError(f"`{rev}` is not a revision (a revision never starts with `-`)")
    for raw in paths:
        try:
            rel = (
                (here / raw).resolve().relative_to(root).as_posix()
                if raw not in ("", ".")
                else (here.relative_to(root).as_posix())
            )
        except ValueError:
            raise GitError(f"{raw} is outside the repository {root}") from None
        rel = "" if rel == "." else rel
        listing = _git(["ls-tree", "-r", "--name-only", "-z", rev, "--", rel or "."], root)
        names = sorted(
            name
            for name in listing.split("\0")
            if name.endswith(".kfpl")
            and (name == rel or not rel or name.startswith(rel.rstrip("/") + "/"))
        )
        # A folder means its own .kfpl files, like `kfpl check policies/` (not sub-folders).
        if rel and not rel.endswith(".kfpl"):
            names = [name for name in names if "/" not in name[len(rel.rstrip("/")) + 1 :]]
        if not names:
            raise GitError(f"no .kfpl files at {rev}:{rel or '.'}")
        for name in names:
            texts[f"{rev}:{name}"] = _git(["show", f"{rev}:{name}"], root)
    return texts


def _exists(rev: str, name: str, root: Path) -> bool:
    done = subprocess.run(
        ["git", "cat-file", "-e", f"{rev}:{name}"], cwd=root, capture_output=True, check=False
    )
    return done.returncode == 0


def _rel(path: Path, root: Path) -> str:
    rel = Path(os.path.relpath(path.resolve(), root)).as_posix()
    return "" if rel == "." else rel


def _tree(rev: str, folder: str, root: Path) -> list[str]:
    """The file names directly in ``folder`` at ``rev`` (none when it is not there)."""
    if folder and not _exists(rev, folder, root):
        return []
    listing = _git(
        ["ls-tree", "--name-only", "-z", rev, "--", f"{folder}/" if folder else "."], root
    )
    return sorted(name.rsplit("/", 1)[-1] for name in listing.split("\0") if name)


def project_at_revision(rev: str, home: str | Path = ".", cwd: str | Path = ".") -> config.Project:
    """The project of ``home`` (a folder or a .kfpl file) as it was at ``rev``: found as
    ``kfpl.project.config.load`` finds it, from the ``kfpl.toml`` files of that revision.
    Its paths are work-tree paths (where the files are, at either revision)."""
    here = Path(cwd).resolve()
    root = repo_root(here)
    path = (here / home).resolve()
    folder = path.parent if path.suffix == ".kfpl" else path
    try:
        folder.relative_to(root)
    except ValueError:
        raise GitError(f"{home} is outside the repository {root}") from None
    own = _rel(folder, root)
    has_policies = any(name.endswith(".kfpl") for name in _tree(rev, own, root))
    for above in [folder, *folder.parents]:
        try:
            above.relative_to(root)
        except ValueError:
            break
        name = "/".join(x for x in (_rel(above, root), config.PROJECT_FILE) if x)
        if not _exists(rev, name, root):
            continue
        try:
            project = config.read(root / name, _git(["show", f"{rev}:{name}"], root))
        except config.ProjectError as exc:
            raise GitError(f"{rev}:{exc}") from None
        if above == folder or not has_policies or project.policies.resolve() == folder:
            return project
        break
    return config.bare(folder)


def documents_at_revision(
    rev: str, project: config.Project, cwd: str | Path = "."
) -> dict[str, Document]:
    """The source documents of ``project`` at ``rev``: every ``sources/<doc>.json`` of
    that revision (a file that cannot be read is left out, as in the work tree)."""
    root = repo_root(Path(cwd).resolve())
    folder = _rel(project.sources, root)
    out: dict[str, Document] = {}
    for name in _tree(rev, folder, root):
        if not name.endswith(".json"):
            continue
        doc = name.removesuffix(".json")
        shown = f"{rev}:{folder}/{name}" if folder else f"{rev}:{name}"
        try:
            data = checked_document(shown, json.loads(_git(["show", shown], root)))
        except (ValueError, SourceError):
            continue
        out[doc] = entry(doc, data)
    return out
