"""The measure of bench/openfisca/simple.kfpl written for OpenFisca, and its vector path.

Run by bench/openfisca_compare.py with an interpreter where ``openfisca-core`` is
installed (a venv of its own, so the project's venv keeps what CI has):

    .venv-openfisca/bin/python bench/openfisca/run_openfisca.py POPULATION.npz OUT.npz \
        [--dtype float32|float64] [--runs 3]

POPULATION.npz holds ``booth_fees_fen`` and ``main_revenue_fen`` (int64 fen, one row per
firm). OpenFisca has no exact money type: a ``float`` variable is float32 (``int`` is
int32, too small for revenues in fen), so the amounts go in as yuan floats, the way an
OpenFisca user loads a survey. OUT.npz gets ``award``, ``booth_subsidy`` and
``revenue_award`` (yuan, in the variables' dtype) and the fastest pass's seconds for
building the simulation and for calculating the award.

The tax-benefit system is the smallest one that states the rule the way OpenFisca's
country packages do: one person entity (the firm), input variables, a vectorial
formula per measure, the rate, cap and tiers as parameters (the tiers a
``single_amount`` scale), and the firm's award as the sum of the two measures.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.model_api import YEAR, Variable, min_
from openfisca_core.parameters import ParameterNode
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

PERIOD = "2020"

Firm = build_entity(
    key="firm",
    plural="firms",
    label="An enterprise claiming support",
    is_person=True,
)

PARAMETERS = {
    "booth": {
        "rate": {"values": {"2020-01-01": {"value": 0.3}}},
        "cap": {"values": {"2020-01-01": {"value": 300_000}}},
    },
    "revenue_tiers": {
        "metadata": {"type": "single_amount"},
        "brackets": [
            {
                "threshold": {"2020-01-01": {"value": threshold}},
                "amount": {"2020-01-01": {"value": amount}},
            }
            # at least 2000万 -> 10万, at least 1亿 -> 20万, at least 5亿 -> 50万
            for threshold, amount in ((0, 0), (2e7, 1e5), (1e8, 2e5), (5e8, 5e5))
        ],
    },
}


class booth_fees(Variable):  # OpenFisca's names: snake case
    value_type = float
    entity = Firm
    definition_period = YEAR
    label = "Trade-fair and expo booth fees (yuan)"


class main_revenue(Variable):
    value_type = float
    entity = Firm
    definition_period = YEAR
    label = "Main business revenue (yuan)"


class booth_subsidy(Variable):
    value_type = float
    entity = Firm
    definition_period = YEAR
    label = "30% of booth fees, at most 300,000 a year"

    def formula(firm: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period).booth
        return min_(firm("booth_fees", period) * p.rate, p.cap)


class revenue_award(Variable):
    value_type = float
    entity = Firm
    definition_period = YEAR
    label = "Revenue tier award"

    def formula(firm: Any, period: Any, parameters: Any) -> Any:
        return parameters(period).revenue_tiers.calc(firm("main_revenue", period))


class award(Variable):
    value_type = float
    entity = Firm
    definition_period = YEAR
    label = "The firm's award: both measures"

    def formula(firm: Any, period: Any) -> Any:
        return firm("booth_subsidy", period) + firm("revenue_award", period)


VARIABLES = (booth_fees, main_revenue, booth_subsidy, revenue_award, award)


def tax_benefit_system(dtype: str = "float32") -> TaxBenefitSystem:
    """The system; ``float64`` sets every variable's dtype after loading, since a
    Variable class cannot declare one (it comes from ``value_type``: float → float32)."""
    tbs = TaxBenefitSystem([Firm])
    for variable in VARIABLES:
        tbs.load_variable(variable)
    tbs.parameters = ParameterNode("", data=PARAMETERS)
    if dtype != "float32":
        for name in tbs.variables:
            tbs.get_variable(name).dtype = np.dtype(dtype).type
    return tbs


def simulate(tbs: TaxBenefitSystem, fees_yuan: Any, revenue_yuan: Any) -> tuple[float, float, Any]:
    """One vector-path run: (seconds building, seconds calculating, the simulation)."""
    t0 = time.perf_counter()
    sim = SimulationBuilder().build_from_variables(
        tbs, {"booth_fees": {PERIOD: fees_yuan}, "main_revenue": {PERIOD: revenue_yuan}}
    )
    t1 = time.perf_counter()
    sim.calculate("award", PERIOD)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, sim


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("population")
    ap.add_argument("out")
    ap.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    with np.load(args.population) as pop:
        # yuan as float64 (exact to the fen below 2^53 fen); the simulation casts to
        # the variables' dtype, as it does with any float input
        fees = pop["booth_fees_fen"] / 100
        revenue = pop["main_revenue_fen"] / 100
    tbs = tax_benefit_system(args.dtype)
    best: tuple[float, float, Any] | None = None
    for _ in range(args.runs):
        run = simulate(tbs, fees, revenue)
        if best is None or run[0] + run[1] < best[0] + best[1]:
            best = run
    assert best is not None
    build, calculate, sim = best
    # each measure's variable too (calculated and cached on the way to the award)
    got = {
        name: sim.calculate(name, PERIOD) for name in ("award", "booth_subsidy", "revenue_award")
    }
    assert all(v.dtype == np.dtype(args.dtype) for v in got.values()), args.dtype
    np.savez(args.out, build=build, calculate=calculate, **got)
    return 0


if __name__ == "__main__":
    sys.exit(main())
