"""The ``kfpl`` command line.

Exit codes: 0 ok; 1 policy errors, failed examples or stale outputs; 2 bad usage or
bad input (a message names the file or the JSON path); 3 an internal error (a bug in
kfpl, reported in one line, never as a traceback).

Every command takes ``--lang zh|en`` (``kfpl.cli.lang``): diagnostics, summaries and the
messages kfpl prints itself follow it; click's own help and usage errors stay English.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, ClassVar, NoReturn

import click

from kfpl import __version__
from kfpl.cli.lang import LANG, from_locale, lang_option, resolve_for
from kfpl.diagnostics import render, summary
from kfpl.project.config import Project
from kfpl.project.loader import Compilation, InputError, compile_paths, discover, project_of
from kfpl.runtime.bilingual import Text

__all__ = ["LANG", "lang_option"]


def use_lang(flag: str | None, paths: tuple[str, ...] = ()) -> str:
    """Decide the command's language (flag, project, locale) and remember it for the
    messages ``fail`` and ``say`` print."""
    lang = resolve_for(flag, paths)
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.find_root().meta["kfpl.lang"] = lang
    return lang


def current_lang() -> str:
    ctx = click.get_current_context(silent=True)
    chosen = ctx.find_root().meta.get("kfpl.lang") if ctx is not None else None
    return str(chosen) if chosen else from_locale()


def say(zh: str, en: str) -> str:
    """One of two texts, in the command's language."""
    return zh if current_lang() == "zh" else en


def fail(message: str | Text, code: int = 2) -> NoReturn:
    text = message[current_lang()] if isinstance(message, Text) else message
    click.echo(f"kfpl: {text}", err=True)
    sys.exit(code)


def use_colour(stream: Any) -> bool:
    """ANSI colour on a terminal, unless NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def compile_or_exit(paths: tuple[str, ...], fmt: str = "rich", quiet: bool = False) -> Compilation:
    """Parse and check; print every diagnostic (in the command's language); exit 1 on
    errors."""
    lang = current_lang()
    try:
        comp = compile_paths(paths)
    except InputError as exc:
        fail(exc.words)
    if fmt in ("json", "sarif"):
        from kfpl.diagnostics_export import as_json, as_sarif

        diags = comp.diagnostics
        document = as_json(diags, lang) if fmt == "json" else as_sarif(diags, lang)
        click.echo(dump_json(document))
        sys.exit(0 if comp.ok else 1)
    colour = use_colour(sys.stderr)
    if comp.diagnostics and not (quiet and comp.ok):
        for diag in comp.diagnostics:
            if fmt == "short":
                text = diag.one_line(lang)
            else:
                text = render(diag, comp.sources, colour, lang) + "\n"
            click.echo(text, err=True, color=colour or None)
    if not comp.ok:
        click.echo(f"kfpl: {summary(comp.diagnostics, lang)}", err=True)
        sys.exit(1)
    return comp


def project_or_exit(paths: tuple[str, ...] = ()) -> Project:
    """The project of the first path (or the current folder); a bad kfpl.toml exits 2."""
    try:
        return project_of(paths)
    except InputError as exc:
        fail(exc.words)


def dump_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)


def _help_lang(args: list[str]) -> str:
    """The language of a help page: `--lang` among the command's arguments (click reads
    `--help` before it), else the project of the current folder, else the locale."""
    from kfpl.cli.lang import resolve_for

    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return resolve_for(args[i + 1] if args[i + 1] in ("zh", "en") else None)
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
            return resolve_for(value if value in ("zh", "en") else None)
    return resolve_for(None)


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

    zh = False  # a copy made to print the Chinese help (help_zh.localized)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, cmd, rest = super().resolve_command(ctx, args)
        if cmd is not None and {"-h", "--help"} & set(rest) and _help_lang(rest) == "zh":
            from kfpl.cli.help_zh import localized

            cmd = localized(cmd, name)
        return name, cmd, rest

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.zh or _help_lang([]) != "zh":
            super().format_help(ctx, formatter)
            return
        from kfpl.cli.help_zh import localized

        copy = localized(self)
        assert isinstance(copy, Commands)
        copy.zh = True
        copy.format_help(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """`kfpl -h`: the list of commands, with their Chinese short help in a copy."""
        if not self.zh:
            super().format_commands(ctx, formatter)
            return
        from kfpl.cli.help_zh import localized

        names = [n for n in self.list_commands(ctx) if self.get_command(ctx, n) is not None]
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            cmd = self.get_command(ctx, name)
            assert cmd is not None
            rows.append((name, localized(cmd, name).get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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
@lang_option
def check(paths: tuple[str, ...], fmt: str, lang: str | None) -> None:
    """Parse and check policy files (default: the project of the current folder); report every problem.

    \b
    Example:
      kfpl check policies/expo.kfpl --format short
      kfpl check --lang zh
    """
    lang = use_lang(lang, paths)
    comp = compile_or_exit(paths, fmt)
    assert comp.policy_set is not None
    ps = comp.policy_set
    found = summary(comp.diagnostics, lang)
    click.echo(
        say(
            f"检查通过：{len(ps.modules)} 个文件，{len(ps.measures)} 项措施，{len(ps.rules)} 条规则，"
            f"{len(ps.targets)} 个目标（{found}）",
            f"ok: {len(ps.modules)} file(s), {len(ps.measures)} measures, {len(ps.rules)} rules, "
            f"{len(ps.targets)} targets ({found})",
        )
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
@lang_option
def build(paths: tuple[str, ...], out: str | None, docs_dir: str | None, check_only: bool,
          lang: str | None) -> None:  # fmt: skip
    """Compile policies into Python evaluators (generated/) and documentation pages.

    \b
    Example:
      kfpl build            # write generated/ and docs/
      kfpl build --check    # CI: fail if generated files are out of date
    """
    from kfpl.cli import build_cache
    from kfpl.cli.build import outputs, stale_files, write_outputs
    from kfpl.project.writes import OutputError

    use_lang(lang, paths)
    project = project_or_exit(paths)
    out_dir = Path(out) if out else project.generated
    docs = Path(docs_dir) if docs_dir else project.docs
    try:
        entry = build_cache.entry_for(discover(paths), project, out_dir, docs)
    except InputError as exc:
        fail(exc.words)
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
            fail(exc.words)
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
                click.echo(say(f"已过时：{path}", f"stale: {path}"), err=True)
            click.echo(
                "kfpl: "
                + say(
                    f"{len(stale)} 个生成文件已过时：请运行 `kfpl build`",
                    f"{len(stale)} generated file(s) out of date: run `kfpl build`",
                ),
                err=True,
            )
            sys.exit(1)
        click.echo(
            say(
                f"检查通过：{len(files) + 2} 个生成文件均为最新",
                f"ok: {len(files) + 2} generated file(s) up to date",
            )
        )
        return
    gone = say(f"，删除 {removed} 个", f", removed {removed}") if removed else ""
    click.echo(
        say(
            f"已写入 {changed} 个文件（共 {total} 个）{gone}（{out_dir}/、{docs}/）",
            f"wrote {changed} of {total} file(s){gone} ({out_dir}/, {docs}/)",
        )
    )


@main.command("eval")
@click.argument("application", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--policies",
    "paths",
    multiple=True,
    help="Policy files or folders (default: the project of the current folder).",
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
@lang_option
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

    lang = use_lang(lang, paths)
    try:
        with sys.stdin.buffer if application == "-" else Path(application).open("rb") as handle:
            raw = handle.read(MAX_APPLICATION_BYTES + 1)  # never more than the limit in memory
        if len(raw) > MAX_APPLICATION_BYTES:
            mib = MAX_APPLICATION_BYTES // 2**20
            fail(
                Text(
                    f"{application}：超过 {mib} MiB 的上限",
                    f"{application}: larger than {mib} MiB (the limit)",
                )
            )
        text = raw.decode("utf-8")
    except OSError as exc:
        fail(
            Text(
                f"{application}：无法读取：{exc.strerror or exc}",
                f"{application}: cannot read: {exc.strerror or exc}",
            )
        )
    except UnicodeDecodeError as exc:
        fail(
            Text(
                f"{application}：不是 UTF-8 文本（第 {exc.start} 字节处：{exc.reason}）",
                f"{application}: not UTF-8 text ({exc.reason} at byte {exc.start})",
            )
        )
    try:
        data = loads(text)
    except ApplicationError as exc:
        fail(Text(f"{application}：{exc.text('zh')}", f"{application}: {exc.text('en')}"))
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
            fail(exc.words)
        program = Program(evaluator_modules(files, project_or_exit(paths).sources, generate))
    try:
        outcome = program.run(data)
    except ApplicationError as exc:
        fail(Text(f"{application}：{exc.text('zh')}", f"{application}: {exc.text('en')}"))
    if fmt == "json":
        click.echo(dump_json(outcome.as_json()))
    else:
        click.echo(render_text(outcome, lang, explain))


@main.command()
@click.argument("paths", nargs=-1)
@lang_option
@click.option("-v", "--verbose", is_flag=True, help="Print every example, not only failures.")
def test(paths: tuple[str, ...], lang: str | None, verbose: bool) -> None:
    """Run the worked examples written in the policies.

    \b
    Example:
      kfpl test policies/expo.kfpl -v
    """
    from kfpl.testing.examples import run_all

    lang = use_lang(lang, paths)
    comp = compile_or_exit(paths, quiet=True)
    assert comp.policy_set is not None
    outcomes = run_all(comp.policy_set)
    failed = [o for o in outcomes if not o.passed]
    for o in outcomes:
        if o.passed and not verbose:
            continue
        mark = say("通过", "ok  ") if o.passed else say("失败", "FAIL")
        click.echo(f"{mark} {o.case.name_in(lang)}  ({o.case.location})")
        if not o.passed:
            click.echo(
                say(
                    f"     预期 {o.expected.zh}，实际 {o.actual.zh}",
                    f"     expected {o.expected.en}, got {o.actual.en}",
                )
            )
            click.echo(o.explain(lang))
    passed = len(outcomes) - len(failed)
    click.echo(
        say(f"通过 {passed} 个，失败 {len(failed)} 个", f"{passed} passed, {len(failed)} failed")
    )
    sys.exit(1 if failed else 0)


@main.command("list")
@click.argument("paths", nargs=-1)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@lang_option
def list_(paths: tuple[str, ...], fmt: str, lang: str | None) -> None:
    """List measures, rules, targets and parameters with ids, titles and sources.

    \b
    Example:
      kfpl list --format json
    """
    from kfpl.cli.listing import listing, render_listing

    lang = use_lang(lang, paths)
    comp = compile_or_exit(paths, quiet=True)
    assert comp.policy_set is not None
    data = listing(comp.policy_set)
    click.echo(dump_json(data) if fmt == "json" else render_listing(data, lang))


@main.command()
@click.argument("paths", nargs=-1)
@lang_option
def schema(paths: tuple[str, ...], lang: str | None) -> None:
    """Print the JSON Schema of an application for this policy set.

    \b
    Example:
      kfpl schema > application.schema.json
    """
    from kfpl.schema import application_schema

    use_lang(lang, paths)
    comp = compile_or_exit(paths, quiet=True)
    assert comp.policy_set is not None
    click.echo(dump_json(application_schema(comp.policy_set)))


@main.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--stage", type=click.Choice(["parse", "python"]), default="parse", show_default=True)
@lang_option
def dump(path: str, stage: str, lang: str | None) -> None:
    """Print one pipeline stage of a file (a debugging and golden-test aid).

    \b
    Example:
      kfpl dump policies/expo.kfpl --stage python
    """
    from kfpl.model import module_stem
    from kfpl.python import codegen

    use_lang(lang, (path,))
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
@lang_option
def explain_code(code: str, lang: str | None) -> None:
    """Print the page of a diagnostic code: what it means, an example, the fix.

    \b
    Example:
      kfpl explain KF0203 --lang en
    """
    from kfpl.cli.code_page import code_page
    from kfpl.codes import CODES, lookup
    from kfpl.diagnostics import did_you_mean

    lang = use_lang(lang)
    entry = lookup(code.strip().upper())
    if entry is None:
        guess = did_you_mean(code.strip().upper(), set(CODES))
        hint = (
            Text(f"；是否应为 {guess}？", f"; did you mean {guess}?")
            if guess
            else Text("（代码形如 `KF0203`）", " (codes look like KF0203)")
        )
        fail(Text(f"没有这个代码：{code}{hint.zh}", f"no such code: {code}{hint.en}"))
    click.echo(code_page(entry, lang))


@main.command("lsp")
@lang_option
def lsp_(lang: str | None) -> None:
    """Run the language server on stdin/stdout (for an editor: diagnostics as you type,
    hover, completion, go to definition, formatting).

    \b
    Example (an editor starts it; setting one up: docs/en/guide/editors.md,
    docs/zh/guide/editors.md):
      kfpl lsp
    """
    from kfpl.language.server import main as serve

    serve(lang)


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
@lang_option
def fmt_(paths: tuple[str, ...], check_only: bool, keywords: str | None, lang: str | None) -> None:
    """Format policy files in the one canonical layout (default: the project's policies).

    Comments and blank lines are kept; formatting twice changes nothing.

    \b
    Example:
      kfpl fmt --check policies     # CI: exit 1 if a file is not formatted
      kfpl fmt --keywords zh measures.kfpl
    """
    from kfpl.diagnostics import Sources
    from kfpl.project.loader import discover, read_text
    from kfpl.syntax.formatter import FormatError, format_text

    lang = use_lang(lang, paths)
    try:
        files = discover(paths)
    except InputError as exc:
        fail(exc.words)
    changed: list[Path] = []
    broken = 0
    for path in files:
        try:
            text = read_text(path)
        except InputError as exc:
            fail(exc.words)
        try:
            out = format_text(text, keywords, str(path))  # type: ignore[arg-type]
        except FormatError as exc:
            sources = Sources()
            sources.add(str(path), text)
            for diag in exc.diagnostics:
                click.echo(render(diag, sources, lang=lang) + "\n", err=True)
            broken += 1
            continue
        if out != text:
            changed.append(path)
            if not check_only:
                path.write_text(out, encoding="utf-8")
    for path in changed:
        if check_only:
            click.echo(say(f"需要重新排版：{path}", f"would reformat: {path}"))
        else:
            click.echo(say(f"已排版：{path}", f"formatted: {path}"))
    if broken:
        fail(
            Text(
                f"{broken} 个文件未能排版：请先改正语法错误",
                f"{broken} file(s) not formatted: fix the syntax errors first",
            ),
            1,
        )
    if check_only and changed:
        fail(
            Text(
                f"{len(changed)} 个文件未按规范排版：请运行 `kfpl fmt`",
                f"{len(changed)} file(s) not formatted: run `kfpl fmt`",
            ),
            1,
        )
    if not changed:
        click.echo(
            say(f"检查通过：{len(files)} 个文件均已排版", f"ok: {len(files)} file(s) formatted")
        )


@main.command()
@click.argument("folder", type=click.Path(file_okay=False))
@lang_option
def init(folder: str, lang: str | None) -> None:
    """Start a new project in FOLDER: one measure, its source text, a sample application
    and kfpl.toml, ready for check, test, build and docs.

    \b
    Example:
      kfpl init demo && cd demo && kfpl check && kfpl test && kfpl build && kfpl docs
    """
    from kfpl.project.init import InitError, scaffold

    use_lang(lang)
    try:
        written = scaffold(Path(folder))
    except (InitError, OSError) as exc:
        fail(str(exc))
    for path in written:
        click.echo(say(f"  已创建 {path}", f"  created {path}"))
    steps = f"cd {folder} && kfpl check && kfpl test"
    click.echo(
        say(f"已在 {folder}/ 新建 kfpl 项目：{steps}", f"new kfpl project in {folder}/: {steps}")
    )


def run() -> None:
    """Entry point: turn any unexpected exception into one line, never a traceback."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        fail(Text("已中断", "interrupted"), 130)
    except Exception as exc:  # the last boundary: a bug in kfpl itself
        what = f"{type(exc).__name__}: {exc}"
        fail(
            Text(
                f"内部错误：{what}（请报告此问题）", f"internal error: {what} (please report this)"
            ),
            3,
        )
