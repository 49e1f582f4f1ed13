"""The columnar kernels of the award forms that read history or records: step awards
(mfg-1, with 首次 judged on earlier years' revenue), staged payments (mfg-14a, with
clawback), per-record lists (ind-15/16, caps per record and per enterprise) and set
inputs (`contains`, `number of`). Hypothesis draws small populations aimed at each
shape's edges (values at and beside step thresholds and caps, earlier awards and past
years present, missing or contradicting) and the columnar engine must give the
reference evaluator's claim rows and totals, to the fen, with no application left to
the reference evaluator.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from conftest import ENTERPRISE, POLICIES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kfpl.codes import PRELUDE
from kfpl.columnar.batch import Compiled, Raw, run_partition
from kfpl.project.loader import compile_paths, compile_texts

pytest.importorskip("numpy")

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
YI = 100_000_000  # 亿, in yuan


@pytest.fixture(scope="module")
def kaifeng() -> Compiled:
    comp = compile_paths([str(POLICIES)])
    assert comp.policy_set is not None
    return Compiled.of(comp.policy_set)


def agree(compiled: Compiled, apps: list[dict[str, Any]]) -> None:
    raws = [Raw(i + 1, f"app {i + 1}", json.loads(json.dumps(a))) for i, a in enumerate(apps)]
    engine = compiled.engine()
    assert engine.unsupported == {}
    read = [engine.runtime.read(r.data) for r in raws]
    assert all(engine.route(a) is None for a in read)  # every claim on the kernels
    ours = run_partition(compiled, raws, "columnar")
    theirs = run_partition(compiled, raws, "reference")
    assert ours.reference == 0
    assert ours.claims == theirs.claims
    assert ours.totals == theirs.totals


def enterprise(i: int, tax: str | None) -> dict[str, Any]:
    profile = copy.deepcopy(ENTERPRISE)
    profile["id"] = f"E{i:04d}"
    if tax is None:
        profile.pop("local_retained_tax")
    else:
        profile["local_retained_tax"] = tax
    return profile


# Yearly limits from none to generous, so the yearly total binds on some applications.
taxes = st.sampled_from([None, "0", "50万", "150万", "500万", "50000000"])
years = st.sampled_from([2020, 2021, 2022, 2023])


# --------------------------------------------------------------------------- steps (mfg-1)


def near(points: list[int]) -> st.SearchStrategy[str]:
    """Yuan at, one fen beside, or anywhere between the given points."""
    exact = st.sampled_from(points).flatmap(
        lambda p: st.sampled_from([f"{p}", f"{p}.01", f"{p - 1}.99"])
    )
    anywhere = st.integers(0, max(points) + 60 * YI).map(str)
    return st.one_of(exact, anywhere)


revenue = near([50 * YI * k for k in range(1, 6)])


@st.composite
def step_app(draw: st.DrawFn, i: int) -> dict[str, Any]:
    year = draw(years)
    facts: dict[str, Any] = {}
    if draw(st.integers(0, 9)):
        facts["main_revenue"] = draw(revenue)
    claims = [{"id": "c1", "measure": "mfg-1", "facts": facts}]
    if draw(st.booleans()):  # another measure of the same matter or another
        claims.append({"id": "c2", "measure": "mfg-2c", "facts": {"export_freight": "300000"}})
    history: list[dict[str, Any]] = []
    for y in range(2019, year):  # earlier years' revenue, some years left out
        if draw(st.integers(0, 7)):
            history.append({"year": y, "facts": {"main_revenue": draw(revenue)}})
    for _ in range(draw(st.integers(0, 3))):  # steps already rewarded (or not named)
        prior: dict[str, Any] = {
            "measure": draw(st.sampled_from(["mfg-1", "mfg-1", "mfg-2c"])),
            "year": draw(st.integers(2019, year)),
            "amount": draw(st.sampled_from(["100万", "200万", "1"])),
        }
        if draw(st.integers(0, 3)):
            prior["step"] = str(draw(st.sampled_from([50, 100, 150, 120, 0])) * YI)
        history.append(prior)
    profile = enterprise(i, draw(taxes))
    if not draw(st.integers(0, 9)):
        profile["industrial_enterprise"] = draw(st.sampled_from([False, None]))
        if profile["industrial_enterprise"] is None:
            del profile["industrial_enterprise"]
    return {
        "year": year,
        "enterprise": profile,
        "claims": claims,
        "history": draw(st.permutations(history)),
    }


def population(app: Any) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.integers(1, 8).flatmap(lambda size: st.tuples(*(app(i) for i in range(size))))


@SETTINGS
@given(apps=population(step_app))
def test_step_awards_agree(kaifeng: Compiled, apps: list[dict[str, Any]]) -> None:
    agree(kaifeng, list(apps))


# --------------------------------------------------------------------------- staged (mfg-14a)


@st.composite
def staged_app(draw: st.DrawFn, i: int) -> dict[str, Any]:
    year = draw(years)
    project = draw(st.sampled_from([None, "P1", "P2"]))
    claims: list[dict[str, Any]] = []
    for c in range(draw(st.integers(1, 3))):
        facts: dict[str, Any] = {}
        for name, values in (
            ("platform_stage", ["listed", "accepted", "failed"]),
            ("platform_kind", ["industry", "comprehensive"]),
        ):
            if draw(st.integers(0, 7)):
                facts[name] = draw(st.sampled_from(values))
        claim: dict[str, Any] = {"id": f"c{c + 1}", "measure": "mfg-14a", "facts": facts}
        if project is not None:
            claim["project"] = project
        claims.append(claim)
    if draw(st.booleans()):  # the same matter (industrial_internet_platform): stacking
        claims.append(
            {
                "id": "m",
                "measure": "mfg-14b",
                "facts": {"platform_accepted": True, "level": "national", "higher_award": "100万"},
            }
        )
    history = []
    for _ in range(draw(st.integers(0, 3))):
        prior: dict[str, Any] = {
            "measure": draw(st.sampled_from(["mfg-14a", "mfg-14a", "mfg-14b"])),
            "year": draw(st.integers(2019, 2023)),
            "amount": draw(st.sampled_from(["25万", "50万", "0", "0.01", "100万"])),
        }
        named = draw(st.sampled_from([None, "P1", "P2"]))
        if named is not None:
            prior["project"] = named
        history.append(prior)
    return {
        "year": year,
        "enterprise": enterprise(i, draw(taxes)),
        "claims": claims,
        "history": history,
    }


@SETTINGS
@given(apps=population(staged_app))
def test_staged_payments_agree(kaifeng: Compiled, apps: list[dict[str, Any]]) -> None:
    agree(kaifeng, list(apps))


# --------------------------------------------------------------------------- lists (ind-15/16)

# Around the per-record caps: 4% of 5万 is 2000 (ind-15), 4% of 25万 is 1万 (ind-16).
prices = near([50_000, 250_000]).filter(lambda p: not p.startswith("-"))


@st.composite
def list_app(draw: st.DrawFn, i: int) -> dict[str, Any]:
    year = draw(years)
    claims = []
    for c in range(draw(st.integers(1, 3))):
        measure, name = draw(
            st.sampled_from([("ind-15", "nev_sold"), ("ind-16", "farm_machines_sold")])
        )
        facts: dict[str, Any] = {}
        if draw(st.integers(0, 7)):
            facts[name] = [{"price": p} for p in draw(st.lists(prices, max_size=6))]
        claims.append({"id": f"c{c + 1}", "measure": measure, "facts": facts})
    history = [
        {
            "measure": draw(st.sampled_from(["ind-15", "ind-16"])),
            "year": draw(st.integers(2019, year)),
            "amount": draw(st.sampled_from(["99万", "998000", "50万", "1"])),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    return {
        "year": year,
        "enterprise": enterprise(i, draw(taxes)),
        "claims": claims,
        "history": history,
    }


@SETTINGS
@given(apps=population(list_app))
def test_per_record_lists_agree(kaifeng: Compiled, apps: list[dict[str, Any]]) -> None:
    agree(kaifeng, list(apps))


# --------------------------------------------------------------------------- sets (contains)

KINDS = ["smart", "digital", "green"]
SET_POLICY = """
enum transform_kind zh "改造方向" en "direction of transformation"
  value smart   zh "智能化" en "smart"
  value digital zh "数字化" en "digital"
  value green   zh "低碳化" en "low-carbon"
input directions: set of transform_kind zh "改造方向" en "directions of the project"
input investment: money zh "投资" en "investment"
"""
REQUIRES = [
    "directions contains smart",
    "directions contains all of (smart, green)",
    "directions contains any of (digital, green)",
    "number of directions at least 2",
    "directions and not directions contains digital",
]


@pytest.fixture(scope="module")
def sets() -> Compiled:
    measures = "".join(
        f"\nmeasure mfg-{i + 1}\n  source mfg {i + 1}\n"
        f'  title zh "改造{i + 1}" en "Upgrading {i + 1}"\n  department 市工业和信息化局\n'
        f"  requires {requires}\n  award 10% of investment\n  cap 100万\n"
        for i, requires in enumerate(REQUIRES)
    )
    comp = compile_texts({"p.kfpl": PRELUDE + SET_POLICY + measures})
    assert comp.policy_set is not None, [d.one_line() for d in comp.diagnostics]
    return Compiled.of(comp.policy_set)


@st.composite
def set_app(draw: st.DrawFn, i: int) -> dict[str, Any]:
    claims = []
    for c in range(draw(st.integers(1, 4))):
        facts: dict[str, Any] = {"investment": draw(st.sampled_from(["300万", "1000万", "1"]))}
        if draw(st.integers(0, 5)):
            facts["directions"] = draw(st.lists(st.sampled_from(KINDS), unique=True))
        measure = f"mfg-{draw(st.integers(1, len(REQUIRES)))}"
        claims.append({"id": f"c{c + 1}", "measure": measure, "facts": facts})
    return {"year": 2021, "enterprise": {"id": f"E{i}"}, "claims": claims}


@SETTINGS
@given(apps=population(set_app))
def test_set_inputs_agree(sets: Compiled, apps: list[dict[str, Any]]) -> None:
    agree(sets, list(apps))


def test_the_wenzhou_set_measure_agrees() -> None:
    from kfpl.population import Options, generate

    comp = compile_paths([str(ROOT / "tests" / "fixtures" / "wenzhou" / "final")])
    assert comp.policy_set is not None
    compiled = Compiled.of(comp.policy_set)
    apps = generate(comp.policy_set, Options(enterprises=400, seed=9))
    green = [c for a in apps for c in a["claims"] if c["measure"] == "wzgy-9c"]
    assert len(green) >= 5
    for k, claim in enumerate(green):  # every subset of the three, and missing
        chosen = [
            v
            for b, v in enumerate(["energy_efficiency", "clean_production", "waste_recycling"])
            if k >> b & 1
        ]
        if k % 9 == 8:
            claim["facts"].pop("green_focus", None)
        else:
            claim["facts"]["green_focus"] = chosen
    agree(compiled, apps)


# --------------------------------------------------------------------------- history by key

# Measures matched to earlier awards by project or product (identified, once, top-up,
# years, caps per item and per year or enterprise), several of one matter, and one
# matching another's award: claimed many times in one application, in any order.
KEYED = [
    "ind-4", "ind-5", "ind-8", "ind-10", "ind-11", "ind-12", "ind-18", "ind-19",
    "mfg-2a", "mfg-3", "mfg-4", "mfg-5", "mfg-6", "mfg-7", "mfg-8a", "mfg-9h", "mfg-9i",
    "mfg-10d", "mfg-10e", "mfg-10f", "mfg-11a", "mfg-12a", "mfg-12b", "mfg-13a", "mfg-13b",
]  # fmt: skip


@pytest.fixture(scope="module")
def pool() -> dict[str, list[dict[str, Any]]]:
    """Claims of each measure as the population generator writes them (their facts)."""
    from kfpl.population import Options, generate

    comp = compile_paths([str(POLICIES)])
    assert comp.policy_set is not None
    out: dict[str, list[dict[str, Any]]] = {}
    for app in generate(comp.policy_set, Options(enterprises=1500, seed=21)):
        for claim in app["claims"]:
            out.setdefault(claim["measure"], []).append(claim)
    assert set(KEYED) <= set(out)
    return out


names = st.sampled_from([None, "p1", "p2", "p3"])


@st.composite
def keyed_app(draw: st.DrawFn, i: int, pool: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    year = draw(years)
    measures = draw(st.lists(st.sampled_from(KEYED), min_size=1, max_size=3))
    claims = []
    for c in range(draw(st.integers(1, 8))):  # many claims of few measures
        measure = draw(st.sampled_from(measures))
        claim = copy.deepcopy(draw(st.sampled_from(pool[measure])))
        claim["id"] = f"c{c + 1}"
        for key in ("project", "product"):
            claim.pop(key, None)
            named = draw(names)
            if named is not None:
                claim[key] = named
        if draw(st.integers(0, 5)) == 0 and claim["facts"]:
            claim["facts"].pop(draw(st.sampled_from(sorted(claim["facts"]))))
        claims.append(claim)
    history: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 6))):  # awards naming several keys, or none
        prior: dict[str, Any] = {
            "measure": draw(st.sampled_from(measures + KEYED[:3])),
            "year": year - draw(st.sampled_from([0, 0, 1, 2, 3])),
            "amount": draw(st.sampled_from(["1", "5万", "20万", "100万", "2000万"])),
        }
        for key in ("project", "product"):
            named = draw(names)
            if named is not None:
                prior[key] = named
        if draw(st.booleans()):
            prior["level"] = draw(st.sampled_from(["national", "provincial"]))
        history.append(prior)
    return {
        "year": year,
        "enterprise": enterprise(i, draw(taxes)),
        "claims": draw(st.permutations(claims)),
        "history": history,
    }


@SETTINGS
@given(data=st.data())
def test_claims_matched_to_earlier_awards_by_key_agree(
    kaifeng: Compiled, pool: dict[str, list[dict[str, Any]]], data: st.DataObject
) -> None:
    size = data.draw(st.integers(1, 6))
    apps = [data.draw(keyed_app(i, pool)) for i in range(size)]
    agree(kaifeng, apps)


# --------------------------------------------------------------------------- routing


def test_applications_left_to_the_reference_come_back_in_input_order(
    kaifeng: Compiled,
) -> None:
    """Applications claiming a measure without a kernel, and one whose earlier awards
    take a staged payment beyond int64, are evaluated by the reference evaluator; the
    results are the reference's, claims and totals in input order."""
    from kfpl.columnar.engine import ColumnarEngine, reference_results
    from kfpl.population import Options, generate

    comp = compile_paths([str(POLICIES)])
    assert comp.policy_set is not None
    apps = generate(comp.policy_set, Options(enterprises=40, seed=5))
    huge = {
        "year": 2021,
        "enterprise": enterprise(99, "50000000"),
        "claims": [
            {
                "id": "s",
                "measure": "mfg-14a",
                "facts": {"platform_stage": "accepted", "platform_kind": "industry"},
            },
        ],
        "history": [{"measure": "mfg-14a", "year": 2020, "amount": "1000000000000000"}] * 3,
    }
    apps.insert(7, huge)
    full = kaifeng.engine()
    engine = ColumnarEngine(full.module, full.runtime)
    engine.kernels = {m: k for m, k in full.kernels.items() if m != "mfg-2c"}
    read = [engine.runtime.read(a) for a in apps]
    numbers = list(range(1, len(read) + 1))
    ours = engine.run(read, numbers)
    theirs = reference_results(engine.runtime, read, numbers)
    without = sum(any(c.measure == "mfg-2c" for c in a.claims) for a in read)
    assert 0 < without < len(read) - 1
    assert ours.why.get("mfg-2c: no kernel", 0) == without
    assert ours.why.get("amount beyond int64") == 1
    assert ours.reference == without + 1
    assert ours.claims == theirs.claims
    assert ours.totals == theirs.totals
