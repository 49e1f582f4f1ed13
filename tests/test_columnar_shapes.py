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
