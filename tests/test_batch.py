"""`kfpl batch`: the columnar engine gives the reference evaluator's results to the fen.

The differential tests run both engines over the same data and require byte-identical
output files; the population is the seeded synthetic one (kfpl.population), and
hypothesis draws small populations with facts left out and tight yearly limits.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import POLICIES, ROOT, application
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kfpl.cli.main import main
from kfpl.columnar.batch import Compiled, Raw, run_partition
from kfpl.population import Options, generate, write_jsonl, write_tables
from kfpl.project.loader import compile_paths

pytest.importorskip("numpy")


@pytest.fixture(scope="module")
def ps():  # type: ignore[no-untyped-def]
    comp = compile_paths([str(POLICIES)])
    assert comp.policy_set is not None
    return comp.policy_set


@pytest.fixture(scope="module")
def compiled(ps) -> Compiled:  # type: ignore[no-untyped-def]
    return Compiled.of(ps)


@pytest.fixture(scope="module")
def population(ps, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    options = Options(enterprises=3000, seed=13)
    apps = generate(ps, options)
    folder = tmp_path_factory.mktemp("population")
    write_jsonl(apps, folder / "apps.jsonl", options)
    write_tables(apps, folder / "tables")
    return folder, apps


def batch(*args: str) -> Any:
    return CliRunner().invoke(main, ["batch", *args, "--policies", str(POLICIES), "--lang", "en"])


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_columnar_and_reference_write_identical_files(population, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder, apps = population
    outputs = {}
    for engine in ("columnar", "reference"):
        result = batch(str(folder / "apps.jsonl"), "-o", str(tmp_path / engine), "--engine", engine)
        assert result.exit_code == 0, result.output
        outputs[engine] = result.output
    # Every measure has a kernel (steps, lists, stages included): no application is left
    # to the reference evaluator (the CLI would say how many and why).
    assert "by the reference evaluator" not in outputs["columnar"]
    assert "history:" not in outputs["columnar"]
    for name in ("claims.csv", "totals.csv"):
        assert (tmp_path / "columnar" / name).read_bytes() == (
            tmp_path / "reference" / name
        ).read_bytes()
    claims = rows(tmp_path / "columnar" / "claims.csv")
    # What the population exercises: ~5k claims, every measure several times, the
    # yearly total binding, stacking, caps, refusals.
    assert len(claims) >= 4500
    per_measure: dict[str, int] = {}
    for c in claims:
        per_measure[c["measure"]] = per_measure.get(c["measure"], 0) + 1
    assert len(per_measure) == 64  # every measure of the set
    assert sorted(per_measure.values())[len(per_measure) // 4] >= 10
    statuses = {c["status"] for c in claims}
    assert {"awarded", "capped", "not_eligible", "superseded", "excluded"} <= statuses
    assert sum(1 for a in apps if a["history"]) > 100


def test_tables_give_the_same_files_as_json_lines(population, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder, _ = population
    assert batch(str(folder / "apps.jsonl"), "-o", str(tmp_path / "a")).exit_code == 0
    assert batch(str(folder / "tables"), "-o", str(tmp_path / "b")).exit_code == 0
    for name in ("claims.csv", "totals.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_yearly_total_trims_the_latest_claim_by_hand(tmp_path: Path) -> None:
    # Local retained tax 10万: mfg-2a pays 30% of 20万 = 6万, mfg-2c 20% of 30万 = 6万;
    # together 12万, so the later claim is cut by 2万 to 4万 (mfg 附则3).
    app = application(
        {"measure": "mfg-2a", "facts": {"booth_rental": "200000", "booth_setup": "0"}},
        {"measure": "mfg-2c", "facts": {"export_freight": "300000"}},
        local_retained_tax="100000",
    )
    data = tmp_path / "one.jsonl"
    data.write_text(json.dumps(app, ensure_ascii=False) + "\n", encoding="utf-8")
    for engine in ("columnar", "reference"):
        result = batch(str(data), "-o", str(tmp_path / engine), "--engine", engine)
        assert result.exit_code == 0, result.output
        claims = rows(tmp_path / engine / "claims.csv")
        assert [(c["claim"], c["status"], c["amount"]) for c in claims] == [
            ("c1", "awarded", "60000.00"),
            ("c2", "capped", "40000.00"),
        ]
        assert rows(tmp_path / engine / "totals.csv")[0]["total"] == "100000.00"


def test_parquet_output_is_exact(population, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pq = pytest.importorskip("pyarrow.parquet")
    folder, _ = population
    assert (
        batch(
            str(folder / "apps.jsonl"), "-o", str(tmp_path / "p"), "--format", "parquet"
        ).exit_code
        == 0
    )
    assert batch(str(folder / "apps.jsonl"), "-o", str(tmp_path / "c")).exit_code == 0
    table = pq.read_table(tmp_path / "p" / "claims.parquet")
    assert str(table.schema.field("amount_fen").type) == "int64"
    assert not any("float" in str(f.type) or "double" in str(f.type) for f in table.schema)
    from_csv = rows(tmp_path / "c" / "claims.csv")
    assert table.column("amount").to_pylist() == [c["amount"] for c in from_csv]


def test_a_bad_line_is_named_and_exits_2(tmp_path: Path) -> None:
    good = application({"measure": "mfg-2c", "facts": {"export_freight": "300000"}})
    bad = application({"measure": "mfg-2c", "facts": {"export_freight": "lots"}})
    data = tmp_path / "apps.jsonl"
    data.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    result = batch(str(data), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert f"{data}:2" in result.output and "claims[0].facts.export_freight" in result.output
    assert not (tmp_path / "out" / "claims.csv").exists()


def test_refuses_to_overwrite_a_file_kfpl_did_not_write(tmp_path: Path) -> None:
    data = tmp_path / "apps.jsonl"
    data.write_text(
        json.dumps(application({"measure": "mfg-2c", "facts": {"export_freight": "1"}})) + "\n"
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "claims.csv").write_text("someone's spreadsheet\n")
    (out / "notes.txt").write_text("mine\n")
    result = batch(str(data), "-o", str(out))
    assert result.exit_code == 2 and "not written by kfpl" in result.output
    assert (out / "claims.csv").read_text() == "someone's spreadsheet\n"
    (out / "claims.csv").unlink()
    assert batch(str(data), "-o", str(out)).exit_code == 0
    assert (out / "notes.txt").read_text() == "mine\n"  # never touched


def test_explain_prints_one_application_through_the_reference(population) -> None:  # type: ignore[no-untyped-def]
    folder, apps = population
    result = batch(str(folder / "apps.jsonl"), "--explain", "1", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert apps[0]["claims"][0]["measure"] in result.output


def _bench(name: str) -> Any:
    """A script of bench/ as a module (its population stressor is shared with the suite)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


differential = _bench("differential")


def test_engines_write_identical_files_at_ten_thousand_claims(tmp_path: Path) -> None:
    """bench/differential.py at a tenth of its size: every measure several times,
    history, missing facts, the yearly total binding; the two engines' CSV files equal.
    (At 100k claims it takes about 40 s: run the script, see bench/RESULTS.md.)"""
    report = differential.differential(6000, 13, tmp_path)
    assert report["identical"] == {"claims.csv": True, "totals.csv": True}
    assert report["claims"] >= 10_000
    assert report["measures"] == report["of_the_set"]
    assert report["fewest_claims_of_a_measure"] >= 3
    assert report["with_history"] >= 1000 and report["yearly_total_binds"] >= 500
    assert report["left_to_reference"] == 0
    assert {"awarded", "capped", "undetermined", "superseded"} <= set(report["statuses"])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10**6), size=st.integers(1, 40))
def test_small_populations_agree(compiled: Compiled, ps, seed: int, size: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    apps = [
        differential.stress(a, rng, ps) for a in generate(ps, Options(enterprises=size, seed=seed))
    ]
    raws = [Raw(i + 1, f"app {i + 1}", json.loads(json.dumps(a))) for i, a in enumerate(apps)]
    ours = run_partition(compiled, raws, "columnar")
    theirs = run_partition(compiled, raws, "reference")
    assert ours.claims == theirs.claims
    assert ours.totals == theirs.totals


def test_dask_partitions_by_enterprise_and_writes_the_same_files(
    population, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("dask.distributed")
    folder, _ = population
    for engine in ("dask", "columnar"):
        result = batch(
            str(folder / "apps.jsonl"),
            "-o",
            str(tmp_path / engine),
            "--engine",
            engine,
            "--workers",
            "2",
        )
        assert result.exit_code == 0, result.output
    for name in ("claims.csv", "totals.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (
            tmp_path / "columnar" / name
        ).read_bytes()


@pytest.mark.parametrize("way", ["arrow", "arrow, nothing to quote", "python"])
def test_text_needing_quotes_is_written_as_the_csv_module_writes_it(
    compiled: Compiled, tmp_path: Path, way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ids with commas, quotes, line breaks and non-ASCII text: claims.csv and totals.csv
    hold what ``csv.writer`` writes for the same rows (the files' bytes before the
    writers worked column by column), whether the lines are joined by Arrow or, without
    pyarrow, in Python. Where no field needs quotes, Arrow's CSV writer writes them."""
    import kfpl.columnar.batch as batch
    from kfpl.columnar.batch import output_files

    ids = ["E,1", 'E"2', "E\n3", "企业 4", "", " E5 "]
    claim_id = 'c"{}'
    written_by_arrow: list[int] = []
    if way == "arrow, nothing to quote":
        ids, claim_id = ["E1", "企业 4", "", " E5 ", "-6.5"], "c{}"
        arrow_csv = batch._arrow_csv
        monkeypatch.setattr(
            batch, "_arrow_csv", lambda f: written_by_arrow.append(1) or arrow_csv(f)
        )
    if way == "python":

        def no_pyarrow(*args: Any) -> Any:
            raise ImportError("pyarrow")

        monkeypatch.setattr(batch, "_csv_rows_arrow", no_pyarrow)
        monkeypatch.setattr(batch, "yuan_arrow", no_pyarrow)
    else:
        pytest.importorskip("pyarrow")

    apps = []
    for i, ident in enumerate(ids):
        app = application(
            {"id": claim_id.format(i), "measure": "mfg-2c", "facts": {"export_freight": "300000"}}
        )
        app["enterprise"]["id"] = ident
        apps.append(app)
    raws = [Raw(i + 1, f"app {i + 1}", a) for i, a in enumerate(apps)]
    results = run_partition(compiled, raws, "columnar")
    files = output_files(results, tmp_path, "csv")

    def written(header: list[str], table: list[list[Any]]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in table:
            writer.writerow(["true" if v is True else "false" if v is False else v for v in row])
        return out.getvalue()

    def yuan(fen: int) -> str:
        return f"{fen // 100}.{fen % 100:02d}"

    claims = [[*r[:6], yuan(r[6]), r[6], *r[7:]] for r in results.claims]
    header = ["application", "enterprise", "claim", "measure", "status", "reason", "amount"]
    header += ["amount_fen", "ceiling", "capped", "missing"]
    assert files[tmp_path / "claims.csv"] == written(header, claims)
    totals = [[a, e, yuan(t), t] for a, e, t in results.totals]
    assert files[tmp_path / "totals.csv"] == written(
        ["application", "enterprise", "total", "total_fen"], totals
    )
    assert [row["enterprise"] for row in rows_of(files[tmp_path / "totals.csv"])] == ids
    assert len(written_by_arrow) == (2 if way == "arrow, nothing to quote" else 0)


def rows_of(text: str | bytes) -> list[dict[str, str]]:
    assert isinstance(text, str)
    return list(csv.DictReader(io.StringIO(text, newline="")))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(2**62), 2**62), max_size=40))
def test_amounts_are_written_alike_by_column_and_one_by_one(fen: list[int]) -> None:
    """The output's yuan column is formatted by column (Arrow); each amount reads as the
    one-at-a-time ``yuan`` writes it: sign, whole yuan, two digits of fen."""
    pytest.importorskip("pyarrow")
    import numpy as np

    from kfpl.columnar.batch import yuan, yuan_arrow

    edge = [0, 1, -1, 99, 100, -100, 101, 12345, -5, 10**15 * 100]
    column = np.array(fen + edge, dtype=np.int64)
    assert yuan_arrow(column).to_pylist() == [yuan(v) for v in column.tolist()]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("a,\"\r\n \t企\x00\\'\x0b\u2028")), max_size=6))
def test_a_field_is_quoted_exactly_where_the_csv_module_quotes_it(word: str) -> None:
    """The writers skip the csv module for text it would write as is; for every text,
    what they write is what ``csv.writer`` writes."""
    from kfpl.columnar.batch import _csv_field

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([word, "x"])
    assert _csv_field(word) + ",x\n" == out.getvalue()
