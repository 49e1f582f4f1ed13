"""The ``kfpl`` command line.

Exit codes: 0 ok; 1 policy errors, failed examples or stale outputs; 2 bad usage or
bad input (a message names the file or the JSON path); 3 an internal error (a bug in
kfpl, reported in one line, never as a traceback).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from kfpl import __version__
from kfpl.diagnostics import render, summary
from kfpl.project.loader import Compilation, InputError, compile_paths

LANG = click.Choice(["zh", "en"])


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"kfpl: {message}", err=True)
    sys.exit(code)


def compile_or_exit(paths: tuple[str, ...], fmt: str = "rich", quiet: bool = False) -> Compilation:
    """Parse and check; print every diagnostic; exit 1 on errors."""
    try:
        comp = compile_paths(paths)
    except InputError as exc:
        fail(str(exc))
    if comp.diagnostics and not (quiet and comp.ok):
        for diag in comp.diagnostics:
            text = diag.one_line() if fmt == "short" else render(diag, comp.sources) + "\n"
            click.echo(text, err=True)
    if not comp.ok:
        click.echo(f"kfpl: {summary(comp.diagnostics)}", err=True)
        sys.exit(1)
    return comp


def dump_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kfpl")
def main() -> None:
    """kfpl — the Kaifeng Policy Language (开封政策语言).

    Policy text in, checked evaluators and bilingual documentation out.

    \b
    Example:
      kfpl check policies/
      kfpl build
      kfpl eval examples/application.json --explain --lang en
    """


@main.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["rich", "short"]),
    default="rich",
    help="rich: rustc-style with source lines; short: path:line:col: CODE message.",
)
def check(paths: tuple[str, ...], fmt: str) -> None:
    """Parse and check policy files (default: policies/); report every problem.

    \b
    Example:
      kfpl check policies/mfg.kfpl --format short
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
@click.option("--out", default="generated", show_default=True, help="Folder for the evaluators.")
@click.option(
    "--docs", "docs_dir", default="docs", show_default=True, help="Folder for generated pages."
)
@click.option(
    "--check", "check_only", is_flag=True, help="Write nothing; exit 1 if anything is stale."
)
def build(paths: tuple[str, ...], out: str, docs_dir: str, check_only: bool) -> None:
    """Compile policies into Python evaluators (generated/) and documentation pages.

    \b
    Example:
      kfpl build            # write generated/ and docs/
      kfpl build --check    # CI: fail if generated files are out of date
    """
    from kfpl.cli.build import outputs, stale_files, write_outputs
    from kfpl.project.writes import OutputError

    comp = compile_or_exit(paths, quiet=True)
    assert comp.policy_set is not None
    files = outputs(comp.policy_set, Path(out), Path(docs_dir), policy_paths=paths)
    try:
        if check_only:
            stale = stale_files(files, Path(out), Path(docs_dir))
        else:
            changed, removed, total = write_outputs(files, Path(out), Path(docs_dir))
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
    click.echo(f"wrote {changed} of {total} file(s){gone} ({out}/, {docs_dir}/)")


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
@click.option("--lang", type=LANG, default="zh", show_default=True)
def eval_(
    application: str,
    paths: tuple[str, ...],
    generated: str | None,
    fmt: str,
    explain: bool,
    lang: str,
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
        comp = compile_or_exit(paths, quiet=True)
        assert comp.policy_set is not None
        try:
            program = Program.from_policy_set(comp.policy_set)
        except PolicyError as exc:  # pragma: no cover - compile_or_exit already stopped
            fail(str(exc), 1)
    try:
        outcome = program.run(data)
    except ApplicationError as exc:
        fail(f"{application}: {exc}")
    if fmt == "json":
        click.echo(dump_json(outcome.as_json()))
    else:
        click.echo(render_text(outcome, lang, explain))


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--lang", type=LANG, default="en", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="Print every example, not only failures.")
def test(paths: tuple[str, ...], lang: str, verbose: bool) -> None:
    """Run the worked examples written in the policies.

    \b
    Example:
      kfpl test policies/mfg.kfpl -v
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
      kfpl dump policies/mfg.kfpl --stage python
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


from kfpl.docs.site import docs_command  # noqa: E402  (kfpl docs: issue 5)

main.add_command(docs_command)

from kfpl.diff.command import diff_command  # noqa: E402  (kfpl diff: issue 6)

main.add_command(diff_command)

from kfpl.targets import targets_command  # noqa: E402  (kfpl targets: issue 4)

main.add_command(targets_command)


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
