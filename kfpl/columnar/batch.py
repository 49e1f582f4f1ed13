"""`kfpl batch`: a whole population of applications through one engine, to files.

Stages: read and validate (JSON lines: each application with the reference reader,
naming the line; a folder of CSV / Parquet tables on the columnar engine: column by
column, ``kfpl.columnar.tables``, naming the table, row and column) → evaluate (columnar kernels, the reference evaluator, or the columnar kernels on Dask
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
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from kfpl.columnar.columns import Codes
from kfpl.columnar.engine import (
    CLAIM_COLUMNS,
    ColumnarEngine,
    Results,
    load_module,
    reference_results,
)
from kfpl.columnar.kernel import STATUS
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


def is_tables(path: Path) -> bool:
    """A folder of tables, or one of its tables (else JSON lines)."""
    return path.is_dir() or path.suffix in (".csv", ".parquet")


def run_tables(compiled: Compiled, path: Path) -> Results | None:
    """Tables read column by column (``kfpl.columnar.tables``) on the columnar engine;
    the applications it leaves to the reference evaluator are read as objects. None
    without pyarrow (the caller reads the tables row by row instead)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return None
    from kfpl.columnar.tables import read_columns
    from kfpl.population_tables import TableError

    columnar = compiled.engine()
    runtime = columnar.runtime
    try:
        columns, objects = read_columns(path, runtime.inputs, runtime.measure_inputs)
    except TableError as exc:
        raise BatchError(exc.words) from exc
    numbers = list(range(1, columns.n_apps + 1))
    return columnar.run_columns(
        columns,
        numbers,
        lambda at: reference_results(runtime, objects(at), [numbers[i] for i in at]),
    )


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
    return out.by_application()


# --------------------------------------------------------------------------- writing


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def yuan_texts(fen: npt.NDArray[np.int64]) -> list[str]:
    """``yuan`` of every amount (each distinct amount formatted once)."""
    distinct, inverse = np.unique(fen, return_inverse=True)
    words = np.array([yuan(v) for v in distinct.tolist()], dtype=object)
    out: list[str] = words[inverse.reshape(-1)].tolist()
    return out


def yuan_arrow(fen: npt.NDArray[np.int64]) -> Any:
    """``yuan`` of every amount as an Arrow string array, computed by column (a Python
    format per amount took most of writing a million applications' results)."""
    import pyarrow as pa

    return yuan_decimal(fen).cast(pa.string())


def yuan_decimal(fen: npt.NDArray[np.int64]) -> Any:
    """The amounts as an Arrow ``decimal128(38, 2)`` array of the same fen (its text is
    ``yuan``'s): each int64 sign-extended into the 128-bit unscaled integer."""
    import pyarrow as pa

    words = np.empty((len(fen), 2), dtype="<i8")
    words[:, 0] = fen
    words[:, 1] = fen >> 63  # 0, or -1 for a negative amount
    return pa.Array.from_buffers(pa.decimal128(38, 2), len(fen), [None, pa.py_buffer(words)])


@dataclass(frozen=True)
class Yuan:
    """A column of amounts in fen, written as yuan text (``yuan``: "1234.56")."""

    fen: npt.NDArray[np.int64]

    def texts(self) -> list[str]:
        try:
            out: list[str] = yuan_arrow(self.fen).to_pylist()
        except ImportError:  # pyarrow is optional: CSV output does without it
            return yuan_texts(self.fen)
        return out


# A column to write: text (codes), integers, flags, or amounts in yuan (digits, no quotes).
Column = Codes | npt.NDArray[Any] | Yuan


def claim_table(results: Results) -> tuple[list[str], list[Column]]:
    c = results.claims
    header = [*CLAIM_COLUMNS[:7], "amount_fen", *CLAIM_COLUMNS[7:]]
    status = Codes(c.status.astype(np.int32), list(STATUS))
    columns: list[Column] = [
        c.application,
        c.enterprise,
        c.claim,
        c.measure,
        status,
        c.reason,
        Yuan(c.amount),
        c.amount,
        c.ceiling,
        c.capped,
        c.missing,
    ]
    return header, columns


def total_table(results: Results) -> tuple[list[str], list[Column]]:
    t = results.totals
    header = ["application", "enterprise", "total", "total_fen"]
    return header, [t.application, t.enterprise, Yuan(t.total), t.total]


# csv.QUOTE_MINIMAL quotes "fields which contain special characters such as delimiter,
# quotechar or any of the characters in lineterminator" (the csv docs): here , " and \n.
_NEEDS_QUOTES = re.compile('[,"\n]')


def _csv_field(word: str) -> str:
    """``word`` as the csv module writes it among other fields (quoted where needed)."""
    if not _NEEDS_QUOTES.search(word):
        return word  # the common case, without a writer per word (ids of a million claims)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([word, ""])
    return out.getvalue()[:-2]


def _csv_texts(column: Column) -> list[str]:
    if isinstance(column, Codes):
        words = np.array([_csv_field(w) for w in column.vocabulary] + [""], dtype=object)
        out: list[str] = words[column.codes].tolist()
        return out
    if isinstance(column, Yuan):
        return column.texts()
    if column.dtype == np.bool_:
        flags: list[str] = np.where(column, "true", "false").tolist()
        return flags
    return [str(v) for v in column.tolist()]


def _csv(header: list[str], columns: list[Column]) -> str:
    """The bytes ``csv.writer`` writes for these rows, a column at a time."""
    head = ",".join(_csv_field(h) for h in header) + "\n"
    try:
        return head + _csv_rows_arrow(columns)
    except ImportError:  # pyarrow is optional: the same text, joined in Python
        pass
    lines = map(",".join, zip(*(_csv_texts(c) for c in columns), strict=True))
    return head + "".join(line + "\n" for line in lines)


def _csv_rows_arrow(columns: list[Column]) -> str:
    """The rows of ``_csv``, each field's text computed by column: written by Arrow's
    CSV writer where no field needs quotes (the usual batch), else the lines joined by
    Arrow (a Python join per row took most of writing the CSV of a large batch)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from kfpl.columnar.tables import matches

    quoted = False

    def field(column: Column) -> Any:
        nonlocal quoted
        if isinstance(column, Codes):
            words = pa.array([*column.vocabulary, ""], pa.string())
            needs = np.flatnonzero(matches(words, _NEEDS_QUOTES.pattern))
            if len(needs):  # the rare word the csv module quotes, quoted as it does
                quoted = True
                texts = words.to_pylist()
                for i in needs.tolist():
                    texts[i] = _csv_field(texts[i])
                words = pa.array(texts, pa.string())
            return words.take(
                pa.array(np.where(column.codes < 0, len(column.vocabulary), column.codes))
            )
        if isinstance(column, Yuan):
            return yuan_decimal(column.fen)  # Arrow writes it as yuan() does
        if column.dtype == np.bool_:
            return pa.array(column, pa.bool_())  # Arrow writes true / false
        return pa.array(column, pa.int64())

    fields = [field(c) for c in columns]
    if not fields or not len(fields[0]):
        return ""
    if not quoted:
        try:
            return _arrow_csv(fields)
        except pa.ArrowInvalid:  # a character Arrow will not write bare: join instead
            pass
    texts = [f.cast(pa.string()).cast(pa.large_string()) for f in fields]  # 64-bit offsets
    ends = pa.array(np.full(len(texts[0]), "\n"), pa.large_string())
    nothing, comma = pa.scalar("", pa.large_string()), pa.scalar(",", pa.large_string())
    last = pc.binary_join_element_wise(texts[-1], ends, nothing)
    lines = pc.binary_join_element_wise(*texts[:-1], last, comma)
    # A string array without nulls holds its strings back to back: that is the text.
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)
    start, end = offsets[lines.offset], offsets[lines.offset + len(lines)]
    text: str = lines.buffers()[2].to_pybytes()[start:end].decode("utf-8")
    return text


def _arrow_csv(fields: list[Any]) -> str:
    """Rows of fields none of which needs quotes, as Arrow's CSV writer writes them:
    what the csv module writes for them (digits, true/false, the text as it is)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    table = pa.Table.from_arrays(fields, names=[str(i) for i in range(len(fields))])
    sink = io.BytesIO()
    pcsv.write_csv(table, sink, pcsv.WriteOptions(include_header=False, quoting_style="none"))
    return sink.getvalue().decode("utf-8")


def _parquet(header: list[str], columns: list[Column]) -> bytes:
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

    def array(column: Column) -> Any:
        if isinstance(column, Codes):  # the words taken from the vocabulary
            return pa.array(column.vocabulary, type=pa.string()).take(pa.array(column.codes))
        if isinstance(column, Yuan):
            return yuan_arrow(column.fen)
        if column.dtype == np.bool_:
            return pa.array(column, type=pa.bool_())
        return pa.array(column, type=pa.int64())

    table = pa.table({name: array(col) for name, col in zip(header, columns, strict=True)})
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
