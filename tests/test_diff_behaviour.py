"""Behavioural diff: both versions evaluated at every boundary; rewordings proven neutral."""

from __future__ import annotations

from pathlib import Path

from kfpl.diff.behaviour import behavioural_diff, settle_directions
from kfpl.diff.structural import diff_policy_sets
from kfpl.model import PolicySet
from kfpl.project.loader import compile_texts

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
OLD = {p.name: p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "old").glob("*.kfpl"))}
NEW = {p.name: p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "new").glob("*.kfpl"))}

# The cloud measure written another way: 50% with a 5万 cap is the same as the two tiers
# (50% below 10万, a flat 5万 from 10万), because 50% of 10万 is exactly 5万.
TIERS = """  award tiers on cloud_fees
    at least 3万 and less than 10万 -> 50% of cloud_fees
    at least 10万 -> 5万"""
REWORDED = """  award 50% of cloud_fees
  cap 5万"""


def compiled(texts: dict[str, str]) -> PolicySet:
    comp = compile_texts(texts)
    assert comp.ok, [d.message.en for d in comp.diagnostics]
    assert comp.policy_set is not None
    return comp.policy_set


def edited(before: str, after: str) -> dict[str, str]:
    assert before in OLD["mfg.kfpl"]
    return {**OLD, "mfg.kfpl": OLD["mfg.kfpl"].replace(before, after)}


def test_rewording_is_proven_neutral() -> None:
    old, new = compiled(OLD), compiled(edited(TIERS, REWORDED))
    changes = diff_policy_sets(old, new)
    # The text alone says the form changed and a cap was added...
    assert {c.check for c in changes} == {"KD114", "KD141"}
    assert {c.direction for c in changes} == {"depends", "less_generous"}
    behaviour = behavioural_diff(old, new)
    verdict = behaviour.verdict_of("mfg-13")
    assert verdict is not None
    assert verdict.points == 8  # 3万 and 10万 (tiers, cap point) ± 1 yuan, 1.5万, 20万
    assert (verdict.changed, verdict.verdict) == (0, "unchanged")
    # ...and evaluating both versions at every boundary proves the rewrite neutral.
    settled = settle_directions(changes, behaviour)
    assert {(c.direction, c.settled_by_behaviour) for c in settled} == {("neutral", True)}


def test_a_real_change_is_not_proven_neutral() -> None:
    old, new = compiled(OLD), compiled(edited("at least 10万 -> 5万", "at least 10万 -> 6万"))
    verdict = behavioural_diff(old, new).verdict_of("mfg-13")
    assert verdict is not None and verdict.verdict == "more_generous"


def test_bound_switch_changes_exactly_the_boundary_case() -> None:
    old = compiled(OLD)
    new = compiled(edited("investment at least 500万", "investment more than 500万"))
    behaviour = behavioural_diff(old, new)
    cases = [c for c in behaviour.cases if c.measure == "mfg-3"]
    assert len(cases) == 1
    case = cases[0]
    assert case.facts["investment"] == "5000000"
    assert (case.old.status, case.old.amount) == ("capped", "1000000.00")
    assert case.new.status == "not_eligible"
    why = case.to_json()["new"]["why"]["en"]
    assert any("more than CNY 5,000,000" in step for step in why)
    assert behaviour.verdict_of("mfg-3").verdict == "less_generous"  # type: ignore[union-attr]


def test_threshold_lowered_lists_cases_with_both_explanations() -> None:
    behaviour = behavioural_diff(compiled(OLD), compiled(NEW))
    case = next(
        c for c in behaviour.cases if c.measure == "mfg-3" and c.facts["investment"] == "3000000"
    )
    data = case.to_json()
    assert data["old"]["status"] == "not_eligible"
    assert data["new"]["amount"] == "750000.00"
    assert data["delta"] == "750000.00"
    assert data["old"]["why"]["zh"] and data["new"]["why"]["en"]


def test_rename_is_proven_neutral_and_period_extension_is_seen() -> None:
    behaviour = behavioural_diff(compiled(OLD), compiled(NEW))
    renamed = behaviour.verdict_of("mfg-13a")
    assert renamed is not None and renamed.old_measure == "mfg-13"
    assert renamed.verdict == "unchanged" and renamed.points > 0
    # 2023 and 2025 are in force only in the new version: examples there change.
    years = {p["year"] for p in behaviour.to_json()["period"]}
    assert years == {2023, 2025}


def test_a_stacking_rule_change_is_settled_by_the_set_level_probe() -> None:
    old = compiled(OLD)
    new = compiled(
        edited(
            "no stacking by matter within policy keep highest",
            "no stacking by product within policy keep highest",
        )
    )
    changes = diff_policy_sets(old, new)
    rule = next(c for c in changes if c.check == "KD204")
    assert rule.direction == "depends"  # grouping by another key: the text cannot tell
    settled = settle_directions(changes, behavioural_diff(old, new))
    rule = next(c for c in settled if c.check == "KD204")
    # No measure's claims are for a product, so nothing is grouped any more: mfg-3 and
    # mfg-4 on one project, one matter before, are now both paid.
    assert (rule.direction, rule.settled_by_behaviour) == ("more_generous", True)
