"""Tables (CSV or Parquet) into ``Columns``, checked column by column (issue 13).

The tables' layout and the row-by-row reader are ``kfpl.population_tables``; this reader
gives the same ``Columns`` as that one followed by ``read_application`` and
``columns_from_applications`` (``reference_columns``), without an object per row:

1. the columns and the keys are checked as the row reader checks them, with its
   messages (the first bad row of the first table that has one);
2. each column is read once (Parquet: one column at a time) and encoded with pyarrow
   compute: a cell is *proven* when its form is one the application reader can only
   accept, with one value (money ``1234.50``: ASCII digits, at most two decimals, below
   10^15; ``true``/``false``; a member of the enum; a Parquet ``decimal128`` amount
   between 0 and 10^15 …). The checks of a whole application are columns too: its
   year, the measure of each claim, a fact given for a measure that does not read it
   (or an enterprise input given as a claim's fact), duplicate claim ids, how many
   claims and earlier awards it has;
3. an application with a cell or a check not proven (``30万``, `` 12``, a negative
   amount, an unknown column filled in) goes to the row reader: its message (naming
   the table, row and column) is the reference reader's own, and an odd but legal
   value gives the reference reader's value. Its columns are spliced back in order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from kfpl.columnar.columns import (
    HISTORY_NAMES,
    Codes,
    Columns,
    History,
    Ints,
    Past,
    Values,
    columns_from_applications,
)
from kfpl.columnar.splice import absent, splice
from kfpl.population_tables import (
    FIXED,
    KEYS,
    REQUIRED,
    TABLES,
    Origin,
    Table,
    TableError,
    applications,
    bad_key_year,
    check_header,
    empty_key,
    listed_twice,
    no_enterprise,
    open_parquet,
    read_tables,
    table_files,
    text_array,
    types_of,
)
from kfpl.runtime.application import (
    CLAIM_KEYS,
    MAX_CLAIMS,
    Application,
    ApplicationError,
    InputSpec,
    loads,
    read_application,
    read_value,
)

Bools = npt.NDArray[np.bool_]
MeasureInputs = Mapping[str, tuple[str, ...]]

# Forms the application reader can only accept, each with the value written (see
# ``read_money``'s own fast form, and ``read_scalar``); RE2 syntax, whole cell.
MONEY = r"^[0-9]{1,15}(\.[0-9]{1,2})?$"  # yuan, below 10^15, at most fen
RATE = r"^[0-9]{1,6}(\.[0-9]{1,10})?$"  # below 10^6, at most 10 decimals
COUNT = r"^[0-9]{1,15}$"
YEAR = r"^[1-9][0-9]{3}$"  # 1000–9999
DATE = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$"
WHOLE = r"^-?[0-9]{1,18}$"  # the year of a past record: any whole number
EPOCH_ORDINAL = 719_163  # date(1970, 1, 1).toordinal()
LIMITS = {  # (lowest, highest) of a Parquet integer cell proven valid, per input type
    "money": (0, 10**15),
    "count": (0, 10**15),
    "year": (1000, 9999),
    "rate": (0, 10**6),
}
SCALE = {"money": 100, "rate": 10**10, "count": 1, "year": 1}


def _pa() -> Any:
    import pyarrow as pa

    return pa


def _pc() -> Any:
    import pyarrow.compute as pc

    return pc


class _Unparsed(Exception):
    """pyarrow could not read a CSV table the csv module may read (or refuse with its
    own message): the whole population goes to the row reader."""


# --------------------------------------------------------------------------- the source


class Source:
    """The tables of one population, a column at a time."""

    def __init__(self, path: Path) -> None:
        self.folder, self.suffix = table_files(path)
        self.paths = {name: self.folder / f"{name}{self.suffix}" for name in TABLES}
        self.headers: dict[str, list[str]] = {}
        self.rows: dict[str, int] = {}
        self._csv: dict[str, Any] = {}
        self._parquet: dict[str, Any] = {}
        for name in TABLES:
            path = self.paths[name]
            if not path.exists():
                self.headers[name] = list(REQUIRED[name])
                self.rows[name] = 0
            elif self.suffix == ".csv":
                self._read_csv(name, path)
            else:
                file = open_parquet(name, path)
                self._parquet[name] = file
                self.headers[name] = list(file.schema_arrow.names)
                self.rows[name] = file.metadata.num_rows

    def _read_csv(self, name: str, path: Path) -> None:
        import pyarrow.csv as pcsv

        pa = _pa()
        try:
            data = path.read_bytes()  # read once: the header, the blank-line test, pyarrow
            text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
            header = next(csv.reader(text), [])  # the first record only is decoded
        except (UnicodeDecodeError, csv.Error, OSError):
            raise _Unparsed from None
        check_header(name, path, header)
        if b"\n\n" in data or b"\n\r\n" in data or b"\r\r" in data:
            # pyarrow skips a blank line the csv module counts as a row: the row reader
            # reads such a file, so that every message names the row a user sees.
            raise _Unparsed
        try:
            table = pcsv.read_csv(
                pa.py_buffer(data),
                # only a quoted cell can hold a line break; without quotes the parser
                # may split the file into blocks at any newline
                parse_options=pcsv.ParseOptions(newlines_in_values=b'"' in data),
                convert_options=pcsv.ConvertOptions(
                    column_types={c: pa.string() for c in header},
                    strings_can_be_null=True,
                    null_values=[""],
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowException, OSError):
            raise _Unparsed from None
        if list(table.schema.names) != header:
            raise _Unparsed
        self._csv[name] = table
        self.headers[name] = header
        self.rows[name] = table.num_rows

    def column(self, table: str, name: str) -> Any:
        """One column, all its rows, as pyarrow read it (typed, for Parquet)."""
        pa = _pa()
        if name not in self.headers[table]:
            return pa.nulls(self.rows[table], pa.string())
        if table in self._csv:
            return self._csv[table].column(name).combine_chunks()
        if table in self._parquet:
            column = self._parquet[table].read(columns=[name]).column(0).combine_chunks()
            if column.type == pa.uint64():
                # Values past int64 cannot be compared with Python ints by pyarrow: read
                # them as the row reader does, as their text.
                return column.cast(pa.string())
            return column
        return pa.nulls(0, pa.string())

    def has(self, table: str, name: str) -> bool:
        return name in self.headers[table]


# --------------------------------------------------------------------------- small tools


def _np_bool(arr: Any) -> Bools:
    out: Bools = _pc().fill_null(arr, False).to_numpy(zero_copy_only=False)
    return out.astype(np.bool_, copy=False)


def _given(arr: Any) -> Bools:
    """Where ``arr`` (one chunk) has a value: its validity bitmap, unpacked."""
    n = len(arr)
    bitmap = arr.buffers()[0]
    if not arr.null_count or bitmap is None:
        return np.full(n, arr.null_count == 0, dtype=np.bool_)  # all there, or all null
    bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
    out: Bools = bits[arr.offset : arr.offset + n].view(np.bool_)
    return out


def _np_int(arr: Any) -> Ints:
    pa = _pa()
    out: Ints = _pc().fill_null(arr.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)
    return out.astype(np.int64, copy=False)


def matches(text: Any, pattern: str) -> Bools:
    """Where each cell of ``text`` matches ``pattern`` (RE2), False where empty."""
    return _np_bool(_pc().match_substring_regex(text, pattern))


def _codes(text: Any) -> Codes:
    """Text as codes, the vocabulary in order of first appearance (what ``encode``
    gives), null: -1."""
    pc = _pc()
    encoded = text.dictionary_encode()
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    return Codes(codes.astype(np.int32, copy=False), encoded.dictionary.to_pylist())


def _small_grid(cells: int, rows: int) -> bool:
    """Whether an array of ``cells`` (a count or a lookup per key) costs no more than a
    few times the ``rows`` it replaces a sort of."""
    return cells <= 4 * rows + 1024


def _runs(text: Any) -> Ints:
    """Where each run of equal adjacent cells starts (a null is a run of its own)."""
    n = len(text)
    change = np.ones(n, dtype=np.bool_)
    if n > 1:
        change[1:] = _np_bool(_pc().not_equal(text.slice(1), text.slice(0, n - 1)))
        change[1:] |= ~_given(text.slice(1))
    out: Ints = np.flatnonzero(change)
    return out


def _codes_across(texts: Sequence[Any]) -> tuple[list[Ints], Any]:
    """Several text arrays as codes into one vocabulary (a pyarrow array: first
    appearance, in the order given; null: -1), one hash pass over them all. Only the
    first cell of each run of equal cells is hashed: the claims of one enterprise are
    usually listed together."""
    pa, pc = _pa(), _pc()
    starts = [_runs(t) for t in texts]
    heads = [
        t.take(pa.array(s)).cast(pa.large_string()) for t, s in zip(texts, starts, strict=True)
    ]
    encoded = pa.chunked_array(heads, pa.large_string()).dictionary_encode()
    if not encoded.num_chunks:
        return [np.zeros(0, dtype=np.int64) for _ in texts], pa.array([], pa.string())
    # pyarrow drops empty chunks and gives every chunk the final dictionary
    flat = np.concatenate(
        [pc.fill_null(c.indices, -1).to_numpy(zero_copy_only=False) for c in encoded.chunks]
    ).astype(np.int64, copy=False)
    codes = np.split(flat, np.cumsum([len(s) for s in starts])[:-1])
    return [
        np.repeat(c, np.diff(s, append=len(t)))
        for c, s, t in zip(codes, starts, texts, strict=True)
    ], encoded.chunks[-1].dictionary


def _decimal_units(arr: Any, ok: Bools, scale: int) -> Ints:
    """The unscaled values (units of 10^-scale) of a decimal array where ``ok`` (each
    proven below 2^62), 0 elsewhere: the low word of the 128-bit integer."""
    arr = arr.cast(_pa().decimal128(38, scale))
    low = np.frombuffer(arr.buffers()[1], dtype=np.int64)[::2][arr.offset : arr.offset + len(arr)]
    out: Ints = np.where(ok, low, 0)
    return out


def _take(arr: Any, order: Ints | None) -> Any:
    return arr if order is None else arr.take(_pa().array(order))


def _ordinal(text: Any, ok: Bools) -> tuple[Ints, Bools]:
    """Ordinals of ``YYYY-MM-DD`` cells where ``ok``, and where each is a calendar date."""
    pc = _pc()

    def part(start: int, stop: int) -> Ints:
        digits = pc.utf8_slice_codeunits(pc.if_else(ok, text, "1000-01-01"), start, stop)
        return _np_int(digits.cast(_pa().int64()))

    y, m, d = part(0, 4), part(5, 7), part(8, 10)
    valid = ok & (m >= 1) & (m <= 12) & (d >= 1)
    m = np.where(valid, m, 1)
    months = (y - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (m - 1)
    first = months.astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
    valid &= d <= length
    days = (first - np.datetime64("1970-01-01", "D")).astype(np.int64) + d - 1
    out: Ints = np.where(valid, days + EPOCH_ORDINAL, 0)
    return out, valid


# --------------------------------------------------------------------------- encoding


def encode(spec: InputSpec, arr: Any, path: str = "") -> tuple[Values, Bools]:
    """One input's column: its ``Values`` and where a cell is given but not proven
    (those rows' values are left neutral; their applications go to the row reader)."""
    pc = _pc()
    kind = spec.type
    if arr.null_count == len(arr):  # a column no row fills (an absent one reads so)
        return absent(kind, len(arr)), np.zeros(len(arr), dtype=np.bool_)
    native = _native(kind, arr)
    if native is not None:
        return native
    text = text_array(arr)
    present = _given(text)
    if 4 * int(present.sum()) < len(present):
        # A wide table's fact column is mostly empty (each measure reads a few facts):
        # the given cells are checked alone, then put back in their rows.
        rows = np.flatnonzero(present)
        given, bad = _encode_text(spec, pc.drop_null(text), present[rows], path)
        return _put_back(given, rows, present), _spread(bad, rows, len(present))
    return _encode_text(spec, text, present, path)


def _put_back(given: Values, rows: Ints, present: Bools) -> Values:
    """``given`` (the values of ``rows``) in a column of ``len(present)`` rows."""
    out = absent(given.type, len(present))
    if isinstance(given.data, Codes):
        out.data.codes[rows] = given.data.codes
        out.data.vocabulary = given.data.vocabulary
    else:
        out.data[rows] = given.data
    return Values(given.type, out.data, present)


def _encode_text(spec: InputSpec, text: Any, present: Bools, path: str) -> tuple[Values, Bools]:
    """``encode`` of a column as text (``present``: where a cell is given)."""
    pa, pc = _pa(), _pc()
    kind = spec.type
    n = len(text)
    if kind == "money":
        fen, ok = _money_text(text, present)
        return Values(kind, fen, present), present & ~ok
    if kind == "rate":
        ok = present & matches(text, RATE)
        decimal = pc.if_else(pa.array(ok), text, "0").cast(pa.decimal128(18, 10))
        return Values(kind, _decimal_units(decimal, ok, 10), present), present & ~ok
    if kind in ("count", "year"):
        ok = present & matches(text, COUNT if kind == "count" else YEAR)
        data = np.where(ok, _np_int(pc.if_else(pa.array(ok), text, "0").cast(pa.int64())), 0)
        return Values(kind, data, present), present & ~ok
    if kind == "bool":
        true = _np_bool(pc.equal(text, "true"))
        ok = true | _np_bool(pc.equal(text, "false"))
        return Values(kind, true, present), present & ~ok
    if kind == "date":
        data, ok = _ordinal(text, present & matches(text, DATE))
        return Values(kind, data, present), present & ~ok
    if kind == "text":
        return Values(kind, _codes(text), present), np.zeros(n, dtype=np.bool_)
    if kind == "enum":
        ok = present & _np_bool(pc.is_in(text, value_set=pa.array(list(spec.members))))
        kept = pc.if_else(pa.array(ok), text, pa.scalar(None, pa.string()))
        return Values(kind, _codes(kept), present), present & ~ok
    return _objects(spec, text, present, path)


# Amounts as the documents write them: yuan with 元, or 万 / 亿 with as many decimals as
# keep the fen exact, below 10^15 yuan. Each is read as a decimal of the unit whose
# smallest place is the fen (万 with 6 places, 亿 with 10), so its digits are the fen.
MONEY_FORMS = (
    (r"^[0-9]{1,15}(\.[0-9]{1,2})?元$", 1, 2),
    (r"^[0-9]{1,11}(\.[0-9]{1,6})?万$", 1, 6),
    (r"^[0-9]{1,7}(\.[0-9]{1,10})?亿$", 1, 10),
)


def _money_text(text: Any, present: Bools) -> tuple[Ints, Bools]:
    """Fen of the money cells in a proven form (``MONEY`` or ``MONEY_FORMS``), and where."""
    pa, pc = _pa(), _pc()
    ok = present & matches(text, MONEY)
    decimal = pc.if_else(pa.array(ok), text, "0").cast(pa.decimal128(18, 2))
    fen = _decimal_units(decimal, ok, 2)
    if not (present & ~ok).any():
        return fen, ok
    for pattern, suffix, places in MONEY_FORMS:
        form = present & ~ok & matches(text, pattern)
        if form.any():
            digits = pc.utf8_slice_codeunits(pc.if_else(pa.array(form), text, "0元"), 0, -suffix)
            units = _decimal_units(digits.cast(pa.decimal128(18, places)), form, places)
            fen = np.where(form, units, fen)
            ok |= form
    return fen, ok


def _native(kind: str, arr: Any) -> tuple[Values, Bools] | None:
    """A typed Parquet column whose values need no text: integers, bool, decimal money
    with at most two places, date32. Each proven value is the one its text gives."""
    pa, pc = _pa(), _pc()
    ty = arr.type
    present = _given(arr)
    if kind in LIMITS and pa.types.is_integer(ty):
        low, high = LIMITS[kind]
        ok = present & _np_bool(pc.and_(pc.greater_equal(arr, low), pc.less_equal(arr, high)))
        values = _np_int(pc.if_else(pa.array(ok), arr, pa.scalar(0, ty)))
        return Values(kind, values * SCALE[kind], present), present & ~ok
    if kind == "money" and pa.types.is_decimal128(ty) and ty.scale <= 2:
        # The 128-bit unscaled integers, read as two little-endian words: between 0 and
        # 10^15 yuan exactly where the high word is 0 and the low one in range.
        # Only the given cells are looked at (a wide table's fact column is mostly empty).
        n = len(arr)
        words = np.frombuffer(arr.buffers()[1], dtype="<i8").reshape(-1, 2)
        rows = np.flatnonzero(present)
        given = words[arr.offset : arr.offset + n][rows]
        units, high_word = given[:, 0], given[:, 1]
        good = (high_word == 0) & (units >= 0) & (units <= 10**15 * 10**ty.scale)
        fen = np.zeros(n, dtype=np.int64)
        fen[rows] = np.where(good, units * 10 ** (2 - ty.scale), 0)
        return Values(kind, fen, present), _spread(~good, rows, n)
    if kind == "bool" and pa.types.is_boolean(ty):
        return Values(kind, _np_bool(arr), present), np.zeros(len(arr), dtype=np.bool_)
    if kind == "date" and pa.types.is_date32(ty):
        days = _np_int(arr.cast(pa.int32()))
        ok = present & (days >= -354_285) & (days <= 2_932_896)  # 1000-01-01 … 9999-12-31
        return Values(kind, np.where(ok, days + EPOCH_ORDINAL, 0), present), present & ~ok
    return None


def _objects(spec: InputSpec, text: Any, present: Bools, path: str) -> tuple[Values, Bools]:
    """Sets and lists: JSON text, each cell read as the reference reader reads it (they
    are rare, and a record's values are Python objects in ``Columns`` anyway)."""
    n = len(text)
    data = np.full(n, None, dtype=object)
    bad = np.zeros(n, dtype=np.bool_)
    rows = np.flatnonzero(present)
    for row, cell in zip(rows.tolist(), text.take(_pa().array(rows)).to_pylist(), strict=True):
        try:
            data[row] = read_value(spec, loads(cell), path)
        except ApplicationError:
            bad[row] = True
    return Values(spec.type, data, present), bad


# --------------------------------------------------------------------------- keys


def _keys(source: Source, table: str) -> tuple[Any, Ints, Bools, Any]:
    """The enterprise ids (text) and years of a table's rows, the rows whose key is bad
    and the first problem's message in the order the row reader finds it (None)."""
    pa, pc = _pa(), _pc()
    id_col, year_col = KEYS[table]
    ids = text_array(source.column(table, id_col))
    raw_year = source.column(table, year_col)
    no_id = ~_given(ids)
    if pa.types.is_integer(raw_year.type):  # its text is digits where 0 ≤ year < 10^18
        no_year = ~_given(raw_year)
        fits = pc.and_(pc.greater_equal(raw_year, 0), pc.less(raw_year, 10**18))
        bad_year = ~no_year & ~_np_bool(fits)
    else:
        year_text = text_array(raw_year)
        no_year = ~_given(year_text)
        bad_year = ~no_year & ~matches(year_text, r"^[0-9]{1,18}$")
    bad = no_id | no_year | bad_year
    problem = None
    if bad.any():
        row = int(np.argmax(bad))
        path = source.paths[table]
        if no_id[row]:
            problem = empty_key(path, row + 1, id_col)
        elif no_year[row]:
            problem = empty_key(path, row + 1, year_col)
        else:
            problem = bad_key_year(path, row + 1, year_col, text_array(raw_year)[row].as_py())
    if pa.types.is_integer(raw_year.type):
        years = np.where(
            bad, 0, _np_int(pc.if_else(pa.array(bad), pa.scalar(0, raw_year.type), raw_year))
        )
    else:
        years = np.where(
            bad, 0, _np_int(pc.if_else(pa.array(bad), "0", year_text).cast(pa.int64()))
        )
    return ids, years, bad, problem


def _first(*found: tuple[int, TableError] | None) -> None:
    """Raise the problem of the earliest row (the row reader's first)."""
    real = [f for f in found if f is not None]
    if real:
        raise min(real, key=lambda f: f[0])[1]


class Keys:
    """Which application each row of each table belongs to (applications in enterprises
    order), checked as the row reader checks them.

    Every table's enterprise ids are encoded in one pass, the enterprises table's first:
    the first ``known`` codes are then exactly its distinct ids, and a row of another
    table belongs to the enterprise-year whose code and year it names. Where that grid
    is small enough it is a lookup array, else a sorted search."""

    def __init__(self, source: Source) -> None:
        keyed = {table: _keys(source, table) for table in TABLES}
        ids, years, bad, problem = keyed["enterprises"]
        self.ids = ids
        self.years = years
        codes, vocabulary = _codes_across([keyed[t][0] for t in TABLES])
        code = codes[0]
        known = int(code.max()) + 1 if len(code) else 0
        self.enterprise_id = Codes(code.astype(np.int32), vocabulary.slice(0, known).to_pylist())
        unique_years = np.unique(years)
        key = code * len(unique_years) + np.searchsorted(unique_years, years)
        order = np.argsort(key, kind="stable")
        repeat = np.zeros(len(key), dtype=np.bool_)
        repeat[order[1:]] = key[order[1:]] == key[order[:-1]]
        repeat &= ~bad
        found: list[tuple[int, TableError] | None] = []
        if problem is not None:
            found.append((int(np.argmax(bad)), problem))
        if repeat.any():
            row = int(np.argmax(repeat))
            first = int(np.argmax(key == key[row]))
            path = source.paths["enterprises"]
            found.append(
                (row, listed_twice(path, row + 1, ids[row].as_py(), int(years[row]), first + 1))
            )
        _first(*found)
        self.known = known
        self.unique_years = unique_years
        grid = known * len(unique_years)
        self.row_of: Ints | None = None
        if _small_grid(grid, len(key)):
            self.row_of = np.full(grid, -1, dtype=np.int64)
            self.row_of[key] = np.arange(len(key), dtype=np.int64)
        self.sorted_keys = key[order]
        self.sorted_rows = order
        self.apps: dict[str, Ints] = {}
        for table, table_codes in zip(TABLES[1:], codes[1:], strict=True):
            self.apps[table] = self._belong(source, table, keyed[table], table_codes)

    def _belong(
        self, source: Source, table: str, keyed: tuple[Any, Ints, Bools, Any], code: Ints
    ) -> Ints:
        ids, years, bad, problem = keyed
        place = np.searchsorted(self.unique_years, years)
        known = (code >= 0) & (code < self.known) & (place < len(self.unique_years))
        place = np.where(known, place, 0)
        if len(self.unique_years):
            known &= self.unique_years[place] == years
        key = np.where(known, code * len(self.unique_years) + place, 0)
        if self.row_of is not None:
            rows = self.row_of[key] if len(self.row_of) else np.full(len(key), -1)
            known &= rows >= 0
        else:
            at = np.searchsorted(self.sorted_keys, key)
            at_ok = at < len(self.sorted_keys)
            at = np.where(at_ok, at, 0)
            known &= at_ok & (self.sorted_keys[at] == key)
            rows = self.sorted_rows[at]
        missing = ~known & ~bad
        found: list[tuple[int, TableError] | None] = []
        if problem is not None:
            found.append((int(np.argmax(bad)), problem))
        if missing.any():
            row = int(np.argmax(missing))
            path = source.paths[table]
            enterprises = source.paths["enterprises"]
            found.append(
                (row, no_enterprise(path, row + 1, ids[row].as_py(), int(years[row]), enterprises))
            )
        _first(*found)
        apps: Ints = rows.astype(np.int64, copy=False)
        return apps


# --------------------------------------------------------------------------- the reader


def _order(apps: Ints) -> Ints | None:
    """Rows by application, stably (None: they already are)."""
    if len(apps) < 2 or bool(np.all(apps[1:] >= apps[:-1])):
        return None
    out: Ints = np.argsort(apps, kind="stable")
    return out


def _index_in_app(apps: Ints, n_apps: int) -> Ints:
    """Each row's position among its application's rows (rows sorted by application)."""
    counts = np.bincount(apps, minlength=n_apps)
    starts = np.cumsum(counts) - counts
    out: Ints = np.arange(len(apps), dtype=np.int64) - starts[apps]
    return out


def _spread(flags: Bools, apps: Ints, n_apps: int) -> Bools:
    out = np.zeros(n_apps, dtype=np.bool_)
    out[apps[flags]] = True
    return out


class Reader:
    def __init__(
        self, source: Source, inputs: Mapping[str, InputSpec], measure_inputs: MeasureInputs
    ) -> None:
        self.source = source
        self.inputs = inputs
        self.measure_inputs = measure_inputs
        self.keys = Keys(source)
        self.types = types_of(inputs.values())
        self.n_apps = source.rows["enterprises"]
        self.unproven = np.zeros(self.n_apps, dtype=np.bool_)

    def doubt(self, rows: Bools, apps: Ints | None = None) -> None:
        """The applications of ``rows`` go to the row reader."""
        if rows.any():
            self.unproven |= rows if apps is None else _spread(rows, apps, self.n_apps)

    def inputs_of(
        self, table: str, apps: Ints, order: Ints | None, readable: Any = None
    ) -> dict[str, Values]:
        """The input columns of a wide table (rows in ``order``)."""
        out = {}
        for column in self.source.headers[table]:
            if column in FIXED[table]:
                continue
            arr = _take(self.source.column(table, column), order)
            spec = self.inputs.get(column)
            fits = spec is not None and (
                spec.origin == "enterprise" if table == "enterprises" else spec.origin == "claim"
            )
            if table == "past":
                fits = spec is not None and spec.type != "list"
            if spec is None or not fits:
                self.doubt(_given(text_array(arr)), apps)
                continue
            values, bad = encode(spec, arr)
            if readable is not None:
                bad |= values.present & ~readable(column)
            self.doubt(bad, apps)
            if values.present.any():  # an input no row gives is not a column (as from objects)
                out[column] = values
        return out

    def columns(self) -> Columns:
        pc = _pc()
        n = self.n_apps
        year = self.keys.years
        self.doubt((year < 1000) | (year > 9999))
        enterprise = self.inputs_of("enterprises", np.arange(n, dtype=np.int64), None)
        app_date = self.date("enterprises", None)
        self.doubt(_outside(app_date, year))

        # Claims, in application order.
        claim_app = self.keys.apps["claims"]
        order = _order(claim_app)
        if order is not None:
            claim_app = claim_app[order]
        index = _index_in_app(claim_app, n)
        self.doubt(np.bincount(claim_app, minlength=n) > MAX_CLAIMS)
        measure_text = text_array(_take(self.source.column("claims", "measure"), order))
        known = _np_bool(pc.is_in(measure_text, value_set=_pa().array(list(self.measure_inputs))))
        self.doubt(~known, claim_app)
        measure = _codes(measure_text)
        del measure_text
        claim_id = self.claim_ids(order, claim_app, index)
        keys = {
            k: _codes(text_array(_take(self.source.column("claims", k), order))) for k in CLAIM_KEYS
        }
        reads = [set(self.measure_inputs.get(w, ())) for w in measure.vocabulary]

        def readable(column: str) -> Bools:
            lookup = np.array([column in r for r in reads] + [False], dtype=np.bool_)
            out: Bools = lookup[measure.codes]
            return out

        if self.source.has("claims", "facts"):
            facts_given = _given(text_array(self.source.column("claims", "facts")))
            self.doubt(facts_given[order] if order is not None else facts_given, claim_app)
        facts = self.inputs_of("claims", claim_app, order, readable)
        own_date = self.date("claims", order)
        self.doubt(_outside(own_date, year[claim_app]), claim_app)
        claim_date = Values(
            "date",
            np.where(own_date.present, own_date.data, app_date.data[claim_app]),
            own_date.present | app_date.present[claim_app],
        )

        history = self.history()
        past = self.past()
        counts = np.bincount(history.app, minlength=n) + np.bincount(past.app, minlength=n)
        self.doubt(counts > MAX_CLAIMS)
        cols = Columns(
            n_apps=n,
            year=year,
            enterprise_id=self.keys.enterprise_id,
            enterprise=enterprise,
            claim_app=claim_app,
            claim_index=index,
            claim_id=claim_id,
            measure=measure,
            keys=keys,
            facts=facts,
            history=history,
            past=past,
            app_date=app_date,
            claim_date=claim_date,
        )
        if self.unproven.any():
            cols = self.by_rows(cols)
        cols.where = RowNames(self.source.paths["enterprises"], self.keys.ids, year)
        return cols

    def date(self, table: str, order: Ints | None) -> Values:
        spec = InputSpec("date", "date")
        values, bad = encode(spec, _take(self.source.column(table, "date"), order))
        apps = np.arange(self.n_apps) if table == "enterprises" else self.keys.apps[table]
        if order is not None:
            apps = apps[order]
        self.doubt(bad, apps)
        return values

    def claim_ids(self, order: Ints | None, claim_app: Ints, index: Ints) -> Codes:
        """Claim ids, ``claim-N`` where none is written; an application naming one
        twice goes to the row reader (its message)."""
        pa = _pa()
        text = text_array(_take(self.source.column("claims", "id"), order))
        unnamed = np.flatnonzero(~_given(text))
        if len(unnamed):
            words = text.to_pylist()
            for row in unnamed.tolist():
                words[row] = f"claim-{int(index[row]) + 1}"
            text = pa.array(words, pa.string())
        ids = _codes(text)
        words = len(ids.vocabulary)
        if len(ids.codes) < 2 or words == len(ids.codes):
            return ids  # no id written twice anywhere
        if _small_grid(words * self.n_apps, len(ids.codes)):  # few ids (c1, c2 …): count
            pair = claim_app * words + ids.codes
            twice = np.flatnonzero(np.bincount(pair, minlength=words * self.n_apps) > 1)
            self.doubt(_spread(np.ones(len(twice), dtype=np.bool_), twice // words, self.n_apps))
            return ids
        by = np.lexsort((ids.codes, claim_app))
        same = (claim_app[by][1:] == claim_app[by][:-1]) & (ids.codes[by][1:] == ids.codes[by][:-1])
        self.doubt(same, claim_app[by][1:])
        return ids

    def history(self) -> History:
        pa, pc = _pa(), _pc()
        apps = self.keys.apps["history"]
        order = _order(apps)
        if order is not None:
            apps = apps[order]

        def column(name: str) -> Any:
            return _take(self.source.column("history", name), order)

        measure_text = text_array(column("measure"))
        known = _np_bool(pc.is_in(measure_text, value_set=pa.array(list(self.measure_inputs))))
        self.doubt(~known, apps)
        year, bad_year = encode(InputSpec("year", "year"), column("year"))
        self.doubt(bad_year | ~year.present, apps)
        amount, bad_amount = encode(InputSpec("amount", "money"), column("amount"))
        self.doubt(bad_amount | ~amount.present, apps)
        step, bad_step = encode(InputSpec("step", "money"), column("step"))
        self.doubt(bad_step, apps)
        return History(
            app=apps,
            measure=_codes(measure_text),
            year=year.data,
            amount=amount.data,
            keys={k: _codes(text_array(column(k))) for k in HISTORY_NAMES},
            step=np.where(step.present, step.data, -1),
        )

    def past(self) -> Past:
        pa, pc = _pa(), _pc()
        apps = self.keys.apps["past"]
        order = _order(apps)
        if order is not None:
            apps = apps[order]
        raw = _take(self.source.column("past", "year"), order)
        if pa.types.is_integer(raw.type) and raw.type != pa.uint64():
            ok = _given(raw)
            year = _np_int(raw)
        else:
            text = text_array(raw)
            ok = matches(text, WHOLE)
            year = np.where(ok, _np_int(pc.if_else(pa.array(ok), text, "0").cast(pa.int64())), 0)
        self.doubt(~ok, apps)
        if self.source.has("past", "facts"):
            given = _given(text_array(_take(self.source.column("past", "facts"), order)))
            self.doubt(given, apps)
        return Past(app=apps, year=year, facts=self.inputs_of("past", apps, order))

    def by_rows(self, cols: Columns) -> Columns:
        """``cols`` with the applications not proven read by the row reader."""
        doubted = np.flatnonzero(self.unproven)
        return splice(
            cols,
            doubted,
            read_population(self.tables_of(doubted), self.inputs, self.measure_inputs),
        )

    def tables_of(self, apps: Ints) -> dict[str, Table]:
        """The rows of the applications ``apps`` (positions), as the row reader sees them."""
        chosen = np.zeros(self.n_apps, dtype=np.bool_)
        chosen[apps] = True
        tables = {}
        for name in TABLES:
            rows = np.arange(self.n_apps) if name == "enterprises" else self.keys.apps[name]
            tables[name] = self.table(name, np.flatnonzero(chosen[rows]))
        return tables

    def applications(self, apps: Sequence[int]) -> list[Application]:
        """The applications at ``apps`` (positions, ascending) as the reference reader's
        objects: for what the columnar engine leaves to the reference evaluator."""
        data, _ = applications(self.tables_of(np.array(apps, dtype=np.int64)), self.types)
        return [read_application(d, dict(self.inputs), dict(self.measure_inputs)) for d in data]

    def table(self, name: str, rows: Ints) -> Table:
        """Rows of a table as the row reader sees them (text cells)."""
        header = self.source.headers[name]
        cells = [
            [
                "" if v is None else v
                for v in text_array(self.source.column(name, c)).take(_pa().array(rows)).to_pylist()
            ]
            for c in header
        ]
        numbered = (
            [
                (int(row) + 1, list(row_cells))
                for row, row_cells in zip(rows.tolist(), zip(*cells, strict=True), strict=True)
            ]
            if cells
            else []
        )
        return Table(name, self.source.paths[name], header, numbered)


def _outside(dates: Values, years: Ints) -> Bools:
    """Where a date is given and falls outside the year of its application."""
    if not dates.present.any():
        return dates.present
    out: Bools = dates.present & (_year_of(dates.data) != years)
    return out


def _year_of(ordinals: Ints) -> Ints:
    days = (ordinals - EPOCH_ORDINAL).astype("datetime64[D]")
    out: Ints = days.astype("datetime64[Y]").astype(np.int64) + 1970
    return out


class RowNames(Sequence[str]):
    """Where each application came from (``enterprises.csv row 3 (enterprise E1,
    2022)``), made when asked for: a million strings would cost more than the columns."""

    def __init__(self, path: Path, ids: Any, years: Ints) -> None:
        self.path, self.ids, self.years = path, ids, years

    def __len__(self) -> int:
        return len(self.years)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return f"{self.path} row {i + 1} (enterprise {self.ids[i].as_py()}, {self.years[i]})"

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self)))


# --------------------------------------------------------------------------- entry points


def read_population(
    tables: Mapping[str, Table],
    inputs: Mapping[str, InputSpec],
    measure_inputs: MeasureInputs,
) -> Columns:
    """The row reader: each application's rows into the JSON model, through
    ``read_application`` (its message located in the tables), into columns."""
    apps, origins = applications(tables, types_of(inputs.values()))
    read = []
    for data, origin in zip(apps, origins, strict=True):
        try:
            read.append(read_application(data, dict(inputs), dict(measure_inputs)))
        except ApplicationError as exc:
            raise TableError(origin.locate(exc)) from exc
    cols = columns_from_applications(read, dict(inputs))
    cols.where = [o.where for o in origins]
    return cols


def reference_columns(
    path: str | Path, inputs: Mapping[str, InputSpec], measure_inputs: MeasureInputs
) -> Columns:
    """The population at ``path`` read row by row (the csv module for CSV): what
    ``columns_from_tables`` must equal, and what it falls back to."""
    return read_population(read_tables(Path(path)), inputs, measure_inputs)


def columns_from_tables(
    path: str | Path, inputs: Mapping[str, InputSpec], measure_inputs: MeasureInputs
) -> Columns:
    """The population of the tables at ``path`` (a folder, or one of its tables) as
    validated columns; ``TableError`` (naming the table, row and column, in both
    languages) where the reference reader refuses it."""
    return read_columns(path, inputs, measure_inputs)[0]


def read_columns(
    path: str | Path, inputs: Mapping[str, InputSpec], measure_inputs: MeasureInputs
) -> tuple[Columns, Callable[[Sequence[int]], list[Application]]]:
    """``columns_from_tables``, and how to read some of its applications as objects
    (positions → ``Application``) for the reference evaluator."""
    try:
        source = Source(Path(path))
    except _Unparsed:
        tables = read_tables(Path(path))
        cols = read_population(tables, inputs, measure_inputs)

        def objects(apps: Sequence[int]) -> list[Application]:
            data, _ = applications(tables, types_of(inputs.values()))
            return [read_application(data[i], dict(inputs), dict(measure_inputs)) for i in apps]

        return cols, objects
    reader = Reader(source, inputs, measure_inputs)
    return reader.columns(), reader.applications


__all__ = ["Origin", "columns_from_tables", "matches", "reference_columns"]
