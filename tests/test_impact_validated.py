"""The impact validates each application once (kfpl.diff.validated): every version's
reading projected from that one equals the version's own reading (adapt, then its
application reader), with the same omissions counted, and a refused application gets
the same message. Populations: both real pairs of versions (policies/ → the 2023
revision; the Wenzhou draft → final, with renamed measures and enum values one side
lacks), stressed by hypothesis with facts, values, measures and earlier awards that only
one side declares, explicit nulls, claims without ids, and unknown names.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kfpl.diff.impact import ImpactError, Version, aliases_for, attribution_steps, intermediate
from kfpl.diff.structural import diff_policy_sets
from kfpl.diff.validated import Shared
from kfpl.model import PolicySet
from kfpl.population import Options, generate
from kfpl.project.loader import compile_paths

PAIRS = {
    "kaifeng": (ROOT / "policies", ROOT / "examples" / "revision-2023"),
    "wenzhou": (
        ROOT / "tests" / "fixtures" / "wenzhou" / "draft",
        ROOT / "tests" / "fixtures" / "wenzhou" / "final",
    ),
}


def _compile(path: Path) -> PolicySet:
    comp = compile_paths([str(path)])
    assert comp.policy_set is not None
    return comp.policy_set


@pytest.fixture(scope="module", params=sorted(PAIRS))
def pair(request: pytest.FixtureRequest) -> tuple[PolicySet, PolicySet, list[PolicySet]]:
    old, new = (_compile(p) for p in PAIRS[request.param])
    steps = attribution_steps(old, new, diff_policy_sets(old, new))
    mids = [intermediate(old, new, steps[:i]) for i in range(1, len(steps))][:2]
    return old, new, mids


def versions(
    old: PolicySet, new: PolicySet, mids: list[PolicySet], shared: bool, apps: list[Any]
) -> list[Version]:
    """The impact's versions (old, new, intermediate), reading as run_impact sets them."""
    to_old, to_new = aliases_for(old, new)
    aliases = {**to_old, **to_new}
    old_v, new_v = Version(old, aliases), Version(new, aliases)
    old_v.reading(new_v)
    new_v.reading(old_v)
    out = [old_v, new_v]
    for ps in mids:
        mid = Version(ps, aliases)
        mid.reading(new_v)
        out.append(mid)
    if shared:
        union = Shared(old_v, new_v)
        union.read(apps)
        for v in out:
            v.shared = union
    return out


def outcome(v: Version, apps: list[Any]) -> Any:
    try:
        return v.read(apps)
    except ImpactError as exc:
        return str(exc)


def compare(pair: tuple[PolicySet, PolicySet, list[PolicySet]], apps: list[Any]) -> int:
    """Both ways of reading agree for every version; how many projections were used."""
    old, new, mids = pair
    plain = versions(old, new, mids, False, apps)
    fast = versions(old, new, mids, True, apps)
    used = 0
    for a, b in zip(plain, fast, strict=True):
        assert outcome(b, apps) == outcome(a, apps)
        assert b.reader is not None and a.reader is not None
        assert b.reader.left_out == a.reader.left_out
        assert b.shared is not None
        used += sum(b.shared.project(b, app, i) is not None for i, app in enumerate(apps))
    return used


def population(pair: Any, seed: int, size: int) -> list[dict[str, Any]]:
    old, new, _ = pair
    return generate([old, new], Options(enterprises=size, seed=seed))


def test_a_generated_population_is_projected_and_equal(pair: Any) -> None:
    apps = population(pair, 5, 300)
    used = compare(pair, apps)
    # Nearly every application is projected, not read again, by every version.
    assert used >= 0.9 * len(apps) * (2 + len(pair[2]))


def _names(ps: PolicySet) -> tuple[list[str], list[str]]:
    enterprise = [n for n, d in ps.inputs.items() if d.origin == "enterprise"]
    claim = [n for n, d in ps.inputs.items() if d.origin != "enterprise"]
    return enterprise, claim


def other(pair: Any, side: PolicySet) -> PolicySet:
    return pair[1] if side is pair[0] else pair[0]


def _knows(ps: PolicySet, name: str, value: str) -> bool:
    decl = ps.inputs.get(name)
    enum = ps.enums.get(getattr(decl.type, "name", "")) if decl is not None else None
    return enum is not None and any(m.name == value for m in enum.members)


def stress(pair: Any, app: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Facts, values, measures and earlier awards of one side only, nulls, missing ids."""
    old, new, _ = pair
    app = copy.deepcopy(app)
    side = rng.choice([old, new])
    enterprise, claim = _names(side)
    pick = rng.randrange(9)
    if pick == 0 and enterprise:
        app["enterprise"][rng.choice(enterprise)] = rng.choice([True, "1000万", "other", None])
    elif pick == 1 and app["claims"] and claim:
        rng.choice(app["claims"])["facts"][rng.choice(claim)] = rng.choice(
            ["300万", True, None, "nonsense"]
        )
    elif pick == 2 and app["claims"]:
        del rng.choice(app["claims"])["id"]
    elif pick == 3:
        app["history"].append(
            {"measure": rng.choice(sorted(side.measures)), "year": app["year"] - 1, "amount": "1"}
        )
    elif pick == 4:  # an enum value, preferably one the other side lacks
        values = [
            (name, m.name)
            for name, d in side.inputs.items()
            if getattr(d.type, "name", "") in side.enums
            for m in side.enums[d.type.name].members  # type: ignore[union-attr]
        ]
        rare = [(name, v) for name, v in values if not _knows(other(pair, side), name, v)]
        if values:
            name, value = rng.choice(rare if rare and rng.randrange(3) else values)
            decl = side.inputs[name]
            target = app["enterprise"] if decl.origin == "enterprise" else None
            if target is None and app["claims"]:
                target = rng.choice(app["claims"])["facts"]
            if target is not None:
                target[name] = value
    elif pick == 5 and app["claims"]:
        rng.choice(app["claims"])["measure"] = rng.choice(sorted(side.measures))
    elif pick == 6:
        app["claims"].append({"id": "x", "measure": "no-such-measure", "facts": {}})
    elif pick == 7:
        app["history"].append(
            {"year": app["year"] - 1, "facts": {rng.choice(claim or ["x"]): "5亿"}}
        )
    elif pick == 8:  # default ids (claim-1, …) after a claim only one side keeps
        only = sorted(set(old.measures) ^ set(new.measures)) or sorted(side.measures)
        app["claims"].insert(0, {"measure": rng.choice(only), "facts": {}})
        for c in app["claims"]:
            c.pop("id", None)
    return app


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10**6))
def test_stressed_populations_read_the_same_either_way(pair: Any, seed: int) -> None:
    rng = random.Random(seed)
    apps = [stress(pair, a, rng) for a in population(pair, seed, 12)]
    apps = json.loads(json.dumps(apps))
    compare(pair, apps)


def test_a_value_only_the_new_version_knows_is_left_out_for_the_old_one() -> None:
    """Wenzhou's final version adds 市内首台（套） (in_city): the draft leaves the value
    out and counts it, whether or not the claimed measure reads the fact; the
    application otherwise uses only what both declare (the cheapest projection)."""
    old, new = (_compile(p) for p in PAIRS["wenzhou"])
    apps = generate([old, new], Options(enterprises=40, seed=3))
    for app in apps:
        app["enterprise"] = {
            k: v for k, v in app["enterprise"].items() if k not in ("tech_sme", "in_sme_park")
        }
        for claim in app["claims"]:
            claim["facts"].pop("laser_technology", None)
            claim["facts"]["first_set_level"] = "in_city"
    apps = [a for a in apps if all(c["measure"] in old.measures for c in a["claims"])]
    assert len(apps) >= 10
    plain = versions(old, new, [], False, apps)
    fast = versions(old, new, [], True, apps)
    assert fast[0].read(apps) == plain[0].read(apps)
    assert fast[0].reader is not None and plain[0].reader is not None
    assert fast[0].reader.left_out == plain[0].reader.left_out
    claiming = sum(1 for a in apps if a["claims"])
    assert fast[0].reader.left_out[("value", "first_set_level", "in_city")] == claiming
