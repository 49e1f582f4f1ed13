"""bench/batch.py runs at a tiny size, and its numpy baseline agrees with kfpl.

Not a timed test: it checks that the benchmark's hand-written baseline pays what kfpl
pays (status and amount of every claim), so the figures in bench/RESULTS.md compare the
same rules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def batch() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_batch", BENCH / "batch.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_batch"] = module
    spec.loader.exec_module(module)
    return module


def test_bench_runs_and_baseline_agrees(
    batch: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert batch.main(["--sizes", "300", "--reference-max", "300", "--seed", "11"]) == 0
    out = capsys.readouterr().out
    assert "numpy baseline == kfpl columnar" in out
    assert "kfpl reference" in out
    assert "OpenFisca" in out  # compared where installed, else said so


def test_baseline_pays_something_and_trims(batch: ModuleType) -> None:
    """The population exercises the rules the baseline claims to implement."""
    engine = batch.kfpl_engine()
    apps = batch.population(400, 3)
    status, amount = batch.baseline(batch.Columns(apps))
    results = batch.kfpl_columnar(engine, apps)
    assert batch.agree(results, status, amount) == len(status)
    seen = {batch.STATUS[s] for s in status.tolist()}
    assert {"awarded", "capped", "not_eligible", "undetermined", "superseded"} <= seen
    assert int(amount.sum()) > 0


def test_money_text_to_fen(batch: ModuleType) -> None:
    assert batch.fen("1234.5") == 123450
    assert batch.fen("1亿") == 10_000_000_000
    assert batch.fen("30万") == 30_000_000
    assert batch.fen("7") == 700


def test_bench_from_files_agrees(
    batch: ModuleType, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``--files``: the baseline reads kfpl's Parquet tables and pays what kfpl pays;
    the columnar and reference engines write identical CSV."""
    pytest.importorskip("pyarrow")
    assert batch.main(["--files", str(tmp_path), "--sizes", "200", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "numpy baseline == kfpl" in out
    assert "identical files" in out
