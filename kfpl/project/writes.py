"""Writing what kfpl owns, and nothing else: manifests, refusals, and an all-or-nothing swap.

Each output root (``generated/``, ``docs/``) holds a manifest, ``.kfpl-manifest``: the
files kfpl wrote there. A build deletes or overwrites only those (or, in a folder that
has no manifest yet, files that carry kfpl's mark). A file kfpl did not write, in a
folder kfpl owns, makes the build refuse (``--out bench`` or ``--out .``), as does a
symbolic link below a root (a linked ``docs/en/measures`` would send pages elsewhere).

The whole set is replaced at once, as far as a file system allows: every new file is
first written beside its target as a temporary (``.kfpl-tmp.<name>.<random>``), then a
journal listing the renames is written (itself by rename, so it exists whole or not at
all), then the renames are made and the journal removed. A build killed before the
journal exists leaves the old set untouched; one killed after it leaves a journal that
the next ``kfpl build`` (or ``recover``) rolls forward to the new set, and readers
(``kfpl eval --generated``) refuse a folder with a pending journal meanwhile. Every
build removes the temporaries an interrupted one left.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".kfpl-manifest"
JOURNAL = ".kfpl-journal"
TMP_PREFIX = ".kfpl-tmp."
# Temporaries of earlier kfpl versions: `.name.XXXXXXXX.tmp` (build) and `.tmp-XXXXXXXX.md` (docs).
_OLD_TMP = re.compile(r"^\.(.+)\.[a-z0-9_]{8}\.tmp$|^\.tmp-[a-z0-9_]{8}\.md$")
_MANIFEST_HEAD = (
    "# Written by kfpl: the files it owns in this folder. It deletes or overwrites no other.\n"
)


class OutputError(Exception):
    """A write kfpl refuses to make: answered as bad usage (exit 2)."""


@dataclass(frozen=True)
class Root:
    """An output root. ``owned`` are the parts of it kfpl owns as a whole (folders,
    relative to the root; ``"."`` is all of it) or by name (single files)."""

    path: Path
    folders: tuple[str, ...] = (".",)
    files: tuple[str, ...] = ()
    # Where no manifest exists yet (a folder from an older kfpl): is this file kfpl's?
    adopt: Callable[[Path], bool] = field(default=lambda path: False)

    def owns(self, rel: str) -> bool:
        if rel in self.files:
            return True
        return any(f == "." or rel == f or rel.startswith(f + "/") for f in self.folders)


@dataclass
class Plan:
    writes: dict[Path, bytes] = field(default_factory=dict)  # changed or new files
    removes: list[Path] = field(default_factory=list)  # kfpl's files no build makes now
    foreign: list[Path] = field(default_factory=list)  # files kfpl did not write
    total: int = 0

    @property
    def stale(self) -> list[Path]:
        return sorted(self.writes) + self.removes


def _manifest(root: Root) -> set[str] | None:
    path = root.path / MANIFEST
    if not path.is_file() or path.is_symlink():
        return None
    lines = path.read_text("utf-8", "replace").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def manifest_text(rels: Iterable[str]) -> str:
    return _MANIFEST_HEAD + "".join(f"{rel}\n" for rel in sorted(rels))


def _walk(folder: Path) -> Iterable[Path]:
    """Files under ``folder`` (not following links; links are reported as files)."""
    if not folder.is_dir() or folder.is_symlink():
        if folder.is_symlink():
            yield folder
        return
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(dirpath)
        dirnames[:] = [d for d in sorted(dirnames) if d != "__pycache__"]
        for name in sorted(filenames) + [d for d in dirnames if (base / d).is_symlink()]:
            yield base / name


def _is_temporary(path: Path) -> bool:
    return path.name.startswith(TMP_PREFIX) or bool(_OLD_TMP.match(path.name))


def _existing(root: Root) -> list[Path]:
    """Files in the parts of the root kfpl owns, now on disk (temporaries excepted)."""
    found: list[Path] = []
    for folder in root.folders:
        found += [p for p in _walk(root.path / folder) if not _is_temporary(p)]
    found += [root.path / f for f in root.files if (root.path / f).is_file()]
    return [p for p in found if p.name not in (MANIFEST, JOURNAL)]


def has_mark(path: Path, mark: str) -> bool:
    """The file's first 4 KB hold ``mark`` (kfpl's "generated" line)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return mark in head


def _check_links(root: Root, path: Path) -> None:
    """No symbolic link between the root and the file (the root itself may be one)."""
    rel = path.relative_to(root.path)
    here = root.path
    for part in rel.parts:
        here = here / part
        if here.is_symlink():
            raise OutputError(
                f"{here} is a symbolic link: kfpl writes only inside {root.path}/, "
                "never through a link (replace the link by a folder, or choose another folder)"
            )


def plan(
    files: Mapping[Path, str | bytes],
    roots: list[Root],
    keep: Callable[[str], bool] | None = None,
) -> Plan:
    """What writing ``files`` would change, with the manifests; raises ``OutputError``
    for a file kfpl may not touch (a link, or a file it did not write). Files of an
    earlier build that ``files`` lacks are removed, unless ``keep(rel)`` says another
    command writes them (they stay, and stay in the manifest)."""
    out = Plan()
    resolved = [r.path.resolve() for r in roots]
    for i, a in enumerate(resolved):
        for b in resolved[i + 1 :]:
            if a == b:
                raise OutputError(f"{roots[i].path} is given for two outputs: use two folders")
    wanted: dict[Path, bytes] = {}
    for root in roots:
        mine = {p: t for p, t in files.items() if _under(p, root.path)}
        for path in mine:
            rel = path.relative_to(root.path).as_posix()
            if not root.owns(rel):
                raise OutputError(f"{path}: outside the parts of {root.path}/ kfpl owns")
        rels = [p.relative_to(root.path).as_posix() for p in mine]
        known = _manifest(root)
        kept: list[str] = []
        for path in _existing(root):
            rel = path.relative_to(root.path).as_posix()
            if path.is_symlink():
                _check_links(root, path)
            ours = rel in known if known is not None else root.adopt(path)
            if not ours and path in mine and _same(path, _bytes(mine[path])):
                ours = True  # the very bytes kfpl would write: nothing is lost
            if not ours:
                out.foreign.append(path)
            elif path not in mine:
                if keep is not None and keep(rel):
                    kept.append(rel)
                else:
                    out.removes.append(path)
        for path in mine:
            _check_links(root, path)
        mine[root.path / MANIFEST] = manifest_text(rels + kept)
        wanted.update({p: _bytes(t) for p, t in mine.items()})
    if out.foreign:
        shown = ", ".join(str(p) for p in out.foreign[:5])
        more = f" and {len(out.foreign) - 5} more" if len(out.foreign) > 5 else ""
        raise OutputError(
            f"refusing to write: {shown}{more} "
            f"{'was' if len(out.foreign) == 1 else 'were'} not written by kfpl. "
            "kfpl writes only into folders that hold nothing but its own outputs: "
            "choose an empty or new folder (or move those files away)"
        )
    out.writes = {p: b for p, b in sorted(wanted.items()) if not _same(p, b)}
    out.total = len(wanted)
    return out


def _bytes(content: str | bytes) -> bytes:
    """Text is written as UTF-8; binary outputs (Parquet tables) as they are."""
    return content if isinstance(content, bytes) else content.encode("utf-8")


def _under(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _same(path: Path, data: bytes) -> bool:
    try:
        return not path.is_symlink() and path.read_bytes() == data
    except OSError:
        return False


def recover(roots: list[Root]) -> int:
    """Finish a build that was killed after its journal was written, and delete the
    temporaries of any interrupted build. Returns how many renames were completed."""
    done = 0
    for root in roots:
        journal = root.path / JOURNAL
        if journal.is_file() and not journal.is_symlink():
            try:
                data = json.loads(journal.read_text("utf-8"))
                renames, removes = data["renames"], data["removes"]
            except (ValueError, KeyError, TypeError):
                renames, removes = [], []  # a journal is written whole: not ours
            for tmp, final in renames:
                if Path(tmp).is_file() and _temporary_of(Path(tmp), Path(final)):
                    os.replace(tmp, final)
                    done += 1
            for gone in removes:
                Path(gone).unlink(missing_ok=True)
            journal.unlink()
    for root in roots:
        for folder in root.folders:
            for path in _walk(root.path / folder):
                if _is_temporary(path) and not path.is_symlink():
                    path.unlink(missing_ok=True)
    return done


def _temporary_of(tmp: Path, final: Path) -> bool:
    return tmp.parent == final.parent and tmp.name.startswith(f"{TMP_PREFIX}{final.name}.")


def pending(folder: Path) -> bool:
    """A build into ``folder`` was interrupted half-way (its journal is still there)."""
    return (folder / JOURNAL).exists()


def apply(change: Plan, roots: list[Root]) -> None:
    """Make the planned change: all temporaries, then the journal, then the renames."""
    temporaries: list[tuple[Path, Path]] = []
    try:
        for path, data in change.writes.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{TMP_PREFIX}{path.name}.")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            temporaries.append((Path(tmp), path))
    except BaseException:
        for made, _ in temporaries:
            made.unlink(missing_ok=True)
        raise
    home = roots[0].path
    home.mkdir(parents=True, exist_ok=True)
    record = {
        "renames": [[str(t.resolve()), str(p.resolve())] for t, p in temporaries],
        "removes": [str(p.resolve()) for p in change.removes],
    }
    fd, tmp = tempfile.mkstemp(dir=home, prefix=f"{TMP_PREFIX}{JOURNAL}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(record, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, home / JOURNAL)  # from here on, the new set is decided
    for tmp_path, path in temporaries:
        os.replace(tmp_path, path)
    for path in change.removes:
        path.unlink(missing_ok=True)
    (home / JOURNAL).unlink()
