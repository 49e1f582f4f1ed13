"""Applications of every shape the law allows: several claims under one measure, several
projects and products, the same project over several years (issue 10).

Every expected amount is computed by hand from the law (/work/shared/seeds/, quoted in
each test), never copied from kfpl's output. Many of these applications are also
multi-claim worked examples in policies/*.kfpl, where drafters and reviewers read them;
here they are checked through the public JSON of `Program.evaluate`, with the labels
and shapes (relabelled keys, unnamed orders) an applicant may send.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import application

from kfpl.python.evaluate import Program
from kfpl.runtime import ApplicationError


def amounts(result: dict[str, Any]) -> list[str]:
    """What each claim is finally paid, in claim order."""
    return [m["amount"] for m in result["measures"]]


def claim(measure: str, **facts: Any) -> dict[str, Any]:
    keys = {k: facts.pop(k) for k in ("project", "product", "matter") if k in facts}
    return {"measure": measure, **keys, "facts": facts}


def fair(rental: str) -> dict[str, Any]:
    return claim("mfg-2a", booth_rental=rental, booth_setup="0")


MFG3_P = claim("mfg-3", project="P", equipment_rd_investment="800万",
               tech_reform_demo=True, project_completed=True)  # fmt: skip
MFG5_P = claim("mfg-5", project="P", project_total_investment="800万",
               software_hardware_investment="600万", smart_reform_demo=True,
               project_completed=True)  # fmt: skip


# --------------------------------------------------------------------------- several items, one measure


def test_two_trade_fairs_in_one_year_are_each_subsidised(program: Program) -> None:
    # mfg 2: 按不超过场地租赁费、布展费的30%给予补贴，单个企业每年最高不超过30万元.
    # Two fairs, 30万 rental each: 30% = 9万 each, 18万 in all, under the 30万 yearly cap.
    result = program.evaluate(application(fair("30万"), fair("30万")))
    assert amounts(result) == ["90000.00", "90000.00"]
    assert result["total"] == "180000.00"


def test_three_trade_fairs_share_the_yearly_cap(program: Program) -> None:
    # 50万 rental each: 15万 each; the yearly cap 30万 leaves nothing for the third.
    result = program.evaluate(application(fair("50万"), fair("50万"), fair("50万")))
    assert result["total"] == "300000.00"
    assert sorted(amounts(result)) == ["0.00", "150000.00", "150000.00"]


def test_four_contract_manufactured_products_are_capped_at_100_wan_a_year(
    program: Program,
) -> None:
    # ind 12: 按单个品种实际委托生产合同执行额的5%…单个品种每年奖励金额不超过30万元…
    # 同一企业每年奖励最高不超过100万元. Four products at 600万: 5% = 30万 each
    # (at the product cap); 120万 > 100万, so the fourth gets the 10万 left.
    claims = [
        claim("ind-12", product=p, entrusted_production_local=True, entrusted_contract="600万")
        for p in ("A", "B", "C", "D")
    ]
    result = program.evaluate(application(*claims))
    assert result["total"] == "1000000.00"
    assert amounts(result) == ["300000.00", "300000.00", "300000.00", "100000.00"]


def test_two_it_products_share_the_enterprise_cap(program: Program) -> None:
    # ind 8: 按其首份销售合同执行额的10%给予奖励，单个企业最高不超过100万元.
    # Products at 600万 and 700万: 60万 + 70万 = 130万, capped at 100万 for the enterprise.
    claims = [
        claim("ind-8", product=p, it_product_local=True, serves_manufacturing=True,
              first_sales_contract=amount)
        for p, amount in (("P1", "600万"), ("P2", "700万"))
    ]  # fmt: skip
    result = program.evaluate(application(*claims))
    assert result["total"] == "1000000.00"
    assert amounts(result) == ["600000.00", "400000.00"]


def test_two_new_drugs_are_each_rewarded(program: Program) -> None:
    # ind 10: 单品种药品销售收入5000万元以上的，奖励50万元；1亿元以上的，奖励100万元.
    # Drug A sells 8000万 (50万), drug B 1.2亿 (100万): 150万.
    claims = [
        claim("ind-10", product=p, drug_approved_sales_local=True, product_sales=sales)
        for p, sales in (("A", "8000万"), ("B", "1.2亿"))
    ]
    result = program.evaluate(application(*claims, chain="pharma_devices"))
    assert amounts(result) == ["500000.00", "1000000.00"]


def test_two_generic_drugs_passing_the_evaluation_are_each_rewarded(program: Program) -> None:
    # ind 11: 对通过仿制药质量和疗效一致性评价的医药品种，给予生产企业50万元的一次性奖励.
    claims = [
        claim("ind-11", product=p, generic_consistency_passed=True, product_producer=True)
        for p in ("A", "B")
    ]
    result = program.evaluate(application(*claims))
    assert result["total"] == "1000000.00"


def test_two_single_champion_products_are_each_rewarded(program: Program) -> None:
    # mfg 11: 对新获得国家制造业单项冠军产品的企业，给予一次性奖励50万元 (per product).
    claims = [claim("mfg-11a", product=p, single_champion_product=True) for p in ("A", "B")]
    result = program.evaluate(application(*claims))
    assert result["total"] == "1000000.00"


# --------------------------------------------------------------------------- several projects


def test_two_projects_under_one_measure_each_have_their_own_cap(program: Program) -> None:
    # mfg 3: 设备、研发实际投入的25%以内…单个项目补助金额最高100万元. P1 invests 800万
    # (200万, capped at 100万), P2 invests 600万 (150万, capped at 100万).
    p2 = claim("mfg-3", project="P2", equipment_rd_investment="600万",
               tech_reform_demo=True, project_completed=True)  # fmt: skip
    result = program.evaluate(application({**MFG3_P, "project": "P1"}, p2))
    assert amounts(result) == ["1000000.00", "1000000.00"]


def test_one_project_under_two_measures_pays_the_higher(program: Program) -> None:
    # 附则: 同一企业的同一项目，市级各项优惠政策不重复享受. mfg-3 on P: 100万 (capped);
    # mfg-5 on P: 30% of 600万 = 180万. Only 180万 is paid.
    result = program.evaluate(application(MFG3_P, MFG5_P))
    assert amounts(result) == ["0.00", "1800000.00"]


def test_a_project_not_completed_gets_no_post_completion_subsidy(program: Program) -> None:
    # mfg 3–6: 给予后补助 — paid after the project is built.
    unfinished = {**MFG5_P, "facts": {**MFG5_P["facts"], "project_completed": False}}
    result = program.evaluate(application(unfinished))
    assert result["measures"][0]["status"] == "not_eligible"
    assert result["total"] == "0.00"


# --------------------------------------------------------------------------- several years


def test_a_second_project_in_a_later_year_is_paid_in_full(program: Program) -> None:
    history = [{"measure": "mfg-3", "year": 2020, "amount": "100万", "project": "P1"}]
    result = program.evaluate(application({**MFG3_P, "project": "P2"}, history=history))
    assert result["total"] == "1000000.00"


def test_the_same_project_in_a_later_year_under_another_measure_gets_only_the_difference(
    program: Program,
) -> None:
    # 同一项目市级优惠不重复享受, highest only: P got mfg-3 (100万) in 2020; mfg-5 on P in
    # 2021 computes 180万. The project ends with its highest benefit: 180万 − 100万 = 80万.
    history = [{"measure": "mfg-3", "year": 2020, "amount": "100万", "project": "P"}]
    result = program.evaluate(application(MFG5_P, history=history))
    assert result["total"] == "800000.00"


def test_a_lower_benefit_for_a_project_already_paid_more_pays_nothing(program: Program) -> None:
    # P got mfg-5 (180万) in 2020; mfg-3 on P in 2021 (100万) adds nothing.
    history = [{"measure": "mfg-5", "year": 2020, "amount": "180万", "project": "P"}]
    result = program.evaluate(application(MFG3_P, history=history))
    assert result["total"] == "0.00"


def test_a_project_cap_counts_what_the_project_got_in_earlier_years(program: Program) -> None:
    # 单个项目补助金额最高100万元 is the project's total: paid 100万 in 2020, nothing more.
    history = [{"measure": "mfg-3", "year": 2020, "amount": "100万", "project": "P"}]
    result = program.evaluate(application(MFG3_P, history=history))
    assert result["total"] == "0.00"


def test_a_cap_without_per_year_is_a_total_over_the_period(program: Program) -> None:
    # ind 6: 单个企业最高不超过50万元 (no 每年): 40万 in 2020 + 5万 in 2021 leave 5万 for
    # 2022, although 10% of this year's increase of 100万 is 10万.
    history = [
        {"measure": "ind-6", "year": 2020, "amount": "40万"},
        {"measure": "ind-6", "year": 2021, "amount": "5万"},
    ]
    vat = claim("ind-6", vat_local_retained="300万", vat_local_retained_last_year="200万",
                main_revenue="2亿")  # fmt: skip
    app = application(vat, year=2022, history=history, chain="new_materials_energy")
    result = program.evaluate(app)
    assert result["total"] == "50000.00"


def test_a_cap_with_per_year_starts_again_each_year(program: Program) -> None:
    # mfg 2: 单个企业每年最高不超过30万元: 30万 in 2020 does not reduce 2021.
    history = [{"measure": "mfg-2a", "year": 2020, "amount": "30万"}]
    result = program.evaluate(application(fair("100万"), history=history))
    assert result["total"] == "300000.00"


def test_a_new_order_in_a_later_year_gets_its_own_interest_subsidy(program: Program) -> None:
    # ind 4: 对当年新增单个订单合同执行额在1000万元以上的…按其银行贷款金额的一年期基准利率
    # 给予补贴，补贴期限不超过1年. Order O1 was subsidised in 2020; O2 is new in 2021:
    # 4.35% of 1000万 = 43.5万. O1 again in 2021 has used its year.
    history = [{"measure": "ind-4", "year": 2020, "amount": "43.5万", "project": "O1"}]
    new = claim("ind-4", project="O2", new_single_order="2000万", bank_loan="1000万")
    again = claim("ind-4", project="O1", new_single_order="2000万", bank_loan="1000万")
    assert program.evaluate(application(new, history=history))["total"] == "435000.00"
    assert program.evaluate(application(again, history=history))["total"] == "0.00"


def test_an_unnamed_earlier_order_does_not_refuse_every_later_order(program: Program) -> None:
    # The same without order ids. The claim is for an order 当年新增 (new this year), so it
    # cannot be the order subsidised in 2020: the policy reading pays 43.5万. An engine that
    # cannot tell may ask for the order (undetermined, naming it) but must not refuse it
    # for good as "support period used up".
    history = [{"measure": "ind-4", "year": 2020, "amount": "43.5万"}]
    order = claim("ind-4", new_single_order="2000万", bank_loan="1000万")
    result = program.evaluate(application(order, history=history))["measures"][0]
    assert (result["status"], result["amount"]) == ("awarded", "435000.00") or (
        result["status"] == "undetermined" and "project" in result.get("missing", [])
    )


# --------------------------------------------------------------------------- one matter, several measures


def test_a_match_and_an_own_award_for_the_same_centre_pay_only_the_higher(
    program: Program,
) -> None:
    # 附则: 对获得上级补助奖励、本级给予配套的，与本级补助奖励不重复享受. A new national
    # dual-use centre: match 50% of 300万 national funds = 150万 (mfg-10e) and the own
    # award of 100万 (mfg-10f). Only the higher, 150万, is paid.
    match = claim("mfg-10e", military_civil_funds=True, level="national", higher_award="300万")
    own = claim("mfg-10f", level="national")
    result = program.evaluate(application(match, own))
    assert amounts(result) == ["1500000.00", "0.00"]


def test_smart_factory_and_smart_workshop_are_paid_once(program: Program) -> None:
    # mfg 9: 对认定为省级智能工厂、智能车间试点示范的企业，分别给予一次性奖励100万元、50万元;
    # the note reads 一次性 per enterprise, so the enterprise is paid the higher: 100万.
    factory = claim("mfg-9h", smart_factory=True)
    workshop = claim("mfg-9i", smart_workshop=True)
    result = program.evaluate(application(factory, workshop))
    assert result["total"] == "1000000.00"


@pytest.mark.parametrize("key", ["matter", "project"])
def test_relabelling_one_vat_growth_does_not_pay_it_twice(program: Program, key: str) -> None:
    # ind 6 and ind 13 reward the same increase of local retained VAT (300万 − 200万):
    # 10% = 10万 under either; it is one matter (附则: 同一事项…按最高的一项), so 10万 once,
    # whatever labels the application gives the two claims.
    facts = {"vat_local_retained": "300万", "vat_local_retained_last_year": "200万",
             "main_revenue": "2亿"}  # fmt: skip
    ind6 = {"measure": "ind-6", key: "A", "facts": facts}
    ind13 = {"measure": "ind-13", key: "B", "facts": {**facts, "parts_maker": True}}
    try:
        result = program.evaluate(application(ind6, ind13, chain="new_materials_energy"))
    except ApplicationError as exc:  # refusing the label outright is as good
        assert exc.path == f"claims[0].{key}"
        return
    assert result["total"] == "100000.00"


def test_one_vat_growth_claimed_under_two_measures_is_paid_once(program: Program) -> None:
    # The same without labels: one matter, 10万 once (the claim listed first is kept).
    facts = {"vat_local_retained": "300万", "vat_local_retained_last_year": "200万",
             "main_revenue": "2亿"}  # fmt: skip
    ind6 = {"measure": "ind-6", "facts": facts}
    ind13 = {"measure": "ind-13", "facts": {**facts, "parts_maker": True}}
    result = program.evaluate(application(ind6, ind13, chain="new_materials_energy"))
    assert amounts(result) == ["100000.00", "0.00"]


# --------------------------------------------------------------------------- recognitions upgraded (补差)


@pytest.mark.parametrize(
    ("measure", "provincial", "difference"),
    [("mfg-8a", "50万", "500000.00"), ("mfg-9e", "30万", "200000.00"),
     ("mfg-12c", "100万", "4000000.00")],
)  # fmt: skip
def test_upgrade_to_national_pays_the_difference(
    program: Program, measure: str, provincial: str, difference: str
) -> None:
    # mfg 8/9/12: 分别给予一次性奖励 national / provincial; an upgraded recognition is paid
    # the national amount less the provincial award already paid (100−50, 50−30, 500−100).
    history = [{"measure": measure, "year": 2020, "amount": provincial, "level": "provincial"}]
    facts: dict[str, Any] = {"level": "national"}
    if measure == "mfg-9e":
        facts["newly_recognised"] = True
    if measure == "mfg-8a":
        facts["base_direction_internet_big_data"] = True
    result = program.evaluate(application(claim(measure, **facts), history=history))
    assert result["total"] == difference


def test_upgraded_landmark_equipment_pays_the_difference_per_product(program: Program) -> None:
    # ind 5: 一次性奖励100万元、50万元; product P1 got 50万 (provincial) in 2020 and is
    # national in 2021: 50万 more. Product P2's own first award is not touched.
    history = [
        {"measure": "ind-5", "year": 2020, "amount": "50万", "product": "P1", "level": "provincial"}
    ]
    claims = [claim("ind-5", product="P1", level="national"),
              claim("ind-5", product="P2", level="provincial")]  # fmt: skip
    result = program.evaluate(application(*claims, history=history))
    assert amounts(result) == ["500000.00", "500000.00"]


def test_a_second_food_safety_certification_pays_the_10_wan_difference(program: Program) -> None:
    # ind 1: 获得以上一种认证的…30万元；获得以上两种认证的…40万元: 40万 − 30万.
    history = [{"measure": "ind-1", "year": 2020, "amount": "30万"}]
    cert = claim("ind-1", food_safety_certifications=2)
    result = program.evaluate(application(cert, history=history, chain="agri_food"))
    assert result["total"] == "100000.00"


def test_a_drug_whose_sales_pass_1_yi_later_pays_the_difference(program: Program) -> None:
    # ind 10: 5000万元以上奖励50万元；1亿元以上奖励100万元: drug A paid 50万 in 2020 sells
    # 1.2亿 in 2021: 100万 − 50万.
    history = [{"measure": "ind-10", "year": 2020, "amount": "50万", "product": "A"}]
    drug = claim("ind-10", product="A", drug_approved_sales_local=True, product_sales="1.2亿")
    result = program.evaluate(application(drug, history=history, chain="pharma_devices"))
    assert result["total"] == "500000.00"


def test_a_recognition_already_paid_at_the_same_level_pays_nothing(program: Program) -> None:
    history = [{"measure": "mfg-8a", "year": 2020, "amount": "100万", "level": "national"}]
    base = claim("mfg-8a", level="national", base_direction_internet_big_data=True)
    result = program.evaluate(application(base, history=history))
    assert result["measures"][0]["status"] == "not_eligible"  # refused as already paid
    assert result["total"] == "0.00"
