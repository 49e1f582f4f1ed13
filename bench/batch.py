"""Batch speed: kfpl's columnar and reference engines against hand-written numpy.

Run from the repository root:

    .venv/bin/python bench/batch.py [--sizes 10000,100000,1000000] [--reference-max 100000]

The population is bench/eval_speed.py's: applications claiming the seven mfg measures
of bench/handwritten.py (steps with 首次, percent of a sum with a yearly cap, thresholds
with per-project caps, an award by level paid once with top-up, a sum base paid at most
3 years, a per-enterprise cap), with history, missing facts, project stacking and the
yearly total binding on about a third of the enterprises.

The baseline is those rules written by hand over numpy int64 fen columns (statuses,
measure amounts, one-time, per-project caps, yearly and per-enterprise caps with
earlier awards, stacking, the yearly total trimmed latest first). Before anything is
timed, the baseline's status and amount of every claim must equal kfpl's (columnar).

Timed, in this one process, per size: kfpl columnar (validation of each application,
then the kernels), kfpl reference (validation, then ``runtime.evaluate`` per
application; only up to ``--reference-max``), the baseline (dicts to columns, then the
rules). Ratios are against the baseline's rules time. Peak memory is measured in a
forked child per engine (``--memory``): its peak RSS minus its RSS at the fork.

From files (``--files DIR``): each population is written once as Parquet tables (and,
up to ``--csv-max``, as CSV) under DIR, then timed end to end in this one process: the
baseline reading the same Parquet files with pyarrow, its rules, claims and totals
written as Parquet; ``kfpl batch``'s own functions (tables read and validated column by
column, the columnar engine, the output files); kfpl's reading alone (tables →
``Columns``); and CSV in → CSV out, columnar against ``--engine reference`` (their files
must be byte-identical). The baseline's status and amount of every claim must equal
kfpl's before anything is timed.

    .venv/bin/python bench/batch.py --files /tmp/bench-files --sizes 100000,1000000 --memory

With ``--openfisca-python PY`` (an interpreter with openfisca-core), each size also runs
bench/openfisca_compare.py on as many firms: OpenFisca's vector path against kfpl on
OpenFisca's measure, in the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from eval_speed import application  # noqa: E402

I64 = npt.NDArray[np.int64]
WAN = 10_000 * 100  # fen
YI = 100_000_000 * 100
MEASURES = ("mfg-1", "mfg-2a", "mfg-3", "mfg-5", "mfg-8a", "mfg-12b", "mfg-13a")
AWARDED, CAPPED, NOT_ELIGIBLE, UNDETERMINED, EXCLUDED, SUPERSEDED = range(6)
STATUS = ("awarded", "capped", "not_eligible", "undetermined", "excluded", "superseded")
FACTS = (
    "main_revenue",
    "booth_rental",
    "booth_setup",
    "equipment_rd_investment",
    "project_total_investment",
    "software_hardware_investment",
    "tech_import_fees",
    "research_instruments",
    "research_equipment",
    "research_software",
    "cloud_fees",
)
FLAGS = (
    "tech_reform_demo",
    "project_completed",
    "smart_reform_demo",
    "base_direction_internet_big_data",
    "city_innovation_centre",
)


def fen(text: Any) -> int:
    """Money text (yuan, with 万 or 亿) to fen, exactly."""
    s = str(text)
    mult = 100
    if s.endswith("万"):
        s, mult = s[:-1], WAN
    elif s.endswith("亿"):
        s, mult = s[:-1], YI
    value = Decimal(s) * mult
    assert value == value.to_integral_value(), f"{text}: not a whole number of fen"
    return int(value)


# --------------------------------------------------------------------------- columns


class Columns:
    """The population as numpy columns: one row per claim (application order, then
    claim order) and one per application; earlier awards summed per application."""

    def __init__(self, apps: list[dict[str, Any]]) -> None:
        n_app = len(apps)
        self.year = np.array([a["year"] for a in apps], dtype=np.int64)
        ents = [a["enterprise"] for a in apps]
        self.eligible = np.array(
            [e["registered_in_kaifeng"] and e["taxed_in_kaifeng"] for e in ents], dtype=bool
        )
        self.excluded = np.array([e["false_materials"] for e in ents], dtype=bool)
        self.industrial = np.array([e["industrial_enterprise"] for e in ents], dtype=bool)
        self.above_scale = np.array([e["size"] == "above_scale" for e in ents], dtype=bool)
        self.limit = np.array([fen(e["local_retained_tax"]) for e in ents], dtype=np.int64)
        # earlier awards, per application
        step1 = np.zeros(n_app, dtype=np.int64)
        same_year = {m: np.zeros(n_app, dtype=np.int64) for m in ("mfg-2a", "mfg-12b", "*")}
        upto_8a = np.zeros(n_app, dtype=np.int64)
        all_13a = np.zeros(n_app, dtype=np.int64)
        first_12b = np.full(n_app, 10_000, dtype=np.int64)
        for i, a in enumerate(apps):
            y = a["year"]
            for h in a["history"]:
                m = h.get("measure")
                if m is None:
                    continue
                amount = fen(h["amount"])
                if h["year"] == y:
                    same_year["*"][i] += amount
                    if m in same_year:
                        same_year[m][i] += amount
                if m == "mfg-1" and "step" in h:
                    step1[i] = max(step1[i], fen(h["step"]))
                elif m == "mfg-8a" and h["year"] <= y:
                    upto_8a[i] += amount
                elif m == "mfg-13a":
                    all_13a[i] += amount
                elif m == "mfg-12b" and h["year"] < y:
                    first_12b[i] = min(first_12b[i], h["year"])
        self.step1, self.same_year, self.upto_8a = step1, same_year, upto_8a
        self.all_13a, self.first_12b = all_13a, first_12b
        # claims
        app_of, index, measure, project, level = [], [], [], [], []
        money: dict[str, list[int]] = {f: [] for f in FACTS}
        has: dict[str, list[bool]] = {f: [] for f in FACTS + FLAGS + ("level",)}
        flag: dict[str, list[bool]] = {f: [] for f in FLAGS}
        code = {m: k for k, m in enumerate(MEASURES)}
        projects = {None: 0, "p1": 1, "p2": 2}
        for i, a in enumerate(apps):
            for k, c in enumerate(a["claims"]):
                facts = c["facts"]
                app_of.append(i)
                index.append(k)
                measure.append(code[c["measure"]])
                project.append(projects[c.get("project")])
                for f in FACTS:
                    v = facts.get(f)
                    has[f].append(v is not None)
                    money[f].append(0 if v is None else fen(v))
                for f in FLAGS:
                    v = facts.get(f)
                    has[f].append(v is not None)
                    flag[f].append(bool(v))
                lv = facts.get("level")
                has["level"].append(lv is not None)
                level.append(lv == "national")
        self.app = np.array(app_of, dtype=np.int64)
        self.index = np.array(index, dtype=np.int64)
        self.measure = np.array(measure, dtype=np.int64)
        self.project = np.array(project, dtype=np.int64)
        self.national = np.array(level, dtype=bool)
        self.money = {f: np.array(v, dtype=np.int64) for f, v in money.items()}
        self.flag = {f: np.array(v, dtype=bool) for f, v in flag.items()}
        self.has = {f: np.array(v, dtype=bool) for f, v in has.items()}
        self.n_app = n_app


def pct(percent: int, amount: I64) -> I64:
    """``percent``% of a fen amount, rounded half up to the fen (amounts ≥ 0)."""
    out: I64 = (percent * amount + 50) // 100
    return out


def before_in_group(values: I64, group: I64) -> I64:
    """Sum of the earlier values of each row's group (rows sorted by group)."""
    cs = np.cumsum(values) - values
    first = np.r_[True, group[1:] != group[:-1]] if len(group) else np.zeros(0, bool)
    out: I64 = cs - cs[first][np.cumsum(first) - 1]
    return out


def cap_running(amount: I64, rows: I64, group: I64, limit: I64) -> tuple[I64, I64]:
    """Claims in ``rows`` (sorted by group, claim order within) share ``limit`` per
    group: each gets what is left of it. Returns (new amounts, capped)."""
    a = amount[rows]
    c_before = before_in_group(a, group)
    new = np.minimum(limit, c_before + a) - np.minimum(limit, c_before)
    new = np.maximum(new, 0)
    return new, new < a


def baseline(c: Columns) -> tuple[npt.NDArray[np.int8], I64]:
    """Status and amount (fen) of every claim, the hand-written rules over columns."""
    n = len(c.app)
    m, year = c.measure, c.year[c.app]
    status = np.full(n, AWARDED, dtype=np.int8)
    amount = np.zeros(n, dtype=np.int64)
    live = np.ones(n, dtype=bool)

    def decide(mask: Any, s: int) -> None:
        hit = live & mask
        status[hit] = s
        live[hit] = False

    def need(mask: Any, *names: str) -> None:
        gone = np.zeros(n, dtype=bool)
        for name in names:
            gone |= ~c.has[name]
        decide(mask & gone, UNDETERMINED)

    decide((year < 2020) | (year > 2022), NOT_ELIGIBLE)
    decide(~c.eligible[c.app], NOT_ELIGIBLE)
    decide(c.excluded[c.app], EXCLUDED)
    mo, fl = c.money, c.flag
    # mfg-1: 100万 a step of 50亿 up to 100亿, 200万 above; steps paid before are not paid
    is1 = m == 0
    need(is1, "main_revenue")
    rev = mo["main_revenue"]
    decide(is1 & ~(c.industrial[c.app] & (rev > 50 * YI)), NOT_ELIGIBLE)
    steps = (rev - 1) // (50 * YI)
    low = np.maximum(c.step1[c.app] // (50 * YI) + 1, 1)
    a1 = np.maximum(np.minimum(steps, 2) - low + 1, 0) * 100 * WAN + np.maximum(
        steps - np.maximum(low, 3) + 1, 0
    ) * (200 * WAN)
    decide(is1 & (a1 == 0), NOT_ELIGIBLE)
    amount[is1 & live] = a1[is1 & live]
    # mfg-2a: 30% of booth costs
    is2 = m == 1
    need(is2, "booth_rental", "booth_setup")
    sel = is2 & live
    amount[sel] = pct(30, mo["booth_rental"] + mo["booth_setup"])[sel]
    # mfg-3: 25% of equipment investment ≥ 500万, at most 100万
    is3 = m == 2
    need(is3, "tech_reform_demo", "project_completed", "equipment_rd_investment")
    inv = mo["equipment_rd_investment"]
    ok3 = fl["tech_reform_demo"] & fl["project_completed"] & (inv >= 500 * WAN)
    decide(is3 & ~ok3, NOT_ELIGIBLE)
    sel = is3 & live
    a3 = pct(25, inv)
    amount[sel] = np.minimum(a3, 100 * WAN)[sel]
    status[sel & (a3 > 100 * WAN)] = CAPPED
    # mfg-5: 30% of software and hardware, project ≥ 500万, at most 300万
    is5 = m == 3
    need(
        is5,
        "smart_reform_demo",
        "project_completed",
        "project_total_investment",
        "software_hardware_investment",
    )
    ok5 = (
        fl["smart_reform_demo"]
        & fl["project_completed"]
        & (mo["project_total_investment"] >= 500 * WAN)
    )
    decide(is5 & ~ok5, NOT_ELIGIBLE)
    sel = is5 & live
    a5 = pct(30, mo["software_hardware_investment"])
    amount[sel] = np.minimum(a5, 300 * WAN)[sel]
    status[sel & (a5 > 300 * WAN)] = CAPPED
    # mfg-8a: 100万 national / 50万 provincial, once, topping up what was paid
    is8 = m == 4
    need(is8, "base_direction_internet_big_data", "level")
    decide(is8 & ~fl["base_direction_internet_big_data"], NOT_ELIGIBLE)
    a8 = np.where(c.national, 100 * WAN, 50 * WAN) - c.upto_8a[c.app]
    decide(is8 & (a8 <= 0), NOT_ELIGIBLE)
    amount[is8 & live] = a8[is8 & live]
    # mfg-12b: 20% of four costs, for at most 3 consecutive years
    is12 = m == 5
    decide(is12 & (year >= c.first_12b[c.app] + 3), NOT_ELIGIBLE)
    costs = ("tech_import_fees", "research_instruments", "research_equipment", "research_software")
    need(is12, "city_innovation_centre", *costs)
    decide(is12 & ~fl["city_innovation_centre"], NOT_ELIGIBLE)
    sel = is12 & live
    amount[sel] = pct(20, sum((mo[k] for k in costs), np.zeros(n, np.int64)))[sel]
    # mfg-13a: 50% of cloud fees ≥ 3万 for enterprises above scale
    is13 = m == 6
    need(is13, "cloud_fees")
    decide(is13 & ~(c.above_scale[c.app] & (mo["cloud_fees"] >= 3 * WAN)), NOT_ELIGIBLE)
    sel = is13 & live
    amount[sel] = pct(50, mo["cloud_fees"])[sel]

    def paid() -> Any:
        return (status == AWARDED) | (status == CAPPED)

    # one-time award claimed twice in one application: the higher, the first of equals
    rows = np.flatnonzero(is8 & paid())
    if len(rows):
        order = np.lexsort((c.index[rows], -amount[rows], c.app[rows]))
        r = rows[order]
        first = np.r_[True, c.app[r][1:] != c.app[r][:-1]]
        lose = r[~first]
        status[lose], amount[lose] = NOT_ELIGIBLE, 0

    def share(rows: I64, group: I64, limit: I64) -> None:
        new, cut = cap_running(amount, rows, group, limit)
        amount[rows] = new
        status[rows[cut]] = CAPPED

    # per-project caps (an unnamed project is one project); rows already sorted by app
    for code, cap in ((2, 100 * WAN), (3, 300 * WAN)):
        rows = np.flatnonzero((m == code) & paid())
        order = np.lexsort((c.index[rows], c.project[rows], c.app[rows]))
        rows = rows[order]
        group = c.app[rows] * 3 + c.project[rows]
        share(rows, group, np.full(len(rows), cap, dtype=np.int64))
    # caps per year / per enterprise over the years, counting earlier awards
    for code, cap, earlier in (
        (1, 30 * WAN, c.same_year["mfg-2a"]),
        (5, 100 * WAN, c.same_year["mfg-12b"]),
        (6, 5 * WAN, c.all_13a),
    ):
        rows = np.flatnonzero((m == code) & paid() & (amount > 0))
        room = np.maximum(cap - earlier[c.app[rows]], 0)
        share(rows, c.app[rows], room)
    # stacking: one project (mfg-3 and mfg-5 share the matter equipment_project, the
    # other measures' matters are their own, so matter stacking adds nothing)
    rows = np.flatnonzero(((m == 2) | (m == 3)) & paid() & (amount > 0))
    if len(rows):
        group = c.app[rows] * 3 + c.project[rows]
        k = (m[rows] == 3).astype(np.int64)
        size = c.n_app * 3
        sums = np.zeros((size, 2), dtype=np.int64)
        np.add.at(sums, (group, k), amount[rows])
        firsts = np.full((size, 2), 1 << 30, dtype=np.int64)
        np.minimum.at(firsts, (group, k), c.index[rows])
        both = (sums[:, 0] > 0) & (sums[:, 1] > 0)
        five_wins = (sums[:, 1] > sums[:, 0]) | (
            (sums[:, 1] == sums[:, 0]) & (firsts[:, 1] < firsts[:, 0])
        )
        winner = np.where(five_wins, 1, 0)
        lose = rows[both[group] & (k != winner[group])]
        status[lose], amount[lose] = SUPERSEDED, 0
    # the yearly total at most the local retained tax, trimmed from the latest claim
    rows = np.flatnonzero(paid() & (amount > 0))
    app = c.app[rows]
    totals = np.zeros(c.n_app, dtype=np.int64)
    np.add.at(totals, app, amount[rows])
    excess = c.same_year["*"] + totals - c.limit
    back = rows[::-1]  # latest first within each application
    later = before_in_group(amount[back], c.app[back])
    cut = np.clip(excess[c.app[back]] - later, 0, amount[back])
    hit = back[cut > 0]
    amount[hit] -= cut[cut > 0]
    status[hit] = CAPPED
    return status, np.where(paid(), amount, 0)


# --------------------------------------------------------------------------- kfpl


def kfpl_engine() -> Any:
    from kfpl.columnar.batch import Compiled
    from kfpl.project.loader import compile_paths

    ps = compile_paths([str(ROOT / "policies")]).policy_set
    assert ps is not None
    return Compiled.of(ps).engine()


def kfpl_columnar(engine: Any, apps: list[dict[str, Any]]) -> Any:
    read = [engine.runtime.read(a) for a in apps]
    return engine.run(read, list(range(1, len(read) + 1)))


def kfpl_reference(engine: Any, apps: list[dict[str, Any]]) -> Any:
    from kfpl.columnar.engine import reference_results

    read = [engine.runtime.read(a) for a in apps]
    return reference_results(engine.runtime, read, list(range(1, len(read) + 1)))


def kfpl_engine_stage(engine: Any, columns: Any) -> Any:
    """The columnar engine from typed columns to result arrays: routing, the kernels,
    the set rules and the claim and total tables (every application on the kernels)."""
    return engine.run_columns(columns, list(range(1, columns.n_apps + 1)), None)


def stages(engine: Any, apps: list[dict[str, Any]], cols: Columns, memory: bool, want: Any) -> None:
    """``--stages``: validation, the typed columns of the objects, and the engine from
    those columns to result arrays, each timed alone; the engine and the baseline's
    rules run in turn three times (the best of each), so that the ratio compares them
    under the same load."""
    from kfpl.columnar.columns import columns_from_applications

    t_read, read = timed(lambda: [engine.runtime.read(a) for a in apps])
    t_cols, columns = timed(lambda: columns_from_applications(read, engine.runtime.inputs))
    base, mine = [], []
    for _ in range(3):
        base.append(timed(lambda: baseline(cols))[0])
        t_engine, results = timed(lambda: kfpl_engine_stage(engine, columns))
        mine.append(t_engine)
    agree(results, *want)
    t_base, t_engine = min(base), min(mine)
    print(f"  numpy baseline rules {t_base:.2f} s (best of 3)")
    print(
        f"  stages: validating (runtime.read) {t_read:.2f} s, columns of the objects {t_cols:.2f} s"
    )
    print(
        f"  engine, Columns to results {t_engine:8.2f} s   {t_engine / t_base:8.2f}x the baseline"
    )
    if memory:
        mb = peak_in_child(lambda: kfpl_engine_stage(engine, columns))
        print(f"  peak memory above the columns, engine: {mb:,.0f} MB")
        # RSS growth undercounts where the child reuses pages the parent freed; what the
        # engine allocates at its peak (numpy reports its arrays to tracemalloc) does not.
        tracemalloc.start()
        kfpl_engine_stage(engine, columns)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"  peak allocated by the engine (tracemalloc): {peak:,.0f} MB")


def agree(results: Any, status: Any, amount: Any) -> int:
    """Assert the baseline's status and amount equal kfpl's for every claim."""
    got = [(row[4], row[6]) for row in results.claims]
    want = list(zip((STATUS[s] for s in status.tolist()), amount.tolist(), strict=True))
    assert len(got) == len(want), (len(got), len(want))
    bad = [i for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w]
    assert not bad, (
        f"{len(bad)} claims differ, first {bad[0]}: kfpl {got[bad[0]]}, numpy {want[bad[0]]}"
    )
    return len(got)


# --------------------------------------------------------------------------- from files


class FileColumns(Columns):
    """The baseline's columns read from the population's Parquet tables with pyarrow
    (the layout kfpl writes: kfpl.population_tables), money decimal128 → int64 fen.
    Hand-written for this population: enterprise ids are unique, claims are listed in
    the enterprises' order, the baseline trusts every cell (kfpl checks them)."""

    def __init__(self, folder: Path) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        def read(table: str, columns: list[str]) -> Any:
            return pq.read_table(folder / f"{table}.parquet", columns=columns)

        def fen(arr: Any) -> I64:
            arr = arr.combine_chunks().cast(pa.decimal128(38, 2))
            low = np.frombuffer(arr.buffers()[1], dtype=np.int64)[::2][: len(arr)]
            return np.where(np.asarray(arr.is_valid()), low, 0)

        def flag(arr: Any) -> npt.NDArray[np.bool_]:
            return np.asarray(pc.fill_null(arr, False))

        def ints(arr: Any) -> I64:
            return np.asarray(pc.fill_null(arr, -1)).astype(np.int64)

        ent = read(
            "enterprises",
            ["id", "year", "registered_in_kaifeng", "taxed_in_kaifeng", "false_materials",
             "industrial_enterprise", "size", "local_retained_tax"],
        )  # fmt: skip
        n_app = ent.num_rows
        self.n_app = n_app
        self.year = np.asarray(ent["year"]).astype(np.int64)
        self.eligible = flag(ent["registered_in_kaifeng"]) & flag(ent["taxed_in_kaifeng"])
        self.excluded = flag(ent["false_materials"])
        self.industrial = flag(ent["industrial_enterprise"])
        self.above_scale = np.asarray(pc.equal(ent["size"], "above_scale"))
        self.limit = fen(ent["local_retained_tax"])
        ids = ent["id"]
        hist = read("history", ["enterprise", "measure", "year", "amount", "step"])
        h_app = ints(pc.index_in(hist["enterprise"], value_set=ids))
        h_m = ints(pc.index_in(hist["measure"], value_set=pa.array(MEASURES)))
        h_year, h_amount = np.asarray(hist["year"]).astype(np.int64), fen(hist["amount"])
        h_step, has_step = fen(hist["step"]), np.asarray(hist["step"].is_valid())
        same = h_year == self.year[h_app]
        self.same_year = {}
        for key, rows in (
            ("mfg-2a", same & (h_m == 1)),
            ("mfg-12b", same & (h_m == 5)),
            ("*", same),
        ):
            acc = np.zeros(n_app, dtype=np.int64)
            np.add.at(acc, h_app[rows], h_amount[rows])
            self.same_year[key] = acc
        self.step1 = np.zeros(n_app, dtype=np.int64)
        rows = (h_m == 0) & has_step
        np.maximum.at(self.step1, h_app[rows], h_step[rows])
        self.upto_8a = np.zeros(n_app, dtype=np.int64)
        rows = (h_m == 4) & (h_year <= self.year[h_app])
        np.add.at(self.upto_8a, h_app[rows], h_amount[rows])
        self.all_13a = np.zeros(n_app, dtype=np.int64)
        rows = h_m == 6
        np.add.at(self.all_13a, h_app[rows], h_amount[rows])
        self.first_12b = np.full(n_app, 10_000, dtype=np.int64)
        rows = (h_m == 5) & (h_year < self.year[h_app])
        np.minimum.at(self.first_12b, h_app[rows], h_year[rows])
        cl = read("claims", ["enterprise", "measure", "project", *FACTS, *FLAGS, "level"])
        self.app = ints(pc.index_in(cl["enterprise"], value_set=ids))
        counts = np.bincount(self.app, minlength=n_app)
        self.index = np.arange(len(self.app)) - (np.cumsum(counts) - counts)[self.app]
        self.measure = ints(pc.index_in(cl["measure"], value_set=pa.array(MEASURES)))
        self.project = ints(pc.index_in(cl["project"], value_set=pa.array(["p1", "p2"]))) + 1
        self.national = np.asarray(pc.fill_null(pc.equal(cl["level"], "national"), False))
        self.money = {f: fen(cl[f]) for f in FACTS}
        self.flag = {f: flag(cl[f]) for f in FLAGS}
        self.has = {f: np.asarray(cl[f].is_valid()) for f in (*FACTS, *FLAGS, "level")}
        self.ids = ids
        self.claim_ids = read("claims", ["id"])["id"]


def baseline_files(folder: Path, out: Path) -> tuple[Any, I64]:
    """The numpy baseline end to end: Parquet tables in, its rules, claims.parquet and
    totals.parquet out (application, enterprise, claim, measure, status, amount_fen)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    c = FileColumns(folder)
    status, amount = baseline(c)
    numbers = np.arange(1, c.n_app + 1, dtype=np.int64)
    out.mkdir(parents=True, exist_ok=True)
    claims = pa.table(
        {
            "application": numbers[c.app],
            "enterprise": c.ids.take(pa.array(c.app)),
            "claim": c.claim_ids,
            "measure": pa.array(MEASURES).take(pa.array(c.measure)),
            "status": pa.array(STATUS).take(pa.array(status.astype(np.int64))),
            "amount_fen": amount,
        }
    )
    pq.write_table(claims, out / "claims.parquet")
    totals = np.zeros(c.n_app, dtype=np.int64)
    np.add.at(totals, c.app, amount)
    pq.write_table(
        pa.table({"application": numbers, "enterprise": c.ids, "total_fen": totals}),
        out / "totals.parquet",
    )
    return status, amount


def kfpl_files(
    compiled: Any, ps: Any, folder: Path, out: Path, fmt: str, engine: str = "columnar"
) -> Any:
    """``kfpl batch FOLDER -o OUT --format FMT [--engine reference]`` in this process:
    read and validate the tables, evaluate, write (the command's own functions)."""
    from kfpl.columnar.batch import output_files, read_raw, run_partition, run_tables, write

    if engine == "columnar":
        results = run_tables(compiled, folder)
    else:
        results = run_partition(compiled, read_raw(folder, ps), engine)
    write(output_files(results, out, fmt), out)
    return results


def files(args: argparse.Namespace) -> None:
    """``--files DIR``: the population written once as Parquet tables (and, up to
    ``--csv-max``, CSV), then read from those files by the baseline and by kfpl."""
    from kfpl.columnar.batch import Compiled
    from kfpl.project.loader import compile_paths

    ps = compile_paths([str(ROOT / "policies")]).policy_set
    assert ps is not None
    compiled = Compiled.of(ps)
    runtime = compiled.engine().runtime
    for size in (int(s) for s in args.sizes.split(",")):
        one_size(args, ps, compiled, runtime, size)


def one_size(args: argparse.Namespace, ps: Any, compiled: Any, runtime: Any, size: int) -> None:
    import shutil

    from kfpl.columnar.tables import columns_from_tables
    from kfpl.population import input_types, write_parquet, write_tables

    folder = Path(args.files) / f"pop-{size}"
    pq_dir, csv_dir = folder / "parquet", folder / "csv"
    if not (pq_dir / "claims.parquet").exists():
        apps = population(size, args.seed)
        t_write, _ = timed(lambda: write_parquet(apps, pq_dir, input_types(ps)))
        if size <= args.csv_max:
            write_tables(apps, csv_dir)
        del apps
        print(f"{size} applications written as Parquet tables in {t_write:.1f} s")
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    want = baseline_files(pq_dir, out / "numpy")
    results = kfpl_files(compiled, ps, pq_dir, out / "kfpl", "parquet")
    claims = agree(results, *want)
    print(f"{size} applications, {claims} claims from {pq_dir}: numpy baseline == kfpl")
    print(f"  columnar: {results.reference} applications left to the reference ({results.why})")
    # Fastest of --repeat turns, taken in turn (a burst of load on the shared machine
    # then slows each alike rather than one of them).
    turns: dict[str, list[float]] = {"base": [], "read": [], "kfpl": []}
    for _ in range(args.repeat):
        turns["base"].append(timed(lambda: baseline_files(pq_dir, out / "numpy"))[0])
        turns["read"].append(
            timed(lambda: columns_from_tables(pq_dir, runtime.inputs, runtime.measure_inputs))[0]
        )
        turns["kfpl"].append(
            timed(lambda: kfpl_files(compiled, ps, pq_dir, out / "kfpl", "parquet"))[0]
        )
    t_base, t_read, t_kfpl = (min(turns[k]) for k in ("base", "read", "kfpl"))
    print(f"  numpy baseline, Parquet in → rules → Parquet out  {t_base:8.2f} s")
    print(f"  kfpl batch, Parquet in → Parquet out (columnar)    {t_kfpl:8.2f} s   {t_kfpl / t_base:6.2f}x the baseline")  # fmt: skip
    print(f"    of which reading the tables into Columns         {t_read:8.2f} s   {t_read / t_base:6.2f}x")  # fmt: skip
    if args.memory:
        for what, fn in (
            ("numpy baseline", lambda: baseline_files(pq_dir, out / "numpy")),
            ("kfpl reading (tables → Columns)", lambda: columns_from_tables(pq_dir, runtime.inputs, runtime.measure_inputs)),
            ("kfpl batch (columnar)", lambda: kfpl_files(compiled, ps, pq_dir, out / "kfpl", "parquet")),
        ):  # fmt: skip
            print(f"  peak memory, {what}: {peak_in_child(fn):,.0f} MB")
    if (csv_dir / "claims.csv").exists():
        t_col = min(
            timed(lambda: kfpl_files(compiled, ps, csv_dir, out / "c-col", "csv"))[0]
            for _ in range(args.repeat)
        )
        line = f"  CSV in → CSV out: kfpl columnar {t_col:.2f} s"
        if size <= args.reference_max:
            t_ref, _ = timed(
                lambda: kfpl_files(compiled, ps, csv_dir, out / "c-ref", "csv", "reference")
            )
            same = all(
                (out / "c-col" / f).read_bytes() == (out / "c-ref" / f).read_bytes()
                for f in ("claims.csv", "totals.csv")
            )
            assert same, "the columnar and reference engines wrote different files"
            line += (
                f", --engine reference {t_ref:.2f} s: {t_ref / t_col:.1f}x faster (identical files)"
            )
        print(line)
    openfisca(args, size)
    sys.stdout.flush()


def population(size: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [application(i, rng) for i in range(size)]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def peak_in_child(fn: Callable[[], Any]) -> float:
    """Peak RSS growth (MB) of ``fn`` run in a forked child."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(r)
        with open("/proc/self/status") as f:
            start = next(int(x.split()[1]) for x in f if x.startswith("VmRSS"))
        fn()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        os.write(w, str(peak - start).encode())
        os._exit(0)
    os.close(w)
    data = os.read(r, 64)
    os.waitpid(pid, 0)
    return int(data or b"0") / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--reference-max", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=2020)
    ap.add_argument("--memory", action="store_true")
    ap.add_argument("--stages", action="store_true", help="time the engine alone, from Columns")
    ap.add_argument("--files", help="write the populations as tables here and time from files")
    ap.add_argument("--csv-max", type=int, default=100_000, help="--files: CSV tables up to")
    ap.add_argument("--repeat", type=int, default=3, help="--files: the fastest of N turns")
    ap.add_argument(
        "--openfisca-python",
        type=Path,
        default=None,
        help="an interpreter with openfisca-core: also compare OpenFisca's vector path on "
        "its measure, as many firms as applications (bench/openfisca_compare.py)",
    )
    args = ap.parse_args(argv)
    if args.files:
        files(args)
        return 0
    engine = kfpl_engine()
    for size in (int(s) for s in args.sizes.split(",")):
        apps = population(size, args.seed)
        t_cols, cols = timed(lambda apps=apps: Columns(apps))
        t_base, (status, amount) = timed(lambda cols=cols: baseline(cols))
        if args.stages:
            print(f"{size} applications")
            stages(engine, apps, cols, args.memory, (status, amount))
            continue
        t_col, results = timed(lambda apps=apps: kfpl_columnar(engine, apps))
        t_read, _ = timed(lambda apps=apps: [engine.runtime.read(a) for a in apps])
        claims = agree(results, status, amount)
        print(f"{size} applications, {claims} claims: numpy baseline == kfpl columnar")
        print(f"  columnar: {results.reference} applications left to the reference ({results.why})")
        print(f"  numpy baseline rules   {t_base:8.2f} s   (dicts to columns {t_cols:.2f} s)")
        print(f"  kfpl columnar          {t_col:8.2f} s   {t_col / t_base:8.1f}x the baseline")
        print(f"    of which validating each application (runtime.read) {t_read:.2f} s")
        if size <= args.reference_max:
            t_ref, ref = timed(lambda apps=apps: kfpl_reference(engine, apps))
            assert ref.claims == results.claims and ref.totals == results.totals
            print(f"  kfpl reference         {t_ref:8.2f} s   {t_ref / t_base:8.1f}x the baseline")
        if args.memory:
            mem = {
                "numpy baseline (columns + rules)": peak_in_child(
                    lambda apps=apps: baseline(Columns(apps))
                ),
                "kfpl columnar": peak_in_child(lambda apps=apps: kfpl_columnar(engine, apps)),
            }
            for what, mb in mem.items():
                print(f"  peak memory above the population, {what}: {mb:,.0f} MB")
        openfisca(args, size)
        sys.stdout.flush()
    return 0


def openfisca(args: argparse.Namespace, size: int) -> None:
    """OpenFisca's vector path against kfpl on OpenFisca's measure, ``size`` firms, in
    this run (where ``--openfisca-python`` has openfisca-core)."""
    import openfisca_compare

    python = args.openfisca_python or openfisca_compare.DEFAULT_OPENFISCA_PYTHON
    if not openfisca_compare.has_openfisca(python):
        print(f"  OpenFisca: no openfisca-core at {python} (see bench/openfisca_compare.py)")
        return
    figures = openfisca_compare.compare(
        size, openfisca_python=python, reference_max=args.reference_max
    )
    print("  OpenFisca's measure (bench/openfisca/simple.kfpl): " + figures.lines()[0])
    for line in figures.lines()[1:]:
        print("  " + line)


if __name__ == "__main__":
    sys.exit(main())
