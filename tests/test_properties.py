"""Properties of awards and money that must hold for every input, not just the examples.

Expected amounts are computed here, independently, from the policy text with exact
Decimal arithmetic (rate × base, caps, one rounding to the fen, half-up); the
evaluator must agree to the fen. Real measures are used where their shape matters
(caps, per-item lists, tiers, steps); ``tests/fixtures/props/tiny.kfpl`` where a
measure without caps is needed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import POLICIES, ROOT, application
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kfpl.cli.build import outputs
from kfpl.project.loader import compile_paths, compile_texts, project_of
from kfpl.python.codegen import generate_all
from kfpl.python.evaluate import Program, module_from_source
from kfpl.runtime import ApplicationError
from kfpl.runtime.application import loads

D = Decimal
WAN = D(10_000)
YI = D(100_000_000)
FIXTURE = ROOT / "tests" / "fixtures" / "props" / "tiny.kfpl"
SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
AMOUNT_TEXT = re.compile(r"^-?\d+\.\d{2}$")


def fen(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


ZERO = D(0)
MAX_MONEY = D("99999999999.99")


def money(low: Decimal = ZERO, high: Decimal = MAX_MONEY) -> st.SearchStrategy[Decimal]:
    """Amounts in yuan with at most two decimals, biased to the edges by hypothesis."""
    return st.integers(int(low * 100), int(high * 100)).map(lambda f: D(f) / 100)


def s(value: Decimal) -> str:
    return f"{value:.2f}"


@pytest.fixture(scope="module")
def tiny() -> Program:
    return Program.from_paths([str(FIXTURE)])


def one(program: Program, claim: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """The result of a one-claim application to the real policy set."""
    result = program.evaluate(application(claim, **kw))
    assert len(result["measures"]) == 1
    return result["measures"][0]


def tiny_app(
    *claims: dict[str, Any], local_tax: str = "1000亿", history: list[Any] | None = None
) -> dict[str, Any]:
    numbered = [{"id": f"c{i + 1}", **claim} for i, claim in enumerate(claims)]
    return {"year": 2021, "enterprise": {"id": "e", "local_tax": local_tax},
            "claims": numbered, "history": history or []}  # fmt: skip


def tiny_one(program: Program, claim: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """The result of a one-claim application to the fixture policy."""
    result = program.evaluate(tiny_app(claim, **kw))
    assert len(result["measures"]) == 1
    return result["measures"][0]


# --------------------------------------------------------------------------- caps


@SETTINGS
@given(rental=money(high=D(200) * WAN), setup=money(high=D(200) * WAN),
       earlier=st.none() | money(high=D(40) * WAN))  # fmt: skip
def test_percent_of_a_sum_never_exceeds_the_yearly_cap(
    program: Program, rental: Decimal, setup: Decimal, earlier: Decimal | None
) -> None:
    """mfg-2a: up to 30% of rental + setup, at most 30万 per enterprise per year,
    counting this measure's awards already paid that year."""
    history = [] if earlier is None else [{"measure": "mfg-2a", "year": 2021, "amount": s(earlier)}]
    claim = {"measure": "mfg-2a", "facts": {"booth_rental": s(rental), "booth_setup": s(setup)}}
    m = one(program, claim, history=history, local_retained_tax="1亿")
    room = max(D(30) * WAN - (earlier or 0), D(0))
    amount = D(m["amount"])
    assert D(0) <= amount <= room
    assert amount == min(fen(D("0.30") * (rental + setup)), room)
    assert m["capped"] == (fen(D("0.30") * (rental + setup)) > room)


@SETTINGS
@given(investment=money(high=D(20_000) * WAN), demo=st.booleans())
def test_percent_with_a_project_cap(program: Program, investment: Decimal, demo: bool) -> None:
    """mfg-4: at least 300万, up to 30%, at most 200万 per project."""
    facts = {"equipment_rd_investment": s(investment), "green_reform_demo": demo,
             "project_completed": True}  # fmt: skip
    m = one(program, {"measure": "mfg-4", "project": "P", "facts": facts})
    amount = D(m["amount"])
    assert D(0) <= amount <= D(200) * WAN
    if demo and investment >= D(300) * WAN:
        assert m["status"] in ("awarded", "capped")
        assert amount == min(fen(D("0.30") * investment), D(200) * WAN)
    else:
        assert (m["status"], amount) == ("not_eligible", D(0))


@SETTINGS
@given(prices=st.lists(money(high=D(20) * WAN), max_size=30),
       earlier=st.none() | money(high=D(101) * WAN))  # fmt: skip
def test_each_item_capped_then_the_enterprise_year(
    program: Program, prices: list[Decimal], earlier: Decimal | None
) -> None:
    """ind-15: 4% of each vehicle's price, at most 2000 a vehicle, at most 100万 per
    enterprise per year counting this year's earlier awards."""
    history = [] if earlier is None else [{"measure": "ind-15", "year": 2021, "amount": s(earlier)}]
    claim = {"measure": "ind-15", "facts": {"nev_sold": [{"price": s(p)} for p in prices]}}
    m = one(program, claim, history=history, local_retained_tax="1亿")
    amount = D(m["amount"])
    room = max(D(100) * WAN - (earlier or 0), D(0))
    assert D(0) <= amount <= min(D(2000) * len(prices), room)
    assert amount == min(fen(sum((min(D("0.04") * p, D(2000)) for p in prices), D(0))), room)


@SETTINGS
@given(fees=money(high=D(50) * WAN),
       earlier=st.lists(money(high=D(3) * WAN), max_size=3))  # fmt: skip
def test_per_enterprise_cap_counts_every_earlier_year(
    program: Program, fees: Decimal, earlier: list[Decimal]
) -> None:
    """mfg-13a: above-scale, fees at least 3万, up to 50%, at most 5万 per enterprise
    over all years."""
    history = [
        {"measure": "mfg-13a", "year": 2020 - i, "amount": s(a)} for i, a in enumerate(earlier)
    ]
    m = one(program, {"measure": "mfg-13a", "facts": {"cloud_fees": s(fees)}}, history=history)
    amount = D(m["amount"])
    room = max(D(5) * WAN - sum(earlier, D(0)), D(0))
    assert D(0) <= amount <= room
    if fees >= D(3) * WAN:
        assert amount == min(fen(D("0.5") * fees), room)
    else:
        assert m["status"] == "not_eligible"


# --------------------------------------------------------------------------- tiers and steps


def relocation_share(investment: Decimal) -> Decimal:
    """ind-17a as the text says it: 超过30亿 70%; 超过20亿(至30亿) 50%; 20亿以下 45%."""
    if investment > 30 * YI:
        return D("0.70")
    if investment > 20 * YI:
        return D("0.50")
    return D("0.45")


@SETTINGS
@given(investment=money(high=D(60) * YI) | st.sampled_from([20 * YI, 30 * YI]),
       proceeds=money(high=D(10) * YI))  # fmt: skip
def test_tiers_pick_exactly_one_row_with_the_written_bounds(
    program: Program, investment: Decimal, proceeds: Decimal
) -> None:
    facts = {"relocating_into_park": True, "old_site_repurposed": True,
             "new_project_investment": s(investment), "net_land_proceeds": s(proceeds)}  # fmt: skip
    m = one(program, {"measure": "ind-17a", "facts": facts}, local_retained_tax="100亿",
            hazardous_or_polluting=True)  # fmt: skip
    amount = D(m["amount"])
    assert D(0) <= amount <= fen(D("0.70") * proceeds)
    assert amount == fen(relocation_share(investment) * proceeds)


def steps_due(revenue: Decimal, highest: Decimal) -> Decimal:
    """mfg-1: each 50亿 step the revenue is more than, above the highest rewarded step;
    100万 for steps up to 100亿, 200万 for the steps above."""
    total, step = D(0), 50 * YI
    while revenue > step:
        if step > highest:
            total += 100 * WAN if step <= 100 * YI else 200 * WAN
        step += 50 * YI
    return total


@SETTINGS
@given(revenue=money(high=D(600) * YI) | st.sampled_from([50 * YI, 100 * YI, 150 * YI]),
       highest=st.sampled_from([None, 50 * YI, 100 * YI, 150 * YI, 300 * YI]),
       before=st.sampled_from([D(0), 40 * YI, 50 * YI, 55 * YI, 120 * YI]))  # fmt: skip
def test_steps_pay_each_new_step_once(
    program: Program, revenue: Decimal, highest: Decimal | None, before: Decimal
) -> None:
    """mfg-1 pays the steps passed for the first time: above the highest step rewarded
    and above the highest step earlier revenue (2019, before the policy, and 2020) passed."""
    history: list[dict[str, Any]] = [
        {"year": year, "facts": {"main_revenue": s(before)}} for year in (2019, 2020)
    ]
    if highest is not None:
        history.append({"measure": "mfg-1", "year": 2020, "amount": "1000000", "step": s(highest)})
    claim = {"measure": "mfg-1", "facts": {"main_revenue": s(revenue)}}
    m = one(program, claim, history=history, local_retained_tax="100亿")
    passed_before = D(0)
    while passed_before + 50 * YI < before:
        passed_before += 50 * YI
    due = steps_due(revenue, max(highest or D(0), passed_before))
    assert D(m["amount"]) == due >= 0
    assert m["status"] == ("awarded" if due else "not_eligible")


@SETTINGS
@given(kind=st.sampled_from(["industry", "comprehensive"]),
       stage=st.sampled_from(["listed", "accepted", "failed"]),
       paid=st.sampled_from([D(0), D(25) * WAN, D(50) * WAN, D(100) * WAN]))  # fmt: skip
def test_staged_awards_are_negative_only_as_a_clawback(
    program: Program, kind: str, stage: str, paid: Decimal
) -> None:
    """mfg-14a: 50% on listing, 50% on acceptance, less what was paid; a failed
    acceptance claws back everything paid — the only negative amount (documented)."""
    total = {"industry": D(50) * WAN, "comprehensive": D(100) * WAN}[kind]
    history = [{"measure": "mfg-14a", "year": 2020, "amount": s(paid)}] if paid else []
    facts = {"platform_stage": stage, "platform_kind": kind}
    m = one(program, {"measure": "mfg-14a", "facts": facts}, history=history)
    due = {"listed": total / 2, "accepted": total}.get(stage)
    expected = -paid if due is None else max(due - paid, D(0))
    assert D(m["amount"]) == expected
    assert D(m["amount"]) >= 0 or stage == "failed"


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(limit=money(high=D(300) * WAN), earlier=money(high=D(100) * WAN),
       fees=money(high=D(200) * WAN), investment=money(D(300) * WAN, D(1000) * WAN),
       cloud=money(D(3) * WAN, D(20) * WAN))  # fmt: skip
def test_yearly_total_never_exceeds_the_local_retained_tax(
    program: Program, limit: Decimal, earlier: Decimal, fees: Decimal, investment: Decimal,
    cloud: Decimal,
) -> None:  # fmt: skip
    claims = [
        {"measure": "mfg-2a", "facts": {"booth_rental": s(fees), "booth_setup": "0"}},
        {"measure": "mfg-4", "project": "P",
         "facts": {"equipment_rd_investment": s(investment), "green_reform_demo": True,
                   "project_completed": True}},
        {"measure": "mfg-13a", "facts": {"cloud_fees": s(cloud)}},
    ]  # fmt: skip
    history = [{"measure": "mfg-9h", "year": 2021, "amount": s(earlier)}]
    result = program.evaluate(application(*claims, history=history, local_retained_tax=s(limit)))
    amounts = [D(m["amount"]) for m in result["measures"]]
    assert all(a >= 0 for a in amounts)
    assert D(result["total"]) == sum(amounts, D(0)) <= max(limit - earlier, D(0))


def test_stacking_is_decided_before_the_yearly_total(program: Program) -> None:
    """Language guide, order of evaluation: '… stacking rules in the order written →
    yearly total'. mfg-3 pays 100万 (capped), mfg-4 pays 30% of 400万 = 120万; same
    matter (equipment project, no project named): only mfg-4's 120万 is due, and the
    local retained tax of 120万 allows all of it."""
    claims = [
        {"measure": "mfg-3", "facts": {"tech_reform_demo": True, "equipment_rd_investment": "500万",
                                       "project_completed": True}},
        {"measure": "mfg-4", "facts": {"green_reform_demo": True, "equipment_rd_investment": "400万",
                                       "project_completed": True}},
    ]  # fmt: skip
    result = program.evaluate(application(*claims, local_retained_tax="1200000"))
    statuses = [(m["measure"], m["status"], m["amount"]) for m in result["measures"]]
    assert statuses == [("mfg-3", "superseded", "0.00"), ("mfg-4", "awarded", "1200000.00")]
    assert result["total"] == "1200000.00"


# --------------------------------------------------------------------------- exact money


@pytest.mark.parametrize(
    ("fees", "expected"),
    [
        ("0.01", "0.00"),  # 0.003 -> 0.00
        ("0.05", "0.02"),  # 0.015 -> 0.02: half-up, where a float 0.015 would round down
        ("0.15", "0.05"),  # 0.045 -> 0.05
        ("1.15", "0.35"),  # 0.345 -> 0.35
        ("9999999999.99", "3000000000.00"),  # 2,999,999,999.997
        ("0", "0.00"),
    ],
)
def test_percent_rounds_once_half_up_to_the_fen(tiny: Program, fees: str, expected: str) -> None:
    m = tiny_one(tiny, {"measure": "mfg-2a", "facts": {"fees": fees}})
    assert m["amount"] == expected
    assert D(expected) == fen(D("0.30") * D(fees))


def test_a_huge_base_is_exact_before_any_cap(tiny: Program) -> None:
    # 9,999,999,999.99 × 25% = 2,499,999,999.9975 -> 2,500,000,000.00
    m = tiny_one(tiny, {"measure": "mfg-4", "facts": {"investment": "9999999999.99"}})
    assert m["amount"] == "2500000000.00"
    # the same base under mfg-3 meets its caps: 100万 a project
    m = tiny_one(tiny, {"measure": "mfg-3", "facts": {"investment": "9999999999.99", "demo": True}})
    assert (m["amount"], m["status"]) == ("1000000.00", "capped")


@SETTINGS
@given(fees=money())
def test_percent_is_exact_for_any_amount(tiny: Program, fees: Decimal) -> None:
    m = tiny_one(tiny, {"measure": "mfg-2a", "facts": {"fees": s(fees)}}, local_tax="1000亿")
    assert m["amount"] == s(fen(fees * D(3) / D(10)))


@SETTINGS
@given(loan=money(high=D(10) * YI))
def test_parameter_rate_times_amount(tiny: Program, loan: Decimal) -> None:
    """mfg-10: benchmark rate 4.35% × loan, at most 200万 a year."""
    m = tiny_one(tiny, {"measure": "mfg-10", "facts": {"loan": s(loan)}}, local_tax="1000亿")
    assert D(m["amount"]) == min(fen(D("0.0435") * loan), D(200) * WAN)


def test_json_numbers_in_an_application_are_read_as_decimal(tiny: Program) -> None:
    text = json.dumps(tiny_app({"measure": "mfg-2a", "facts": {"fees": "X"}}, local_tax="Y"))
    data = loads(text.replace('"X"', "0.05").replace('"Y"', "1e3"))
    assert data["claims"][0]["facts"]["fees"] == D("0.05")
    assert isinstance(data["claims"][0]["facts"]["fees"], Decimal)
    assert isinstance(data["enterprise"]["local_tax"], Decimal)
    # 30% of 0.05 = 0.015 -> 0.02; the float 0.05 * 0.3 is 0.01499… and would give 0.01
    assert tiny.evaluate(data)["total"] == "0.02"


def test_a_python_float_is_refused_not_rounded(tiny: Program) -> None:
    app = tiny_app({"measure": "mfg-2a", "facts": {"fees": 0.05}})
    with pytest.raises(ApplicationError, match="exact"):
        tiny.evaluate(app)


def _walk(node: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [leaf for k, v in node.items() for leaf in _walk(v, f"{path}.{k}")]
    if isinstance(node, list):
        return [leaf for i, v in enumerate(node) for leaf in _walk(v, f"{path}[{i}]")]
    return [(path, node)]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(investment=money(high=D(50) * YI), fees=money(high=D(1) * YI),
       prices=st.lists(money(high=D(20) * WAN), max_size=4),
       stage=st.sampled_from(["listed", "accepted", "failed"]))  # fmt: skip
def test_no_float_anywhere_in_the_json_output(
    tiny: Program, investment: Decimal, fees: Decimal, prices: list[Decimal], stage: str
) -> None:
    claims = [
        {"measure": "mfg-2a", "facts": {"fees": s(fees)}},
        {"measure": "mfg-3", "facts": {"investment": s(investment), "demo": True}},
        {"measure": "mfg-8", "facts": {"investment": s(investment), "fees": s(fees)}},
        {"measure": "mfg-15", "facts": {"vehicles": [{"price": s(p)} for p in prices]}},
        {"measure": "mfg-1", "facts": {"revenue": s(investment * 10)}},
        {"measure": "mfg-14", "facts": {"stage": stage}},
        {"measure": "mfg-10", "facts": {}},
    ]
    history = [{"measure": "mfg-14", "year": 2020, "amount": "500000"}]
    result = tiny.evaluate(tiny_app(*claims, history=history, local_tax=s(fees)))
    leaves = _walk(result)
    assert not [p for p, v in leaves if isinstance(v, float)]
    money_fields = [(p, v) for p, v in leaves if re.search(r"(total|amount|amount_min|step)$", p)]
    assert money_fields
    assert [
        (p, v) for p, v in money_fields if not (isinstance(v, str) and AMOUNT_TEXT.match(v))
    ] == []
    json.dumps(result)  # serialisable as it is


# --------------------------------------------------------------------------- generated code


def test_generated_modules_are_byte_identical_across_builds(tmp_path: Path) -> None:
    """Two builds in this process and one in a fresh process with another hash seed
    (set and dict order must not leak into the output)."""
    comp = compile_paths([str(POLICIES)])
    assert comp.ok and comp.policy_set is not None
    first = outputs(
        comp.policy_set, tmp_path / "a", tmp_path / "docs-a", project_of((str(POLICIES),))
    )
    again = compile_paths([str(POLICIES)])
    assert again.policy_set is not None
    second = outputs(
        again.policy_set, tmp_path / "a", tmp_path / "docs-a", project_of((str(POLICIES),))
    )
    modules = {p.name: t for p, t in first.items() if p.suffix == ".py"}
    assert set(modules) >= {"common.py", "mfg.py", "ind.py", "kernels.py"}
    assert modules == {p.name: t for p, t in second.items() if p.suffix == ".py"}

    script = (
        "import json, sys\n"
        "from kfpl.project.loader import compile_paths\n"
        "from kfpl.python.codegen import generate_all\n"
        "from kfpl.python.formatting import format_python\n"
        "ps = compile_paths([sys.argv[1]]).policy_set\n"
        "from kfpl.columnar.codegen import generate as columnar\n"
        "out = {n: format_python(s, n) for n, s in generate_all(ps).items()}\n"
        "out['kernels.py'] = format_python(columnar(ps), 'kernels.py')\n"
        "print(json.dumps(out))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    proc = subprocess.run([sys.executable, "-c", script, str(POLICIES)], env=env,
                          capture_output=True, text=True, check=True, cwd=ROOT)  # fmt: skip
    assert json.loads(proc.stdout) == modules


ESCAPED_POLICY = r"""
policy mfg
  title zh "引号\"与反斜杠\\" en "policy \"quoted\" \\ back\nslash"
  issued 2020-11-17
  effective 2020 to 2022
  issuer zh "开封市人民政府" en "Kaifeng"

input fees: money zh "费用\"\"\"三引号" en "fees \"\"\" end\\"
input flag: bool zh "换行\n第二行\t制表" en "ends with a backslash \\"

agency 市工业和信息化局 en "Bureau"

measure mfg-2a
  source mfg 2
  title zh "标题\"\"\"\\n不是换行" en "a \"title\" with \\ and\nnewline {{ x }} {% y %}"
  department 市工业和信息化局
  requires flag
  award 30% of fees
"""

# What the strings above mean, written as Python literals by hand.
ESCAPED_TEXTS = {
    "policy_zh": '引号"与反斜杠\\',
    "policy_en": 'policy "quoted" \\ back\nslash',
    "fees_zh": '费用"""三引号',
    "fees_en": 'fees """ end\\',
    "flag_zh": "换行\n第二行\t制表",
    "flag_en": "ends with a backslash \\",
    "title_zh": '标题"""\\n不是换行',
    "title_en": 'a "title" with \\ and\nnewline {{ x }} {% y %}',
}


def test_quotes_backslashes_and_newlines_in_text_survive_codegen(tmp_path: Path) -> None:
    comp = compile_texts({str(tmp_path / "mfg.kfpl"): ESCAPED_POLICY})
    assert comp.ok and comp.policy_set is not None, comp.diagnostics
    source = generate_all(comp.policy_set)["mfg.py"]
    module = module_from_source("kfpl_escaped", source, "<escaped>")
    t = ESCAPED_TEXTS
    assert (module.POLICY["zh"], module.POLICY["en"]) == (t["policy_zh"], t["policy_en"])
    meta = module.MEASURES[0]
    assert (meta.zh, meta.en) == (t["title_zh"], t["title_en"])
    assert (module.INPUTS["fees"].zh, module.INPUTS["fees"].en) == (t["fees_zh"], t["fees_en"])
    assert (module.INPUTS["flag"].zh, module.INPUTS["flag"].en) == (t["flag_zh"], t["flag_en"])
    # the docstrings quote the titles unchanged too
    assert f"mfg-2a {t['title_zh']} / {t['title_en']}" in module.measure_mfg_2a.__doc__
    assert t["policy_zh"] in module.__doc__ and t["policy_en"] in module.__doc__
    # and the module still evaluates: 30% of 10.05 = 3.015 -> 3.02
    program = Program([module])
    app = {"year": 2021, "enterprise": {"id": "e"},
           "claims": [{"measure": "mfg-2a", "facts": {"fees": "10.05", "flag": True}}]}  # fmt: skip
    assert program.evaluate(app)["total"] == "3.02"
