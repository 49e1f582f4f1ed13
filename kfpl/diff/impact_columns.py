"""The impact of a population of tables, on columns from the files to the report.

``kfpl diff --impact FOLDER`` with CSV or Parquet tables: the tables are read once into
typed columns against what either version declares (``kfpl.columnar.tables``), each
version's reading is projected from those columns (``kfpl.diff.projected``), each
version runs once on the columnar engine, and the attribution re-runs, for each step,
only the applications naming a measure the step changes. No object is built per
application.

Where the column path cannot vouch for giving the report the dict path gives (the tables
do not read by column, a version would refuse an application or read it otherwise),
``run`` returns None and ``kfpl.diff.impact.run_impact`` reads the population as dicts,
which gives the same report or the version's own message.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from kfpl.columnar.columns import Codes, Columns
from kfpl.columnar.splice import take
from kfpl.diff.projected import LeftOut, project
from kfpl.model import PolicySet
from kfpl.runtime.application import InputSpec

if TYPE_CHECKING:
    from kfpl.diff.columnar_run import Evaluated
    from kfpl.diff.impact import Version

TABLES = ("enterprises.parquet", "enterprises.csv")


class _Declined(Exception):
    """A step's version may read the applications it touches otherwise."""


def _folder(data: str | Path) -> Path | None:
    p = Path(data)
    if p.is_file() and p.suffix in (".csv", ".parquet"):
        p = p.parent
    return p if p.is_dir() and any((p / t).exists() for t in TABLES) else None


def _named(cols: Columns, words: set[str]) -> npt.NDArray[np.int64]:
    """The applications whose claims or earlier awards name one of ``words``."""
    hit = np.zeros(cols.n_apps, dtype=bool)
    for codes, owner in ((cols.measure, cols.claim_app), (cols.history.measure, cols.history.app)):
        wanted = np.array([w in words for w in codes.vocabulary] + [False], dtype=bool)
        hit[owner[wanted[codes.codes]]] = True
    return np.flatnonzero(hit)


def _first_name(folder: Path) -> str:
    """The first enterprise's name (the summary marks 合成 populations synthetic)."""
    parquet, csv_path = folder / "enterprises.parquet", folder / "enterprises.csv"
    if parquet.exists():
        import pyarrow.parquet as pq

        file = pq.ParquetFile(parquet)
        if "name" not in file.schema_arrow.names or not file.metadata.num_rows:
            return ""
        first = file.read_row_group(0, columns=["name"]).column(0)[0].as_py()
        return str(first or "")
    import csv

    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        row = next(csv.DictReader(f), None)
    return str(row.get("name") or "") if row else ""


def _groups(cols: Columns, group_by: str | None) -> list[str] | None:
    """Each application's ``group_by`` value ("—" where none); None where the value
    is not an enum's (the dict path shows the cell as written)."""
    if not group_by:
        return ["—"] * cols.n_apps
    values = cols.enterprise.get(group_by)
    if values is None:
        return ["—"] * cols.n_apps
    if not isinstance(values.data, Codes):
        return None
    table = [*values.data.vocabulary, "—"]
    return [table[c] if p else "—" for c, p in zip(
        values.data.codes.tolist(), values.present.tolist(), strict=True
    )]  # fmt: skip


def _attribute(
    cols: Columns,
    union: dict[str, InputSpec],
    steps: list[Any],
    versions: tuple[Version, Version],
    old_done: Evaluated,
    new_done: Evaluated,
    aliases: dict[str, str],
) -> list[dict[str, Any]]:
    """``kfpl.diff.impact.attribute`` on columns: each step re-runs only the
    applications whose claims or earlier awards name a measure it changes, read by the
    step's version from the union reading ``cols`` (``versions``: old and new)."""
    from kfpl.diff.changed import changed_measures
    from kfpl.diff.columnar_run import evaluate_columns
    from kfpl.diff.impact import Version, fen_yuan, intermediate

    old_v, new_v = versions

    attributed: list[dict[str, Any]] = []
    fen = np.array(old_done.totals, dtype=object)  # exact: a sum of many int64 totals
    before, prev = fen_yuan(int(fen.sum())), old_v
    for index, step in enumerate(steps, 1):
        if index == len(steps):
            after = fen_yuan(sum(new_done.totals))  # the last step lands on the new version
        else:
            mid = Version(intermediate(old_v.ps, new_v.ps, steps[:index]), aliases)
            mid.reading(new_v)
            changed = changed_measures(prev.ps, prev.reads, mid.ps, mid.reads)
            if changed is None:
                touched = np.arange(cols.n_apps, dtype=np.int64)
            else:
                words = {
                    w
                    for codes in (cols.measure, cols.history.measure)
                    for w in codes.vocabulary
                    if w in changed or aliases.get(w) in changed
                }
                touched = _named(cols, words)
            if len(touched):
                # Only the applications the step touches are read by its version (as the
                # dict path reads only those).
                got = project(take(cols, touched), mid, union)
                if got is None:
                    raise _Declined
                done = evaluate_columns(mid.engine, got[0], claims=False)
                fen[touched] = done.totals
            after, prev = fen_yuan(int(fen.sum())), mid
        attributed.append(
            {
                "order": index,
                "label": {"zh": step.label[0], "en": step.label[1]},
                "delta": f"{after - before:.2f}",
            }
        )
        before = after
    return attributed


def run(
    old: PolicySet,
    new: PolicySet,
    data: str | Path,
    changes: list[Any],
    attribution: bool,
    group_by: str | None,
) -> dict[str, Any] | None:
    """The impact report, or None where the dict path must give it."""
    from kfpl.diff.columnar_run import NeedsReference, evaluate_columns
    from kfpl.diff.impact import (
        Version,
        Who,
        aliases_for,
        attribution_steps,
        summarise,
        tally,
    )
    from kfpl.diff.readable import left_out_json
    from kfpl.diff.validated import Shared

    folder = _folder(data)
    if folder is None:
        return None
    try:
        from kfpl.columnar.tables import columns_from_tables
        from kfpl.population_tables import TableError
    except ImportError:  # no pyarrow: CSV tables are read as dicts
        return None
    to_old, to_new = aliases_for(old, new)
    aliases = {**to_old, **to_new}
    old_v, new_v = Version(old, aliases), Version(new, aliases)
    old_v.reading(new_v)
    new_v.reading(old_v)
    union = Shared(old_v, new_v)  # what either version declares (it reads nothing here)
    try:
        cols = columns_from_tables(folder, union.inputs, union.measure_inputs)
    except TableError:  # refused by the union reading: each version's reader words it
        return None
    groups = _groups(cols, group_by)
    if groups is None:
        return None
    steps = attribution_steps(old, new, changes) if attribution else []
    readings: list[tuple[Columns, LeftOut]] = []
    for v in (old_v, new_v):
        got = project(cols, v, union.inputs)
        if got is None:
            return None
        readings.append(got)
    assert old_v.reader is not None and new_v.reader is not None
    old_v.reader.left_out.update(readings[0][1])
    new_v.reader.left_out.update(readings[1][1])
    canonical = to_new
    try:
        old_done = evaluate_columns(old_v.engine, readings[0][0])
        new_done = evaluate_columns(new_v.engine, readings[1][0])
        attributed = _attribute(
            cols, union.inputs, steps, (old_v, new_v), old_done, new_done, aliases
        )
    except (NeedsReference, _Declined):  # e.g. an amount beyond int64
        return None
    old_run, new_run = tally(old_done, canonical), tally(new_done, canonical)
    who = Who(
        [str(w) for w in cols.enterprise_id.words()],
        groups,
        cols.year.tolist(),
        _first_name(folder).startswith("合成"),
    )
    doc = summarise(who, old_run, new_run, attributed, str(data), old, new, to_new, group_by)
    doc["left_out"] = left_out_json(old_v.reader.left_out, new_v.reader.left_out)
    return doc
