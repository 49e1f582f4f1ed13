"""The impact's column path (kfpl.diff.projected): each version's reading, projected
column by column from one reading of the population against both versions, equals
the version's own reading of each application (``Version.adapt``, then its reader) put
into columns, with the same omissions counted; where it cannot vouch for that it
declines. Populations: both real pairs of versions, stressed as in
tests/test_impact_validated.py (facts, values, measures and earlier awards only one side
declares, unknown names), as tables hold them: every claim with its id, no explicit nulls.
"""

from __future__ import annotations

import json
import random
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_impact_validated import pair, population, stress, versions  # noqa: F401

from kfpl.columnar.columns import Codes, Columns, Values, columns_from_applications
from kfpl.diff.impact import ImpactError, Version
from kfpl.diff.projected import project
from kfpl.diff.validated import Shared
from kfpl.runtime.application import ApplicationError, read_application


def _value(values: Values, row: int) -> Any:
    if isinstance(values.data, Codes):
        return values.data.vocabulary[int(values.data.codes[row])]
    item = values.data[row]
    return item.item() if hasattr(item, "item") else item


def _given(columns: dict[str, Values], row: int) -> dict[str, Any]:
    return {k: _value(v, row) for k, v in columns.items() if v.present[row]}


def decoded(c: Columns) -> dict[str, Any]:
    """Everything a Columns says, as plain values (vocabulary order does not matter)."""
    ids = c.claim_id.words()
    measures = c.measure.words()
    keys = {k: codes.words() for k, codes in c.keys.items()}
    h = c.history
    hkeys = {k: codes.words() for k, codes in h.keys.items()}
    return {
        "apps": [
            (int(c.year[a]), c.enterprise_id.words()[a], _given(c.enterprise, a))
            for a in range(c.n_apps)
        ],
        "claims": [
            (
                int(c.claim_app[r]),
                int(c.claim_index[r]),
                ids[r],
                measures[r],
                {k: w[r] for k, w in keys.items() if w[r] is not None},
                _given(c.facts, r),
                _given({"date": c.claim_date}, r),
            )
            for r in range(c.n_claims)
        ],
        "history": [
            (
                int(h.app[r]),
                h.measure.words()[r],
                int(h.year[r]),
                int(h.amount[r]),
                {k: w[r] for k, w in hkeys.items() if w[r] is not None},
                int(h.step[r]),
            )
            for r in range(h.n)
        ],
        "past": [
            (int(c.past.app[r]), int(c.past.year[r]), _given(c.past.facts, r))
            for r in range(c.past.n)
        ],
    }


def as_tables_hold_them(apps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every claim with an id, and no explicit nulls (an empty cell is no value)."""
    apps = json.loads(json.dumps(apps))
    for app in apps:
        app["enterprise"] = {k: v for k, v in app["enterprise"].items() if v is not None}
        for i, claim in enumerate(app["claims"]):
            claim.setdefault("id", f"c{i + 1}")
            claim["facts"] = {k: v for k, v in claim.get("facts", {}).items() if v is not None}
        for h in app.get("history", []):
            if "facts" in h:
                h["facts"] = {k: v for k, v in h["facts"].items() if v is not None}
    return apps


def union_columns(vs: list[Version], apps: list[dict[str, Any]]) -> tuple[Columns, Any] | None:
    union = Shared(vs[0], vs[1])
    try:
        typed = [read_application(a, union.inputs, union.measure_inputs) for a in apps]
    except ApplicationError:
        return None
    return columns_from_applications(typed, union.inputs), union.inputs


def compare(pair: Any, apps: list[dict[str, Any]]) -> int:  # noqa: F811
    """Projected and own readings agree wherever a projection is given; how many were."""
    old, new, mids = pair
    vs = versions(old, new, mids, False, apps)
    union = union_columns(vs, apps)
    if union is None:
        return 0
    cols, inputs = union
    projected = 0
    for v in vs:
        got = project(cols, v, inputs)
        if got is None:
            continue
        projected += 1
        try:
            own = v.read(apps)
        except ImpactError:
            raise AssertionError("projected where the version refuses the population") from None
        assert v.reader is not None
        assert decoded(got[0]) == decoded(columns_from_applications(own, v.runtime.inputs))
        assert +got[1] == +v.reader.left_out
    return projected


def test_a_generated_population_is_projected_for_every_version(pair: Any) -> None:  # noqa: F811
    apps = as_tables_hold_them(population(pair, 5, 300))
    assert compare(pair, apps) == 2 + len(pair[2])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10**6))
def test_stressed_populations_project_as_each_version_reads_them(pair: Any, seed: int) -> None:  # noqa: F811
    rng = random.Random(seed)
    apps = as_tables_hold_them([stress(pair, a, rng) for a in population(pair, seed, 12)])
    compare(pair, apps)


def test_a_subset_of_applications_is_their_own_columns(pair: Any) -> None:  # noqa: F811
    """The attribution re-runs the applications a step touches: ``take`` of the
    columns equals the columns of those applications alone."""
    from kfpl.columnar.splice import take

    old, new, mids = pair
    apps = as_tables_hold_them(population(pair, 9, 120))
    vs = versions(old, new, mids, False, apps)
    union = Shared(vs[0], vs[1])
    typed = [read_application(a, union.inputs, union.measure_inputs) for a in apps]
    cols = columns_from_applications(typed, union.inputs)
    chosen = [i for i in range(len(apps)) if i % 3 != 1]
    got = take(cols, np.array(chosen, dtype=np.int64))
    want = columns_from_applications([typed[i] for i in chosen], union.inputs)
    assert decoded(got) == decoded(want)
    assert got.n_claims < cols.n_claims
