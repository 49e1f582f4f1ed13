"""Issue 10, property tests over generated applications to the real policy set: the
applicant's labels and the order of claims cannot raise what is paid, and the caps hold.

Examples are bounded (the suite stays fast); the pool of claims covers items (projects,
products), enterprise-year matters, one-time awards, matching and own awards, shared
yearly caps and the yearly total.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from conftest import application
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kfpl.python.evaluate import Program

D = Decimal
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

WAN = 10_000


def _yuan(draw: st.DrawFn, low: int, high: int) -> str:
    return str(draw(st.integers(low, high)) * 1000)


@st.composite
def claim(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(
            [
                "fair",
                "vat6",
                "vat13",
                "mfg3",
                "mfg5",
                "ind12",
                "smart9h",
                "smart9i",
                "match10e",
                "own10f",
            ]
        )
    )
    project = draw(st.sampled_from(["P1", "P2"]))
    product = draw(st.sampled_from(["a", "b", "c"]))
    vat = {
        "main_revenue": "200000000",
        "vat_local_retained": str(2_000_000 + int(_yuan(draw, 0, 800))),
        "vat_local_retained_last_year": "2000000",
    }
    if kind == "fair":
        c = {
            "measure": "mfg-2a",
            "facts": {"booth_rental": _yuan(draw, 0, 1500), "booth_setup": "0"},
        }
    elif kind == "vat6":
        c = {"measure": "ind-6", "facts": vat}
    elif kind == "vat13":
        c = {"measure": "ind-13", "facts": {**vat, "parts_maker": True}}
    elif kind == "mfg3":
        facts = {
            "equipment_rd_investment": _yuan(draw, 5000, 9000),
            "tech_reform_demo": True,
            "project_completed": True,
        }
        c = {"measure": "mfg-3", "facts": facts}
    elif kind == "mfg5":
        facts = {
            "project_total_investment": "20000000",
            "smart_reform_demo": True,
            "project_completed": True,
            "software_hardware_investment": _yuan(draw, 100, 12000),
        }
        c = {"measure": "mfg-5", "facts": facts}
    elif kind == "ind12":
        facts = {"entrusted_production_local": True, "entrusted_contract": _yuan(draw, 100, 9000)}
        c = {"measure": "ind-12", "facts": facts}
    elif kind == "smart9h":
        c = {"measure": "mfg-9h", "facts": {"smart_factory": True}}
    elif kind == "smart9i":
        c = {"measure": "mfg-9i", "facts": {"smart_workshop": True}}
    elif kind == "match10e":
        facts = {
            "military_civil_funds": True,
            "level": "national",
            "higher_award": _yuan(draw, 100, 5000),
        }
        c = {"measure": "mfg-10e", "facts": facts}
    else:
        c = {
            "measure": "mfg-10f",
            "facts": {"level": draw(st.sampled_from(["national", "provincial"]))},
        }
    # Every claim carries labels; only the measures identified by them read them.
    return {**c, "project": project, "product": product}


@st.composite
def app(draw: st.DrawFn) -> dict[str, Any]:
    claims = draw(st.lists(claim(), min_size=1, max_size=6))
    tax = str(draw(st.integers(10, 2000)) * WAN)
    history = draw(
        st.lists(
            st.builds(
                lambda m, p, amount: {
                    "measure": m,
                    "year": 2020,
                    "amount": str(amount * WAN),
                    "project": p,
                },
                st.sampled_from(["mfg-3", "mfg-5", "mfg-10e"]),
                st.sampled_from(["P1", "P2"]),
                st.integers(1, 200),
            ),
            max_size=2,
        )
    )
    return application(
        *claims, history=history, chain="new_materials_energy", local_retained_tax=tax
    )


def total(program: Program, data: dict[str, Any]) -> Decimal:
    return D(program.evaluate(data)["total"])


ENTERPRISE_ITEM = {"mfg-2a", "ind-6", "ind-13", "mfg-9h", "mfg-9i"}


@SETTINGS
@given(data=app(), seed=st.randoms(use_true_random=False))
def test_claim_order_never_changes_the_total(
    program: Program, data: dict[str, Any], seed: Any
) -> None:
    shuffled = copy.deepcopy(data)
    seed.shuffle(shuffled["claims"])
    assert total(program, shuffled) == total(program, data)


@SETTINGS
@given(data=app(), label=st.sampled_from(["Z1", "Z2", "fresh"]))
def test_relabelling_what_a_measure_does_not_read_never_changes_the_total(
    program: Program, data: dict[str, Any], label: str
) -> None:
    """Project and product labels on claims of measures whose claims are for the
    enterprise's year (VAT growth, trade fairs, recognitions) are ignored."""
    relabelled = copy.deepcopy(data)
    for i, c in enumerate(relabelled["claims"]):
        if c["measure"] in ENTERPRISE_ITEM:
            c["project"] = f"{label}-{i}"
            c["product"] = f"{label}-{i}"
    assert total(program, relabelled) == total(program, data)


@SETTINGS
@given(data=app(), which=st.integers(0, 5))
def test_splitting_a_claim_into_two_never_raises_the_total(
    program: Program, data: dict[str, Any], which: int
) -> None:
    """One claim split into two with the same labels, each with half of every amount
    (a claim with no amounts is simply claimed twice), is never paid more."""
    split = copy.deepcopy(data)
    first = split["claims"][which % len(split["claims"])]
    second = copy.deepcopy(first)
    second["id"] = "half"
    for name, value in first["facts"].items():
        if isinstance(value, str) and value[0].isdigit() and name != "vat_local_retained_last_year":
            half = (D(value) / 2).quantize(D("0.01"), rounding="ROUND_DOWN")
            first["facts"][name], second["facts"][name] = str(half), str(D(value) - half)
    if "vat_local_retained_last_year" in first["facts"]:
        last = D(first["facts"]["vat_local_retained_last_year"])
        half = (last / 2).quantize(D("0.01"), rounding="ROUND_DOWN")
        first["facts"]["vat_local_retained_last_year"] = str(half)
        second["facts"]["vat_local_retained_last_year"] = str(last - half)
    split["claims"].append(second)
    assert total(program, split) <= total(program, data)
    # and dropping every project/product id (one unnamed item) never pays more either
    unnamed = copy.deepcopy(data)
    for c in unnamed["claims"]:
        c.pop("project"), c.pop("product")
    unnamed["history"] = []
    named = copy.deepcopy(data)
    named["history"] = []
    assert total(program, unnamed) <= total(program, named)


YEARLY_CAPS = {"mfg-2a": 30 * WAN, "ind-6": 50 * WAN, "ind-13": 50 * WAN, "ind-12": 100 * WAN}


@SETTINGS
@given(data=app())
def test_no_enterprise_year_exceeds_its_caps_or_local_retained_tax(
    program: Program, data: dict[str, Any]
) -> None:
    result = program.evaluate(data)
    paid_before = sum((D(h["amount"]) for h in data["history"] if h["year"] == data["year"]), D(0))
    assert D(result["total"]) + paid_before <= D(data["enterprise"]["local_retained_tax"])
    for measure, cap in YEARLY_CAPS.items():
        mine = sum((D(m["amount"]) for m in result["measures"] if m["measure"] == measure), D(0))
        assert mine <= cap
    # mfg-10e: at most 500万 per enterprise over the period, history included
    match = sum((D(m["amount"]) for m in result["measures"] if m["measure"] == "mfg-10e"), D(0))
    earlier = sum((D(h["amount"]) for h in data["history"] if h["measure"] == "mfg-10e"), D(0))
    assert match + earlier <= 500 * WAN or match == 0


MONOTONE = [
    ("mfg-2a", "booth_rental", {"booth_setup": "0"}),
    ("mfg-3", "equipment_rd_investment", {"tech_reform_demo": True, "project_completed": True}),
    (
        "mfg-5",
        "software_hardware_investment",
        {"project_total_investment": "20000000", "smart_reform_demo": True},
    ),
    ("ind-12", "entrusted_contract", {"entrusted_production_local": True}),
    (
        "ind-6",
        "vat_local_retained",
        {"main_revenue": "200000000", "vat_local_retained_last_year": "2000000"},
    ),
]


@SETTINGS
@given(which=st.sampled_from(MONOTONE), low=st.integers(0, 30_000), more=st.integers(0, 30_000))
def test_an_award_never_falls_when_its_base_rises(
    program: Program, which: tuple[str, str, dict[str, Any]], low: int, more: int
) -> None:
    measure, base, facts = which

    def paid(amount: int) -> Decimal:
        c = {
            "measure": measure,
            "project": "P",
            "product": "a",
            "facts": {**facts, base: str(amount * 1000)},
        }
        return total(
            program, application(c, chain="new_materials_energy", local_retained_tax="1亿")
        )

    assert paid(low) <= paid(low + more)
