"""Reading a policy set as it was at a git revision, straight from the object store.

``git ls-tree`` lists the ``.kfpl`` files of a folder at a revision and ``git show
REV:path`` reads each one: no checkout, no temporary work tree, the work tree is
never touched.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


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
