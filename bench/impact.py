"""Impact run speed: `kfpl diff --impact` over a large synthetic population.

Run from the repository root:

    /work/venv/bin/python bench/impact.py [--apps 100000] [--seed 2022] [--attribution]

Generates ``--apps`` synthetic applications (kfpl.population, seeded; claims on the
measures of both versions) in memory, then times the impact of the worked review
(policies/ → examples/revision-2023/): both versions evaluated on every application,
totals by measure, chain and enterprise, reconciled to the fen. ``--attribution`` also
times the per-change attribution (each step re-runs only the applications naming a
measure it changes). Prints one line per phase and the applications per second;
``--stages`` also the time inside each stage of the impact (validating once, the
versions' projections, the columnar kernels and rules, building the versions, the
summary), measured around those functions.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kfpl.diff.impact import run_impact  # noqa: E402
from kfpl.diff.structural import diff_policy_sets  # noqa: E402
from kfpl.population import Options, generate, write_parquet, write_tables  # noqa: E402
from kfpl.project.loader import compile_paths  # noqa: E402


def stage_timers() -> dict[str, float]:
    """Wrap the impact's stages so the time spent in each is added up."""
    import kfpl.diff.columnar_run as columnar_run
    import kfpl.diff.impact as impact
    import kfpl.diff.validated as validated

    spent: dict[str, float] = defaultdict(float)

    def timed(owner: Any, name: str, label: str) -> None:
        inner = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - t

        setattr(owner, name, wrapper)

    timed(validated.Shared, "read", "validate each application once (union of both versions)")
    timed(impact.Version, "read", "each version's reading (projections)")
    timed(columnar_run, "evaluate", "columnar kernels and set rules, every pass")
    timed(impact.Version, "__init__", "build the versions (generated code)")
    timed(impact, "summarise", "summarise")
    # The column path (tables: --from parquet / csv).
    import kfpl.columnar.tables as tables
    import kfpl.diff.changed as changed
    import kfpl.diff.impact_columns as impact_columns

    timed(tables, "columns_from_tables", "read and validate the tables into columns, once")
    timed(impact_columns, "project", "each version's reading (column projections)")
    timed(columnar_run, "evaluate_columns", "columnar kernels and set rules, every pass")
    timed(changed, "changed_measures", "the measures each attribution step changes")
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--attribution", action="store_true")
    parser.add_argument("--stages", action="store_true")
    parser.add_argument(
        "--from",
        dest="source",
        choices=("memory", "parquet", "csv"),
        default="memory",
        help="memory: the generated applications handed over as dicts; parquet / csv: "
        "written to a temporary folder of tables first (not timed), then read by the "
        "impact as `kfpl diff --impact FOLDER` reads them (timed)",
    )
    args = parser.parse_args()
    spent = stage_timers() if args.stages else {}

    t0 = time.perf_counter()
    old = compile_paths([str(ROOT / "policies")]).policy_set
    new = compile_paths([str(ROOT / "examples" / "revision-2023")]).policy_set
    assert old is not None and new is not None
    changes = diff_policy_sets(old, new)
    t1 = time.perf_counter()
    apps = generate([old, new], Options(enterprises=args.apps, seed=args.seed))
    claims = sum(len(a["claims"]) for a in apps)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "population"
        if args.source == "parquet":
            write_parquet(apps, folder)
        elif args.source == "csv":
            write_tables(apps, folder)
        t2 = time.perf_counter()
        if args.source == "memory":
            report = run_impact(
                old, new, f"<{args.apps} generated>", changes, attribution=args.attribution,
                apps=apps,
            )  # fmt: skip
        else:
            report = run_impact(old, new, folder, changes, attribution=args.attribution)
        t3 = time.perf_counter()
    assert report["reconciliation"]["ok"], report["reconciliation"]
    steps = len(report["attribution"])
    print(f"compile both versions + structural diff: {t1 - t0:6.2f} s")
    print(f"generate {args.apps} applications ({claims} claims): {t2 - t1:6.2f} s")
    print(
        f"impact (both versions{f', attribution over {steps} steps' if steps else ''}):"
        f" {t3 - t2:6.2f} s = {args.apps / (t3 - t2):,.0f} applications/s"
    )
    for label, seconds in spent.items():
        print(f"  {label}: {seconds:6.2f} s")
    t = report["totals"]
    print(f"total {t['old']} -> {t['new']} (delta {t['delta']}), reconciled to the fen")


if __name__ == "__main__":
    main()
