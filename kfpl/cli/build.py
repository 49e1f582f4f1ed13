"""What `kfpl build` writes, and writing it so that nothing is ever half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kfpl.model import PolicySet
from kfpl.project.config import Project
from kfpl.python import codegen
from kfpl.python.formatting import format_python

GENERATED_README = """\
# generated/

Python evaluators compiled from the project's `*.kfpl` files by `kfpl build`: one
module per policy file. Do not edit them; change the policy text and rebuild.
`kfpl build --check` (run in CI) fails when these files are out of date.
"""


def outputs(ps: PolicySet, out: Path, docs: Path, project: Project) -> dict[Path, str]:
    """Every file the build owns, with its content: the evaluators, the documentation
    pages, and the explain and review pages when the project file names their inputs."""
    files: dict[Path, str] = {}
    for name, source in codegen.generate_all(ps).items():
        files[out / name] = format_python(source, name)
    files[out / "README.md"] = GENERATED_README
    from kfpl.docs.explain_page import explain_pages
    from kfpl.docs.pages import generate_docs

    for rel, text in generate_docs(ps, project).items():
        files[docs / rel] = text
    if project.application is not None:
        for rel, text in explain_pages(ps, project.application, project).items():
            files[docs / rel] = text
    files.update(review_outputs(project, docs))
    return files


def review_outputs(project: Project, docs: Path) -> dict[Path, str]:
    """The worked review of the project's revision as a page per language (only when
    ``kfpl.toml`` names a revision)."""
    from kfpl.diff import review

    if not review.available(project):
        return {}
    return {docs / rel: text for rel, text in review.review_site_files(project).items()}


def leftovers(files: dict[Path, str], out: Path, docs: Path) -> list[Path]:
    """Outputs of an earlier build that no policy makes any more (a removed policy's
    module, a removed measure's pages)."""
    from kfpl.docs.pages import existing_generated

    owned = set(files)
    extra = [path for path in sorted(out.glob("*.py")) if path not in owned]
    extra += [docs / rel for rel in existing_generated(docs) if docs / rel not in owned]
    return extra


def stale_files(files: dict[Path, str], out: Path, docs: Path) -> list[Path]:
    """Files whose content on disk differs, and leftovers no policy makes."""
    return [path for path, text in sorted(files.items()) if not _same(path, text)] + leftovers(
        files, out, docs
    )


def _same(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def write_atomically(files: dict[Path, str]) -> int:
    """Write every changed file through a temporary file and a rename, all
    temporaries first, so a failure leaves the old outputs whole."""
    pending: list[tuple[str, Path]] = []
    try:
        for path, text in sorted(files.items()):
            if _same(path, text):
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(text.encode("utf-8"))
            pending.append((tmp, path))
    except BaseException:
        for tmp, _ in pending:
            os.unlink(tmp)
        raise
    for tmp, path in pending:
        os.replace(tmp, path)
    return len(pending)


def remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
