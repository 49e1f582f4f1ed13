"""Evaluation speed: the generated evaluators against a hand-written implementation.

Run from the repository root:

    /work/venv/bin/python bench/eval_speed.py [--apps 500] [--runs 5] [--seed 2020]

Builds a fixed set of random applications that claim seven mfg measures (steps,
percent of a sum with a yearly cap, thresholds with project caps, by-level once, a
sum base with at-most-3-years, a per-enterprise cap), with history, missing facts,
stacking on one project and one matter, and the yearly total. First asserts that the
generated evaluators (policies/ compiled in memory) and bench/handwritten.py give the
same status and amount for every claim; then times both and prints the ratio.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import handwritten

from kfpl.python.evaluate import Program
from kfpl.runtime.money import yuan_str

WAN = 10_000
YI = 100_000_000


def amount(rng: random.Random, low: int, high: int) -> str:
    """Yuan with fen, as a string (exact), sometimes a round number."""
    yuan = rng.randint(low, high)
    if rng.random() < 0.3:
        return str(yuan)
    return f"{yuan}.{rng.randint(0, 99):02d}"


def facts_for(measure: str, rng: random.Random) -> dict[str, Any]:
    if measure == "mfg-1":
        return {"main_revenue": amount(rng, 40 * YI, 260 * YI)}
    if measure == "mfg-2a":
        return {"booth_rental": amount(rng, 0, 80 * WAN), "booth_setup": amount(rng, 0, 30 * WAN)}
    if measure == "mfg-3":
        return {
            "tech_reform_demo": rng.random() < 0.8,
            "project_completed": rng.random() < 0.9,
            "equipment_rd_investment": amount(rng, 300 * WAN, 900 * WAN),
        }
    if measure == "mfg-5":
        return {
            "smart_reform_demo": rng.random() < 0.8,
            "project_completed": rng.random() < 0.9,
            "project_total_investment": amount(rng, 400 * WAN, 2000 * WAN),
            "software_hardware_investment": amount(rng, 0, 1200 * WAN),
        }
    if measure == "mfg-8a":
        return {"level": rng.choice(["national", "provincial"]),
                "base_direction_internet_big_data": rng.random() < 0.9}  # fmt: skip
    if measure == "mfg-12b":
        names = ("tech_import_fees", "research_instruments", "research_equipment",
                 "research_software")  # fmt: skip
        return {"city_innovation_centre": rng.random() < 0.85,
                **{n: amount(rng, 0, 200 * WAN) for n in names}}  # fmt: skip
    if measure == "mfg-13a":
        return {"cloud_fees": amount(rng, 2 * WAN, 15 * WAN)}
    raise KeyError(measure)


def history_for(measure: str, year: int, rng: random.Random) -> list[dict[str, Any]]:
    if rng.random() < 0.6:
        return []
    if measure == "mfg-1":
        return [{"measure": "mfg-1", "year": year - 1, "amount": "1000000",
                 "step": rng.choice(["5000000000", "10000000000", "15000000000"])}]  # fmt: skip
    if measure == "mfg-2a":
        return [{"measure": "mfg-2a", "year": year, "amount": amount(rng, 0, 30 * WAN)}]
    if measure == "mfg-8a":
        level = rng.choice(["national", "provincial"])
        return [{"measure": "mfg-8a", "year": year - 1, "amount": "500000", "level": level}]
    if measure == "mfg-12b":
        return [{"measure": "mfg-12b", "year": y, "amount": "200000"}
                for y in range(year - rng.randint(1, 3), year)]  # fmt: skip
    if measure == "mfg-13a":
        return [{"measure": "mfg-13a", "year": year - 1, "amount": amount(rng, 0, 5 * WAN)}]
    return []


def application(index: int, rng: random.Random) -> dict[str, Any]:
    year = rng.choice([2019, 2020, 2021, 2021, 2022, 2022, 2023])
    tight = rng.random() < 0.3  # the yearly total binds
    measures = list(handwritten.FUNCTIONS)
    chosen = [rng.choice(measures) for _ in range(rng.randint(1, 6))]
    enterprise = {
        "id": f"e{index}",
        "registered_in_kaifeng": rng.random() < 0.97,
        "taxed_in_kaifeng": True,
        "independent_legal_person": True,
        "industrial_enterprise": rng.random() < 0.9,
        "size": rng.choice(["above_scale", "above_scale", "small_micro", "other"]),
        "local_retained_tax": amount(rng, 0, 300 * WAN) if tight else "1亿",
        "false_materials": rng.random() < 0.03,
        "major_accident": False,
        "tax_violation_case": False,
        "mass_incident": False,
    }
    claims, history = [], []
    for i, measure in enumerate(chosen):
        facts = facts_for(measure, rng)
        if rng.random() < 0.05:  # missing is not zero
            facts.pop(rng.choice(sorted(facts)))
        claim: dict[str, Any] = {"id": f"c{i + 1}", "measure": measure, "facts": facts}
        if measure in ("mfg-3", "mfg-5") and rng.random() < 0.5:
            claim["project"] = rng.choice(["p1", "p2"])
        claims.append(claim)
        history.extend(h for h in history_for(measure, year, rng) if h not in history)
        if measure == "mfg-1":  # earlier revenue below 50亿, so 首次 is decided by awards
            past = [{"year": y, "facts": {"main_revenue": "4000000000"}} for y in range(2019, year)]
            history.extend(h for h in past if h not in history)
    return {"year": year, "enterprise": enterprise, "claims": claims, "history": history}


def compare(program: Program, apps: list[dict[str, Any]]) -> int:
    """Assert identical statuses and amounts; returns the number of claims compared."""
    compared = 0
    for app in apps:
        generated = program.evaluate(app)
        hand = handwritten.evaluate(app)
        got = [(m["id"], m["status"], m["amount"]) for m in generated["measures"]]
        want = [(cid, status, yuan_str(value)) for cid, status, value in hand["claims"]]
        assert got == want, f"mismatch on {app}:\n generated   {got}\n handwritten {want}"
        assert generated["total"] == yuan_str(hand["total"]), app
        compared += len(got)
    return compared


def per_app(
    fns: dict[str, Callable[[dict[str, Any]], Any]], apps: list[dict[str, Any]], runs: int
) -> dict[str, float]:
    """Seconds per application of each function: the fastest of ``runs`` passes. The
    functions take turns within each pass, so a burst of load on a shared machine slows
    them alike rather than one of them (the ratio is what is compared), and the fastest
    pass is the one least disturbed (timeit's advice)."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            start = time.perf_counter()
            for app in apps:
                fn(app)
            times[name].append((time.perf_counter() - start) / len(apps))
    return {name: min(ts) for name, ts in times.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--apps", type=int, default=500)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=2020)
    ap.add_argument("--policies", default="policies")
    args = ap.parse_args()

    program = Program.from_paths([args.policies])
    rng = random.Random(args.seed)
    apps = [application(i, rng) for i in range(args.apps)]
    claims = compare(program, apps)
    paid = sum(Decimal(m["amount"]) != 0 for app in apps for m in program.evaluate(app)["measures"])
    print(f"{len(apps)} applications, {claims} claims ({paid} paid): generated and "
          f"hand-written results identical (status and amount of every claim)")  # fmt: skip

    fns = {
        "run": program.run,
        "json": program.evaluate,
        "read": program.runtime.read,
        "hand": handwritten.evaluate,
    }
    best = per_app(fns, apps, args.runs)
    t_run, t_json, t_hand = best["run"], best["json"], best["hand"]
    print(f"fastest of {args.runs} runs, per application (avg {claims / len(apps):.1f} claims):")
    print(f"  generated, program.run (Outcome + explanation)  {t_run * 1e6:9.1f} µs")
    print(f"  generated, program.evaluate (JSON contract)     {t_json * 1e6:9.1f} µs")
    print(f"    of which reading the application (validation) {best['read'] * 1e6:9.1f} µs")
    print(f"  hand-written plain Python                      {t_hand * 1e6:9.1f} µs")
    print(f"  ratio generated/hand-written: run {t_run / t_hand:.1f}x, "
          f"evaluate {t_json / t_hand:.1f}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
