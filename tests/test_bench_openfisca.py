"""bench/openfisca_compare.py compares the same rule on both sides, and kfpl's side is exact.

Not timed. The kfpl side is always there: the benchmark's policy set checks and its
worked examples pass, and kfpl pays a handful of edge firms (a fen tie, the cap, each
tier threshold and a fen either side) what the rule gives by hand. The OpenFisca side
runs only where openfisca-core is installed (a venv of its own, .venv-openfisca; absent
in CI): there the OpenFisca system must pay the same as kfpl wherever floats are exact,
and the benchmark must count the firms where they are not.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from click.testing import CliRunner

from kfpl.cli.main import main

BENCH = Path(__file__).resolve().parent.parent / "bench"
POLICY = BENCH / "openfisca"

# booth fees, main revenue (fen) -> the firm's award (fen), by hand:
EDGE = [
    # 30% of 1,234.51 = 370.353 -> 370.35; revenue a fen below 2000万: no tier
    (123_451, 1_999_999_999, 37_035),
    # 30% of 0.05 = 0.015 -> 0.02 (half up); exactly 2000万: 10万
    (5, 2_000_000_000, 2 + 10_000_000),
    # a yuan over 100万: 30% is 300,000.30, capped at 30万; a fen below 1亿: 10万
    (100_000_100, 9_999_999_999, 30_000_000 + 10_000_000),
    # 30% of 999,999.98 = 299,999.994 -> 299,999.99; exactly 1亿: 20万
    (99_999_998, 10_000_000_000, 29_999_999 + 20_000_000),
    # no fees; exactly 5亿: 50万
    (0, 50_000_000_000, 50_000_000),
    # a fen below 5亿: 20万
    (1_000, 49_999_999_999, 300 + 20_000_000),
]


@pytest.fixture(scope="module")
def compare() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_openfisca_compare", BENCH / "openfisca_compare.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_openfisca_compare"] = module
    spec.loader.exec_module(module)
    return module


def kfpl(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def edge_firms(compare: ModuleType) -> object:
    fees, revenue, _ = zip(*EDGE, strict=True)
    return compare.Firms(np.array(fees, dtype=np.int64), np.array(revenue, dtype=np.int64))


def test_bench_policy_checks_and_its_examples_pass() -> None:
    code, out = kfpl("check", str(POLICY), "--lang", "en")
    assert code == 0, out
    assert "(no problems)" in out
    code, out = kfpl("test", str(POLICY), "--lang", "en")
    assert code == 0, out
    assert "13 passed, 0 failed" in out


def test_kfpl_pays_the_edge_firms_what_the_rule_gives(compare: ModuleType, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    want = [award for _, _, award in EDGE]
    firms = edge_firms(compare)
    assert compare.baseline(firms).tolist() == want
    # through `kfpl batch`'s stages: the Parquet tables read and validated by column, the
    # columnar engine; and the same tables as objects through the reference evaluator
    engine = compare.Kfpl.load()
    compare.write_tables(firms, tmp_path)
    numbers = list(range(1, len(EDGE) + 1))
    results = engine.columnar(engine.read(tmp_path), numbers)
    assert results.reference == 0
    assert compare.totals(results).tolist() == want
    reference = engine.reference(engine.applications(tmp_path), numbers)
    assert reference.claims == results.claims and reference.totals == results.totals
    tiers = [row[4] for row in results.claims if row[3] == "bench-2"]
    assert tiers == ["not_eligible", *["awarded"] * 5]
    booth = [row[4] for row in results.claims if row[3] == "bench-1"]
    assert booth == ["awarded", "awarded", "capped", "awarded", "awarded", "awarded"]


def test_random_firms_cover_the_cap_and_every_tier(compare: ModuleType) -> None:
    """The benchmark's population reaches every branch of the rule it times."""
    f = compare.firms(5_000, 13)
    award = compare.baseline(f)
    assert (f.booth_fees * 3 // 10 > 30 * compare.WAN).any()  # the cap binds somewhere
    tier = award - np.minimum((30 * f.booth_fees + 50) // 100, 30 * compare.WAN)
    assert set(tier.tolist()) == {0, 10 * compare.WAN, 20 * compare.WAN, 50 * compare.WAN}
    assert (f.booth_fees % 100 != 0).mean() > 0.9  # amounts with fen, not whole yuan


def _openfisca(compare: ModuleType) -> Path:
    python: Path = compare.DEFAULT_OPENFISCA_PYTHON
    if not compare.has_openfisca(python):
        pytest.skip(f"openfisca-core is not installed at {python}")
    return python


def test_openfisca_states_the_same_rule(compare: ModuleType, tmp_path: Path) -> None:
    """Where every amount is exact in float64 (whole yuan; 30% of a multiple of 10 yuan;
    revenues off the thresholds by whole yuan), OpenFisca pays what kfpl pays."""
    python = _openfisca(compare)
    fees = np.array([0, 10, 5_000, 999_990, 1_000_010, 3_000_000]) * 100
    revenue = (
        np.array([1_999_999, 20_000_001, 99_999_999, 100_000_001, 499_999_999, 600_000_000]) * 100
    )
    firms = compare.Firms(fees.astype(np.int64), revenue.astype(np.int64))
    np.savez(
        tmp_path / "pop.npz", booth_fees_fen=firms.booth_fees, main_revenue_fen=firms.main_revenue
    )
    got = compare.openfisca(python, tmp_path / "pop.npz", "float64", 1)
    assert got["award"].dtype == np.float64
    assert compare.to_fen(got["award"]).tolist() == compare.baseline(firms).tolist()


def test_openfisca_float32_is_counted_off_the_fen(compare: ModuleType) -> None:
    python = _openfisca(compare)
    figures = compare.compare(2_000, seed=5, openfisca_python=python, runs=1, reference_max=0)
    assert figures.wrong["float32"] > figures.wrong["float64"] > 0
    # the example rows shown are real disagreements with the exact award
    for dtype in ("float32", "float64"):
        assert figures.examples[dtype]
        assert all(exact != got for _, exact, got in figures.examples[dtype])
    assert "off the exact award" in "\n".join(figures.lines())
