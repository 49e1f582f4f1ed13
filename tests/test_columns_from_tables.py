"""Tables read column by column (``columns_from_tables``) give what the reference path
gives (each application's rows → ``read_application`` → ``columns_from_applications``):
the same columns, or the same refusal in both languages, naming the table and row.

Hypothesis writes small populations as CSV and as Parquet (text columns, and typed
columns where every cell of a column has the type), mostly valid and with subtly bad
or odd but legal cells (``30万``, `` 12``, ``1,000.50``, ``4.35%``, a negative amount, a
calendar date that does not exist, an enum value that is not a member, a fact for a
measure that does not read it, a repeated claim id, an unknown column, a claim naming
an enterprise-year that is not in the enterprises table).
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from columns_equal import differences
from conftest import POLICIES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kfpl.population_tables import TableError
from kfpl.runtime.application import InputSpec

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from kfpl.columnar.tables import columns_from_tables, reference_columns  # noqa: E402

INPUTS = {
    spec.name: spec
    for spec in (
        InputSpec("good_standing", "bool", "enterprise"),
        InputSpec("tax", "money", "enterprise"),
        InputSpec("size", "enum", "enterprise", members=("big", "small")),
        InputSpec("staff", "count", "enterprise"),
        InputSpec("cost", "money"),
        InputSpec("fees", "money"),
        InputSpec("share", "rate"),
        InputSpec("machines", "count"),
        InputSpec("since", "year"),
        InputSpec("opened", "date"),
        InputSpec("demo", "bool"),
        InputSpec("note_text", "text"),
        InputSpec("level", "enum", members=("national", "provincial")),
        InputSpec("focus", "set", members=("green", "smart", "digital")),
        InputSpec("sold", "list", fields=(("price", "money"), ("units", "count"))),
    )
}
MEASURES = {
    "m1": ("good_standing", "tax", "cost", "fees", "demo", "level", "focus", "sold"),
    "m2": ("good_standing", "share", "machines", "since", "opened", "note_text", "cost"),
}
ENTERPRISE_INPUTS = ("good_standing", "tax", "size", "staff")
CLAIM_INPUTS = ("cost", "fees", "share", "machines", "since", "opened", "demo", "note_text", "level", "focus", "sold")  # fmt: skip


def one_in(n: int, rare: Any, usual: Any) -> Any:
    """``rare`` about once in ``n`` draws, else ``usual``."""
    return st.integers(1, n).flatmap(lambda k: rare if k == 1 else usual)


def forms(usual: Any, odd: list[str], bad: list[str]) -> tuple[Any, Any, Any]:
    return (usual, st.sampled_from(odd) if odd else usual, st.sampled_from(bad))


# Per type: the usual cells, odd but legal ones, and ones the reader refuses.
PLAIN_MONEY = st.builds(
    lambda y, f: f"{y}{f}", st.integers(0, 10**9), st.sampled_from(["", ".5", ".50", ".07"])
)
CELLS: dict[str, tuple[Any, Any, Any]] = {
    "money": forms(
        PLAIN_MONEY,
        ["30万", "1.5亿", "1,234.50", " 12 ", "12元", "1_000", "1000000000000000", "007", "0.10"],
        [
            "-5",
            "1.234",
            "abc",
            "1e5",
            "１２",
            "1000000000000001",
            "12.",
            ".5",
            "1,2,3",
            "true",
            "1000000000000000.01",
        ],
    ),
    "rate": forms(
        st.sampled_from(["0.05", "0.3", "1", "0.0435", "12.5"]),
        ["4.35%", "1000000", " 0.5", "1,000"],
        ["0.12345678901", "-0.1", "x", "1,5", "2e-3", "1000001"],
    ),
    "count": forms(
        st.integers(0, 5000).map(str),
        ["1,000", "1.0", " 7", "1万", "1000000000000000"],
        ["1.5", "-1", "x", "1000000000000001"],
    ),
    "year": forms(
        st.sampled_from(["2019", "2020", "2021"]),
        [" 2020", "2,021", "2021.0"],
        ["0999", "abc", "10000", "2019.5"],
    ),
    "date": forms(
        st.sampled_from(["2021-03-04", "2021-12-31", "2021-01-01", "2020-02-29"]),
        [],
        ["2021-02-29", "0999-01-01", "2021-3-4", "abc", " 2021-01-01"],
    ),
    "bool": forms(st.sampled_from(["true", "false"]), [], ["True", "1", "yes", " true", "FALSE"]),
    "text": forms(st.text(st.sampled_from("ab 甲乙,\"\n'"), min_size=1, max_size=4), [], ["x"]),
    "enum:level": forms(
        st.sampled_from(["national", "provincial"]), [], ["Nation", " national", "big"]
    ),
    "enum:size": forms(st.sampled_from(["big", "small"]), [], ["huge", "national"]),
    "set": forms(
        st.sampled_from(['["green","smart"]', '["smart","green"]', "[]", '["digital"]']),
        [' ["green"] '],
        ['["green","green"]', '"green"', "[1]", "not json", '{"a":1}', '["blue"]'],
    ),
    "list": forms(
        st.sampled_from(['[{"price":"100","units":2}]', "[]"]),
        ['[{"price":"30万","units":"3"},{"price":"5","units":1}]'],
        [
            '[{"price":"100"}]',
            '[{"x":1}]',
            "bad",
            '[{"price":-1,"units":1}]',
            '[{"price":"1.5","units":1,"price":"2"}]',
        ],
    ),
}


def pick(faulty: bool, cells: tuple[Any, Any, Any], odd_one_in: int = 4) -> Any:
    usual, odd, bad = cells
    legal = one_in(odd_one_in, odd, usual)
    return one_in(4, bad, legal) if faulty else legal


def cells(name: str) -> tuple[Any, Any, Any]:
    spec = INPUTS[name]
    return CELLS[f"enum:{name}" if spec.type == "enum" else spec.type]


def cell_of(name: str, faulty: bool, odd_one_in: int = 4) -> Any:
    return one_in(3, st.just(""), pick(faulty, cells(name), odd_one_in))


# What a population gets wrong: nothing (odd but legal cells aside), or one kind of fault.
FAULTS = (None, None, None, "cells", "keys", "unread", "ids", "measure", "dates", "history", "past", "column")  # fmt: skip


IDS = ("E1", "E2", "E3")
YEARS = ("2021", "2022")


@st.composite
def population(draw: Any) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Tables as text cells: enterprises, claims, history, past. Half the populations
    are valid (odd but legal cells included); the others have one kind of fault
    (``FAULTS``) here and there."""
    fault = draw(st.sampled_from(FAULTS))
    faulty = fault == "cells"
    # Odd cells send their application to the row reader: rarer where a fault elsewhere
    # is to be found by the column checks themselves.
    odd = 4 if fault in (None, "cells") else 40

    def cell(name: str, bad: bool = faulty) -> Any:
        return cell_of(name, bad, odd)

    injected: list[str] = []

    def rarely(kind: str, bad: Any, good: Any) -> Any:
        """``bad`` now and then if the fault is ``kind``: once per population (so that
        no other fault sends its application to the row reader), repeated ids aside."""
        if fault == kind and (kind == "ids" or not injected) and draw(st.integers(0, 2)) == 0:
            injected.append(kind)
            return draw(bad)
        return draw(good)

    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(IDS), st.sampled_from(YEARS)),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    if fault == "keys":  # a bad key or a repeated enterprise-year
        at = draw(st.integers(0, len(keys) - 1))
        keys.insert(at, draw(st.sampled_from([keys[at], ("", "2021"), ("E1", ""), ("E1", "x"), ("E2", "0999")])))  # fmt: skip
    ent_cols = ["id", "name", "year", *ENTERPRISE_INPUTS]
    if draw(st.booleans()):
        ent_cols.append("date")
    enterprises = []
    for ident, year in keys:
        row = [ident, "合成企业", year, *(draw(cell(n)) for n in ENTERPRISE_INPUTS)]
        if "date" in ent_cols:
            right = st.sampled_from(["", f"{year}-05-01"])
            row.append(rarely("dates", st.sampled_from(["2021-02-30", "2023-01-01"]), right))
        enterprises.append(row)
    facts = draw(st.lists(st.sampled_from(CLAIM_INPUTS), min_size=1, max_size=6, unique=True))
    claim_cols = ["enterprise", "year", "id", "measure", "project", "product", *facts]
    if draw(st.booleans()):
        claim_cols.append("date")
    known = [(i, y) for i, y in keys if i and y in YEARS]
    claims = []
    for k in range(draw(st.integers(0, 7))):
        ident, year = rarely(
            "keys",
            st.tuples(st.sampled_from(["E9", "", *IDS]), st.sampled_from(["2021", "", "x"])),
            st.sampled_from(known or [("E1", "2021")]),
        )
        claim_id = rarely(
            "ids", st.sampled_from(["c1", "claim-1", "claim-2"]), st.sampled_from(["", f"c{k}"])
        )
        measure = rarely(
            "measure", st.sampled_from(["m3", "", " m1"]), st.sampled_from(["m1", "m2"])
        )
        row = [ident, year, claim_id, measure, draw(st.sampled_from(["", "p1", "p2"])), ""]
        readable = MEASURES.get(measure, ())
        for name in facts:  # the measure's own facts (now and then another's)
            if name in readable:
                row.append(draw(cell(name)))
            elif rarely("unread", st.just(True), st.just(False)):
                row.append(draw(pick(False, cells(name), odd)))
            else:
                row.append("")
        if "date" in claim_cols:
            row.append(
                rarely("dates", st.just("2023-04-04"), st.sampled_from(["", f"{year}-04-04"]))
            )
        claims.append(row)
    history_cols = ["enterprise", "application_year", "measure", "year", "amount", "project", "level", "step"]  # fmt: skip
    history = []
    for _ in range(draw(st.integers(0, 3))):
        ident, year = draw(st.sampled_from(known or [("E1", "2021")]))
        history.append(
            [
                ident,
                year,
                rarely("history", st.sampled_from(["m3", ""]), st.sampled_from(["m1", "m2"])),
                rarely("history", CELLS["year"][2], pick(False, CELLS["year"], odd)),
                rarely(
                    "history", st.just("") | CELLS["money"][2], pick(False, CELLS["money"], odd)
                ),
                draw(st.sampled_from(["", "p1"])),
                draw(st.sampled_from(["", "national"])),
                rarely(
                    "history",
                    st.sampled_from(["-1", "1.234"]),
                    st.sampled_from(["", "", "5000000000", "30万"]),
                ),
            ]
        )
    past_facts = draw(
        st.lists(
            st.sampled_from(["cost", "tax", "machines", *(["sold", "bogus"] if fault == "past" else [])]),
            max_size=2,
            unique=True,
        )
    )  # fmt: skip
    past_cols = ["enterprise", "application_year", "year", *past_facts]
    past = []
    for _ in range(draw(st.integers(0, 2))):
        ident, year = draw(st.sampled_from(known or [("E1", "2021")]))
        row = [ident, year, rarely("past", st.sampled_from(["", "x", "2019.5"]), st.sampled_from(["2019", "2020", "-5"]))]  # fmt: skip
        for name in past_facts:
            given = cell(name, fault == "past") if name in INPUTS else st.just("1")
            row.append(draw(given))
        past.append(row)
    extra = draw(st.sampled_from([None, None, "bogus", "cost", "staff", "date"]))
    if extra is not None:
        table = draw(st.sampled_from(["enterprises", "claims"]))
        header, rows = (ent_cols, enterprises) if table == "enterprises" else (claim_cols, claims)
        if extra not in header:
            header.append(extra)
            for row in rows:
                row.append(rarely("column", st.just("12"), st.just("")))
    return {
        "enterprises": (ent_cols, enterprises),
        "claims": (claim_cols, claims),
        "history": (history_cols, history),
        "past": (past_cols, past),
    }


def write_csv(tables: dict[str, tuple[list[str], list[list[str]]]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)


def _typed(kind: str, cells: list[str]) -> Any:
    """A typed Arrow array of ``cells`` if every given cell has the type's form."""
    given = [c for c in cells if c != ""]
    try:
        if kind in ("count", "year") and all(re.fullmatch(r"-?[0-9]{1,18}", c) for c in given):
            return pa.array([int(c) if c else None for c in cells], pa.int64())
        if kind == "money" and all(re.fullmatch(r"-?[0-9]{1,15}(\.[0-9]{1,3})?", c) for c in given):
            scale = 3 if any(re.search(r"\.[0-9]{3}$", c) for c in given) else 2
            return pa.array([Decimal(c) if c else None for c in cells], pa.decimal128(18, scale))
        if kind == "bool" and all(c in ("true", "false") for c in given):
            return pa.array([c == "true" if c else None for c in cells], pa.bool_())
        if kind == "date":
            return pa.array([date.fromisoformat(c) if c else None for c in cells], pa.date32())
    except (ValueError, InvalidOperation):
        return None
    return None


def write_parquet(
    tables: dict[str, tuple[list[str], list[list[str]]]], folder: Path, typed: bool
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    kinds = {name: spec.type for name, spec in INPUTS.items()}
    kinds.update(year="year", application_year="year", amount="money", step="money", date="date")
    for name, (header, rows) in tables.items():
        arrays = {}
        for i, column in enumerate(header):
            cells = [row[i] for row in rows]
            array = _typed(kinds.get(column, "text"), cells) if typed else None
            arrays[column] = array if array is not None else pa.array(cells, pa.string())
        pq.write_table(pa.table(arrays), folder / f"{name}.parquet")


def outcome(read: Any, folder: Path) -> Any:
    try:
        return read(folder, INPUTS, MEASURES)
    except TableError as exc:
        return exc.words


def assert_agree(folder: Path) -> Any:
    fast, slow = outcome(columns_from_tables, folder), outcome(reference_columns, folder)
    if not hasattr(fast, "n_apps") or not hasattr(slow, "n_apps"):
        assert fast == slow  # the same refusal, in both languages
        return fast
    assert differences(fast, slow) == []
    assert list(fast.where) == list(slow.where)
    return fast


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(tables=population())
def test_tables_read_by_column_agree_with_the_reference(tables: Any, tmp_path_factory: Any) -> None:
    folder = tmp_path_factory.mktemp("t")
    write_csv(tables, folder / "csv")
    write_parquet(tables, folder / "text", typed=False)
    write_parquet(tables, folder / "typed", typed=True)
    from_csv = assert_agree(folder / "csv")
    from_text = assert_agree(folder / "text")
    assert_agree(folder / "typed")
    if hasattr(from_csv, "n_apps") and hasattr(from_text, "n_apps"):
        assert differences(from_csv, from_text) == []  # CSV and Parquet text: the same cells
    else:  # the same refusal but for the file's name
        csv_words = str(from_csv).replace(f"{folder / 'csv'}", "").replace(".csv", "")
        assert csv_words == str(from_text).replace(f"{folder / 'text'}", "").replace(".parquet", "")


# --------------------------------------------------------------------------- examples


def tables_with(**changes: Any) -> dict[str, tuple[list[str], list[list[str]]]]:
    base = {
        "enterprises": (["id", "name", "year", "tax"], [["E1", "甲", "2021", "100000"], ["E2", "乙", "2021", "30万"]]),
        "claims": (
            ["enterprise", "year", "id", "measure", "project", "product", "cost", "fees", "demo"],
            [["E1", "2021", "c1", "m1", "", "", "1000.50", "", "true"],
             ["E2", "2021", "c1", "m1", "", "", "20万", "300", "false"]],
        ),
        "history": (["enterprise", "application_year", "measure", "year", "amount"], [["E2", "2021", "m1", "2020", "500"]]),
        "past": (["enterprise", "application_year", "year", "cost"], [["E1", "2021", "2020", "10"]]),
    }  # fmt: skip
    base.update(changes)
    return base


def test_odd_but_legal_cells_give_the_reference_values(tmp_path: Path) -> None:
    """``30万`` and ``20万`` are not proven by the column checks: their applications go
    to the reference reader, and the columns hold its values."""
    write_csv(tables_with(), tmp_path)
    cols = assert_agree(tmp_path)
    assert cols.enterprise["tax"].data.tolist() == [10_000_000, 30_000_000]
    assert cols.facts["cost"].data.tolist() == [100_050, 20_000_000]
    assert cols.facts["fees"].present.tolist() == [False, True]
    assert cols.history.amount.tolist() == [50_000] and cols.history.app.tolist() == [1]


def test_a_bad_cell_is_named_by_table_row_and_column_in_both_languages(tmp_path: Path) -> None:
    claims = tables_with()["claims"]
    claims[1][1][6] = "-3"  # a negative cost, second data row
    write_csv(tables_with(claims=claims), tmp_path)
    words = assert_agree(tmp_path)
    path = tmp_path / "claims.csv"
    assert (
        words.en == f"{path} row 2 (enterprise E2, 2021), cost: money must not be negative, got -3"
    )
    assert words.zh == f"{path} 第 2 行（企业 E2，2021 年），cost：金额不得为负数，实际为 -3"


def test_a_fact_for_a_measure_that_does_not_read_it_is_refused(tmp_path: Path) -> None:
    header, rows = tables_with()["claims"]
    write_csv(tables_with(claims=([*header, "machines"], [[*r, "3" if i else ""] for i, r in enumerate(rows)])), tmp_path)  # fmt: skip
    words = assert_agree(tmp_path)
    assert (
        "claims.csv row 2 (enterprise E2, 2021), machines: m1 does not read this fact" in words.en
    )


def test_claims_of_an_enterprise_year_not_in_enterprises_are_refused(tmp_path: Path) -> None:
    header, rows = tables_with()["claims"]
    rows[1][1] = "2022"
    write_csv(tables_with(claims=(header, rows)), tmp_path)
    words = assert_agree(tmp_path)
    assert words.en == f"{tmp_path / 'claims.csv'} row 2: enterprise E2 in 2022 has no row in enterprises.csv"  # fmt: skip
    assert words.zh.endswith("第 2 行：企业 E2 的 2022 年度在 enterprises.csv 中没有对应行")
    rows[1][:2] = ["E9", "2021"]  # an enterprise enterprises.csv does not have at all
    write_csv(tables_with(claims=(header, rows)), tmp_path / "unknown")
    words = assert_agree(tmp_path / "unknown")
    assert words.en.endswith(
        "claims.csv row 2: enterprise E9 in 2021 has no row in enterprises.csv"
    )


def test_rows_find_their_enterprise_year_among_many_years(tmp_path: Path) -> None:
    """Sixty enterprise-years over sixty years: the reader's grid of ids by years is too
    sparse for a lookup array and it searches instead; each claim still lands on its own
    enterprise-year, in the order of enterprises, and a year the enterprise has no row
    for is refused."""
    years = [str(1960 + i) for i in range(60)]
    ids = [f"E{i % 30}" for i in range(60)]  # thirty enterprises, each in two years
    enterprises = (["id", "name", "year", "tax"], [[e, "", y, str(100 + i)] for i, (e, y) in enumerate(zip(ids, years, strict=True))])  # fmt: skip
    header = ["enterprise", "year", "id", "measure", "project", "product", "cost", "fees", "demo"]
    rows = [[ids[i], years[i], "c1", "m1", "", "", str(i), "", "true"] for i in reversed(range(60))]
    write_csv(tables_with(enterprises=enterprises, claims=(header, rows), history=(["enterprise", "application_year", "measure", "year", "amount"], []), past=(["enterprise", "application_year", "year", "cost"], [])), tmp_path / "a")  # fmt: skip
    cols = assert_agree(tmp_path / "a")
    assert cols.claim_app.tolist() == list(range(60))
    assert cols.facts["cost"].data.tolist() == [100 * i for i in range(60)]
    rows[0][1] = "1961"  # E29 has no row in 1961 (E1 has)
    write_csv(tables_with(enterprises=enterprises, claims=(header, rows), history=(["enterprise", "application_year", "measure", "year", "amount"], []), past=(["enterprise", "application_year", "year", "cost"], [])), tmp_path / "b")  # fmt: skip
    assert "row 1: enterprise E29 in 1961 has no row in enterprises.csv" in str(assert_agree(tmp_path / "b"))  # fmt: skip


@pytest.mark.parametrize("ids", ["few", "many"])
def test_a_claim_id_written_twice_in_one_application_is_refused(ids: str, tmp_path: Path) -> None:
    """Eighty applications of two claims each. Claim ids repeat across applications
    (``c1``, ``c2`` in each) or are all distinct; either way an id written twice
    within one application is refused with the reference's message, and the same id in
    two applications is not."""
    enterprises = (["id", "name", "year", "tax"], [[f"E{i}", "", "2021", "100"] for i in range(80)])  # fmt: skip
    header = ["enterprise", "year", "id", "measure", "project", "product", "cost", "fees", "demo"]
    rows = [
        [f"E{i}", "2021", f"c{k}" if ids == "few" else f"c{i}-{k}", "m1", "", "", "10", "", "true"]
        for i in range(80)
        for k in (1, 2)
    ]
    empty = {"history": (["enterprise", "application_year", "measure", "year", "amount"], []), "past": (["enterprise", "application_year", "year", "cost"], [])}  # fmt: skip
    write_csv(tables_with(enterprises=enterprises, claims=(header, rows), **empty), tmp_path / "a")
    assert assert_agree(tmp_path / "a").n_apps == 80
    rows[101][2] = rows[100][2]  # application E50 names its first claim's id again
    write_csv(tables_with(enterprises=enterprises, claims=(header, rows), **empty), tmp_path / "b")
    assert "duplicate claim id" in str(assert_agree(tmp_path / "b"))


def test_a_repeated_enterprise_year_and_a_floating_point_column_are_refused(tmp_path: Path) -> None:
    header, rows = tables_with()["enterprises"]
    write_csv(tables_with(enterprises=(header, [*rows, ["E1", "", "2021", ""]])), tmp_path / "a")
    assert "row 3: enterprise E1 in 2021 is already listed in row 1" in str(assert_agree(tmp_path / "a"))  # fmt: skip
    write_parquet(tables_with(), tmp_path / "b", typed=True)
    table = pq.read_table(tmp_path / "b" / "history.parquet")
    pq.write_table(table.set_column(4, "amount", pa.array([500.0])), tmp_path / "b" / "history.parquet")  # fmt: skip
    assert "column amount is floating point" in str(assert_agree(tmp_path / "b"))


def test_older_tables_with_a_json_facts_column_read_the_same(tmp_path: Path) -> None:
    write_csv(tables_with(), tmp_path / "wide")
    header, rows = tables_with()["claims"]
    old = []
    for row in rows:
        facts = {k: v for k, v in zip(header[6:], row[6:], strict=True) if v}
        facts["demo"] = facts["demo"] == "true"
        old.append([*row[:6], json.dumps(facts, ensure_ascii=False)])
    past = (["enterprise", "application_year", "year", "facts"], [["E1", "2021", "2020", '{"cost": "10"}']])  # fmt: skip
    write_csv(tables_with(claims=([*header[:6], "facts"], old), past=past), tmp_path / "old")
    older = assert_agree(tmp_path / "old")
    assert differences(older, assert_agree(tmp_path / "wide")) == []
    assert older.past.facts["cost"].data.tolist() == [1000]


def test_the_generated_population_reads_as_its_json_lines(tmp_path: Path) -> None:
    """kfpl.population's tables (CSV, typed Parquet) give the columns of its JSON lines
    read by the reference reader, every cell proven by the column checks."""
    from kfpl.columnar.batch import Compiled
    from kfpl.columnar.columns import columns_from_applications
    from kfpl.columnar.tables import Reader, Source
    from kfpl.population import Options, generate, input_types, write_parquet, write_tables
    from kfpl.project.loader import compile_paths

    ps = compile_paths([str(POLICIES)]).policy_set
    assert ps is not None
    runtime = Compiled.of(ps).engine().runtime
    apps = generate(ps, Options(enterprises=400, seed=7))
    want = columns_from_applications([runtime.read(a) for a in apps], runtime.inputs)
    write_tables(apps, tmp_path / "csv")
    write_parquet(apps, tmp_path / "pq", input_types(ps))
    for folder in ("csv", "pq"):
        reader = Reader(Source(tmp_path / folder), runtime.inputs, runtime.measure_inputs)
        got = reader.columns()
        assert not reader.unproven.any()
        assert differences(got, want) == []


# --------------------------------------------------------------------------- one column


EDGES = ("999999999999999", "1000000000000000", "1000000000000001", "999999999999999.99",
         "1000000000000000.00", "1000000000000000.01", "99999", "999999", "1000000", "1000001",
         "999999.9999999999", "0.1234567890", "0.12345678901", "0999", "1000", "9999", "10000",
         "0.5", "1.", ".5", "00", "-0", "-1", "-5", "12.345", "12.340", "99999999999.999999万",
         "100000000000万", "0.0000001万", "9999999.9999999999亿", "10000000亿", "1.5亿", "12.5元")  # fmt: skip
NUMBER_TEXT = st.one_of(
    *[st.sampled_from(EDGES)] * 4,
    st.from_regex(r"-?[0-9]{0,17}(\.[0-9]{0,11})?(万|亿|元|%)?", fullmatch=True),
    st.text(st.sampled_from(" 0123456789.,_-+e%万亿元１٣"), max_size=20),
    st.integers(0, 10**17).map(str),
)
DATE_TEXT = st.one_of(
    st.from_regex(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", fullmatch=True),
    st.builds(
        "{:04d}-{:02d}-{:02d}".format,
        st.sampled_from([999, 1000, 1900, 2000, 2021, 2024, 9999]),
        st.sampled_from([0, 1, 2, 4, 6, 9, 11, 12, 13]),
        st.sampled_from([0, 1, 28, 29, 30, 31, 32]),
    ),
    st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
)
TEXTS = {
    "money": NUMBER_TEXT,
    "rate": NUMBER_TEXT,
    "count": NUMBER_TEXT,
    "year": st.one_of(NUMBER_TEXT, st.integers(900, 10100).map(str)),
    "date": DATE_TEXT,
    "bool": st.sampled_from(["true", "false", "True", " true", "1", "", "false "]),
    "text": st.text(max_size=5),
    "enum": st.sampled_from(["national", "provincial", "National", " national", "x", ""]),
    "set": CELLS["set"][0] | CELLS["set"][1] | CELLS["set"][2],
    "list": CELLS["list"][0] | CELLS["list"][1] | CELLS["list"][2],
}
SPECS = {
    "money": INPUTS["cost"], "rate": INPUTS["share"], "count": INPUTS["machines"],
    "year": INPUTS["since"], "date": INPUTS["opened"], "bool": INPUTS["demo"],
    "text": INPUTS["note_text"], "enum": INPUTS["level"], "set": INPUTS["focus"],
    "list": INPUTS["sold"],
}  # fmt: skip
INT_EDGES = st.sampled_from([-1, 0, 999, 1000, 9999, 10000, 10**6, 10**6 + 1, 10**15, 10**15 + 1])
DAY_EDGES = st.sampled_from([-354_286, -354_285, 2_932_896, 2_932_897, 0])
MONEY_EDGES = st.sampled_from([Decimal("1E15"), Decimal("1000000000000000.01"), Decimal("-0.01")])
TYPED = {  # Parquet arrays the native paths read
    "money": st.lists(st.decimals(-(10**16), 10**16, places=2) | MONEY_EDGES | st.none()).map(
        lambda v: pa.array(v, pa.decimal128(19, 2))
    ),
    "count": st.lists(st.integers(-(2**63), 2**63 - 1) | INT_EDGES | st.none()).map(lambda v: pa.array(v, pa.int64())),
    "year": st.lists(st.integers(0, 20000) | INT_EDGES | st.none()).map(lambda v: pa.array(v, pa.int64())),
    "rate": st.lists(st.integers(-5, 10**7) | INT_EDGES | st.none()).map(lambda v: pa.array(v, pa.int64())),
    "date": st.lists(st.integers(-800_000, 3_000_000) | DAY_EDGES | st.none()).map(lambda v: pa.array(v, pa.int32()).cast(pa.date32())),
    "bool": st.lists(st.booleans() | st.none()).map(lambda v: pa.array(v, pa.bool_())),
}  # fmt: skip


def column_cases() -> Any:
    texts = st.sampled_from(sorted(TEXTS)).flatmap(
        lambda kind: st.tuples(st.just(kind), st.lists(TEXTS[kind], max_size=30).map(lambda v: pa.array(v, pa.string())))
    )  # fmt: skip
    typed = st.sampled_from(sorted(TYPED)).flatmap(lambda k: st.tuples(st.just(k), TYPED[k]))
    return texts | typed


@settings(max_examples=600, deadline=None)
@given(case=column_cases())
def test_a_cell_the_column_checks_prove_is_read_so_by_the_reference(case: Any) -> None:
    """Every cell ``encode`` proves is one the application reader accepts, encoded as
    ``columns_from_applications`` encodes the reader's value; a cell it does not prove
    is only sent to the reader (whatever that says)."""
    from kfpl.columnar.columns import values_of
    from kfpl.columnar.tables import encode
    from kfpl.population_tables import cell_value, text_array
    from kfpl.runtime.application import ApplicationError, read_value

    kind, array = case
    spec = SPECS[kind]
    values, doubted = encode(spec, array)
    cells = text_array(array).to_pylist()
    assert values.present.tolist() == [c is not None for c in cells]
    for row, cell in enumerate(cells):
        if cell is None or doubted[row]:
            continue
        try:
            read = read_value(spec, cell_value(spec.type, cell), "x")
        except ApplicationError as exc:
            raise AssertionError(
                f"{cell!r} proven as {kind}, the reader refuses it: {exc}"
            ) from exc
        want = values_of(spec.type, [read])
        if spec.type in ("text", "enum"):
            assert values.data.words()[row] == read, cell
        else:
            assert values.data[row] == want.data[0], (cell, values.data[row], want.data[0])


def test_an_application_date_outside_its_year_and_an_unknown_earlier_measure_are_refused(
    tmp_path: Path,
) -> None:
    header, rows = tables_with()["enterprises"]
    dated = [[*rows[0], "2023-01-01"], [*rows[1], ""]]
    write_csv(tables_with(enterprises=([*header, "date"], dated)), tmp_path / "a")
    words = assert_agree(tmp_path / "a")
    assert words.en.endswith("row 1 (enterprise E1, 2021), date: 2023-01-01 is not in the application's year 2021 (field year)")  # fmt: skip
    header, rows = tables_with()["history"]
    write_csv(tables_with(history=(header, [["E2", "2021", "m9", "2020", "500"]])), tmp_path / "b")
    words = assert_agree(tmp_path / "b")
    assert 'history.csv row 1 (enterprise E2, 2021), measure: no measure "m9"' in words.en


def test_more_than_a_thousand_claims_of_one_application_are_refused(tmp_path: Path) -> None:
    header = tables_with()["claims"][0]
    many = [["E1", "2021", f"c{i}", "m1", "", "", "1", "", ""] for i in range(1001)]
    write_csv(tables_with(claims=(header, many)), tmp_path)
    words = assert_agree(tmp_path)
    assert words.en == f"{tmp_path / 'claims.csv'} (enterprise E1, 2021): more than 1000 claims (the limit)"  # fmt: skip


def test_kfpl_batch_on_tables_names_a_bad_cell_and_exits_2(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kfpl.cli.main import main
    from kfpl.population import Options, generate, write_tables
    from kfpl.project.loader import compile_paths

    ps = compile_paths([str(POLICIES)]).policy_set
    assert ps is not None
    write_tables(generate(ps, Options(enterprises=40, seed=3)), tmp_path / "t")
    runner = CliRunner()
    outs = {}
    for engine in ("columnar", "reference"):
        done = runner.invoke(main, ["batch", str(tmp_path / "t"), "-o", str(tmp_path / engine), "--engine", engine, "--policies", str(POLICIES)])  # fmt: skip
        assert done.exit_code == 0, done.output
        outs[engine] = (tmp_path / engine / "claims.csv").read_text(encoding="utf-8")
    assert outs["columnar"] == outs["reference"]
    claims = (tmp_path / "t" / "claims.csv").read_text(encoding="utf-8").splitlines()
    header = claims[0].split(",")
    row = claims[1].split(",")
    column = next(i for i, c in enumerate(row) if i >= 6 and c)
    row[column] = "12.345"
    claims[1] = ",".join(row)
    (tmp_path / "t" / "claims.csv").write_text("\n".join(claims) + "\n", encoding="utf-8")
    done = runner.invoke(main, ["batch", str(tmp_path / "t"), "-o", str(tmp_path / "x"), "--policies", str(POLICIES), "--lang", "zh"])  # fmt: skip
    assert done.exit_code == 2
    assert f"claims.csv 第 1 行（企业 {row[0]}，2022 年），{header[column]}：" in done.output
