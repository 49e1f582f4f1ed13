"""The ``kfpl`` command line.

Exit codes: 0 ok; 1 policy errors, failed examples or stale outputs; 2 bad usage or
bad input (a message names the file or the JSON path); 3 an internal error (a bug in
kfpl, reported in one line, never as a traceback).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, ClassVar, NoReturn

import click

from kfpl import __version__
from kfpl.diagnostics import render, summary
from kfpl.project.config import Project
from kfpl.project.loader import Compilation, InputError, compile_paths, discover, project_of

LANG = click.Choice(["zh", "en"])


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"kfpl: {message}", err=True)
    sys.exit(code)


def use_colour(stream: Any) -> bool:
    """ANSI colour on a terminal, unless NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def compile_or_exit(paths: tuple[str, ...], fmt: str = "rich", quiet: bool = False) -> Compilation:
    """Parse and check; print every diagnostic; exit 1 on errors."""
    try:
        comp = compile_paths(paths)
    except InputError as exc:
        fail(str(exc))
    if fmt in ("json", "sarif"):
        from kfpl.diagnostics_export import as_json, as_sarif

        document = as_json(comp.diagnostics) if fmt == "json" else as_sarif(comp.diagnostics)
        click.echo(dump_json(document))
        sys.exit(0 if comp.ok else 1)
    colour = use_colour(sys.stderr)
    if comp.diagnostics and not (quiet and comp.ok):
        for diag in comp.diagnostics:
            text = diag.one_line() if fmt == "short" else render(diag, comp.sources, colour) + "\n"
            click.echo(text, err=True, color=colour or None)
    if not comp.ok:
        click.echo(f"kfpl: {summary(comp.diagnostics)}", err=True)
        sys.exit(1)
    return comp


def project_or_exit(paths: tuple[str, ...] = ()) -> Project:
    """The project of the first path (or the current folder); a bad kfpl.toml exits 2."""
    try:
        return project_of(paths)
    except InputError as exc:
        fail(str(exc))


def dump_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)


class Commands(click.Group):
    """The commands, the big ones imported only when called: `kfpl eval` must not pay
    for matplotlib (diff), mkdocs (docs) or starlette (serve)."""

    lazy: ClassVar[dict[str, str]] = {
        "docs": "kfpl.docs.site:docs_command",  # issue 5
        "diff": "kfpl.diff.command:diff_command",  # issue 6
        "targets": "kfpl.targets:targets_command",  # issue 4
        "serve": "kfpl.serve.command:serve_command",  # issue 14
        "batch": "kfpl.cli.batch:batch_command",  # issue 13
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            import importlib

            module, attr = self.lazy[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kfpl")
def main() -> None:
    """kfpl — the kfpl policy language.

    Policy text in, checked evaluators and bilingual documentation out.

    \b
    Example:
      kfpl check policies/
      kfpl build
      kfpl eval application.json --explain --lang en
    """


@main.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["rich", "short", "json", "sarif"]),
    default="rich",
    help="rich: rustc-style with source lines (coloured on a terminal unless NO_COLOR is set); "
    "short: path:line:col: CODE message; json: the diagnostics as data; sarif: SARIF 2.1.0.",
)
def check(paths: tuple[str, ...], fmt: str) -> None:
    """Parse and check policy files (default: policies/); report every problem.

    \b
    Example:
      kfpl check policies/expo.kfpl --format short
    """
    comp = compile_or_exit(paths, fmt)
    assert comp.policy_set is not None
    ps = comp.policy_set
    click.echo(
        f"ok: {len(ps.modules)} file(s), {len(ps.measures)} measures, {len(ps.rules)} rules, "
        f"{len(ps.targets)} targets ({summary(comp.diagnostics)})"
    )


@main.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--out", default=None, help="Folder for the evaluators (default: the project's generated/)."
)
@click.option(
    "--docs",
    "docs_dir",
    default=None,
    help="Folder for generated pages (default: the project's docs/).",
)
@click.option(
    "--check", "check_only", is_flag=True, help="Write nothing; exit 1 if anything is stale."
)
def build(paths: tuple[str, ...], out: str | None, docs_dir: str | None, check_only: bool) -> None:
    """Compile policies into Python evaluators (generated/) and documentation pages.

    \b
    Example:
      kfpl build            # write generated/ and docs/
      kfpl build --check    # CI: fail if generated files are out of date
    """
    from kfpl.cli import build_cache
    from kfpl.cli.build import outputs, stale_files, write_outputs
    from kfpl.project.writes import OutputError

    project = project_or_exit(paths)
    out_dir = Path(out) if out else project.generated
    docs = Path(docs_dir) if docs_dir else project.docs
    try:
        entry = build_cache.entry_for(discover(paths), project, out_dir, docs)
    except InputError as exc:
        fail(str(exc))
    # A hit is the build of exactly these inputs, which checked without errors; a quiet
    # compile of them would print nothing, so it is skipped.
    cached = build_cache.load(entry)
    if cached is not None:
        files = cached
    else:
        comp = compile_or_exit(paths, quiet=True)
        assert comp.policy_set is not None
        try:
            files = outputs(comp.policy_set, out_dir, docs, project)
        except InputError as exc:
            fail(str(exc))
        build_cache.store(entry, files)
    try:
        if check_only:
            stale = stale_files(files, out_dir, docs)
        else:
            changed, removed, total = write_outputs(files, out_dir, docs)
    except OutputError as exc:
        fail(str(exc))
    if check_only:
        if stale:
            for path in stale:
                click.echo(f"stale: {path}", err=True)
            click.echo(
                f"kfpl: {len(stale)} generated file(s) out of date: run `kfpl build`", err=True
            )
            sys.exit(1)
        click.echo(f"ok: {len(files) + 2} generated file(s) up to date")
        return
    gone = f", removed {removed}" if removed else ""
    click.echo(f"wrote {changed} of {total} file(s){gone} ({out_dir}/, {docs}/)")


@main.command("eval")
@click.argument("application", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--policies", "paths", multiple=True, help="Policy files or folders (default: policies/)."
)
@click.option(
    "--generated",
    "generated",
    default=None,
    help="Use the evaluators in this folder (from `kfpl build`) instead of compiling.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--explain", is_flag=True, help="Show each claim's explanation tree (text format).")
@click.option("--lang", type=LANG, default=None, help="Default: the project's `lang` (zh).")
def eval_(
    application: str,
    paths: tuple[str, ...],
    generated: str | None,
    fmt: str,
    explain: bool,
    lang: str | None,
) -> None:
    """Evaluate an application (JSON) against the policy set.

    \b
    Example:
      kfpl eval app.json --explain --lang en
      kfpl eval app.json --format json > decision.json
    """
    from kfpl.cli.explain import render_text
    from kfpl.python.evaluate import PolicyError, Program
    from kfpl.runtime import ApplicationError
    from kfpl.runtime.application import MAX_APPLICATION_BYTES, loads

    try:
        with sys.stdin.buffer if application == "-" else Path(application).open("rb") as handle:
            raw = handle.read(MAX_APPLICATION_BYTES + 1)  # never more than the limit in memory
        if len(raw) > MAX_APPLICATION_BYTES:
            fail(f"{application}: larger than {MAX_APPLICATION_BYTES // 2**20} MiB (the limit)")
        text = raw.decode("utf-8")
    except OSError as exc:
        fail(f"{application}: cannot read: {exc.strerror or exc}")
    except UnicodeDecodeError as exc:
        fail(f"{application}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    try:
        data = loads(text)
    except ApplicationError as exc:
        fail(f"{application}: {exc}")
    if generated:
        try:
            program = Program.from_generated(generated)
        except PolicyError as exc:
            fail(str(exc))
    else:
        from kfpl.python.compiled import evaluator_modules

        def generate() -> dict[str, str]:
            from kfpl.python import codegen

            comp = compile_or_exit(paths, quiet=True)
            assert comp.policy_set is not None
            return codegen.generate_all(comp.policy_set)

        try:
            files = discover(paths)
        except InputError as exc:
            fail(str(exc))
        program = Program(evaluator_modules(files, project_or_exit(paths).sources, generate))
    try:
        outcome = program.run(data)
    except ApplicationError as exc:
        fail(f"{application}: {exc}")
    if fmt == "json":
        click.echo(dump_json(outcome.as_json()))
    else:
        click.echo(render_text(outcome, lang or project_or_exit(paths).lang, explain))


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--lang", type=LANG, default="en", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="Print every example, not only failures.")
def test(paths: tuple[str, ...], lang: str, verbose: bool) -> None:
    """Run the worked examples written in the policies.

    \b
    Example:
      kfpl test policies/expo.kfpl -v
    """
    from kfpl.testing.examples import run_all

    comp = compile_or_exit(paths, quiet=True)
    assert comp.policy_set is not None
    outcomes = run_all(comp.policy_set)
    failed = [o for o in outcomes if not o.passed]
    for o in outcomes:
        if o.passed and not verbose:
            continue
        mark = "ok  " if o.passed else "FAIL"
        click.echo(f"{mark} {o.case.name}  ({o.case.location})")
        if not o.passed:
            click.echo(f"     expected {o.expected}, got {o.actual}")
            click.echo(o.explain(lang))
    click.echo(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


@main.command("list")
@click.argument("paths", nargs=-1)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--lang", type=LANG, default="zh", show_default=True)
def list_(paths: tuple[str, ...], fmt: str, lang: str) -> None:
    """List measures, rules, targets and parameters with ids, titles and sources.

    \b
    Example:
      kfpl list --format json
    """
    from kfpl.cli.listing import listing, render_listing

    comp = compile_or_exit(paths, quiet=True)
    assert comp.policy_set is not None
    data = listing(comp.policy_set)
    click.echo(dump_json(data) if fmt == "json" else render_listing(data, lang))


@main.command()
@click.argument("paths", nargs=-1)
def schema(paths: tuple[str, ...]) -> None:
    """Print the JSON Schema of an application for this policy set.

    \b
    Example:
      kfpl schema > application.schema.json
    """
    from kfpl.schema import application_schema

    comp = compile_or_exit(paths, quiet=True)
    assert comp.policy_set is not None
    click.echo(dump_json(application_schema(comp.policy_set)))


@main.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--stage", type=click.Choice(["parse", "python"]), default="parse", show_default=True)
def dump(path: str, stage: str) -> None:
    """Print one pipeline stage of a file (a debugging and golden-test aid).

    \b
    Example:
      kfpl dump policies/expo.kfpl --stage python
    """
    from kfpl.model import module_stem
    from kfpl.python import codegen

    comp = compile_or_exit((path,), quiet=True)
    assert comp.policy_set is not None
    if stage == "parse":
        for module in comp.policy_set.modules:
            for item in module.items:
                click.echo(repr(item))
    else:
        sources = codegen.generate_all(comp.policy_set)
        click.echo(sources[f"{module_stem(path)}.py"], nl=False)


@main.command("explain")
@click.argument("code")
@click.option("--lang", type=LANG, default="zh", show_default=True)
def explain_code(code: str, lang: str) -> None:
    """Print the page of a diagnostic code: what it means, an example, the fix.

    \b
    Example:
      kfpl explain KF0203 --lang en
    """
    from kfpl.cli.code_page import code_page
    from kfpl.codes import CODES, lookup
    from kfpl.diagnostics import did_you_mean

    entry = lookup(code.strip().upper())
    if entry is None:
        guess = did_you_mean(code.strip().upper(), set(CODES))
        hint = f"; did you mean {guess}?" if guess else " (codes look like KF0203)"
        fail(f"no such code: {code}{hint}")
    click.echo(code_page(entry, lang))


@main.command("lsp")
def lsp_() -> None:
    """Run the language server on stdin/stdout (for an editor: diagnostics as you type,
    hover, completion, go to definition, formatting).

    \b
    Example (an editor starts it; see docs/guide/editors.md):
      kfpl lsp
    """
    from kfpl.language.server import main as serve

    serve()


@main.command("fmt")
@click.argument("paths", nargs=-1)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; exit 1 listing files that would change.",
)
@click.option(
    "--keywords",
    type=LANG,
    default=None,
    help="Write every keyword in Chinese (zh) or English (en).",
)
def fmt_(paths: tuple[str, ...], check_only: bool, keywords: str | None) -> None:
    """Format policy files in the one canonical layout (default: policies/).

    Comments and blank lines are kept; formatting twice changes nothing.

    \b
    Example:
      kfpl fmt --check policies     # CI: exit 1 if a file is not formatted
      kfpl fmt --keywords zh measures.kfpl
    """
    from kfpl.diagnostics import Sources
    from kfpl.project.loader import discover, read_text
    from kfpl.syntax.formatter import FormatError, format_text

    try:
        files = discover(paths)
    except InputError as exc:
        fail(str(exc))
    changed: list[Path] = []
    broken = 0
    for path in files:
        try:
            text = read_text(path)
        except InputError as exc:
            fail(str(exc))
        try:
            out = format_text(text, keywords, str(path))  # type: ignore[arg-type]
        except FormatError as exc:
            sources = Sources()
            sources.add(str(path), text)
            for diag in exc.diagnostics:
                click.echo(render(diag, sources) + "\n", err=True)
            broken += 1
            continue
        if out != text:
            changed.append(path)
            if not check_only:
                path.write_text(out, encoding="utf-8")
    for path in changed:
        click.echo(f"{'would reformat' if check_only else 'formatted'}: {path}")
    if broken:
        click.echo(f"kfpl: {broken} file(s) not formatted: fix the syntax errors first", err=True)
        sys.exit(1)
    if check_only and changed:
        click.echo(f"kfpl: {len(changed)} file(s) not formatted: run `kfpl fmt`", err=True)
        sys.exit(1)
    if not changed:
        click.echo(f"ok: {len(files)} file(s) formatted")


@main.command()
@click.argument("folder", type=click.Path(file_okay=False))
def init(folder: str) -> None:
    """Start a new project in FOLDER: one measure, its source text, a sample application
    and kfpl.toml, ready for check, test, build and docs.

    \b
    Example:
      kfpl init demo && cd demo && kfpl check && kfpl test && kfpl build && kfpl docs
    """
    from kfpl.project.init import InitError, scaffold

    try:
        written = scaffold(Path(folder))
    except (InitError, OSError) as exc:
        fail(str(exc))
    for path in written:
        click.echo(f"  created {path}")
    click.echo(f"new kfpl project in {folder}/: cd {folder} && kfpl check && kfpl test")


def run() -> None:
    """Entry point: turn any unexpected exception into one line, never a traceback."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except Exception as exc:  # the last boundary: a bug in kfpl itself
        fail(f"internal error: {type(exc).__name__}: {exc} (please report this)", 3)
