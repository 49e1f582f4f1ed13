"""The natural-language renderer: amounts, bounds, every award form, caps, rules, goals."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kfpl.model import PolicySet
from kfpl.project.loader import compile_texts
from kfpl.render import Renderer, en_money, zh_money
from kfpl.render import money as m

HEADER = """
policy mfg
  title zh "开封市制造业高质量发展若干财政支持措施" en "Kaifeng Fiscal Measures"
  issued 2020-11-17
  effective 2020 to 2022
enum level zh "级别" en "level"
  value national   zh "国家级" en "national"
  value provincial zh "省级"   en "provincial"
enum stage zh "阶段" en "stage"
  value listed zh "纳入名单" en "listed"
  value accepted zh "通过验收" en "accepted"
  value failed zh "未通过验收" en "failed acceptance"
agency 市工业和信息化局 en "Municipal Bureau of Industry and Information Technology"
input booth_fees: money zh "展会场地租赁费、布展费" en "trade-fair booth rental and setup fees"
input investment: money zh "设备、研发实际投入" en "equipment and R&D investment"
input revenue: money zh "年主营业务收入" en "annual main-business revenue"
input level: level zh "认定级别" en "recognition level"
input higher_award: money zh "上级财政奖励资金" en "higher-level award"
input bank_loan: money zh "银行贷款金额" en "bank loan"
input vat: money zh "本年度增值税地方留成" en "local VAT this year"
input vat_last: money zh "上年度增值税地方留成" en "local VAT last year"
input vehicles: list(price: money zh "销售价格" en "sale price") zh "销售车辆" en "vehicles sold"
input proceeds: money zh "地块净收益" en "net land proceeds"
input stage: stage zh "项目阶段" en "project stage"
input local_tax: money from enterprise zh "地方留成税收" en "local retained tax"
input false_materials: bool from enterprise zh "提供虚假材料" en "false materials"
parameter benchmark_rate: rate zh "一年期贷款基准利率" en "one-year benchmark lending rate"
  value 4.35% from 2015-10-24 ref zh "中国人民银行" en "PBoC"
"""


def policy_set(body: str) -> PolicySet:
    comp = compile_texts({"mfg.kfpl": HEADER + body})
    assert comp.policy_set is not None
    return comp.policy_set


def sentence(body: str, lang: str, measure: str = "mfg-1") -> str:
    ps = policy_set(body)
    return Renderer(ps, lang).rule_sentence(ps.measures[measure])


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        ("300000", "30万元", "CNY 300,000"),
        ("2000", "2000元", "CNY 2,000"),
        ("1000000", "100万元", "CNY 1 million"),
        ("1500000", "150万元", "CNY 1.5 million"),
        ("150000000", "1.5亿元", "CNY 150 million"),
        ("5000000000", "50亿元", "CNY 5 billion"),
        ("45000000", "4500万元", "CNY 45 million"),
        ("12345.67", "12345.67元", "CNY 12,345.67"),
        ("-250000", "-25万元", "-CNY 250,000"),
        ("0", "0元", "CNY 0"),
    ],
)
def test_amounts_read_as_each_language_writes_them(value: str, zh: str, en: str) -> None:
    assert zh_money(Decimal(value)) == zh
    assert en_money(Decimal(value)) == en


def test_rates_keep_every_digit() -> None:
    assert m.rate(Decimal("0.30")) == "30%"
    assert m.rate(Decimal("0.0435")) == "4.35%"


_ZH_UNITS = {"亿元": Decimal(100_000_000), "万元": Decimal(10_000), "元": Decimal(1)}
_EN_UNITS = {" billion": Decimal(10**9), " million": Decimal(10**6), "": Decimal(1)}


@given(st.decimals(min_value=0, max_value=Decimal(10**12), places=2))
def test_amount_text_gives_back_the_exact_amount(value: Decimal) -> None:
    zh = zh_money(value)
    unit = next(u for u in _ZH_UNITS if zh.endswith(u))
    assert Decimal(zh.removesuffix(unit)) * _ZH_UNITS[unit] == value
    en = en_money(value).removeprefix("CNY ").replace(",", "")
    unit = next(u for u in _EN_UNITS if en.endswith(u))
    assert Decimal(en.removesuffix(unit)) * _EN_UNITS[unit] == value


# ---------------------------------------------------------------- award forms and caps

MFG_2A = """
measure mfg-1
  source mfg 2
  title zh "参展" en "Fairs"
  award up to 30% of booth_fees
  cap 30万 per year
"""


def test_design_card_measure_reads_like_the_source() -> None:
    assert (
        sentence(MFG_2A, "zh")
        == "按不超过展会场地租赁费、布展费的30%给予补贴，单个企业每年最高不超过30万元。"
    )
    assert sentence(MFG_2A, "en") == (
        "A subsidy of up to 30% of the trade-fair booth rental and setup fees, "
        "at most CNY 300,000 per enterprise per year."
    )


@pytest.mark.parametrize(
    ("scope", "zh", "en"),
    [
        ("per project", "单个项目最高不超过100万元", "at most CNY 1 million per project"),
        ("per product", "单个产品最高不超过100万元", "at most CNY 1 million per product"),
        (
            "per year",
            "单个企业每年最高不超过100万元",
            "at most CNY 1 million per enterprise per year",
        ),
        (
            "per enterprise",
            "单个企业累计最高不超过100万元",
            "at most CNY 1 million per enterprise in total",
        ),
        ("", "每项申请最高不超过100万元", "at most CNY 1 million per claim"),
    ],
)
def test_caps_name_their_scope(scope: str, zh: str, en: str) -> None:
    body = f"measure mfg-1\n  award 25% of investment\n  cap 100万 {scope}\n"
    assert zh in sentence(body, "zh")
    assert en in sentence(body, "en")


@pytest.mark.parametrize(
    ("bound", "zh", "en"),
    [
        ("at least", "设备、研发实际投入在500万元以上", "is at least CNY 5 million"),
        (">=", "设备、研发实际投入在500万元以上", "is at least CNY 5 million"),
        ("more than", "设备、研发实际投入超过500万元", "is more than CNY 5 million"),
        ("at most", "设备、研发实际投入不超过500万元", "is at most CNY 5 million"),
        ("less than", "设备、研发实际投入低于500万元", "is less than CNY 5 million"),
    ],
)
def test_threshold_words_follow_the_bound_semantics(bound: str, zh: str, en: str) -> None:
    ps = policy_set(f"measure mfg-1\n  requires investment {bound} 500万\n  award 100万\n")
    measure = ps.measures["mfg-1"]
    assert Renderer(ps, "zh").requirements(measure) == [zh + "。"]
    assert Renderer(ps, "en").requirements(measure) == [f"The equipment and R&D investment {en}."]


def test_one_time_fixed_award() -> None:
    body = "measure mfg-1\n  award 100万\n  once\n"
    assert sentence(body, "zh") == "给予一次性奖励100万元。"
    assert sentence(body, "en") == "A one-time reward of CNY 1 million."


def test_award_by_recognition_level() -> None:
    body = (
        "measure mfg-1\n  award by level: national -> 100万, provincial -> 50万\n  once per level\n"
    )
    # law: 对获得国家、省级……的，分别给予一次性奖励100万元、50万元
    assert sentence(body, "zh") == "按认定级别（国家级、省级）分别给予一次性奖励100万元、50万元。"
    assert sentence(body, "en") == (
        "By the recognition level: national — a one-time reward of CNY 1 million; "
        "provincial — a one-time reward of CNY 500,000."
    )


def test_tiers_say_more_than_and_at_most() -> None:
    body = """measure mfg-1
  award tiers on investment
    more than 30亿 -> 70% of proceeds
    more than 20亿 and at most 30亿 -> 50% of proceeds
    at most 20亿 -> 45% of proceeds
"""
    zh = sentence(body, "zh")
    assert "设备、研发实际投入超过30亿元的，按地块净收益的70%给予补贴" in zh
    assert "超过20亿元且不超过30亿元的，按地块净收益的50%" in zh
    assert "每项申请只适用一个档次" in zh
    en = sentence(body, "en")
    assert (
        "more than CNY 2 billion and at most CNY 3 billion — a subsidy of 50% of the net land proceeds"
        in en
    )
    assert "exactly one tier applies" in en


def test_steps_list_the_thresholds() -> None:
    body = """measure mfg-1
  award steps of 50亿 passed by revenue
    at most 100亿 -> 100万
    more than 100亿 -> 200万
"""
    zh = sentence(body, "zh")
    assert zh.startswith("年主营业务收入每超过一个50亿元台阶（50亿元、100亿元、150亿元……）")
    assert "台阶超过100亿元的，给予一次性奖励200万元" in zh
    en = sentence(body, "en")
    assert "for each CNY 5 billion step (CNY 5 billion, CNY 10 billion, CNY 15 billion, …)" in en
    assert "steps of more than CNY 10 billion — a one-time reward of CNY 2 million" in en


def test_each_item_with_a_per_item_cap() -> None:
    body = "measure mfg-1\n  award each vehicles: 4% of price\n  cap 2000 per item\n  cap 100万 per enterprise\n"
    assert sentence(body, "zh") == (
        "对销售车辆逐项计算，各项相加：按销售价格的4%给予补贴，每项最高不超过2000元，单个企业累计最高不超过100万元。"
    )
    # As a person writes it: the share of each item's own amount, then the caps.
    assert sentence(body, "en") == (
        "A subsidy of 4% of the sale price of each of the vehicles sold, at most CNY 2,000 per"
        " item, at most CNY 1 million per enterprise in total."
    )


def test_english_conditions_read_as_sentences() -> None:
    body = (
        'input software: bool zh "软件企业" en "is a software enterprise"\n'
        'input cmmi: bool zh "首次获得CMMI认证" en "obtained CMMI level 5 for the first time"\n'
        'input fees: money zh "服务费" en "cloud service fees (executed amount)"\n'
        'input years: count zh "服务年限" en "years of service" unit zh "年" en "year"\n'
        "measure mfg-1\n  requires software and cmmi and fees at least 1万 and years at least 2\n"
        "  award 100万\n"
    )
    ps = policy_set(body)
    (en,) = Renderer(ps, "en").requirements(ps.measures["mfg-1"])
    # A subject for what the enterprise is or did, "the" before a label, the verb agreeing
    # with a plural label, and the unit of a count.
    assert en == (
        "The enterprise is a software enterprise, obtained CMMI level 5 for the first time,"
        " the cloud service fees (executed amount) are at least CNY 10,000 and the years of"
        " service are at least 2 years."
    )


def test_a_named_rate_is_applied_to_its_base_and_keeps_up_to() -> None:
    # ind-4: the evaluator reports a ceiling, so the English says "up to".
    en = sentence("measure mfg-1\n  award up to benchmark_rate of bank_loan\n", "en")
    assert en.startswith("A subsidy of up to the one-year")
    assert en.endswith("(4.35% since 24 October 2015) on the bank loan.")


def test_matching_increase_parameter_and_range() -> None:
    assert (
        sentence("measure mfg-1\n  award match 50% of higher_award\n", "zh")
        == "按上级财政奖励资金的50%给予配套奖励。"
    )
    assert sentence("measure mfg-1\n  award match 50% of higher_award\n", "en") == (
        "A matching award of 50% of the higher-level award."
    )
    inc = sentence("measure mfg-1\n  award 10% of increase of vat over vat_last\n", "zh")
    assert inc == "按本年度增值税地方留成较上年度增值税地方留成的新增部分的10%给予奖励。"
    rate = sentence("measure mfg-1\n  award benchmark_rate of bank_loan\n", "zh")
    assert rate == "按银行贷款金额的一年期贷款基准利率（自2015年10月24日起为4.35%）给予补贴。"
    rate_en = sentence("measure mfg-1\n  award benchmark_rate of bank_loan\n", "en")
    assert "(4.35% since 24 October 2015)" in rate_en
    assert (
        sentence("measure mfg-1\n  award between 50万 and 100万\n", "zh")
        == "给予50万—100万元的奖励（具体金额酌定）。"
    )
    assert sentence("measure mfg-1\n  award between 50万 and 100万\n", "en") == (
        "A discretionary reward of CNY 500,000 to CNY 1 million."
    )


def test_staged_payment_with_clawback() -> None:
    body = "measure mfg-1\n  award staged on stage: listed 50%, accepted 50%, failed clawback of 100万\n"
    zh = sentence(body, "zh")
    assert "纳入名单时，拨付补助总额的50%" in zh
    assert "未通过验收的，已拨付资金全额收回" in zh
    assert "failed acceptance — everything already paid is clawed back" in sentence(body, "en")


# ---------------------------------------------------------------- rules, goals, examples


def test_general_rules() -> None:
    ps = policy_set("""
rule mfg-r1
  no stacking by matter within policy keep highest
  yearly total at most local_tax trim latest
  exclude if false_materials
""")
    zh = [Renderer(ps, "zh").rule_body(b) for b in ps.rules["mfg-r1"].bodies]
    en = [Renderer(ps, "en").rule_body(b) for b in ps.rules["mfg-r1"].bodies]
    assert (
        zh[0]
        == "同一事项涉及本政策多项优惠的，不重复享受，按最高的一项执行；金额相同的，保留先申报的一项；以往年度同一项目、产品或一次性认定已获的奖励计入，只补差额。"
    )
    assert "最高不超过地方留成税收" in zh[1]
    assert zh[2] == "有下列情形之一的企业，不享受本政策：提供虚假材料。"
    assert (
        en[0]
        == "Claims for the same matter under this policy's measures are not stacked: only the highest is paid; on a tie, the claim listed first; earlier awards for the same project, product or one-time recognition count (only the difference is paid)."
    )
    assert "trimmed from the latest claim first" in en[1]


def test_examples_render_facts_history_and_outcome() -> None:
    body = MFG_2A + (
        "  example in 2021 booth_fees = 200万, given mfg-1 paid 10万 in 2021 -> 20万\n"
        "  example -> undetermined\n"
    )
    ps = policy_set(body)
    example, missing = ps.measures["mfg-1"].examples
    zh, en = Renderer(ps, "zh"), Renderer(ps, "en")
    assert [zh.fact(f) for f in example.facts] == ["展会场地租赁费、布展费：200万元"]
    assert zh.prior(example.priors[0]) == "2021年已获mfg-1奖励10万元"
    assert en.outcome(example.outcome) == "CNY 200,000"
    assert zh.outcome(missing.outcome).startswith("待定")


def test_every_sentence_of_the_real_policies_is_in_its_language() -> None:
    from kfpl.project.loader import compile_paths

    ps = compile_paths(["policies"]).policy_set
    assert ps is not None
    for measure in ps.measures.values():
        en = Renderer(ps, "en").rule_sentence(measure)
        zh = Renderer(ps, "zh").rule_sentence(measure)
        assert not re.search(r"[\u3400-\u9fff]", en), (measure.id, en)
        assert zh.endswith("。") and "CNY" not in zh, (measure.id, zh)
        assert "the the" not in en and "an one" not in en
