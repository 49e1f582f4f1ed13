"""The differential test at scale: the columnar and reference engines write the same files.

Run from the repository root:

    nice -n 10 .venv/bin/python bench/differential.py [--enterprises 60000] [--seed 13]

Generates a population of the real policy set (kfpl.population), then stresses it: earlier
awards touching the claims (the same measure or one of the same matter, this year or
earlier, for the same item, another or none), facts left out, tight or missing yearly
limits, a measure claimed twice. Both engines evaluate it through ``kfpl batch``'s own
stages (validate, evaluate in chunks, write CSV) and the two ``claims.csv`` and
``totals.csv`` must be byte-identical. It prints what the population exercised (claims,
measures covered and the fewest claims of one, applications with history, applications
where the yearly total binds) and the time of each engine.

The suite runs the same check at 10k+ claims (tests/test_batch.py); at 100k claims it
takes longer than the suite's 20 s budget, so it lives here.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prior(app: dict[str, Any], rng: random.Random, ps: Any) -> dict[str, Any]:
    """An earlier award touching one of the claims: the same measure or another of the
    same matter, this year or an earlier one, for the same item, another, or none named."""
    claim = rng.choice(app["claims"])
    measure = claim["measure"]
    matter = ps.measures[measure].matter
    kin = [mid for mid, m in ps.measures.items() if m.matter == matter and matter]
    if kin and rng.randrange(2):
        measure = rng.choice(kin)
    out: dict[str, Any] = {
        "measure": measure,
        "year": app["year"] - rng.choice([0, 0, 1, 2, 3]),
        "amount": str(rng.choice([1, 50_000, 200_000, 1_000_000, 5_000_000])),
    }
    for key in ("project", "product"):
        pick = rng.randrange(4)
        if pick == 0 and claim.get(key):
            out[key] = claim[key]
        elif pick == 1:
            out[key] = f"other-{key}"
    if "level" in claim["facts"] and rng.randrange(2):
        out["level"] = claim["facts"]["level"]
    if measure == "mfg-1" and rng.randrange(2):
        out["step"] = str(rng.choice([50, 100, 150]) * 100_000_000)
    return out


def stress(app: dict[str, Any], rng: random.Random, ps: Any = None) -> dict[str, Any]:
    """Leave facts out, tighten the yearly limit, repeat a measure for the same project,
    add earlier awards."""
    if ps is not None and app["claims"]:
        for _ in range(rng.choice([0, 0, 1, 2, 4])):
            app["history"].append(prior(app, rng, ps))
    for claim in app["claims"]:
        for name in list(claim["facts"]):
            if rng.randrange(8) == 0:
                del claim["facts"][name]
    if rng.randrange(3) == 0:
        app["enterprise"]["local_retained_tax"] = str(rng.choice([0, 1, 50_000, 300_000]))
    if rng.randrange(10) == 0:
        app["enterprise"].pop("local_retained_tax", None)
    if app["claims"] and rng.randrange(4) == 0:
        twin = json.loads(json.dumps(app["claims"][0]))
        twin["id"] = "twin"
        app["claims"].append(twin)
    return app


def population(ps: Any, enterprises: int, seed: int) -> list[dict[str, Any]]:
    from kfpl.population import Options, generate

    rng = random.Random(seed)
    return [stress(a, rng, ps) for a in generate(ps, Options(enterprises=enterprises, seed=seed))]


def run_engine(compiled: Any, data: Path, out: Path, engine: str) -> Any:
    """``kfpl batch DATA -o OUT --engine ENGINE``'s stages, in this process."""
    from kfpl.cli.batch import CHUNK
    from kfpl.columnar.batch import output_files, read_raw, run_partition, write
    from kfpl.columnar.engine import Results
    from kfpl.project.loader import compile_paths

    ps = compile_paths([str(ROOT / "policies")]).policy_set
    raws = read_raw(data, ps)
    results = Results()
    for start in range(0, len(raws), CHUNK):
        results.extend(run_partition(compiled, raws[start : start + CHUNK], engine))
    write(output_files(results, out, "csv"), out)
    return results


def differential(enterprises: int, seed: int, folder: Path) -> dict[str, Any]:
    """Both engines over one stressed population; what it exercised and the times."""
    from kfpl.columnar.batch import Compiled
    from kfpl.diff.columnar_run import evaluate
    from kfpl.project.loader import compile_paths
    from kfpl.runtime.engine import PolicySetRuntime

    ps = compile_paths([str(ROOT / "policies")]).policy_set
    assert ps is not None
    apps = population(ps, enterprises, seed)
    data = folder / "apps.jsonl"
    with data.open("w", encoding="utf-8") as f:
        for app in apps:
            f.write(json.dumps(app, ensure_ascii=False) + "\n")
    compiled = Compiled.of(ps)
    seconds: dict[str, float] = {}
    results: dict[str, Any] = {}
    for engine in ("columnar", "reference"):
        t = time.perf_counter()
        results[engine] = run_engine(compiled, data, folder / engine, engine)
        seconds[engine] = time.perf_counter() - t
    same = {
        name: (folder / "columnar" / name).read_bytes()
        == (folder / "reference" / name).read_bytes()
        for name in ("claims.csv", "totals.csv")
    }
    per_measure: dict[str, int] = {}
    for row in results["columnar"].claims:
        per_measure[row[3]] = per_measure.get(row[3], 0) + 1
    engine = compiled.engine()
    runtime: PolicySetRuntime = engine.runtime
    binds = sum(evaluate(engine, [runtime.read(a) for a in apps]).binds)
    return {
        "applications": len(apps),
        "claims": len(results["columnar"].claims),
        "measures": len(per_measure),
        "of_the_set": len(ps.measures),
        "fewest_claims_of_a_measure": min(per_measure.values()),
        "with_history": sum(1 for a in apps if a["history"]),
        "yearly_total_binds": binds,
        "statuses": sorted({row[4] for row in results["columnar"].claims}),
        "left_to_reference": results["columnar"].reference,
        "identical": same,
        "seconds": seconds,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--enterprises", type=int, default=60_000)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        report = differential(args.enterprises, args.seed, Path(tmp))
    for key, value in report.items():
        print(f"{key}: {value}")
    ok = all(report["identical"].values()) and report["claims"] >= 100_000
    print("identical files" if all(report["identical"].values()) else "FILES DIFFER")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
