"""`kfpl batch`: evaluate a population of applications into claims and totals tables."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kfpl.cli.lang import lang_option
from kfpl.runtime.bilingual import Text

CHUNK = 20_000  # applications evaluated together (bounds memory; the progress bar's step)


@click.command("batch")
@click.argument("data", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    "outdir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder for claims.<fmt> and totals.<fmt>.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True
)
@click.option(
    "--engine",
    type=click.Choice(["columnar", "reference", "dask"]),
    default="columnar",
    show_default=True,
)
@click.option(
    "--policies", "paths", multiple=True, help="Policy files or folders (default: the project's)."
)
@click.option(
    "--scheduler",
    default=None,
    help="--engine dask: address of a running Dask scheduler (tcp://host:8786); default: a LocalCluster on this machine.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    help="--engine dask: worker processes of the LocalCluster.",
)
@click.option(
    "--explain",
    "explain_id",
    default=None,
    help="Print one application's explanation (its number in DATA, or its enterprise id) instead of writing files.",
)
@lang_option
def batch_command(
    data: Path,
    outdir: Path | None,
    fmt: str,
    engine: str,
    paths: tuple[str, ...],
    scheduler: str | None,
    workers: int,
    explain_id: str | None,
    lang: str | None,
) -> None:
    """Evaluate every application of DATA: JSON lines, or a folder of tables
    (enterprises, claims, history, past as CSV or Parquet).

    \b
    Writes OUT/claims.<fmt> (one row per claim) and OUT/totals.<fmt> (one per
    application); amounts are exact: yuan as decimal text and an integer fen column.
    --engine reference runs the per-application evaluator (the oracle); dask runs the
    columnar kernels on enterprise partitions.

    \b
    Examples:
      kfpl batch examples/population/tables -o out --format parquet
      kfpl batch apps.jsonl -o out --engine dask --scheduler tcp://10.0.0.5:8786
      kfpl batch apps.jsonl --explain 17 --lang en
    """
    from kfpl.cli.main import compile_or_exit, fail, say, use_lang

    lang = use_lang(lang, paths)
    try:
        import numpy  # noqa: F401  (the columnar engine's one hard requirement)
    except ImportError:
        fail(
            Text(
                "`kfpl batch` 需要 `numpy`（Parquet 格式需要 `pyarrow`，`--engine dask` 需要 `dask`）："
                "`pip install 'kfpl[batch]'`",
                "kfpl batch needs numpy (and pyarrow for Parquet, dask for --engine dask): "
                "pip install 'kfpl[batch]'",
            )
        )
    from kfpl.columnar.batch import (
        BatchError,
        Compiled,
        is_tables,
        output_files,
        read_raw,
        run_tables,
        write,
    )

    comp = compile_or_exit(paths, quiet=True)
    assert comp.policy_set is not None
    ps = comp.policy_set
    if not data.exists():
        fail(Text(f"没有这个文件或文件夹：{data}", f"no such file or folder: {data}"))
    try:
        compiled = Compiled.of(ps)
        if explain_id is not None:
            _explain(compiled, read_raw(data, ps), explain_id, lang)
            return
        if outdir is None:
            fail(
                Text("请给出 `-o OUTDIR`（或 `--explain ID`）", "give -o OUTDIR (or --explain ID)")
            )
        results = None
        if engine == "columnar" and is_tables(data):
            results = run_tables(compiled, data)  # column by column (None: no pyarrow)
        if results is None:
            results = _run_rows(compiled, read_raw(data, ps), engine, scheduler, workers)
        write(output_files(results, outdir, fmt), outdir)
    except BatchError as exc:
        fail(exc.words)
    claims = len(results.claims)
    note = ""
    if engine != "reference" and results.reference:
        why = "; ".join(f"{k}: {v}" for k, v in sorted(results.why.items()))
        note = say(
            f"（其中 {results.reference} 份由参考求值器计算：{why}）",
            f" ({results.reference} by the reference evaluator — {why})",
        )
    apps = len(results.totals)
    click.echo(
        say(
            f"{apps} 份申报，{claims} 项申报事项 → {outdir}/{note}",
            f"{apps} applications, {claims} claims → {outdir}/{note}",
        ),
        err=True,
    )


def _run_rows(
    compiled: Any, raws: list[Any], engine: str, scheduler: str | None, workers: int
) -> Any:
    """Applications read one by one (JSON lines; the reference and Dask engines; tables
    without pyarrow), validated and evaluated in chunks."""
    from kfpl.columnar.batch import run_dask, run_partition
    from kfpl.columnar.engine import Results

    if engine == "dask":
        return run_dask(compiled, raws, scheduler, max(1, workers))
    results = Results()
    bar = _bar(len(raws))
    for start in range(0, len(raws), CHUNK):
        chunk = raws[start : start + CHUNK]
        results.extend(run_partition(compiled, chunk, engine))
        if bar is not None:
            bar.update(len(chunk))
    if bar is not None:
        bar.close()
    return results


def _bar(total: int):  # type: ignore[no-untyped-def]
    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="app", file=sys.stderr)


def _explain(compiled: object, raws: list, ident: str, lang: str) -> None:  # type: ignore[type-arg]
    from kfpl.cli.explain import render_text
    from kfpl.cli.main import fail
    from kfpl.columnar.batch import BatchError, Compiled, validate

    assert isinstance(compiled, Compiled)
    chosen = [
        r for r in raws
        if str(r.number) == ident
        or (isinstance(r.data.get("enterprise"), dict) and str(r.data["enterprise"].get("id")) == ident)
    ]  # fmt: skip
    if not chosen:
        fail(
            Text(
                f"数据中没有申报 {ident!r}（请给出其序号（从 1 起）或企业编号）",
                f"no application {ident!r} in the data (give its number, from 1, or its enterprise id)",
            )
        )
    runtime = compiled.engine().runtime
    try:
        for app in validate(chosen, runtime):
            click.echo(render_text(runtime.evaluate(app), lang, True))
    except BatchError as exc:
        fail(exc.words)
