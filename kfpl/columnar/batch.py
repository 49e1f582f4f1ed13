"""`kfpl batch`: a whole population of applications through one engine, to files.

Stages: read (JSON lines, or a folder of CSV / Parquet tables) → validate each
application with the reference reader (the same messages, naming the line or table row)
→ evaluate (columnar kernels, the reference evaluator, or the columnar kernels on Dask
partitions by enterprise) → write ``claims.<fmt>`` and ``totals.<fmt>`` atomically.

Output columns. claims: application (its ordinal in DATA, from 1), enterprise, claim,
measure, status, reason, amount, amount_fen, ceiling, capped, missing (facts, ``;``
between names). totals: application, enterprise, total, total_fen. Amounts are exact
in both forms: ``amount`` is yuan as decimal text ("1234.56") and ``amount_fen`` an
integer count of fen (int64 in Parquet); no column is ever floating point.
"""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kfpl.columnar.engine import (
    CLAIM_COLUMNS,
    ColumnarEngine,
    Results,
    load_module,
    reference_results,
)
from kfpl.model import PolicySet
from kfpl.population_tables import Origin
from kfpl.runtime.application import Application, ApplicationError
from kfpl.runtime.bilingual import Text

TOTAL_COLUMNS = ("application", "enterprise", "total")
OUTPUT_FILES = tuple(f"{stem}.{fmt}" for stem in ("claims", "totals") for fmt in ("csv", "parquet"))


class BatchError(Exception):
    """Bad input data or a refused output: exit 2, with a message naming where
    (``words`` in both languages where kfpl wrote them; ``str()`` is the English)."""

    def __init__(self, words: str | Text) -> None:
        self.words = words if isinstance(words, Text) else Text.same(words)
        super().__init__(self.words.en)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Raw:
    number: int  # the application's ordinal in DATA, from 1
    where: str  # file:line, or the table row
    data: dict[str, Any]
    origin: Origin | None = None  # from tables: the rows it came from, to name in a message

    def refused(self, exc: ApplicationError) -> BatchError:
        if self.origin is not None:
            return BatchError(self.origin.locate(exc))
        return BatchError(Text(f"{self.where}：{exc.text('zh')}", f"{self.where}: {exc}"))


def read_raw(path: Path, ps: PolicySet) -> list[Raw]:
    """Applications as parsed JSON, each with where it came from."""
    from kfpl.diff.impact import ImpactError, load_population

    try:
        population = load_population(path, ps)
    except ImpactError as exc:
        raise BatchError(exc.words) from exc
    where = getattr(population, "where", None)
    origins = getattr(population, "origins", None) or [None] * len(population)
    out = []
    for i, (data, origin) in enumerate(zip(population, origins, strict=True)):
        if where is not None:
            place = where[i]
        else:
            enterprise = data.get("enterprise", {}).get("id", "?")
            place = f"{path}: enterprises row {i + 1} (enterprise {enterprise}, {data.get('year')})"
        out.append(Raw(i + 1, place, data, origin))
    return out


def validate(raws: Iterable[Raw], runtime: Any) -> Iterator[Application]:
    for raw in raws:
        try:
            yield runtime.read(raw.data)
        except ApplicationError as exc:
            raise raw.refused(exc) from exc


# --------------------------------------------------------------------------- engines


@cache
def _program(sources: tuple[tuple[str, str], ...], columnar: str) -> tuple[Any, Any]:
    """The reference runtime and the columnar module, built once per process (a Dask
    worker builds them from the sources it is sent)."""
    from kfpl.python.evaluate import Program, module_from_source

    modules = [
        module_from_source(f"kfpl_generated_{name[:-3]}", text, f"<generated {name}>")
        for name, text in sources
    ]
    program = Program(modules)
    return program.runtime, load_module(columnar)


@dataclass(frozen=True)
class Compiled:
    """Everything an engine needs, as text (so it travels to Dask workers)."""

    python: tuple[tuple[str, str], ...]
    columnar: str

    def __repr__(self) -> str:  # the generated sources are long; their names suffice
        return f"Compiled({', '.join(name for name, _ in self.python)})"

    @classmethod
    def of(cls, ps: PolicySet) -> Compiled:
        from kfpl.columnar import codegen as columnar_codegen
        from kfpl.python import codegen

        python = tuple(
            sorted(codegen.generate_all(ps).items(), key=lambda kv: _module_order(ps, kv[0]))
        )
        return cls(python, columnar_codegen.generate(ps))

    def engine(self) -> ColumnarEngine:
        runtime, module = _program(self.python, self.columnar)
        return ColumnarEngine(module, runtime)


def _module_order(ps: PolicySet, name: str) -> int:
    from kfpl.model import module_stem

    stems = [f"{module_stem(m.path)}.py" for m in ps.modules]
    return stems.index(name)


def run_partition(compiled: Compiled, raws: list[Raw], engine: str) -> Results:
    """Validate and evaluate one partition (the whole batch, or one enterprise group)."""
    columnar = compiled.engine()
    apps = list(validate(raws, columnar.runtime))
    numbers = [r.number for r in raws]
    if engine == "reference":
        return reference_results(columnar.runtime, apps, numbers)
    return columnar.run(apps, numbers)


def partitions(raws: list[Raw], count: int) -> list[list[Raw]]:
    """Applications split by enterprise (all of one enterprise's years together, so a
    partition holds whole enterprises), in a stable way (CRC-32 of the id)."""
    parts: list[list[Raw]] = [[] for _ in range(count)]
    for raw in raws:
        enterprise = raw.data.get("enterprise", {})
        ident = str(enterprise.get("id", "")) if isinstance(enterprise, dict) else ""
        parts[zlib.crc32(ident.encode("utf-8", "surrogatepass")) % count].append(raw)
    return [p for p in parts if p]


def run_dask(compiled: Compiled, raws: list[Raw], scheduler: str | None, workers: int) -> Results:
    """The columnar kernels over enterprise partitions on a Dask cluster: a
    ``LocalCluster`` of ``workers`` processes, or the scheduler at ``scheduler``."""
    try:
        import dask
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise BatchError(
            Text(
                "`--engine dask` 需要 `dask[distributed]`：`pip install 'kfpl[batch]'`",
                "--engine dask needs dask[distributed]: pip install 'kfpl[batch]'",
            )
        ) from exc
    parts = partitions(raws, max(1, workers * 2))
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        tasks = [dask.delayed(run_partition)(compiled, part, "columnar") for part in parts]
        done = dask.compute(*tasks, scheduler=client.get)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    out = Results()
    for part in done:
        out.extend(part)
    out.claims.sort(key=lambda row: row[0])
    out.totals.sort(key=lambda row: row[0])
    return out


# --------------------------------------------------------------------------- writing


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def claim_table(results: Results) -> tuple[list[str], list[list[Any]]]:
    header = [*CLAIM_COLUMNS[:7], "amount_fen", *CLAIM_COLUMNS[7:]]
    rows = [[*row[:6], yuan(row[6]), row[6], *row[7:]] for row in results.claims]
    return header, rows


def total_table(results: Results) -> tuple[list[str], list[list[Any]]]:
    header = ["application", "enterprise", "total", "total_fen"]
    return header, [[a, e, yuan(t), t] for a, e, t in results.totals]


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["true" if v is True else "false" if v is False else v for v in row])
    return out.getvalue()


def _parquet(header: list[str], rows: list[list[Any]]) -> bytes:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise BatchError(
            Text(
                "`--format parquet` 需要 `pyarrow`：`pip install 'kfpl[batch]'`",
                "--format parquet needs pyarrow: pip install 'kfpl[batch]'",
            )
        ) from exc
    types = {
        "application": pa.int64(),
        "amount_fen": pa.int64(),
        "total_fen": pa.int64(),
        "ceiling": pa.bool_(),
        "capped": pa.bool_(),
    }
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    table = pa.table(
        {
            name: pa.array(list(col), type=types.get(name, pa.string()))
            for name, col in zip(header, columns, strict=True)
        }
    )
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def output_files(results: Results, outdir: Path, fmt: str) -> dict[Path, str | bytes]:
    tables = {"claims": claim_table(results), "totals": total_table(results)}
    if fmt == "csv":
        return {outdir / f"{stem}.csv": _csv(*t) for stem, t in tables.items()}
    return {outdir / f"{stem}.parquet": _parquet(*t) for stem, t in tables.items()}


def write(files: dict[Path, str | bytes], outdir: Path) -> None:
    """All at once, and only kfpl's own files (``kfpl.project.writes``)."""
    from kfpl.project.writes import OutputError, Root, apply, plan, recover

    root = Root(outdir, folders=(), files=OUTPUT_FILES)
    try:
        recover([root])
        change = plan(files, [root], keep=lambda rel: True)  # the other format's files stay
        apply(change, [root])
    except OutputError as exc:
        raise BatchError(str(exc)) from exc
