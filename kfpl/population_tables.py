"""A population as tables (CSV or Parquet): the layout, and the reader that turns each
application's rows into the JSON model, row by row (the reference path).

The layout (documented for users in examples/population/README.md, in both languages):

* ``enterprises``: ``id``, ``name``, ``year``, optionally ``date`` (the application's
  date), then one column per enterprise input: one row per enterprise and year, that is
  one application;
* ``claims``: ``enterprise``, ``year`` (which application), ``id``, ``measure``,
  ``project``, ``product``, optionally ``date``, then one column per claim fact, named
  after the input. Older files hold a claim's facts in one ``facts`` column, a JSON
  object; they are still read (by this reader only), but not both forms in one table;
* ``history``: ``enterprise``, ``application_year``, ``measure``, ``year``, ``amount``,
  ``project``, ``product``, ``level``, ``step``: awards already paid;
* ``past``: ``enterprise``, ``application_year``, ``year``, then one column per fact (or
  the older ``facts`` column): facts of earlier years (首次).

An empty cell (or null) is a fact not given: missing, never zero. Cells hold what the
JSON model holds: money in yuan as written in an application (``1234567.89``, ``30万``),
bool ``true`` / ``false``, a set or a list as JSON text (``["green","smart"]``,
``[{"price":"150000"}]``). Parquet columns may be typed instead: integers, bool,
``decimal128`` (money), ``date32``; floating point is refused (money would lose fen).

Both readers check what is not one application's (the columns; every row naming an
enterprise and year that enterprises has; each enterprise and year once) here, with
the same messages; then every application goes through
``kfpl.runtime.application.read_application``, whose message for a bad row is turned
into the table, row and column it came from (``locate``).
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from kfpl.runtime.application import ApplicationError, loads
from kfpl.runtime.bilingual import Text

TABLES = ("enterprises", "claims", "history", "past")
# Columns of each table that are not an input's (a wide table's other columns are).
FIXED: dict[str, tuple[str, ...]] = {
    "enterprises": ("id", "name", "year", "date"),
    "claims": ("enterprise", "year", "id", "measure", "project", "product", "date", "facts"),
    "history": (
        *("enterprise", "application_year", "measure", "year", "amount"),
        *("project", "product", "level", "step"),
    ),
    "past": ("enterprise", "application_year", "year", "facts"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "enterprises": ("id", "year"),
    "claims": ("enterprise", "year", "measure"),
    "history": ("enterprise", "application_year", "measure", "year", "amount"),
    "past": ("enterprise", "application_year", "year"),
}
# The application a row belongs to: (enterprise id column, year column).
KEYS: dict[str, tuple[str, str]] = {
    "enterprises": ("id", "year"),
    "claims": ("enterprise", "year"),
    "history": ("enterprise", "application_year"),
    "past": ("enterprise", "application_year"),
}
WIDE = ("enterprises", "claims", "past")  # one column per input beside the fixed ones
CLAIM_CELLS = ("id", "measure", "project", "product", "date")
HISTORY_CELLS = ("measure", "year", "amount", "project", "product", "level", "step")
# A year that is a key (which application a row belongs to): ASCII digits, or a Parquet
# integer. Other years (an award's, a past record's) are the application reader's to judge.
KEY_YEAR = re.compile(r"[0-9]{1,18}", re.ASCII)
WHOLE = re.compile(r"-?[0-9]{1,18}", re.ASCII)


class TableError(ValueError):
    """Tables that cannot be read as a population (exit 2); ``words`` in both languages,
    ``str()`` the English."""

    def __init__(self, words: Text) -> None:
        super().__init__(words.en)
        self.words = words


@dataclass
class Table:
    """One table as text cells ("" where empty or null), rows numbered from 1."""

    name: str
    path: Path
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def column(self, name: str) -> int | None:
        return self.at.get(name)

    @cached_property
    def at(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.header)}

    @cached_property
    def fact_columns(self) -> list[tuple[int, str]]:
        """(position, name) of the columns that hold an input."""
        return [(i, c) for i, c in enumerate(self.header) if c not in FIXED[self.name]]

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(self.header)


def table_files(path: Path) -> tuple[Path, str]:
    """The folder of tables and their suffix (``.csv`` or ``.parquet``), from a folder or
    one of its tables."""
    folder = path if path.is_dir() else path.parent
    for suffix in (".csv", ".parquet"):
        if (folder / f"enterprises{suffix}").exists() and (path.is_dir() or path.suffix == suffix):
            return folder, suffix
    raise TableError(
        Text(
            f"{folder}：应有 `enterprises.csv`（及 `claims.csv`、`history.csv`、`past.csv`）或同名的 Parquet 表",
            f"{folder}: expected enterprises.csv (and claims.csv, history.csv, past.csv) "
            "or .parquet tables",
        )
    )


# --------------------------------------------------------------------------- the columns


def check_header(name: str, path: Path, header: list[str]) -> None:
    """The columns of a table: each once, the required ones there, no column a table of
    its kind cannot hold. In a wide table a column that is not fixed names an input; one
    the policy set does not declare is refused by the application reader where a row
    fills it (the policy a revision adds may declare it)."""
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise TableError(
                Text(f"{path}：列 {column} 出现两次", f"{path}: column {column} appears twice")
            )
        seen.add(column)
    for column in REQUIRED[name]:
        if column not in seen:
            raise TableError(Text(f"{path}：缺少列 {column}", f"{path}: no column {column}"))
    if name not in WIDE:
        for column in header:
            if column not in FIXED[name]:
                expected = ", ".join(FIXED[name])
                near = difflib.get_close_matches(column, FIXED[name], n=1)
                hint = (
                    Text(f"（是否应为 {near[0]}？）", f" (did you mean {near[0]}?)")
                    if near
                    else Text.same("")
                )
                raise TableError(
                    Text(
                        f"{path}：未知列 {column}{hint.zh}；应为 {'、'.join(FIXED[name])}",
                        f"{path}: unknown column {column}{hint.en}; expected {expected}",
                    )
                )
    elif "facts" in seen:
        wide = [c for c in header if c not in FIXED[name]]
        if wide:
            raise TableError(
                Text(
                    f"{path}：既有 `facts` 列（旧格式：事实写成一个 JSON 对象），又有事实列 {wide[0]}；"
                    "请只用一种",
                    f"{path}: both a facts column (the older layout: facts as one JSON object) "
                    f"and fact columns ({wide[0]}); use one or the other",
                )
            )


# Arrow types a table column may have (floating point is refused: money would lose fen).
def arrow_type_problem(path: Path, column: str, type_text: str) -> TableError | None:
    if type_text in ("float", "double", "halffloat") or type_text.startswith("float"):
        return TableError(
            Text(
                f"{path}：列 {column} 是浮点数；金额请存为 `decimal128` 或文字，以免丢失分",
                f"{path}: column {column} is floating point; store money as decimal128 or "
                "text so no fen is lost",
            )
        )
    plain = ("string", "large_string", "bool", "date32[day]", "null")
    if type_text in plain or re.fullmatch(
        r"u?int(8|16|32|64)|decimal(128|256)\(\d+, \d+\)", type_text
    ):
        return None
    return TableError(
        Text(
            f"{path}：列 {column} 的类型 `{type_text}` 无法读取（可用文字、整数、布尔、`decimal128`、`date32`）",
            f"{path}: column {column} has type {type_text}; kfpl reads text, integers, bool, "
            "decimal128 and date32",
        )
    )


# --------------------------------------------------------------------------- the keys


def empty_key(path: Path, row: int, column: str) -> TableError:
    return TableError(
        Text(
            f"{path} 第 {row} 行：{column} 为空（每一行都要写明企业和年度）",
            f"{path} row {row}: {column} is empty (every row names its enterprise and year)",
        )
    )


def bad_key_year(path: Path, row: int, column: str, cell: str) -> TableError:
    return TableError(
        Text(
            f"{path} 第 {row} 行，{column}：应为年份（如 2021），实际为 {cell!r}",
            f"{path} row {row}, {column}: expected a year such as 2021, got {cell!r}",
        )
    )


def listed_twice(path: Path, row: int, ident: str, year: int, first: int) -> TableError:
    return TableError(
        Text(
            f"{path} 第 {row} 行：企业 {ident} 的 {year} 年度已在第 {first} 行列出（每个企业每年一行）",
            f"{path} row {row}: enterprise {ident} in {year} is already listed in row {first} "
            "(one row per enterprise and year)",
        )
    )


def no_enterprise(path: Path, row: int, ident: str, year: int, enterprises: Path) -> TableError:
    return TableError(
        Text(
            f"{path} 第 {row} 行：企业 {ident} 的 {year} 年度在 {enterprises.name} 中没有对应行",
            f"{path} row {row}: enterprise {ident} in {year} has no row in {enterprises.name}",
        )
    )


def row_key(table: Table, row: int, cells: list[str]) -> tuple[str, int]:
    """The (enterprise, year) a row names, or the refusal of its key cells."""
    id_col, year_col = KEYS[table.name]
    ident = cells[table.header.index(id_col)]
    year = cells[table.header.index(year_col)]
    if ident == "":
        raise empty_key(table.path, row, id_col)
    if year == "":
        raise empty_key(table.path, row, year_col)
    if not KEY_YEAR.fullmatch(year):
        raise bad_key_year(table.path, row, year_col, year)
    return ident, int(year)


# --------------------------------------------------------------------------- reading


def read_tables(path: Path) -> dict[str, Table]:
    """Every table of the population at ``path`` as text cells (no pyarrow needed for
    CSV), after the checks of ``check_header``."""
    folder, suffix = table_files(path)
    out = {}
    for name in TABLES:
        file = folder / f"{name}{suffix}"
        if not file.exists():
            out[name] = Table(name, file, list(REQUIRED[name]))  # an absent table: no rows
            continue
        out[name] = read_csv(name, file) if suffix == ".csv" else read_parquet(name, file)
    return out


def read_csv(name: str, path: Path) -> Table:
    table = Table(name, path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            table.header = next(reader, [])
            check_header(name, path, table.header)
            width = len(table.header)
            for number, cells in enumerate(reader, 1):
                if not cells:
                    continue  # a blank line is no row (the csv module skips none itself)
                if len(cells) != width:
                    raise TableError(
                        Text(
                            f"{path} 第 {number} 行：有 {len(cells)} 格，表头有 {width} 列",
                            f"{path} row {number}: {len(cells)} cells, the header has {width}",
                        )
                    )
                table.rows.append((number, cells))
    except UnicodeDecodeError as exc:
        raise TableError(
            Text(
                f"{path}：不是 UTF-8 文字（第 {exc.start} 字节）",
                f"{path}: not UTF-8 text (byte {exc.start})",
            )
        ) from None
    except csv.Error as exc:
        raise TableError(
            Text(f"{path}：不是可读取的 `CSV`（{exc}）", f"{path}: not readable as CSV ({exc})")
        ) from None
    except OSError as exc:
        raise TableError(
            Text(f"{path}：无法读取（{exc.strerror}）", f"{path}: cannot read: {exc.strerror}")
        ) from None
    return table


def text_array(arr: Any) -> Any:
    """A pyarrow column as the text cells a CSV table holds (null where empty): text as
    it is, bool ``true``/``false``, integers and decimals in digits, dates ISO. Both
    readers see a Parquet cell through this, so they see the same text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.cast(pa.string())
    empty = pc.equal(pc.binary_length(arr), 0)
    if not pc.any(empty).as_py():  # the usual column: nothing to blank out
        return arr
    return pc.if_else(empty, pa.scalar(None, arr.type), arr)


def open_parquet(name: str, path: Path) -> Any:
    """The Parquet file of a table, its columns checked."""
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise TableError(
            Text(
                "读取 Parquet 表需要 `pyarrow`（`pip install pyarrow`）；`CSV` 表和 JSON 行不需要",
                "reading Parquet tables needs pyarrow (pip install pyarrow); CSV tables and "
                "JSON lines need nothing",
            )
        ) from exc
    try:
        file = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own kinds for a file that is not Parquet
        raise TableError(
            Text(
                f"{path}：不是可读取的 Parquet 文件（{exc}）",
                f"{path}: not readable as Parquet ({exc})",
            )
        ) from None
    schema = file.schema_arrow
    check_header(name, path, list(schema.names))
    for column in schema:
        problem = arrow_type_problem(path, column.name, str(column.type))
        if problem is not None:
            raise problem
    return file


def read_parquet(name: str, path: Path) -> Table:
    file = open_parquet(name, path)
    data = file.read()
    header = list(data.schema.names)
    columns = [
        ["" if v is None else v for v in text_array(data.column(c).combine_chunks()).to_pylist()]
        for c in header
    ]
    rows = [(i + 1, list(cells)) for i, cells in enumerate(zip(*columns, strict=True))]
    return Table(name, path, header, rows)


# --------------------------------------------------------------------------- applications


@dataclass(frozen=True)
class Origin:
    """The rows one application came from, to name them in a message."""

    ident: str
    year: int
    enterprises: tuple[Path, int]
    claims: tuple[Path, tuple[int, ...], frozenset[str]]  # file, rows, its columns
    history: tuple[Path, tuple[int, ...]]
    past: tuple[Path, tuple[int, ...], frozenset[str]]

    @property
    def where(self) -> str:
        path, row = self.enterprises
        return f"{path} row {row} (enterprise {self.ident}, {self.year})"

    def locate(self, exc: ApplicationError) -> Text:
        """The reader's message for this application, naming the table, row and column
        (or field within a cell) instead of the JSON path."""
        path, row, column = self._place(exc.path)
        who = Text(f"企业 {self.ident}，{self.year} 年", f"enterprise {self.ident}, {self.year}")
        at_zh = f"{path} 第 {row} 行（{who.zh}）" if row else f"{path}（{who.zh}）"
        at_en = f"{path} row {row} ({who.en})" if row else f"{path} ({who.en})"
        if column:
            return Text(f"{at_zh}，{column}：{exc.words.zh}", f"{at_en}, {column}: {exc.words.en}")
        return Text(f"{at_zh}：{exc.words.zh}", f"{at_en}: {exc.words.en}")

    def _place(self, json_path: str) -> tuple[Path, int, str]:
        found = re.fullmatch(r"(claims|history)(?:\[(\d+)\])?\.?(.*)", json_path)
        if found is None:  # year, date, enterprise.<field>
            rest = json_path.removeprefix("enterprise").removeprefix(".")
            return self.enterprises[0], self.enterprises[1], rest or json_path
        key, index, rest = found.group(1), found.group(2), found.group(3)
        if key == "claims":
            file, rows, columns = self.claims
        elif index is not None and int(index) >= len(self.history[1]):
            file, rows, columns = self.past
            index = str(int(index) - len(self.history[1]))
        else:
            file, rows, columns = (*self.history, frozenset())
        if index is None:
            return file, 0, ""
        if rest.startswith("facts."):
            fact = rest.removeprefix("facts.")
            if fact.split("[")[0].split(".")[0] in columns:
                rest = fact  # a column of its own; else a field of the facts column's JSON
        return file, rows[int(index)], rest


def cell_value(type_name: str | None, cell: str) -> Any:
    """A cell as the JSON model holds it (the reader judges it): bool and the JSON of
    sets and lists are decoded; every other type stays text, which the reader parses as
    it parses text in JSON (``"30万"``, ``"12"``). A set or list cell that is not JSON
    stays text too, so the reader refuses it with the field's name."""
    if type_name == "bool" or type_name is None:
        if cell in ("true", "false"):
            return cell == "true"
        return cell
    if type_name in ("set", "list"):
        try:
            return loads(cell)
        except ApplicationError:
            return cell
    return cell


def _facts(table: Table, cells: list[str], types: Mapping[str, str]) -> dict[str, Any]:
    return {
        column: cell_value(types.get(column), cells[i])
        for i, column in table.fact_columns
        if cells[i] != ""
    }


def _json_facts(table: Table, cells: list[str]) -> Any:
    at = table.column("facts")
    if at is None or cells[at] == "":
        return None
    try:
        return loads(cells[at])
    except ApplicationError:
        return cells[at]  # not JSON: the reader refuses it as "expected an object of facts"


def applications(
    tables: Mapping[str, Table], types: Mapping[str, str]
) -> tuple[list[dict[str, Any]], list[Origin]]:
    """The applications of the tables, in enterprises order, each with its origin.
    ``types``: input name -> its type (money … enum, set, list), to decode cells."""
    index: dict[tuple[str, int], int] = {}
    enterprises = tables["enterprises"]
    first_row: dict[tuple[str, int], int] = {}
    for row, cells in enterprises.rows:
        key = row_key(enterprises, row, cells)
        if key in first_row:
            raise listed_twice(enterprises.path, row, key[0], key[1], first_row[key])
        first_row[key] = row
        index[key] = len(index)
    belongs: dict[str, list[int]] = {}
    for name in TABLES[1:]:
        table = tables[name]
        apps_of = belongs[name] = []
        for row, cells in table.rows:
            key = row_key(table, row, cells)
            if key not in index:
                raise no_enterprise(table.path, row, key[0], key[1], enterprises.path)
            apps_of.append(index[key])
    apps: list[dict[str, Any]] = []
    rows_of: dict[str, list[list[int]]] = {name: [[] for _ in index] for name in TABLES[1:]}
    for name in TABLES[1:]:
        for (row, _), app in zip(tables[name].rows, belongs[name], strict=True):
            rows_of[name][app].append(row)
    by_number = {name: dict(tables[name].rows) for name in TABLES[1:]}
    origins = []
    for (row, cells), (key, app) in zip(enterprises.rows, index.items(), strict=True):
        apps.append(
            _application(
                tables,
                types,
                cells,
                {name: [by_number[name][r] for r in rows_of[name][app]] for name in TABLES[1:]},
            )
        )
        origins.append(
            Origin(
                key[0],
                key[1],
                (enterprises.path, row),
                (
                    tables["claims"].path,
                    tuple(rows_of["claims"][app]),
                    tables["claims"].names,
                ),
                (tables["history"].path, tuple(rows_of["history"][app])),
                (
                    tables["past"].path,
                    tuple(rows_of["past"][app]),
                    tables["past"].names,
                ),
            )
        )
    return apps, origins


def _application(
    tables: Mapping[str, Table],
    types: Mapping[str, str],
    cells: list[str],
    rows: Mapping[str, list[list[str]]],
) -> dict[str, Any]:
    ent_table = tables["enterprises"]
    enterprise: dict[str, Any] = {}
    app: dict[str, Any] = {}
    for column, cell in zip(ent_table.header, cells, strict=True):
        if column == "year":
            app["year"] = int(cell)
        elif column == "date":
            if cell != "":
                app["date"] = cell
        elif column in ("id", "name"):
            enterprise[column] = cell
        elif cell != "":
            enterprise[column] = cell_value(types.get(column), cell)
    enterprise.setdefault("name", "")
    app["enterprise"] = enterprise
    claims_table = tables["claims"]
    app["claims"] = [_claim(claims_table, types, c) for c in rows["claims"]]
    history_table = tables["history"]
    history: list[dict[str, Any]] = []
    for c in rows["history"]:
        prior: dict[str, Any] = {
            k: v for k, v in zip(history_table.header, c, strict=True) if v != ""
        }
        prior = {k: prior[k] for k in HISTORY_CELLS if k in prior}
        if "year" in prior and WHOLE.fullmatch(prior["year"]):
            prior["year"] = int(prior["year"])
        history.append(prior)
    past_table = tables["past"]
    for c in rows["past"]:
        year = c[past_table.at["year"]]
        record: dict[str, Any] = {}
        if year != "":
            record["year"] = int(year) if WHOLE.fullmatch(year) else year
        given = _json_facts(past_table, c)
        record["facts"] = given if given is not None else _facts(past_table, c, types)
        history.append(record)
    app["history"] = history
    return app


def _claim(table: Table, types: Mapping[str, str], cells: list[str]) -> dict[str, Any]:
    claim: dict[str, Any] = {}
    for key in CLAIM_CELLS:
        at = table.column(key)
        if at is not None and cells[at] != "":
            claim[key] = cells[at]
    given = _json_facts(table, cells)
    claim["facts"] = given if given is not None else _facts(table, cells, types)
    return claim


def types_of(inputs: Iterable[Any]) -> dict[str, str]:
    """Input name -> type (money … enum, set, list), from InputSpecs or InputDecls."""
    from kfpl.model import BUILTIN_TYPES
    from kfpl.syntax import nodes as n

    out = {}
    for spec in inputs:
        ty = spec.type
        if isinstance(ty, str):
            out[spec.name] = ty
        elif isinstance(ty, n.SetType):
            out[spec.name] = "set"
        elif isinstance(ty, n.ListType):
            out[spec.name] = "list"
        elif isinstance(ty, n.NamedType):
            out[spec.name] = ty.name if ty.name in BUILTIN_TYPES else "enum"
    return out
