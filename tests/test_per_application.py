"""What the engine decides once per application is what it would decide for each claim.

The set-wide rules on the enterprise alone (the exclusions on its flags, the general
eligibility on its registration) are judged for the first claim and the decision given
to the others, and to later applications whose enterprise has the same values of what
the rules read (issue 13). A measure's conditions are computed in line by the generated
code and explained by checks built only when read; the two must agree.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest
from test_lazy_explanations import _eval_speed, applications
from test_lazy_explanations import outputs as lazy_outputs

from kfpl.project.loader import compile_paths
from kfpl.python.codegen import enterprise_only
from kfpl.python.evaluate import Program
from kfpl.runtime.application import ApplicationError
from kfpl.runtime.engine import PolicySetRuntime
from kfpl.syntax import nodes as n

STANDING = (
    "registered_in_kaifeng",
    "taxed_in_kaifeng",
    "independent_legal_person",
    "false_materials",
    "major_accident",
    "tax_violation_case",
    "mass_incident",
)


def standing_cases() -> list[Any]:
    """The benchmark's applications with the enterprise's standing varied: an excluded
    enterprise, one not registered here, one whose flags or registration are missing
    (undetermined: such a decision names the claim's measure and is not shared)."""
    rng = random.Random(13)
    speed = _eval_speed()
    cases = []
    for i in range(200):
        app = speed.application(i, rng)
        enterprise = app["enterprise"]
        change = rng.choice(STANDING)
        if i % 3 == 0:
            enterprise.pop(change)
        elif i % 3 == 1:
            enterprise[change] = not enterprise[change]
        cases.append(app)
    return [*cases, *applications()]


def outputs(program: Program) -> list[str]:
    return lazy_outputs(program, standing_cases())


def test_the_enterprise_is_judged_once_and_every_claim_gets_its_own_decision(
    program: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = outputs(program)
    monkeypatch.setattr(
        PolicySetRuntime,
        "_judged",
        lambda self, block, ev, judged: all(self._judge(rule, ev) for rule in block[0]),
    )
    each = outputs(program)
    assert sum('"status": "excluded"' in text for text in shared) > 10
    assert sum('"reason": "general_eligibility"' in text for text in shared) > 10
    assert sum("缺少数据" in text for text in shared) > 10
    assert shared == each


def test_only_rules_on_the_enterprise_alone_are_judged_once() -> None:
    comp = compile_paths(["policies"])
    assert comp.policy_set is not None
    ps = comp.policy_set
    rule = next(r for m in ps.modules for r in m.of_type(n.Rule) if r.id == "common-eligibility")
    (eligible,) = [b for b in rule.bodies if isinstance(b, n.Eligible)]
    assert enterprise_only(eligible.cond, ps)
    with_a_claim_fact = n.AllOf((eligible.cond, n.Truthy("project_completed")))
    assert not enterprise_only(with_a_claim_fact, ps)
    million = n.Number(Decimal(1_000_000), "yuan", "100万")
    assert enterprise_only(n.Compare("local_retained_tax", "at_least", million), ps)
    first_time = n.Compare("local_retained_tax", "at_least", million, first_time=True)
    assert not enterprise_only(first_time, ps)


def test_a_condition_computed_in_line_is_explained_by_the_same_checks(program: Program) -> None:
    """Reading every explanation builds every condition's checks, which assert that
    they agree with the value the generated code computed; the failed parts are named."""
    for app in applications():
        try:
            outcome = program.run(app)
        except ApplicationError:
            continue
        for result in outcome.results:
            for step in result.steps:
                if step.kind == "condition":
                    assert step.zh.startswith("符合条件：" if step.ok else "不符合条件：")
                    assert step.en.startswith("condition met" if step.ok else "condition not")
