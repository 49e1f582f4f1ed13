"""Issue 10: several claims, items, projects and years are grouped as the policy says.

Every expected amount below is worked out by hand from the law (/work/shared/seeds/),
in the comment beside it; none is copied from the engine.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import application

from kfpl.python.evaluate import Program
from kfpl.runtime import ApplicationError
from kfpl.runtime.money import exact, to_fen

D = Decimal
POLICIES_DIR = Path(__file__).resolve().parent.parent / "policies"


def claims_of(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["id"]: m for m in result["measures"]}


def text(measure: dict[str, Any], lang: str) -> str:
    return "\n".join(step[lang] for step in measure["explain"])


def fair(product: str | None = None, fees: str = "300000") -> dict[str, Any]:
    claim: dict[str, Any] = {
        "measure": "mfg-2a",
        "facts": {"booth_rental": fees, "booth_setup": "0"},
    }
    if product:
        claim["product"] = product
    return claim


# --------------------------------------------------------------------------- several items


def test_two_trade_fairs_under_one_measure_are_both_paid(program: Program) -> None:
    # mfg 2: 30% of each fair's fees (30万) = 9万 each; the 30万 yearly cap is not reached.
    result = program.evaluate(application(fair(), fair()))
    assert [m["amount"] for m in result["measures"]] == ["90000.00", "90000.00"]
    assert result["total"] == "180000.00"


def test_four_contract_products_are_each_paid_up_to_the_yearly_cap(program: Program) -> None:
    # ind 12: 5% of 600万 = 30万 per product (the 30万 product cap); 4 × 30万 = 120万,
    # the enterprise's 100万 a year leaves 10万 for the fourth.
    claims = [
        {
            "measure": "ind-12",
            "product": name,
            "facts": {"entrusted_production_local": True, "entrusted_contract": "6000000"},
        }
        for name in "abcd"
    ]
    result = program.evaluate(application(*claims))
    amounts = [m["amount"] for m in result["measures"]]
    assert amounts == ["300000.00", "300000.00", "300000.00", "100000.00"]
    assert result["total"] == "1000000.00"


def test_the_same_product_twice_is_one_award(program: Program) -> None:
    # ind 12 "只享受一次": the same product claimed twice pays once (30万).
    claim = {
        "measure": "ind-12",
        "product": "a",
        "facts": {"entrusted_production_local": True, "entrusted_contract": "6000000"},
    }
    result = program.evaluate(application(claim, claim))
    assert result["total"] == "300000.00"
    second = claims_of(result)["c2"]
    assert second["status"] == "not_eligible" and "c1" in text(second, "en")
    assert "c1" in text(second, "zh")


@pytest.mark.parametrize(
    ("measure", "facts", "each"),
    [
        # ind 10: 8000万 of sales is in the [5000万, 1亿) tier: 50万 per drug.
        ("ind-10", {"drug_approved_sales_local": True, "product_sales": "80000000"}, "500000.00"),
        # ind 11: 50万 per product passing the consistency evaluation.
        ("ind-11", {"generic_consistency_passed": True, "product_producer": True}, "500000.00"),
        # mfg 11: 50万 per single-champion product.
        ("mfg-11a", {"single_champion_product": True}, "500000.00"),
        # ind 8: 10% of a 300万 first contract = 30万 per product (100万 per enterprise).
        (
            "ind-8",
            {
                "it_product_local": True,
                "serves_manufacturing": True,
                "first_sales_contract": "3000000",
            },
            "300000.00",
        ),
    ],
)
def test_two_products_under_one_measure_are_both_paid(
    program: Program, measure: str, facts: dict[str, Any], each: str
) -> None:
    claims = [{"measure": measure, "product": p, "facts": facts} for p in ("x1", "x2")]
    result = program.evaluate(application(*claims, chain="pharma_devices"))
    assert [m["amount"] for m in result["measures"]] == [each, each]


# --------------------------------------------------------------------------- labels


VAT = {
    "main_revenue": "200000000",
    "vat_local_retained": "3000000",
    "vat_local_retained_last_year": "2000000",
}


def test_the_same_vat_growth_labelled_as_two_projects_pays_once(program: Program) -> None:
    # ind 6 and ind 13 both pay 10% of the VAT growth (300万 − 200万) = 10万: one matter
    # (the enterprise's VAT growth this year), whatever project labels the claims carry.
    ind6 = {"measure": "ind-6", "project": "P1", "facts": VAT}
    ind13 = {"measure": "ind-13", "project": "P2", "facts": {**VAT, "parts_maker": True}}
    result = program.evaluate(application(ind6, ind13, chain="new_materials_energy"))
    assert result["total"] == "100000.00"
    loser = claims_of(result)["c2"]
    assert loser["status"] == "superseded"
    assert "ind-6" in text(loser, "en") and "ind-6" in text(loser, "zh")


def test_a_claim_cannot_name_its_matter(program: Program) -> None:
    claim = {"measure": "ind-6", "matter": "something_else", "facts": VAT}
    with pytest.raises(ApplicationError, match=r"claims\[0\]\.matter"):
        program.evaluate(application(claim, chain="new_materials_energy"))


# --------------------------------------------------------------------------- history

MFG3 = {"measure": "mfg-3", "project": "P", "facts": {"equipment_rd_investment": "8000000",
                                                      "tech_reform_demo": True, "project_completed": True}}  # fmt: skip
MFG5 = {
    "measure": "mfg-5",
    "project": "P",
    "facts": {
        "project_total_investment": "8000000",
        "software_hardware_investment": "6000000",
        "smart_reform_demo": True,
        "project_completed": True,
    },
}


def test_a_project_paid_last_year_under_another_measure_gets_only_the_difference(
    program: Program,
) -> None:
    # mfg 附则: one project, one city-level benefit. P got mfg-3 (100万) in 2020; mfg-5 in
    # 2021 would pay 30% of 600万 = 180万: the highest benefit is 180万, so 80万 more.
    history = [{"measure": "mfg-3", "year": 2020, "amount": "1000000", "project": "P"}]
    result = program.evaluate(application(MFG5, history=history))
    claim = claims_of(result)["c1"]
    assert claim["amount"] == "800000.00"
    assert "mfg-3" in text(claim, "en") and "补差" in text(claim, "zh")


def test_a_lower_benefit_after_a_higher_one_is_not_paid(program: Program) -> None:
    # P got mfg-5 (180万) in 2020; mfg-3 in 2021 pays at most 100万 < 180万: nothing.
    history = [{"measure": "mfg-5", "year": 2020, "amount": "1800000", "project": "P"}]
    result = program.evaluate(application(MFG3, history=history))
    assert claims_of(result)["c1"]["status"] == "superseded"
    assert result["total"] == "0.00"


def test_another_project_is_not_affected_by_history(program: Program) -> None:
    history = [{"measure": "mfg-3", "year": 2020, "amount": "1000000", "project": "Q"}]
    result = program.evaluate(application(MFG5, history=history))
    assert result["total"] == "1800000.00"


def test_an_order_subsidised_last_year_does_not_block_a_new_order(program: Program) -> None:
    # ind 4: 4.35% of a 1000万 loan = 43.5万, for at most one year per order.
    facts = {"new_single_order": "20000000", "bank_loan": "10000000"}
    history = [{"measure": "ind-4", "year": 2020, "amount": "435000", "project": "O1"}]
    new = program.evaluate(
        application({"measure": "ind-4", "project": "O2", "facts": facts}, history=history)
    )
    same = program.evaluate(
        application({"measure": "ind-4", "project": "O1", "facts": facts}, history=history)
    )
    unnamed = program.evaluate(application({"measure": "ind-4", "facts": facts}, history=history))
    assert new["total"] == "435000.00"
    assert claims_of(same)["c1"]["status"] == "not_eligible"
    assert claims_of(unnamed)["c1"]["status"] == "undetermined"


def test_first_time_above_50yi_needs_the_earlier_revenue(program: Program) -> None:
    # mfg 1 "首次超过50亿元": already 55亿 in 2019 and 2020, 60亿 in 2021: no new step.
    claim = {"measure": "mfg-1", "facts": {"main_revenue": "6000000000"}}
    past = [{"year": y, "facts": {"main_revenue": "5500000000"}} for y in (2019, 2020)]
    already = claims_of(program.evaluate(application(claim, history=past)))["c1"]
    assert already["status"] == "not_eligible"
    assert "2019" in text(already, "en")
    below = [{"year": y, "facts": {"main_revenue": "4000000000"}} for y in (2019, 2020)]
    assert program.evaluate(application(claim, history=below))["total"] == "1000000.00"
    gap = [{"year": 2019, "facts": {"main_revenue": "4000000000"}}]
    missing = claims_of(program.evaluate(application(claim, history=gap)))["c1"]
    assert missing["status"] == "undetermined" and "2020" in text(missing, "zh")


# --------------------------------------------------------------------------- matching versus own

CENTRE_FUNDS = {"military_civil_funds": True, "level": "national", "higher_award": "4000000"}


def test_a_match_and_an_own_award_for_the_same_centre_pay_only_the_higher(
    program: Program,
) -> None:
    # mfg 10: the match is 50% of 400万 = 200万, the own award for a national centre 100万;
    # 附则: a match and an own award are not both enjoyed: 200万.
    match = {"measure": "mfg-10e", "project": "C", "facts": CENTRE_FUNDS}
    own = {"measure": "mfg-10f", "project": "C", "facts": {"level": "national"}}
    result = program.evaluate(application(match, own))
    assert result["total"] == "2000000.00"
    assert claims_of(result)["c2"]["status"] == "superseded"
    other = program.evaluate(application(match, {**own, "project": "D"}))
    assert other["total"] == "3000000.00"  # two different centres: 200万 + 100万


def test_smart_factory_and_workshop_are_one_award(program: Program) -> None:
    # mfg 9: 100万 for a smart factory, 50万 for a smart workshop, once per enterprise.
    factory = {"measure": "mfg-9h", "facts": {"smart_factory": True}}
    workshop = {"measure": "mfg-9i", "facts": {"smart_workshop": True}}
    assert program.evaluate(application(factory, workshop))["total"] == "1000000.00"
    # a workshop paid 50万 in 2020, the factory in 2021: the 50万 difference.
    history = [{"measure": "mfg-9i", "year": 2020, "amount": "500000"}]
    assert program.evaluate(application(factory, history=history))["total"] == "500000.00"


# --------------------------------------------------------------------------- language

TINY = """
policy mfg
  title zh "测试" en "test"
  effective 2020 to 2025

agency 市工业和信息化局 en "bureau"

input spend: money zh "费用" en "spending"

measure mfg-1
  source mfg 12
  title zh "连续支持" en "consecutive support"
  department 市工业和信息化局
  award 20% of spend
  for at most 3 consecutive years

measure mfg-2
  source mfg 2
  title zh "精确" en "exact"
  department 市工业和信息化局
  award 96.441631% of spend

input loans: money zh "年度贷款" en "loans this year"
input loans_last_year: money zh "上年贷款" en "loans last year"
input contribution: money from enterprise zh "地方财政年贡献" en "yearly contribution to local finance"
input growth: rate from enterprise zh "地方财政贡献增幅" en "growth of the contribution"

measure mfg-3
  source mfg 3
  title zh "贷款增量" en "loan growth"
  department 市工业和信息化局
  award 10万 per 1亿 of increase of loans over loans_last_year

measure mfg-4
  source mfg 4
  title zh "费用补贴" en "spending subsidy"
  department 市工业和信息化局
  award 50% of spend

rule mfg-joint
  source mfg 附则
  title zh "合计上限" en "joint cap"
  total of mfg-3, mfg-4 at most 100万 if contribution at least 100万 and contribution at most 500万 and growth at least 25%

measure mfg-5
  source mfg 5
  title zh "项目补助甲" en "project subsidy A"
  department 市工业和信息化局
  award 50% of spend
  identified by project

measure mfg-6
  source mfg 6
  title zh "项目补助乙" en "project subsidy B"
  department 市工业和信息化局
  award 30% of spend
  identified by project

rule mfg-joint-project
  source mfg 附则
  title zh "同一项目合计上限" en "joint cap per project"
  total of mfg-5, mfg-6 at most 100万 per project

measure mfg-7
  source mfg 7
  title zh "企业补助甲" en "enterprise subsidy A"
  department 市工业和信息化局
  award 40% of spend

measure mfg-8
  source mfg 8
  title zh "企业补助乙" en "enterprise subsidy B"
  department 市工业和信息化局
  award 20% of spend

rule mfg-joint-period
  source mfg 附则
  title zh "实施期内合计上限" en "joint cap over the period"
  total of mfg-7, mfg-8 at most 50万 per enterprise
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Program:
    folder = tmp_path_factory.mktemp("tiny")
    (folder / "mfg.kfpl").write_text(TINY, encoding="utf-8")
    # A project cites its own documents: this one borrows the real mfg text.
    (folder / "sources").mkdir()
    shutil.copy(POLICIES_DIR / "sources" / "mfg.json", folder / "sources" / "mfg.json")
    return Program.from_paths([str(folder)])


def tiny_app(measure: str, spend: str, year: int, history: list[Any]) -> dict[str, Any]:
    return {
        "year": year,
        "enterprise": {"id": "e"},
        "claims": [{"id": "c1", "measure": measure, "facts": {"spend": spend}}],
        "history": history,
    }


def loans(now: str, before: str) -> dict[str, Any]:
    return {"measure": "mfg-3", "facts": {"loans": now, "loans_last_year": before}}


def test_a_step_award_per_year_pays_on_that_years_increase(tiny: Program) -> None:
    # "年度贷款每增加1亿元给予10万元": +2.5亿 this year is two whole 亿: 20万, whatever
    # was paid in earlier years for earlier increases.
    paid = [{"measure": "mfg-3", "year": 2020, "amount": "200000"}]
    app = {"year": 2021, "enterprise": {"id": "e"}, "claims": [{"id": "c1", **loans("5.5亿", "3亿")}],
           "history": paid}  # fmt: skip
    result = tiny.evaluate(app)
    assert result["total"] == "200000.00"
    assert "2" in result["measures"][0]["explain"][-2]["en"]
    less = {**app, "claims": [{"id": "c1", **loans("3.9亿", "3亿")}]}
    assert tiny.evaluate(less)["total"] == "0.00"  # 0.9亿 is no whole step


def joint(contribution: str, growth: str) -> dict[str, Any]:
    claims = [
        {"id": "c1", **loans("10亿", "2亿")},  # 8 steps: 80万
        {"id": "c2", "measure": "mfg-4", "facts": {"spend": "100万"}},  # 50万
    ]
    enterprise = {"id": "e", "contribution": contribution, "growth": growth}
    return {"year": 2021, "enterprise": enterprise, "claims": claims, "history": []}


def test_a_cap_over_a_group_of_measures_applies_when_its_condition_holds(tiny: Program) -> None:
    # 地方财政年贡献100万–500万元且增幅25%以上的，上述奖励最高不超过100万元:
    # 80万 + 50万 = 130万 is cut to 100万, from the claim listed last (50万 -> 20万).
    capped = tiny.evaluate(joint("300万", "30%"))
    assert [m["amount"] for m in capped["measures"]] == ["800000.00", "200000.00"]
    assert any(d["rule"] == "mfg-joint" for d in capped["rules"])
    # a contribution above 500万, or growth below 25%: the cap does not apply (130万).
    assert tiny.evaluate(joint("600万", "30%"))["total"] == "1300000.00"
    assert tiny.evaluate(joint("300万", "20%"))["total"] == "1300000.00"
    missing = tiny.evaluate({**joint("300万", "30%"), "enterprise": {"id": "e"}})
    assert {m["status"] for m in missing["measures"]} == {"undetermined"}


def spend(measure: str, amount: str, project: str | None = None) -> dict[str, Any]:
    claim: dict[str, Any] = {"measure": measure, "facts": {"spend": amount}}
    if project:
        claim["project"] = project
    return claim


def app_of(year: int, *claims: dict[str, Any], history: list[Any] | None = None) -> dict[str, Any]:
    numbered = [{"id": f"c{i}", **c} for i, c in enumerate(claims, 1)]
    return {"year": year, "enterprise": {"id": "e"}, "claims": numbered, "history": history or []}


def test_a_cap_over_a_group_of_measures_per_project_binds_each_project(tiny: Program) -> None:
    # P1: mfg-5 50% of 120万 = 60万, mfg-6 30% of 200万 = 60万: 120万 > 100万 for the
    # project, the claim listed last is cut to 40万. P2's 30% of 100万 = 30万 is its own.
    claims = [spend("mfg-5", "120万", "P1"), spend("mfg-6", "200万", "P1"),
              spend("mfg-6", "100万", "P2")]  # fmt: skip
    result = tiny.evaluate(app_of(2021, *claims))
    assert [m["amount"] for m in result["measures"]] == ["600000.00", "400000.00", "300000.00"]
    cut = claims_of(result)["c2"]
    assert "P1" in text(cut, "en") and "项目“P1”" in text(cut, "zh")
    # P1 was paid 80万 under mfg-5 in 2020: 20万 of room is left for mfg-6's 60万 in 2021;
    # an award for another project does not count.
    history = [{"measure": "mfg-5", "year": 2020, "amount": "80万", "project": "P1"},
               {"measure": "mfg-5", "year": 2020, "amount": "90万", "project": "P3"}]  # fmt: skip
    later = tiny.evaluate(app_of(2021, spend("mfg-6", "200万", "P1"), history=history))
    assert later["total"] == "200000.00"


def test_a_cap_over_a_group_of_measures_per_enterprise_counts_earlier_years(
    tiny: Program,
) -> None:
    # 50万 over the period: 30万 (mfg-7) and 10万 (mfg-8) paid in 2020 leave 10万 for
    # 2022's mfg-7 claim of 40% of 50万 = 20万.
    history = [{"measure": "mfg-7", "year": 2020, "amount": "30万"},
               {"measure": "mfg-8", "year": 2020, "amount": "10万"}]  # fmt: skip
    result = tiny.evaluate(app_of(2022, spend("mfg-7", "50万"), history=history))
    assert result["total"] == "100000.00"
    assert "over the effective period" in text(result["measures"][0], "en")
    # per year (the default, mfg-joint) the 2020 awards would not count: shown by mfg-3/4.
    assert tiny.evaluate(app_of(2022, spend("mfg-7", "50万")))["total"] == "200000.00"


def test_a_group_cap_scope_is_written_in_either_language(tiny: Program) -> None:
    from kfpl.syntax.formatter import format_text

    zh = format_text(TINY, keywords="zh")
    assert "合计 mfg-5, mfg-6 不超过 100万 每个项目" in zh
    assert "不超过 50万 每个企业" in zh
    back = format_text(zh, keywords="en")
    assert "total of mfg-5, mfg-6 at most 100万 per project" in back
    assert format_text(back) == back


def test_the_docs_state_the_scope_of_a_group_cap() -> None:
    from kfpl.project.loader import compile_texts
    from kfpl.render.sentences import Renderer

    comp = compile_texts({"mfg.kfpl": TINY})
    assert comp.policy_set is not None
    rule = comp.policy_set.rules["mfg-joint-project"]
    zh = Renderer(comp.policy_set, "zh").rule_body(rule.bodies[0])
    en = Renderer(comp.policy_set, "en").rule_body(rule.bodies[0])
    assert "同一项目合计最高不超过100万元" in zh
    assert "for any one project" in en and "万" not in en


def test_consecutive_years_count_from_the_first_award(tiny: Program) -> None:
    paid_2020 = [{"measure": "mfg-1", "year": 2020, "amount": "1"}]
    # 2020, 2021, 2022 are the three consecutive years, with or without a claim in 2021.
    assert tiny.evaluate(tiny_app("mfg-1", "100", 2022, paid_2020))["total"] == "20.00"
    late = tiny.evaluate(tiny_app("mfg-1", "100", 2023, paid_2020))
    assert late["measures"][0]["status"] == "not_eligible"


def test_arithmetic_is_exact_above_10_to_the_21() -> None:
    # 131714883345681227668814 × 96441631 = 12702798176832234402462749995634 (integers),
    # so the exact amount is 1270279817683223440246.2749995634: half-up to the fen …246.27.
    # Python's default 28-digit context rounded the product to …246.275000 first, then
    # to the fen …246.28. Applications are bounded far below (10^15 yuan); the context
    # the evaluators compute in is exact well above that bound.
    with exact():
        product = D("1317148833456812276688.14") * D("0.96441631")
    assert str(to_fen(product)) == "1270279817683223440246.27"


def test_amounts_beyond_the_bound_are_refused_by_name(tiny: Program) -> None:
    with pytest.raises(ApplicationError, match=r"claims\[0\]\.facts\.spend.*10\^15"):
        tiny.evaluate(tiny_app("mfg-2", "1" + "0" * 16, 2020, []))


def test_the_columnar_backend_leaves_scoped_group_caps_to_the_reference_engine() -> None:
    from kfpl.columnar.codegen import generate
    from kfpl.project.loader import compile_texts

    comp = compile_texts({"mfg.kfpl": TINY})
    assert comp.policy_set is not None
    namespace: dict[str, Any] = {}
    exec(generate(comp.policy_set), namespace)
    assert namespace["UNSUPPORTED"]["mfg-joint-project"] == "a joint cap per project"
    assert namespace["UNSUPPORTED"]["mfg-joint-period"] == "a joint cap per enterprise"


# --------------------------------------------------------------------------- multi-claim examples

MULTI = """
  example "one project, two measures, over its cap" in 2021
    claim a: mfg-5 project = p1, spend = 120万 -> 60万
    claim b: mfg-6 project = p1, spend = 200万 -> {b}
    claim c: mfg-6 project = p2, spend = 100万 -> 30万
    total {total}
"""


def multi_outcomes(b: str, total: str, keywords: str | None = None) -> list[Any]:
    from kfpl.project.loader import compile_texts
    from kfpl.syntax.formatter import format_text
    from kfpl.testing.examples import run_all

    text = TINY.replace(
        "  identified by project\n\nmeasure mfg-6",
        "  identified by project\n" + MULTI.format(b=b, total=total) + "\nmeasure mfg-6",
    )
    if keywords:
        text = format_text(text, keywords=keywords)  # type: ignore[arg-type]
    comp = compile_texts({"mfg.kfpl": text})
    assert comp.policy_set is not None, comp.diagnostics
    return [o for o in run_all(comp.policy_set) if o.case.example.claims]


def test_a_multi_claim_example_states_each_claim_and_the_total() -> None:
    # 60万 + 60万 for P1 is cut to 100万 (mfg-joint-project): b gets 40万; P2 30万; 130万.
    (ok,) = multi_outcomes("40万", "130万")
    assert ok.passed
    (wrong_claim,) = multi_outcomes("60万", "150万")
    assert not wrong_claim.passed
    assert "b CNY 400,000" in wrong_claim.actual.en and "b CNY 600,000" in wrong_claim.expected.en
    (wrong_total,) = multi_outcomes("40万", "120万")
    assert not wrong_total.passed and "total" in wrong_total.expected.en


def test_a_multi_claim_example_reads_the_same_in_chinese_keywords() -> None:
    from kfpl.syntax.formatter import format_text

    zh = format_text(TINY + "\nmeasure mfg-9\n  source mfg 9\n  title zh \"x\" en \"x\"\n"
                     "  department 市工业和信息化局\n  award 1万\n" + MULTI.format(b="1万", total="1万"),
                     keywords="zh")  # fmt: skip
    assert "申报 a: mfg-5" in zh and "共计 1万" in zh
    assert format_text(zh) == zh
    (ok,) = multi_outcomes("40万", "130万", keywords="zh")
    assert ok.passed


def test_a_multi_claim_example_naming_an_unknown_measure_is_an_error() -> None:
    from kfpl.project.loader import compile_texts

    text = TINY.replace(
        "  identified by project\n\nmeasure mfg-6",
        "  identified by project\n"
        + MULTI.format(b="1万", total="1万").replace("claim c: mfg-6", "claim c: mfg-66")
        + "\nmeasure mfg-6",
    )
    comp = compile_texts({"mfg.kfpl": text})
    codes = [d.code for d in comp.diagnostics]
    assert "KF0203" in codes
    assert any("mfg-66" in d.message.en and "mfg-6" in d.help.en for d in comp.diagnostics)
