"""The impact on the columnar engine pays what the reference evaluator pays, and its
attribution (re-running only the applications a step can move) equals running every
intermediate version over the whole population."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from kfpl.diff.impact import (
    Version,
    aliases_for,
    attribution_steps,
    intermediate,
    run_impact,
)
from kfpl.diff.structural import diff_policy_sets
from kfpl.model import PolicySet
from kfpl.population import Options, generate
from kfpl.project.loader import compile_paths
from kfpl.python.evaluate import Program

ROOT = Path(__file__).resolve().parent.parent
Revision = tuple[PolicySet, PolicySet, list[dict[str, Any]]]


def compiled(path: Path) -> PolicySet:
    comp = compile_paths([str(path)])
    assert comp.ok and comp.policy_set is not None
    return comp.policy_set


@pytest.fixture(scope="module")
def revision() -> Revision:
    old = compiled(ROOT / "policies")
    new = compiled(ROOT / "examples" / "revision-2023")
    apps = generate([old, new], Options(enterprises=400, seed=23))
    return old, new, apps


def test_attribution_equals_full_runs_of_each_step(revision: Revision) -> None:
    old, new, apps = revision
    changes = diff_policy_sets(old, new)
    report = run_impact(old, new, "<generated>", changes, apps=apps)
    to_old, to_new = aliases_for(old, new)
    aliases = {**to_old, **to_new}
    new_v = Version(new, aliases)
    steps = attribution_steps(old, new, changes)
    assert len(steps) >= 3
    old_v = Version(old, aliases).reading(new_v)
    totals = [old_v.run(apps, to_new).total]
    for k in range(1, len(steps)):
        mid = Version(intermediate(old, new, steps[:k]), aliases).reading(new_v)
        totals.append(mid.run(apps, to_new).total)
    totals.append(Version(new, aliases).reading(Version(old, aliases)).run(apps, to_new).total)
    want = [f"{b - a:.2f}" for a, b in pairwise(totals)]
    assert [step["delta"] for step in report["attribution"]] == want
    assert any(Decimal(d) != 0 for d in want)


def test_columnar_totals_are_the_reference_evaluators(revision: Revision) -> None:
    old, new, apps = revision
    for ps in (old, new):
        version = Version(ps, {})
        program = Program.from_policy_set(ps)
        run = version.run(apps, {})
        want = [Decimal(program.evaluate(version.adapt(app))["total"]) for app in apps]
        assert run.totals == want
        assert sum(want) > 0
