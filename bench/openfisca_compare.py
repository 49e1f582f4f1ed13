"""kfpl against OpenFisca's vector path on one simple measure, exactly (issue 13).

Run from the repository root:

    nice -n 10 .venv/bin/python bench/openfisca_compare.py [--firms 1000000] [--seed 13]
        [--openfisca-python .venv-openfisca/bin/python] [--runs 3] [--profile 100000]

The measure is bench/openfisca/simple.kfpl: 30% of booth fees, at most 30万 a year
(bench-1), plus a revenue tier (bench-2: 10万 / 20万 / 50万 from 2000万 / 1亿 / 5亿 of
main revenue); a firm's award is the sum. bench/openfisca/run_openfisca.py states the
same rule as an OpenFisca tax-benefit system. The firms are seeded random, with fen
amounts: booth fees log-uniform in [1,000, 3,000,000) yuan, revenue log-uniform in
[5,000,000, 2,000,000,000) yuan.

Timed in one run, on the same firms, each the fastest of ``--runs`` passes:

* kfpl, columnar engine, through ``kfpl batch``'s stages: reading and validating the
  population's Parquet tables column by column (``columns_from_tables``), the kernels
  and set rules (``ColumnarEngine.run_columns``);
* kfpl's reference evaluator (``reference_results``), up to ``--reference-max`` firms;
* OpenFisca's vector path (building the simulation from arrays, calculating), float32
  (OpenFisca's ``float``) and float64 (every variable's dtype set after loading), in a
  subprocess of the interpreter given by ``--openfisca-python`` (skipped if it has no
  openfisca-core);
* a hand-written numpy int64-fen baseline of the same rule.

Exactness: every firm's award from kfpl (both engines) must equal the baseline's to the
fen (asserted). For OpenFisca, each award is rounded to the fen (half up, in float64, so
the rounding adds no error of its own) and the firms where it differs from the exact
award are counted.

``compare()`` is the whole measurement, for bench/batch.py to call.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POLICY = ROOT / "bench" / "openfisca"
OPENFISCA_SIDE = POLICY / "run_openfisca.py"
DEFAULT_OPENFISCA_PYTHON = ROOT / ".venv-openfisca" / "bin" / "python"
YEAR = 2020
WAN = 10_000 * 100  # fen
YI = 100_000_000 * 100

I64 = npt.NDArray[np.int64]


# --------------------------------------------------------------------------- firms


@dataclass(frozen=True)
class Firms:
    booth_fees: I64  # fen
    main_revenue: I64  # fen

    @property
    def n(self) -> int:
        return len(self.booth_fees)


def firms(n: int, seed: int) -> Firms:
    rng = np.random.default_rng(seed)

    def log_uniform(low_yuan: float, high_yuan: float) -> I64:
        yuan = np.exp(rng.uniform(np.log(low_yuan), np.log(high_yuan), n))
        out: I64 = np.floor(yuan * 100).astype(np.int64)  # whole fen
        return out

    return Firms(log_uniform(1_000, 3_000_000), log_uniform(5_000_000, 2_000_000_000))


def yuan_text(fen: I64) -> list[str]:
    whole, cents = np.divmod(fen, 100)
    return [f"{w}.{c:02d}" for w, c in zip(whole.tolist(), cents.tolist(), strict=True)]


# --------------------------------------------------------------------------- baseline


def booth_subsidy(f: Firms) -> I64:
    """30% of the fees, half up to the fen, at most 30万 (fees < 10^12 fen, so 30 × fees
    stays below 2^63)."""
    out: I64 = np.minimum((30 * f.booth_fees + 50) // 100, 30 * WAN)
    return out


def revenue_award(f: Firms) -> I64:
    rev = f.main_revenue
    out: I64 = np.select(
        [rev >= 5 * YI, rev >= 1 * YI, rev >= 2000 * WAN], [50 * WAN, 20 * WAN, 10 * WAN], 0
    )
    return out


def baseline(f: Firms) -> I64:
    """Each firm's award in fen: the rule by hand over int64 fen columns."""
    out: I64 = booth_subsidy(f) + revenue_award(f)
    return out


# --------------------------------------------------------------------------- kfpl


def write_tables(f: Firms, folder: Path) -> None:
    """The firms as ``kfpl batch`` Parquet tables (enterprises, claims; layout in
    examples/population/README.md): one column per fact, money ``decimal128(18, 2)``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def money(fen: I64) -> Any:
        return pa.array([Decimal(v).scaleb(-2) for v in fen.tolist()], pa.decimal128(18, 2))

    ids = [f"F{i:07d}" for i in range(f.n)]
    pq.write_table(
        pa.table(
            {
                "id": ids,
                "name": [""] * f.n,
                "year": pa.array([YEAR] * f.n, type=pa.int64()),
                "main_revenue": money(f.main_revenue),
            }
        ),
        folder / "enterprises.parquet",
    )
    booth = money(f.booth_fees)
    pq.write_table(
        pa.table(
            {
                "enterprise": [i for i in ids for _ in range(2)],
                "year": pa.array([YEAR] * (2 * f.n), type=pa.int64()),
                "id": ["booth", "tier"] * f.n,
                "measure": ["bench-1", "bench-2"] * f.n,
                # the booth claim has the fees; the tier claim reads the enterprise's revenue
                "booth_fees": pa.array(
                    [x for b in booth.to_pylist() for x in (b, None)], pa.decimal128(18, 2)
                ),
            }
        ),
        folder / "claims.parquet",
    )


@dataclass
class Kfpl:
    compiled: Any
    ps: Any

    @classmethod
    def load(cls) -> Kfpl:
        from kfpl.columnar.batch import Compiled
        from kfpl.project.loader import compile_paths

        ps = compile_paths([str(POLICY)]).policy_set
        assert ps is not None
        return cls(Compiled.of(ps), ps)

    def read(self, folder: Path) -> Any:
        """The Parquet tables read and validated column by column, as `kfpl batch` does."""
        from kfpl.columnar.tables import columns_from_tables

        runtime = self.compiled.engine().runtime
        return columns_from_tables(folder, runtime.inputs, runtime.measure_inputs)

    def columnar(self, columns: Any, numbers: list[int]) -> Any:
        return self.compiled.engine().run_columns(columns, numbers)

    def applications(self, folder: Path) -> list[Any]:
        """The same population as validated Application objects (the reference reads these)."""
        from kfpl.columnar.batch import read_raw, validate

        return list(validate(read_raw(folder, self.ps), self.compiled.engine().runtime))

    def reference(self, apps: list[Any], numbers: list[int]) -> Any:
        from kfpl.columnar.engine import reference_results

        return reference_results(self.compiled.engine().runtime, apps, numbers)


def totals(results: Any) -> I64:
    out: I64 = np.asarray(results.totals.total, dtype=np.int64)
    return out


# --------------------------------------------------------------------------- OpenFisca


def has_openfisca(python: Path) -> bool:
    if not python.exists():
        return False
    probe = subprocess.run(
        [str(python), "-c", "import openfisca_core"], capture_output=True, check=False
    )
    return probe.returncode == 0


def openfisca(python: Path, population: Path, dtype: str, runs: int) -> dict[str, Any]:
    """OpenFisca's award per firm (yuan, ``dtype``) and its fastest pass's seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.npz"
        command = [str(python), str(OPENFISCA_SIDE), str(population), str(out)]
        subprocess.run([*command, "--dtype", dtype, "--runs", str(runs)], check=True)
        with np.load(out) as got:
            return {k: got[k] for k in got.files}


def to_fen(yuan: Any) -> I64:
    """A float award rounded to the fen, half up, computed in float64 (exact for the
    float32 values and for these magnitudes) so the rounding adds no error."""
    out: I64 = np.floor(yuan.astype(np.float64) * 100 + 0.5).astype(np.int64)
    return out


# --------------------------------------------------------------------------- compare


@dataclass
class Figures:
    firms: int
    seconds: dict[str, float] = field(default_factory=dict)
    wrong: dict[str, int] = field(default_factory=dict)  # OpenFisca dtype -> firms off
    # OpenFisca dtype -> firms off in each measure's own variable (before the sum)
    wrong_parts: dict[str, dict[str, int]] = field(default_factory=dict)
    examples: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        s = self.seconds
        base = s["numpy baseline"]
        out = [f"{self.firms:,} firms ({2 * self.firms:,} claims)"]
        for what, secs in s.items():
            ratio = f"{secs / base:9.1f}x the numpy baseline" if base > 0 else ""
            out.append(f"  {what:<44} {secs:9.3f} s   {ratio}")
        kfpl = s["kfpl columnar: read + validate + run"]
        engine = s["kfpl columnar run"]
        for dtype in self.wrong:
            of = s[f"OpenFisca {dtype}: build + calculate"]
            share = 100 * self.wrong[dtype] / self.firms
            out.append(
                f"  OpenFisca {dtype}: {self.wrong[dtype]:,} firms ({share:.2f}%) off the exact "
                f"award; kfpl columnar (read + validate + run) / OpenFisca = {kfpl / of:.1f}x, "
                f"the engine alone / OpenFisca = {engine / of:.1f}x"
            )
            parts = ", ".join(f"{k} {v:,}" for k, v in self.wrong_parts[dtype].items())
            out.append(f"    of which off in each measure's own variable: {parts}")
            for firm, exact, got in self.examples[dtype]:
                out.append(f"    firm {firm}: exact {exact} fen, OpenFisca {got} fen")
        return out


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def stage(seconds: dict[str, float], name: str, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``, its seconds recorded under ``name``."""
    seconds[name], out = timed(lambda: fn(*args))
    return out


def compare(
    n: int,
    seed: int = 13,
    openfisca_python: Path = DEFAULT_OPENFISCA_PYTHON,
    runs: int = 3,
    reference_max: int = 100_000,
) -> Figures:
    f = firms(n, seed)
    figures = Figures(n)
    sec = figures.seconds
    # the numpy baseline, fastest of ``runs``
    sec["numpy baseline"] = min(timed(lambda: baseline(f))[0] for _ in range(runs))
    exact = baseline(f)
    kfpl = Kfpl.load()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_tables(f, folder)
        np.savez(
            folder / "population.npz", booth_fees_fen=f.booth_fees, main_revenue_fen=f.main_revenue
        )
        # kfpl through the stages of `kfpl batch`, each the fastest of ``runs`` as
        # OpenFisca's and numpy's are (a fresh process's first pass pays page faults)
        columns = stage(sec, "kfpl read + validate the Parquet tables", kfpl.read, folder)
        sec["kfpl read + validate the Parquet tables"] = min(
            [
                sec["kfpl read + validate the Parquet tables"],
                *(timed(lambda: kfpl.read(folder))[0] for _ in range(runs - 1)),
            ]
        )
        numbers = list(range(1, n + 1))
        results = stage(sec, "kfpl columnar run", kfpl.columnar, columns, numbers)
        sec["kfpl columnar run"] = min(
            [
                sec["kfpl columnar run"],
                *(timed(lambda c=columns: kfpl.columnar(c, numbers))[0] for _ in range(runs - 1)),
            ]
        )
        sec["kfpl columnar: read + validate + run"] = (
            sec["kfpl read + validate the Parquet tables"] + sec["kfpl columnar run"]
        )
        assert results.reference == 0, results.why
        bad = np.flatnonzero(totals(results) != exact)
        assert not len(bad), f"kfpl columnar differs from the baseline on {len(bad)} firms"
        if n <= reference_max:
            apps = kfpl.applications(folder)
            ref = stage(sec, "kfpl reference run", kfpl.reference, apps, numbers)
            assert np.array_equal(totals(ref), totals(results))
            del apps
        del columns, results  # OpenFisca runs in its own process
        if has_openfisca(openfisca_python):
            for dtype in ("float32", "float64"):
                got = openfisca(openfisca_python, folder / "population.npz", dtype, runs)
                sec[f"OpenFisca {dtype}: build"] = float(got["build"])
                sec[f"OpenFisca {dtype}: calculate"] = float(got["calculate"])
                sec[f"OpenFisca {dtype}: build + calculate"] = float(
                    got["build"] + got["calculate"]
                )
                fen = to_fen(got["award"])
                off = np.flatnonzero(fen != exact)
                figures.wrong[dtype] = len(off)
                figures.wrong_parts[dtype] = {
                    name: int((to_fen(got[name]) != want(f)).sum())
                    for name, want in (
                        ("booth_subsidy", booth_subsidy),
                        ("revenue_award", revenue_award),
                    )
                }
                figures.examples[dtype] = [
                    (int(i), int(exact[i]), int(fen[i])) for i in off[:3].tolist()
                ]
    return figures


def profile(n: int, seed: int) -> str:
    """cProfile of kfpl's read + validate + columnar run on ``n`` firms: where the time goes."""
    f = firms(n, seed)
    kfpl = Kfpl.load()
    with tempfile.TemporaryDirectory() as tmp:
        write_tables(f, Path(tmp))
        prof = cProfile.Profile()
        prof.enable()
        columns = kfpl.read(Path(tmp))
        kfpl.columnar(columns, list(range(1, n + 1)))
        prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("cumulative").print_stats(r"kfpl[/\\]", 20)
    stats.sort_stats("tottime").print_stats(12)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--firms", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument(
        "--runs", type=int, default=3, help="passes of OpenFisca and numpy; the fastest counts"
    )
    ap.add_argument("--reference-max", type=int, default=100_000)
    ap.add_argument("--openfisca-python", type=Path, default=DEFAULT_OPENFISCA_PYTHON)
    ap.add_argument("--profile", type=int, default=0, help="also profile kfpl on this many firms")
    args = ap.parse_args(argv)
    if not has_openfisca(args.openfisca_python):
        print(f"no openfisca-core at {args.openfisca_python}: OpenFisca not measured")
    figures = compare(args.firms, args.seed, args.openfisca_python, args.runs, args.reference_max)
    print("\n".join(figures.lines()))
    if args.profile:
        print(profile(args.profile, args.seed))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
