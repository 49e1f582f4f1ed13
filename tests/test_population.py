"""The synthetic sample population: seeded, plausible, clearly labelled, exact."""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from kfpl.model import PolicySet
from kfpl.population import CHAIN_WEIGHTS, Options, generate, write_jsonl
from kfpl.project.loader import compile_paths

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "population" / "applications.jsonl"
EIGHT_CHAINS = {
    "agri_food",
    "fine_chemicals",
    "auto_parts",
    "equipment",
    "textiles",
    "home_furnishing",
    "new_materials_energy",
    "pharma_devices",
}
MONEY = re.compile(r"^\d+\.\d\d$")


@pytest.fixture(scope="module")
def policies() -> PolicySet:
    comp = compile_paths([str(ROOT / "policies")])
    assert comp.ok and comp.policy_set is not None
    return comp.policy_set


def test_same_seed_same_population(policies: PolicySet) -> None:
    a = generate(policies, Options(enterprises=50, seed=3))
    b = generate(policies, Options(enterprises=50, seed=3))
    c = generate(policies, Options(enterprises=50, seed=4))
    assert a == b
    assert a != c


def test_population_is_plausible_and_synthetic(policies: PolicySet) -> None:
    apps = generate(policies, Options(enterprises=1500))
    assert len(apps) == 1500
    chains = Counter(a["enterprise"]["chain"] for a in apps)
    assert set(chains) >= EIGHT_CHAINS
    assert all(chains[c] >= 60 for c in EIGHT_CHAINS)
    sizes = Counter(a["enterprise"]["size"] for a in apps)
    assert 0.25 < sizes["above_scale"] / 1500 < 0.45
    for app in apps:
        e = app["enterprise"]
        assert e["name"].startswith("合成企业")  # "synthetic enterprise"
        assert MONEY.match(e["local_retained_tax"])
        assert Decimal(20_000) <= Decimal(e["local_retained_tax"]) <= Decimal(30_000_000)
        assert 0 <= len(app["claims"]) <= 4
        for claim in app["claims"]:
            assert claim["measure"] in policies.measures
            for value in claim["facts"].values():
                assert not isinstance(value, float)
                if isinstance(value, str) and value[:1].isdigit():
                    assert MONEY.match(value) or value.isdigit() or value.startswith("0.")


def test_ind_measures_are_claimed_only_by_their_chain(policies: PolicySet) -> None:
    apps = generate(policies, Options(enterprises=400))
    for app in apps:
        for claim in app["claims"]:
            measure = policies.measures[claim["measure"]]
            if measure.source is not None and measure.source.doc == "ind":
                from kfpl.population import measure_chains

                assert app["enterprise"]["chain"] in (measure_chains(measure) or ())


def test_jsonl_starts_with_a_synthetic_header(policies: PolicySet, tmp_path: Path) -> None:
    options = Options(enterprises=5)
    write_jsonl(generate(policies, options), tmp_path / "p.jsonl", options)
    first = json.loads((tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["synthetic"] is True and first["seed"] == 2022


@pytest.mark.skipif(not SAMPLE.exists(), reason="sample population not generated yet")
def test_shipped_sample_is_small_labelled_and_covers_the_chains() -> None:
    assert SAMPLE.stat().st_size < 3_000_000
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["synthetic"] is True and header["enterprises"] == len(lines) - 1
    chains = {json.loads(line)["enterprise"]["chain"] for line in lines[1:]}
    assert EIGHT_CHAINS <= chains <= set(CHAIN_WEIGHTS)


def test_parquet_tables_round_trip_to_the_same_batch(policies: PolicySet, tmp_path: Path) -> None:
    """`--parquet DIR` writes tables that read back as the CSV tables do, and `kfpl batch`
    pays the same to the fen from either (and from the JSON lines)."""
    from click.testing import CliRunner

    from kfpl.cli.main import main as cli
    from kfpl.diff.impact import load_population
    from kfpl.population import main as population_main

    runner = CliRunner()
    out = runner.invoke(
        population_main,
        [
            *("--enterprises", "120", "--seed", "5"),
            *("--jsonl", str(tmp_path / "a.jsonl"), "--csv", str(tmp_path / "csv")),
            *("--parquet", str(tmp_path / "pq")),
        ],
    )
    assert out.exit_code == 0, out.output
    assert sorted(p.name for p in (tmp_path / "pq").iterdir()) == [
        "claims.parquet",
        "enterprises.parquet",
        "history.parquet",
        "past.parquet",
    ]
    from_csv = load_population(tmp_path / "csv", policies)
    from_parquet = load_population(tmp_path / "pq", policies)
    assert from_parquet == from_csv
    assert sum(len(a["claims"]) for a in from_parquet) > 120
    assert any(a["history"] for a in from_parquet)

    results = {}
    for name in ("a.jsonl", "csv", "pq"):
        target = tmp_path / f"out-{name}"
        done = runner.invoke(cli, ["batch", str(tmp_path / name), "-o", str(target)])
        assert done.exit_code == 0, done.output
        results[name] = (target / "totals.csv").read_text(encoding="utf-8")
    assert results["pq"] == results["csv"] == results["a.jsonl"]
    assert len(results["pq"].splitlines()) == 121


def test_parquet_money_is_never_floating_point(policies: PolicySet, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from kfpl.population import write_parquet

    write_parquet(generate(policies, Options(enterprises=30, seed=2)), tmp_path)
    for table in ("enterprises", "claims", "history"):
        schema = pq.read_schema(tmp_path / f"{table}.parquet")
        assert not any("float" in str(t) or "double" in str(t) for t in schema.types), schema
