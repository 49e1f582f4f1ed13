"""The general rules (附则) decide what an enterprise is finally paid (issue 3)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from conftest import POLICIES, application

from kfpl.python.evaluate import Program

MFG3 = {
    "measure": "mfg-3",
    "project": "P1",
    "facts": {
        "equipment_rd_investment": "8000000",
        "tech_reform_demo": True,
        "project_completed": True,
    },
}
MFG5 = {
    "measure": "mfg-5",
    "project": "P1",
    "facts": {
        "project_total_investment": "8000000",
        "software_hardware_investment": "6000000",
        "smart_reform_demo": True,
        "project_completed": True,
    },
}


def by_claim(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["id"]: m for m in result["measures"]}


def all_text(measure: dict[str, Any], lang: str = "en") -> str:
    return "\n".join(step[lang] for step in measure["explain"])


def test_same_project_under_two_measures_pays_only_the_larger(program: Program) -> None:
    result = program.evaluate(application(MFG3, MFG5))
    claims = by_claim(result)
    # mfg-3: 25% of 800万 = 200万, capped at 100万; mfg-5: 30% of 600万 = 180万.
    assert claims["c2"]["status"] == "awarded" and claims["c2"]["amount"] == "1800000.00"
    assert claims["c1"]["status"] == "superseded" and claims["c1"]["amount"] == "0.00"
    assert "mfg-5" in all_text(claims["c1"]) and "pays more" in all_text(claims["c1"])
    assert result["total"] == "1800000.00"


def test_different_projects_are_different_matters(program: Program) -> None:
    other = {**MFG5, "project": "P2"}
    result = program.evaluate(application(MFG3, other))
    assert result["total"] == "2800000.00"  # 100万 + 180万: nothing superseded


def test_yearly_total_is_trimmed_to_local_retained_tax(program: Program) -> None:
    other = {**MFG5, "project": "P2"}
    result = program.evaluate(application(MFG3, other, local_retained_tax="1500000"))
    claims = by_claim(result)
    assert result["total"] == "1500000.00"
    # trim latest: the claim listed last loses the excess of 130万
    assert claims["c1"]["amount"] == "1000000.00"
    assert claims["c2"]["amount"] == "500000.00" and claims["c2"]["status"] == "capped"
    assert "local retained" in all_text(claims["c2"])


def test_yearly_total_counts_awards_already_paid_that_year(program: Program) -> None:
    history = [{"measure": "mfg-2a", "year": 2021, "amount": "1400000"}]
    result = program.evaluate(application(MFG3, local_retained_tax="1500000", history=history))
    assert result["total"] == "100000.00"


def test_excluded_enterprise_gets_nothing_and_the_exclusion_is_named(program: Program) -> None:
    result = program.evaluate(application(MFG3, MFG5, major_accident=True))
    assert result["total"] == "0.00"
    for claim in result["measures"]:
        assert claim["status"] == "excluded"
        assert "major liability accident" in all_text(claim)
        assert "重大责任事故" in all_text(claim, "zh")


def test_one_time_award_claimed_again_next_year_is_refused_citing_the_earlier_award(
    program: Program,
) -> None:
    claim = {"measure": "mfg-9d", "facts": {"single_champion_enterprise": True}}
    history = [{"measure": "mfg-9d", "year": 2020, "amount": "1000000"}]
    result = program.evaluate(application(claim, year=2021, history=history))
    (measure,) = result["measures"]
    assert measure["status"] == "not_eligible" and measure["amount"] == "0.00"
    assert "already paid in 2020" in all_text(measure)


def test_application_dated_2023_is_not_in_force(program: Program) -> None:
    result = program.evaluate(application(MFG3, year=2023))
    (measure,) = result["measures"]
    assert measure["status"] == "not_eligible" and measure["reason"] == "not_in_force"
    assert "not in force" in all_text(measure) and "(2020 to 2022)" in all_text(measure)


def test_general_eligibility_failure_names_the_condition(program: Program) -> None:
    result = program.evaluate(application(MFG3, registered_in_kaifeng=False))
    (measure,) = result["measures"]
    assert measure["status"] == "not_eligible"
    assert "registered within Kaifeng" in all_text(measure)


def test_changing_a_stacking_rule_in_policy_text_changes_results(tmp_path: Path) -> None:
    copy = tmp_path / "policies"
    shutil.copytree(POLICIES, copy)
    common = copy / "common.kfpl"
    text = common.read_text(encoding="utf-8")
    assert "no stacking by project across set keep highest" in text
    common.write_text(
        text.replace("by project across set keep highest", "by project across set keep all"),
        encoding="utf-8",
    )
    mfg = copy / "mfg.kfpl"
    mfg.write_text(
        mfg.read_text(encoding="utf-8").replace(
            "within policy keep highest", "within policy keep all"
        ),
        encoding="utf-8",
    )
    before = Program.from_paths([str(POLICIES)]).evaluate(application(MFG3, MFG5))
    after = Program.from_paths([str(copy)]).evaluate(application(MFG3, MFG5))
    assert before["total"] == "1800000.00"
    assert after["total"] == "2800000.00"


def test_failed_acceptance_claws_back_the_first_half_as_a_negative_line(program: Program) -> None:
    claim = {
        "measure": "mfg-14a",
        "facts": {"platform_stage": "failed", "platform_kind": "industry"},
    }
    fairs = {"measure": "mfg-2a", "facts": {"booth_rental": "100000", "booth_setup": "0"}}
    history = [{"measure": "mfg-14a", "year": 2020, "amount": "250000"}]
    result = program.evaluate(application(claim, fairs, history=history))
    claims = by_claim(result)
    assert claims["c1"]["amount"] == "-250000.00" and claims["c1"]["clawback"] is True
    assert "clawed back" in all_text(claims["c1"])
    assert result["total"] == "-220000.00"  # 30,000 for the fair less the 250,000 returned


def test_the_tie_rule_is_one_edit_in_the_policy_text(tmp_path: Path) -> None:
    copy = tmp_path / "policies"
    shutil.copytree(POLICIES, copy)
    common = copy / "common.kfpl"
    text = common.read_text(encoding="utf-8")
    common.write_text(
        text.replace(
            "by project across set keep highest tie first",
            "by project across set keep highest tie last",
        ),
        encoding="utf-8",
    )
    # mfg-3 pays its 100万 project cap; mfg-5 on the same project pays 30% of
    # 3,333,333.33 = 999,999.999, rounded to the fen 100万: a tie between two measures.
    twin = {**MFG5, "facts": {**MFG5["facts"], "software_hardware_investment": "3333333.33"}}
    app = application(MFG3, twin)
    first = by_claim(Program.from_paths([str(POLICIES)]).evaluate(app))
    last = by_claim(Program.from_paths([str(copy)]).evaluate(app))
    assert first["c1"]["amount"] == "1000000.00" and first["c2"]["status"] == "superseded"
    assert last["c1"]["status"] == "superseded" and last["c2"]["amount"] == "1000000.00"
