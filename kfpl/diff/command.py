"""``kfpl diff``: the semantic diff of two versions of a policy set, as a click command."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from kfpl.cli.lang import lang_option
from kfpl.diff import gitrev
from kfpl.diff.report import build_document, render_markdown, render_text
from kfpl.diff.structural import diff_policy_sets
from kfpl.model import PolicySet
from kfpl.project.loader import (
    Compilation,
    InputError,
    compile_paths,
    compile_texts,
    documents_of,
    project_of,
    read_text,
)
from kfpl.runtime.bilingual import Text

FAIL_ON = ("less-generous", "any", "high")

HELP = """Show what changed between two versions of a policy set.

OLD and NEW are each a .kfpl file or a folder of them. With --rev, a side is read
straight from git (no checkout), with the project as it was at that revision (its
kfpl.toml and the clause texts of its sources/): one --rev compares that revision
with the work tree, two compare the revisions; the positional arguments then name
the folder or files inside the repository (default: the project's policies).

\b
Examples:
  kfpl diff policies-2024 policies-2025
  kfpl diff --rev HEAD~1 policies --format md --lang en
  kfpl diff --rev v1.0 --rev main --fail-on less-generous
  kfpl diff policies-2024 policies-2025 --impact applications.jsonl

Exit codes: 0 done; 1 policy errors, or a change matched --fail-on; 2 bad usage or input.
"""


class DiffUsageError(click.UsageError):
    """A usage error kfpl finds itself: its words in the command's language (click's
    own `Usage:` and `Error:` stay English)."""

    exit_code = 2

    def __init__(self, message: str | Text) -> None:
        if isinstance(message, Text):
            from kfpl.cli.main import current_lang

            message = message[current_lang()]
        super().__init__(message)


def load_side(
    label: str, texts: dict[str, str] | None, paths: list[str] | None, home: str = "."
) -> PolicySet:
    """One side, checked against the source documents of its project (for texts read
    from git or from a temporary file: the project of ``home`` in the work tree)."""
    try:
        comp = (
            compile_texts(texts, documents_of([home]))
            if texts is not None
            else compile_paths(paths or [])
        )
    except InputError as exc:
        raise DiffUsageError(str(exc)) from exc
    return checked(label, comp)


def revision_side(rev: str, paths: tuple[str, ...]) -> tuple[str, PolicySet]:
    """One side read at a git revision: its .kfpl files, and the project around them
    (kfpl.toml, the clause texts of sources/) as they were at that revision."""
    project = gitrev.project_at_revision(rev, paths[0] if paths else ".")
    inside = list(paths) or [os.path.relpath(project.policies)]
    texts = gitrev.read_at_revision(rev, inside)
    documents = gitrev.documents_at_revision(rev, project)
    try:
        comp = compile_texts(texts, documents)
    except InputError as exc:
        raise DiffUsageError(str(exc)) from exc
    return " ".join(inside), checked(rev, comp)


def checked(label: str, comp: Compilation) -> PolicySet:
    if not comp.ok or comp.policy_set is None:
        from kfpl.cli.main import current_lang, say
        from kfpl.diagnostics import render

        for diag in comp.diagnostics:
            click.echo(render(diag, comp.sources, lang=current_lang()), err=True)
        click.echo(
            say(
                f"错误：{label} 存在政策错误，未作比较",
                f"error: {label} has policy errors; nothing compared",
            ),
            err=True,
        )
        sys.exit(1)
    return comp.policy_set


def git_external(args: tuple[str, ...]) -> tuple[str, str, PolicySet, PolicySet]:
    """git's external diff protocol: ``path old-file old-hex old-mode new-file new-hex
    new-mode``. The other .kfpl files of the same folder (from the work tree) are read
    as context, identical on both sides, so the one file can be checked."""
    path, old_file, _, _, new_file, _, _ = args
    old, new = file_pair(Path(path), ("a/" + path, old_file), ("b/" + path, new_file))
    return "a/" + path, "b/" + path, old, new


def file_pair(home: Path, *sides: tuple[str, str]) -> tuple[PolicySet, PolicySet]:
    """Two versions of one file, each checked with the other .kfpl files of ``home``'s
    folder as context (the same on both sides, so only the file's own changes show)."""
    context = {
        str(p): read_text(p) for p in sorted(home.parent.glob("*.kfpl")) if p.name != home.name
    }
    sets = []
    for label, file in sides:
        texts = dict(context)
        if file != "/dev/null":
            texts[label] = read_text(Path(file))
        sets.append(load_side(label, texts, None, str(home)))
    return sets[0], sets[1]


@click.command("diff", help=HELP)
@click.argument("paths", nargs=-1)
@click.option(
    "--rev",
    "revs",
    multiple=True,
    metavar="REV",
    help="Read a side from git at REV (give once or twice).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@lang_option
@click.option(
    "--behaviour/--no-behaviour",
    default=True,
    show_default=True,
    help="Evaluate both versions at every boundary and worked example.",
)
@click.option(
    "--impact",
    "impact_data",
    metavar="DATA",
    help="Run a population (JSON lines, CSV folder or Parquet) through both versions.",
)
@click.option(
    "--attribution/--no-attribution",
    default=True,
    show_default=True,
    help="With --impact: attribute the cost change to each changed item, in order.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    help="Exit 1 if a change is less generous (or any change, or a high-severity one).",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="A progress bar for --impact (default: when stderr is a terminal).",
)
def diff_command(
    paths: tuple[str, ...],
    revs: tuple[str, ...],
    fmt: str,
    lang: str | None,
    behaviour: bool,
    impact_data: str | None,
    attribution: bool,
    fail_on: str | None,
    progress: bool | None,
) -> None:
    from kfpl.cli.main import use_lang

    # JSON output carries both languages; --lang picks the text and Markdown's.
    lang = use_lang(lang, paths[-1:] if len(paths) <= 2 else ())
    old_label, new_label, old, new = resolve_sides(paths, revs)
    changes = diff_policy_sets(old, new)
    behaviour_doc: dict[str, Any] | None = None
    impact_doc: dict[str, Any] | None = None
    if behaviour or impact_data:
        from kfpl.diff.behaviour import behavioural_diff, settle_directions

        if behaviour:
            result = behavioural_diff(old, new)
            changes = settle_directions(changes, result)
            behaviour_doc = result.to_json()
        if impact_data:
            from kfpl.diff.impact import ImpactError, run_impact

            show = sys.stderr.isatty() if progress is None else progress
            try:
                # Grouped by the enterprise field the new version's project names.
                group_by = project_of(tuple(paths[-1:]) if len(paths) <= 2 else ()).group_by
                impact_doc = run_impact(
                    old,
                    new,
                    impact_data,
                    changes,
                    attribution=attribution,
                    progress=show,
                    group_by=group_by,
                )
            except ImpactError as exc:
                raise DiffUsageError(exc.words) from exc  # in the command's language
    doc = build_document(old_label, new_label, changes, behaviour_doc, impact_doc)
    if fmt == "json":
        import json

        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    elif fmt == "md":
        click.echo(render_markdown(doc, lang), nl=False)
    else:
        click.echo(render_text(doc, lang), nl=False)
    if fail_on and failing(changes, fail_on):
        sys.exit(1)


def failing(changes: list[Any], fail_on: str) -> bool:
    if fail_on == "any":
        return bool(changes)
    if fail_on == "high":
        return any(ch.severity == "high" for ch in changes)
    return any(ch.direction in ("less_generous", "mixed") for ch in changes)


def resolve_sides(
    paths: tuple[str, ...], revs: tuple[str, ...]
) -> tuple[str, str, PolicySet, PolicySet]:
    for rev in revs:
        if rev.startswith("-"):
            raise DiffUsageError(
                Text(
                    f"`{rev}` 不是修订版本（修订版本不以 `-` 开头）",
                    f"`{rev}` is not a revision (a revision never starts with `-`)",
                )
            )
    if len(paths) == 7 and not revs:
        try:
            return git_external(paths)
        except InputError as exc:
            raise DiffUsageError(
                f"{exc} (seven arguments are read as git's external diff: "
                "path old-file old-hex old-mode new-file new-hex new-mode)"
            ) from exc
    try:
        if revs:
            if len(revs) > 2:
                raise DiffUsageError(
                    Text(
                        "`--rev` 给出一次（与工作区比较）或两次",
                        "give --rev once (revision vs work tree) or twice",
                    )
                )
            old_where, old = revision_side(revs[0], paths)
            if len(revs) == 2:
                new_where, new = revision_side(revs[1], paths)
                return f"{revs[0]}:{old_where}", f"{revs[1]}:{new_where}", old, new
            inside = list(paths) or [str(project_of(()).policies)]
            where = " ".join(inside)
            return f"{revs[0]}:{old_where}", where, old, load_side(where, None, inside)
    except gitrev.GitError as exc:
        raise DiffUsageError(str(exc)) from exc
    if len(paths) != 2:
        raise DiffUsageError(
            Text(
                "请给出 `OLD` 和 `NEW`（文件或文件夹），或使用 `--rev`",
                "give OLD and NEW (files or folders), or --rev",
            )
        )
    if all(Path(p).is_file() for p in paths):
        try:
            old, new = file_pair(Path(paths[1]), (paths[0], paths[0]), (paths[1], paths[1]))
        except InputError as exc:
            raise DiffUsageError(str(exc)) from exc
        return paths[0], paths[1], old, new
    return (
        paths[0],
        paths[1],
        load_side(paths[0], None, [paths[0]]),
        load_side(paths[1], None, [paths[1]]),
    )
