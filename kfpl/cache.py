"""kfpl's per-user cache: things that are slow to build and depend only on their key.

Each entry is a file named by a hash of everything it was built from (the grammar, the
versions of kfpl and of the libraries that built it), so a changed input is a different
file and never a stale one. Entries are written to a temporary file and renamed, so a
reader never sees half of one. The cache is an optimisation only: when its folder cannot
be made or written (a read-only home, a sandbox), kfpl builds everything afresh.

The folder is ``$KFPL_CACHE_DIR`` when set, otherwise the platform's user cache folder
(``~/.cache/kfpl`` on Linux). ``KFPL_CACHE_DIR=""`` (empty) turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path

import kfpl
from kfpl import __version__


def folder() -> Path | None:
    """The cache folder (created), or None when caching is off or impossible."""
    configured = os.environ.get("KFPL_CACHE_DIR")
    if configured is not None:
        if not configured:
            return None
        path = Path(configured)
    else:
        import platformdirs

        path = Path(platformdirs.user_cache_dir("kfpl", appauthor=False))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path if os.access(path, os.W_OK) else None


def key(*parts: str) -> str:
    """A key over ``parts`` and the versions every entry depends on."""
    digest = hashlib.sha256()
    for part in (__version__, f"{sys.version_info[:2]}", *parts):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]


@cache
def kfpl_fingerprint() -> str:
    """kfpl's own files (code, grammar, templates) by name, size and modification time,
    like Python's own bytecode cache: an edited kfpl is a different key."""
    digest = hashlib.sha256()
    roots = [Path(kfpl.__file__).parent]
    grammar = resources.files("kfpl.grammar")
    if isinstance(grammar, Path):  # an editable install keeps the grammar beside kfpl/
        roots.append(grammar)
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def entry(name: str) -> Path | None:
    """The path of entry ``name`` (it may not exist yet), or None without a cache."""
    base = folder()
    return None if base is None else base / name


def store(path: Path, data: bytes, keep: int = 16) -> None:
    """Write an entry whole or not at all; a failure only means no cache next time.
    Of the entries of the same kind (the name up to its first ``-``), the ``keep`` most
    recently written stay: every edit of a grammar or a policy makes a new one."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        kind = path.name.split("-", 1)[0] + "-"
        same = [p for p in path.parent.iterdir() if p.name.startswith(kind)]
        for old in sorted(same, key=lambda p: p.stat().st_mtime_ns, reverse=True)[keep:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
