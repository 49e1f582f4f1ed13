"""Hostile tables: what a user might hand ``kfpl batch FOLDER`` and ``kfpl diff --impact
FOLDER``, read column by column (``columns_from_tables``) and row by row
(``reference_columns``, ``--engine reference``, the impact's dict path). Each gives the
same columns, or the same refusal (exit 2, naming the table, row and column), never a
traceback, and nothing written on a refusal.

tests/test_columns_from_tables.py draws cell forms (money, rates, dates, enums …) and
the usual faults; this file adds what it does not draw: the CSV file itself (BOM, line
ends, blank lines, quotes, encodings, long cells), Parquet column types beyond the
written ones, empty and absent tables, and the CLI end to end.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import POLICIES, ROOT
from test_columns_from_tables import assert_agree, tables_with, write_csv, write_parquet

from kfpl.cli.main import main

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

REVISION = ROOT / "examples" / "revision-2023"


def edit_parquet(folder: Path, table: str, column: str, make: Any) -> None:
    """Replace (or add) one column of a typed Parquet table: ``make(old column, rows)``."""
    path = folder / f"{table}.parquet"
    data = pq.read_table(path)
    at = data.schema.get_field_index(column)
    old = data.column(column).combine_chunks() if at >= 0 else pa.nulls(data.num_rows)
    new = make(old, data.num_rows)
    data = data.set_column(at, column, new) if at >= 0 else data.append_column(column, new)
    pq.write_table(data, path)


def refusal(outcome: Any) -> str:
    assert not hasattr(outcome, "n_apps"), "read, where a refusal was expected"
    return str(outcome.en)


# --------------------------------------------------------------------------- the CSV file


def csv_folder(tmp_path: Path, change: Any) -> Path:
    """``tables_with()`` as CSV (the csv module's CRLF line ends), then ``change``d."""
    write_csv(tables_with(), tmp_path)
    change(tmp_path)
    return tmp_path


def rewrite(table: str, change: Any) -> Any:
    def apply(folder: Path) -> None:
        path = folder / f"{table}.csv"
        path.write_bytes(change(path.read_bytes()))

    return apply


READ_ALIKE = {
    "a byte-order mark": rewrite("enterprises", lambda b: b"\xef\xbb\xbf" + b),
    "LF line ends": rewrite("claims", lambda b: b.replace(b"\r\n", b"\n")),
    "CR line ends": rewrite("claims", lambda b: b.replace(b"\r\n", b"\r")),
    "mixed line ends": rewrite("enterprises", lambda b: b.replace(b"\r\n", b"\n", 1)),
    "a quoted newline in a name": rewrite("enterprises", lambda b: b.replace("甲".encode(), b'"a\nb"')),
    "a quote inside a cell": rewrite("enterprises", lambda b: b.replace("甲".encode(), b'a"b')),
    "a quoted cell followed by text": rewrite("enterprises", lambda b: b.replace("甲".encode(), b'"a"b')),
    "a NUL byte in a name": rewrite("enterprises", lambda b: b.replace("甲".encode(), b"a\x00b")),
    "a name of 100,000 characters": rewrite("enterprises", lambda b: b.replace("甲".encode(), b"x" * 100_000)),
    "a quoted name of 2 MB across lines": rewrite("enterprises", lambda b: b.replace("甲".encode(), b'"' + b"x\n" * 60_000 + b'"')),
    "a claims table with its header only": rewrite("claims", lambda b: b.split(b"\n")[0] + b"\n"),
    "blank lines at the end": rewrite("claims", lambda b: b + b"\n\n"),
}  # fmt: skip


@pytest.mark.parametrize("change", READ_ALIKE.values(), ids=READ_ALIKE.keys())
def test_csv_files_written_oddly_read_as_the_row_reader_reads_them(
    change: Any, tmp_path: Path
) -> None:
    cols = assert_agree(csv_folder(tmp_path, change))
    assert cols.n_apps == 2


REFUSED_ALIKE = {
    "GBK text": (
        rewrite("enterprises", lambda b: b.decode("utf-8").encode("gbk")),
        "enterprises.csv: not UTF-8 text",
    ),
    "GBK text far below the header": (
        rewrite("claims", lambda b: b + "E1,2021,c9,m1,项目,,,,\n".encode("gbk") * 20_000),
        "claims.csv: not UTF-8 text",
    ),
    "a row missing its trailing cell": (
        rewrite("claims", lambda b: b.replace(b",true\r\n", b"\r\n")),
        "claims.csv row 1: 8 cells, the header has 9",
    ),
    "a row with a cell too many": (
        rewrite("history", lambda b: b.rstrip(b"\r\n") + b",x\r\n"),
        "history.csv row 1: 6 cells, the header has 5",
    ),
    "a line of spaces": (rewrite("claims", lambda b: b + b"   \n"), "row 3: 1 cells"),
    "an unterminated quote": (
        rewrite("claims", lambda b: b + b'E1,2021,c9,"m1\n'),
        "claims.csv row 3: 4 cells, the header has 9",
    ),
    "a name of three million characters": (
        rewrite("enterprises", lambda b: b.replace("甲".encode(), b"x" * 3_000_000)),
        "enterprises.csv: not readable as CSV (field larger than field limit (131072))",
    ),
    "an empty claims file": (rewrite("claims", lambda b: b""), "claims.csv: no column enterprise"),
    "an empty enterprises file": (rewrite("enterprises", lambda b: b""), "enterprises.csv: no column id"),
    "a column named twice": (
        rewrite("claims", lambda b: b.replace(b",fees,", b",cost,", 1)),
        "claims.csv: column cost appears twice",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", REFUSED_ALIKE.values(), ids=REFUSED_ALIKE.keys())
def test_csv_files_the_row_reader_refuses_are_refused_with_its_message(
    case: tuple[Any, str], tmp_path: Path
) -> None:
    change, words = case
    assert words in refusal(assert_agree(csv_folder(tmp_path, change)))


def test_no_applications_and_absent_tables_read_as_an_empty_population(tmp_path: Path) -> None:
    header = tables_with()["enterprises"][0]
    write_csv({"enterprises": (header, [])}, tmp_path / "empty")
    assert assert_agree(tmp_path / "empty").n_apps == 0
    write_csv({"enterprises": tables_with()["enterprises"]}, tmp_path / "alone")
    assert assert_agree(tmp_path / "alone").n_apps == 2


def test_claims_without_an_enterprises_table_are_refused(tmp_path: Path) -> None:
    write_csv({"claims": tables_with()["claims"]}, tmp_path)
    assert "expected enterprises.csv" in refusal(assert_agree(tmp_path))
    assert "expected enterprises.csv" in refusal(assert_agree(tmp_path / "claims.csv"))


# --------------------------------------------------------------------------- Parquet types


def typed_folder(tmp_path: Path) -> Path:
    write_parquet(tables_with(), tmp_path, typed=True)
    return tmp_path


def text(kind: Any) -> Any:
    return lambda old, n: old.cast(pa.string()).cast(kind)


PARQUET_READ_ALIKE = {
    "large_string ids and keys": [("enterprises", "id", text(pa.large_string())), ("claims", "enterprise", text(pa.large_string()))],
    "large_string measures and claim ids": [("claims", "measure", text(pa.large_string())), ("claims", "id", text(pa.large_string())), ("history", "measure", text(pa.large_string()))],
    "large_string money": [("enterprises", "tax", text(pa.large_string()))],
    "large_string enum and set": [("claims", "level", lambda o, n: pa.array(["national", None], pa.large_string())), ("claims", "focus", lambda o, n: pa.array(['["green"]', None], pa.large_string()))],
    "a null-typed input column": [("enterprises", "tax", lambda o, n: pa.nulls(n))],
    "small and unsigned integers": [("enterprises", "tax", lambda o, n: pa.array([255, 1], pa.uint8())), ("enterprises", "staff", lambda o, n: pa.array([2**32 - 1, None], pa.uint32())), ("claims", "cost", lambda o, n: pa.array([5, 7], pa.uint64()))],
    "unsigned years": [("enterprises", "year", lambda o, n: o.cast(pa.uint64())), ("claims", "year", lambda o, n: o.cast(pa.uint16()))],
    "text years": [("enterprises", "year", text(pa.string())), ("claims", "year", text(pa.string())), ("history", "year", text(pa.string())), ("past", "year", text(pa.string()))],
    "decimal years": [("claims", "year", lambda o, n: o.cast(pa.decimal128(20, 0))), ("history", "year", lambda o, n: o.cast(pa.decimal128(20, 0)))],
    "money with 0, 1 or 3 decimals and decimal256": [("enterprises", "tax", lambda o, n: pa.array([Decimal("12.5"), None], pa.decimal128(5, 1))), ("claims", "cost", lambda o, n: pa.array([Decimal("1000.500"), Decimal("7.000")], pa.decimal128(18, 3))), ("claims", "fees", lambda o, n: pa.array([None, Decimal(300)], pa.decimal128(9, 0))), ("history", "amount", lambda o, n: o.cast(pa.decimal256(40, 2)))],
    "a negative zero amount": [("enterprises", "tax", lambda o, n: pa.array([Decimal("-0.00"), Decimal(1)], pa.decimal128(18, 2)))],
    "names and projects that are numbers": [("enterprises", "name", lambda o, n: pa.array([1, 2])), ("claims", "project", lambda o, n: pa.array([True, False]))],
}  # fmt: skip


@pytest.mark.parametrize("edits", PARQUET_READ_ALIKE.values(), ids=PARQUET_READ_ALIKE.keys())
def test_parquet_columns_of_other_types_read_as_their_text(edits: Any, tmp_path: Path) -> None:
    folder = typed_folder(tmp_path)
    for table, column, make in edits:
        edit_parquet(folder, table, column, make)
    cols = assert_agree(folder)
    assert cols.n_apps == 2


PARQUET_REFUSED_ALIKE = {
    "a dictionary-encoded enum": (("enterprises", "size", lambda o, n: pa.array(["big", "small"]).dictionary_encode()), "column size has type dictionary"),
    "a timestamp": (("claims", "opened", lambda o, n: pa.array([0, None], pa.timestamp("s"))), "column opened has type timestamp"),
    "binary names": (("enterprises", "name", lambda o, n: pa.array([b"a", b"b"])), "column name has type binary"),
    "float money": (("claims", "cost", lambda o, n: pa.array([1.5, None])), "column cost is floating point"),
    "a negative integer amount": (("enterprises", "tax", lambda o, n: pa.array([-128, 1], pa.int8())), "row 1 (enterprise E1, 2021), tax: money must not be negative, got -128"),
    "money with a third decimal": (("claims", "cost", lambda o, n: pa.array([Decimal("1.234"), None], pa.decimal128(18, 3))), "row 1 (enterprise E1, 2021), cost: money has at most two decimals (fen), got 1.234"),
    "money beyond 10^22": (("claims", "cost", lambda o, n: pa.array([Decimal(10**30), None], pa.decimal128(38, 2))), "cost: expected money in yuan"),
    "a bool given as an integer": (("claims", "demo", lambda o, n: pa.array([1, 0])), 'demo: expected true or false, got "1"'),
    "a year with decimals": (("enterprises", "year", lambda o, n: o.cast(pa.decimal128(22, 2))), "row 1, year: expected a year such as 2021, got '2021.00'"),
    "null-typed ids": (("enterprises", "id", lambda o, n: pa.nulls(n)), "enterprises.parquet row 1: id is empty"),
    "a null-typed measure": (("claims", "measure", lambda o, n: pa.nulls(n)), "row 1 (enterprise E1, 2021), measure: missing field"),
    "a null-typed earlier amount": (("history", "amount", lambda o, n: pa.nulls(n)), "history.parquet row 1 (enterprise E2, 2021), amount: missing field"),
}  # fmt: skip


@pytest.mark.parametrize("case", PARQUET_REFUSED_ALIKE.values(), ids=PARQUET_REFUSED_ALIKE.keys())
def test_parquet_columns_kfpl_cannot_read_are_refused_naming_the_column(
    case: tuple[tuple[str, str, Any], str], tmp_path: Path
) -> None:
    (table, column, make), words = case
    folder = typed_folder(tmp_path)
    edit_parquet(folder, table, column, make)
    assert words in refusal(assert_agree(folder))


@pytest.mark.parametrize("content", [b"", b"PAR1 but not really", b"a,b\n1,2\n"])
def test_a_file_that_is_not_parquet_is_refused_by_name(content: bytes, tmp_path: Path) -> None:
    folder = typed_folder(tmp_path)
    (folder / "history.parquet").write_bytes(content)
    assert "history.parquet: not readable as Parquet" in refusal(assert_agree(folder))


# --------------------------------------------------------------------------- the CLI


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated population of policies/ as CSV tables (no claim of a measure
    only the revision has)."""
    from kfpl.population import Options, generate, write_tables
    from kfpl.project.loader import compile_paths

    ps = compile_paths([str(POLICIES)]).policy_set
    assert ps is not None
    folder = tmp_path_factory.mktemp("generated")
    write_tables(generate(ps, Options(enterprises=30, seed=3)), folder)
    return folder


def set_cell(folder: Path, table: str, row: int, column: str, value: str) -> None:
    import csv

    path = folder / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    if column not in rows[0]:
        rows[0].append(column)
        for r in rows[1:]:
            r.append("")
    rows[row][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def first_row_with(folder: Path, column: str) -> int:
    import csv

    with (folder / "claims.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    at = rows[0].index(column)
    return next(i for i, r in enumerate(rows) if i and r[at])


def batch(folder: Path, out: Path, *args: str) -> tuple[int, str, dict[str, bytes]]:
    done = CliRunner().invoke(
        main, ["batch", str(folder), "-o", str(out), "--policies", str(POLICIES), *args]
    )
    files = {p.name: p.read_bytes() for p in sorted(out.iterdir())} if out.exists() else {}
    return done.exit_code, done.output.replace(str(out), "OUT"), files


HOSTILE_CELLS = {  # a claim's money fact (the first claim of export_freight's measure)
    "30万": 0,
    " 1,234.50": 0,
    "１２": 2,
    "-5": 2,
    "NaN": 2,
    "99999999999999999999": 2,
}


@pytest.mark.parametrize(("cell", "code"), HOSTILE_CELLS.items(), ids=HOSTILE_CELLS.keys())
def test_kfpl_batch_on_a_hostile_money_cell_answers_as_the_reference_engine(
    generated: Path, cell: str, code: int, tmp_path: Path
) -> None:
    folder = tmp_path / "t"
    shutil.copytree(generated, folder)
    row = first_row_with(folder, "export_freight")
    set_cell(folder, "claims", row, "export_freight", cell)
    for lang in ("en", "zh"):
        fast = batch(folder, tmp_path / f"columnar-{lang}", "--lang", lang)
        slow = batch(
            folder, tmp_path / f"reference-{lang}", "--lang", lang, "--engine", "reference"
        )
        assert fast == slow
        assert fast[0] == code, fast[1]
        if code:
            assert fast[2] == {}, "a refused batch wrote files"
            place = f"claims.csv row {row}" if lang == "en" else f"claims.csv 第 {row} 行"
            assert place in fast[1] and "export_freight" in fast[1]


def test_a_refused_batch_leaves_an_earlier_output_as_it_was(
    generated: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, _, before = batch(generated, out)
    assert code == 0 and {"claims.csv", "totals.csv"} <= set(before)
    folder = tmp_path / "t"
    shutil.copytree(generated, folder)
    set_cell(folder, "enterprises", 3, "local_retained_tax", "-1")
    code, words, after = batch(folder, out, "--lang", "en")
    assert code == 2 and "enterprises.csv row 3" in words
    assert after == before


HOSTILE_TABLES = {
    "a repeated claim id": (lambda f: set_cell(f, "claims", 2, "id", "c1") or set_cell(f, "claims", 2, "enterprise", "E00001"), "duplicate claim id"),
    "a claim of an enterprise-year not listed": (lambda f: set_cell(f, "claims", 2, "year", "2021"), "has no row in enterprises.csv"),
    "an unknown measure": (lambda f: set_cell(f, "claims", 2, "measure", "mfg-99"), 'no measure "mfg-99"'),
    "a measure only the revision has": (lambda f: set_cell(f, "claims", 2, "measure", "mfg-13c"), 'no measure "mfg-13c"'),
    "a fact the claim's measure does not read": (lambda f: set_cell(f, "claims", 1, "booth_rental", "100"), "does not read this fact"),
    "an enterprise input given as a claim fact": (lambda f: set_cell(f, "claims", 1, "size", "other"), "size"),
    "an unknown column filled in": (lambda f: set_cell(f, "claims", 1, "bogus", "1"), "bogus"),
    "a fact only the revision declares": (lambda f: set_cell(f, "claims", 1, "diagnosis_fees", "1"), "diagnosis_fees"),
    "an earlier award of an unknown measure": (lambda f: (f / "history.csv").write_text("enterprise,application_year,measure,year,amount\nE00001,2022,mfg-99,2021,100\n", encoding="utf-8"), 'history.csv row 1 (enterprise E00001, 2022), measure: no measure "mfg-99"'),
    "an earlier award in 万": (lambda f: (f / "history.csv").write_text("enterprise,application_year,measure,year,amount\nE00001,2022,mfg-2a,2021,3万\n", encoding="utf-8"), None),
    "a past record with a bad year": (lambda f: (f / "past.csv").write_text("enterprise,application_year,year,main_revenue\nE00001,2022,x,100\n", encoding="utf-8"), "past.csv row 1 (enterprise E00001, 2022), year"),
    "a past fact that is not money": (lambda f: (f / "past.csv").write_text("enterprise,application_year,year,main_revenue\nE00001,2022,2020,abc\n", encoding="utf-8"), "past.csv row 1 (enterprise E00001, 2022), main_revenue"),
    "a past fact that is an unknown input": (lambda f: (f / "past.csv").write_text("enterprise,application_year,year,bogus\nE00001,2022,2020,1\n", encoding="utf-8"), "bogus"),
    "no applications at all": (lambda f: [(f / f"{t}.csv").write_text(h, encoding="utf-8") for t, h in (("enterprises", "id,name,year\n"), ("claims", "enterprise,year,measure\n"), ("history", "enterprise,application_year,measure,year,amount\n"))], None),
}  # fmt: skip


@pytest.mark.parametrize("case", HOSTILE_TABLES.values(), ids=HOSTILE_TABLES.keys())
def test_kfpl_batch_on_hostile_tables_answers_as_the_reference_engine(
    generated: Path, case: tuple[Any, str | None], tmp_path: Path
) -> None:
    change, words = case
    folder = tmp_path / "t"
    shutil.copytree(generated, folder)
    change(folder)
    fast = batch(folder, tmp_path / "columnar", "--lang", "en")
    slow = batch(folder, tmp_path / "reference", "--lang", "en", "--engine", "reference")
    assert fast == slow
    if words is None:
        assert fast[0] == 0, fast[1]
    else:
        assert fast[0] == 2 and words in fast[1] and fast[2] == {}


# --------------------------------------------------------------------------- findings


def test_a_blank_line_in_a_csv_table_does_not_change_the_row_a_message_names(
    tmp_path: Path,
) -> None:
    """``kfpl batch`` names a bad cell below a blank line as ``--engine reference`` does
    (and as the application's ``where`` does when it is read)."""
    header, rows = tables_with()["enterprises"]
    rows = [*rows, ["E3", "丙", "2021", "-1"]]
    write_csv(tables_with(enterprises=(header, rows)), tmp_path / "bad")
    path = tmp_path / "bad" / "enterprises.csv"
    lines = path.read_bytes().split(b"\r\n")
    path.write_bytes(b"\r\n".join([*lines[:2], b"", *lines[2:]]))
    words = refusal(assert_agree(tmp_path / "bad"))  # the same message from both readers
    assert words.startswith(f"{path} row 4 (enterprise E3, 2021), tax:")


@pytest.mark.parametrize(
    ("table", "column", "words"),
    [
        ("claims", "cost", "cost: money above the limit of 10^15 yuan"),
        ("enterprises", "staff", "staff: a whole number above the limit of 10^15"),
        ("enterprises", "year", "row 1, year: expected a year such as 2021"),
        ("claims", "year", "row 1, year: expected a year such as 2021"),
        ("history", "year", "year: expected a year such as 2021"),
        ("history", "amount", "amount: money above the limit of 10^15 yuan"),
    ],
)
def test_a_uint64_parquet_column_above_int64_is_refused_not_a_traceback(
    table: str, column: str, words: str, tmp_path: Path
) -> None:
    folder = typed_folder(tmp_path)
    edit_parquet(folder, table, column, lambda o, n: pa.array([2**64 - 1] * n, pa.uint64()))
    assert words in refusal(assert_agree(folder))


def diff_impact(folder: Path, lang: str) -> tuple[int, str]:
    done = CliRunner().invoke(
        main, ["diff", str(POLICIES), str(REVISION), "--impact", str(folder), "--lang", lang]
    )
    return done.exit_code, done.output


@pytest.fixture(scope="module")
def bad_cell(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A population of both versions' measures with a negative amount in a claim."""
    from kfpl.population import Options, generate, write_tables
    from kfpl.project.loader import compile_paths

    ps = compile_paths([str(POLICIES)]).policy_set
    assert ps is not None
    folder = tmp_path_factory.mktemp("bad")
    write_tables(generate(ps, Options(enterprises=12, seed=3)), folder)
    row = first_row_with(folder, "export_freight")
    set_cell(folder, "claims", row, "export_freight", "-5")
    return folder, row


def test_kfpl_diff_impact_refuses_bad_tables_in_the_language_asked_for(
    bad_cell: tuple[Path, int], tmp_path: Path
) -> None:
    """Fixed here: the refusal was the English whatever ``--lang`` said (the impact's
    dict path words an application the version refuses, and the CLI took ``str()``)."""
    folder, row = bad_cell
    code, words = diff_impact(folder, "zh")
    assert code == 2
    assert (
        f"claims.csv 第 {row} 行（企业 " in words
        and "export_freight：金额不得为负数，实际为 -5" in words
    )
    assert "money must not be negative" in diff_impact(folder, "en")[1]
    twice = tmp_path / "twice"
    shutil.copytree(folder, twice)
    set_cell(twice, "enterprises", 2, "id", "E00001")
    code, words = diff_impact(twice, "zh")
    assert code == 2 and "enterprises.csv 第 2 行：企业 E00001 的 2022 年度已在第 1 行列出" in words


def test_kfpl_diff_impact_names_the_claims_row_and_column_of_a_bad_cell(
    bad_cell: tuple[Path, int],
) -> None:
    folder, row = bad_cell
    code, words = diff_impact(folder, "en")
    assert code == 2
    assert f"claims.csv row {row} (enterprise " in words and "), export_freight: money" in words


def test_a_refusal_names_the_row_written_when_a_version_drops_earlier_claims(
    tmp_path: Path,
) -> None:
    """The old version has no mfg-13c: reading an application it drops that claim, and
    the claims after it move up. The refusal still names the row of the claims table
    the bad cell is in, not the row of the claim's new position."""
    import csv

    from kfpl.population import Options, generate, write_tables
    from kfpl.project.loader import compile_paths

    ps = compile_paths([str(POLICIES)]).policy_set
    assert ps is not None
    write_tables(generate(ps, Options(enterprises=12, seed=3)), tmp_path)
    row = first_row_with(tmp_path, "export_freight")
    with (tmp_path / "claims.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    # A claim of mfg-13c (only the revision has it) goes in before it, same enterprise-year.
    earlier = [*rows[row][:4], *[""] * (len(header) - 4)]
    earlier[header.index("id")], earlier[header.index("measure")] = "new", "mfg-13c"
    rows.insert(row, earlier)
    with (tmp_path / "claims.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    set_cell(tmp_path, "claims", row, "diagnosis_fees", "30000")
    at = (row + 1, "export_freight")
    set_cell(tmp_path, "claims", at[0], at[1], "-5")
    key = header.index("enterprise")
    code, words = diff_impact(tmp_path, "en")
    assert code == 2
    assert f"claims.csv row {at[0]} (enterprise {rows[at[0]][key]}" in words
    assert f"{at[1]}: money must not be negative, got -5" in words


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_claims_when_enterprises_has_no_rows_are_refused_not_a_traceback(
    fmt: str, tmp_path: Path
) -> None:
    header = tables_with()["enterprises"][0]
    tables = tables_with(enterprises=(header, []))
    (write_csv(tables, tmp_path) if fmt == "csv" else write_parquet(tables, tmp_path, typed=True))
    words = refusal(assert_agree(tmp_path))
    assert words.endswith(
        f"claims.{fmt} row 1: enterprise E1 in 2021 has no row in enterprises.{fmt}"
    )
