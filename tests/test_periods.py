"""Effective periods to the day, and dated applications.

Every expected amount is worked out by hand: the trade-fair measure pays 30% of the booth
fees, at most 30万 a year; 40万 of fees is 12万, 80万 is 24万.
"""

from __future__ import annotations

from typing import Any

import pytest

from kfpl.diff.behaviour import behavioural_diff
from kfpl.diff.report import behaviour_text
from kfpl.diff.structural import diff_policy_sets
from kfpl.model import PolicySet
from kfpl.project.loader import compile_texts
from kfpl.python.evaluate import Program
from kfpl.render.money import period_text
from kfpl.runtime.application import ApplicationError
from kfpl.testing.examples import run_all

HEADER = """policy mfg
  title zh "开封市制造业高质量发展若干财政支持措施" en "Fiscal Measures for Manufacturing"
  {period}

agency 市工业和信息化局 en "Municipal Bureau of Industry and Information Technology"

input booth_fees: money zh "展会场地租赁费、布展费" en "booth rental and setup fees"
"""

MEASURE = """
measure mfg-2a
  source mfg 2
  title zh "支持企业参加展销会" en "Trade-fair participation"
  department 市工业和信息化局
  award 30% of booth_fees
  cap 30万 per year
{extra}"""

DATED = "effective 2023-04-11 to 2028-04-10"


def text(period: str = DATED, extra: str = "") -> str:
    return HEADER.format(period=period) + MEASURE.format(extra=extra)


def compiled(*texts: str) -> PolicySet:
    comp = compile_texts({f"p{i}.kfpl": t for i, t in enumerate(texts)})
    assert comp.ok, [d.one_line() for d in comp.diagnostics]
    assert comp.policy_set is not None
    return comp.policy_set


def codes(*texts: str) -> list[str]:
    return [
        d.code for d in compile_texts({f"p{i}.kfpl": t for i, t in enumerate(texts)}).diagnostics
    ]


def claim(fees: str = "40万", day: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"measure": "mfg-2a", "facts": {"booth_fees": fees}}
    if day is not None:
        out["date"] = day
    return out


def evaluate(ps: PolicySet, app: dict[str, Any]) -> dict[str, Any]:
    app = {"enterprise": {"id": "E1"}, **app}
    return Program.from_policy_set(ps).evaluate(app)


def one(ps: PolicySet, year: int | None = None, **claim_args: Any) -> dict[str, Any]:
    app: dict[str, Any] = {"claims": [claim(**claim_args)]}
    if year is not None:
        app["year"] = year
    (result,) = evaluate(ps, app)["measures"]
    return result


def explained(result: dict[str, Any], lang: str = "en") -> str:
    return " | ".join(step[lang] for step in result["explain"])


# --------------------------------------------------------------------------- the boundary days


@pytest.mark.parametrize(
    ("day", "status", "amount"),
    [
        ("2023-04-10", "not_eligible", "0.00"),  # the day before the first day
        ("2023-04-11", "awarded", "120000.00"),  # the first day
        ("2028-04-10", "awarded", "120000.00"),  # the last day
        ("2028-04-11", "not_eligible", "0.00"),  # the day after
    ],
)
def test_a_dated_period_is_decided_by_the_claims_date(day: str, status: str, amount: str) -> None:
    result = one(compiled(text()), year=int(day[:4]), day=day)
    assert (result["status"], result["amount"]) == (status, amount)
    if status == "not_eligible":
        assert result["reason"] == "not_in_force"
        assert "outside the effective period (from 11 April 2023 to 10 April 2028)" in (
            explained(result)
        )
        assert "实施期限（自2023年4月11日起至2028年4月10日止）" in explained(result, "zh")


def test_the_application_date_dates_every_claim_and_gives_the_year() -> None:
    ps = compiled(text())
    before = evaluate(ps, {"date": "2023-04-10", "claims": [claim()]})
    on = evaluate(ps, {"date": "2023-04-11", "claims": [claim()]})
    assert before["year"] == 2023 and before["measures"][0]["status"] == "not_eligible"
    assert on["total"] == "120000.00"
    # a claim's own date wins over the application's
    mixed = evaluate(ps, {"date": "2023-04-10", "claims": [claim(day="2023-05-01")]})
    assert mixed["total"] == "120000.00"


def test_a_year_wholly_inside_a_dated_period_needs_no_date() -> None:
    ps = compiled(text())
    assert one(ps, year=2024)["amount"] == "120000.00"
    assert one(ps, year=2029)["reason"] == "not_in_force"
    assert one(ps, year=2022)["reason"] == "not_in_force"


def test_a_year_the_period_begins_in_is_undetermined_without_a_date() -> None:
    result = one(compiled(text()), year=2023)
    assert result["status"] == "undetermined" and result["missing"] == ["date"]
    assert "only part of 2023 is inside it" in explained(result)


def test_a_whole_year_period_is_decided_by_the_year() -> None:
    ps = compiled(text("effective 2020 to 2022"))
    assert one(ps, year=2022, day="2022-12-31")["amount"] == "120000.00"
    assert one(ps, year=2020, day="2020-01-01")["amount"] == "120000.00"
    assert one(ps, year=2023)["reason"] == "not_in_force"
    assert one(ps, year=2020)["amount"] == "120000.00"  # no date needed


def test_the_yearly_cap_groups_dated_claims_by_their_calendar_year() -> None:
    # Two fairs in 2024 at 80万 each: 24万, then 6万 (the 30万 a year is reached).
    ps = compiled(text())
    out = evaluate(
        ps,
        {"year": 2024, "claims": [claim("80万", "2024-03-01"), claim("80万", "2024-11-30")]},
    )
    assert [m["amount"] for m in out["measures"]] == ["240000.00", "60000.00"]


def test_a_measure_can_have_its_own_period_inside_its_policys() -> None:
    ps = compiled(text(extra="  effective 2024-07-01 to 2025-06-30\n"))
    assert one(ps, year=2024, day="2024-06-30")["reason"] == "not_in_force"
    late = one(ps, year=2024, day="2024-06-30")
    assert "the measure's effective period (from 1 July 2024 to 30 June 2025)" in explained(late)
    assert one(ps, year=2024, day="2024-07-01")["amount"] == "120000.00"
    assert one(ps, year=2025, day="2025-06-30")["amount"] == "120000.00"
    assert one(ps, year=2025, day="2025-07-01")["reason"] == "not_in_force"
    assert one(ps, year=2024)["status"] == "undetermined"


def test_chinese_dates_read_as_the_same_period() -> None:
    zh = compiled(text("有效期 2023年4月11日 至 2028年4月10日"))
    en = compiled(text())
    assert zh.policies["mfg"].effective == en.policies["mfg"].effective
    years = compiled(text("有效期 2020年 至 2022年")).policies["mfg"].effective
    assert years is not None and years.iso() == ("2020-01-01", "2022-12-31") and not years.by_day


# --------------------------------------------------------------------------- bad application dates


@pytest.mark.parametrize(
    ("app", "path", "words"),
    [
        ({"year": 2023, "claims": [claim(day="2023-02-30")]}, "claims[0].date", "not a calendar date"),
        ({"year": 2023, "claims": [claim(day="11/04/2023")]}, "claims[0].date", "YYYY-MM-DD"),
        ({"year": 2023, "claims": [claim(day="2024-01-05")]}, "claims[0].date", "not in the application's year 2023"),
        ({"year": 2023, "date": "2024-01-05", "claims": [claim()]}, "date", "not in the application's year 2023"),
        ({"date": 20230411, "claims": [claim()]}, "date", "YYYY-MM-DD"),
    ],
)  # fmt: skip
def test_a_bad_date_names_its_field(app: dict[str, Any], path: str, words: str) -> None:
    with pytest.raises(ApplicationError) as err:
        evaluate(compiled(text()), app)
    assert err.value.path == path and words in err.value.message


# --------------------------------------------------------------------------- diagnostics


def test_an_impossible_date_in_the_policy_is_a_diagnostic() -> None:
    assert codes(text("effective 2023-02-30 to 2028-04-10")) == ["KF0007"]
    assert codes(text("有效期 2023年2月30日 至 2028年4月10日")) == ["KF0007"]


def test_a_period_that_ends_before_it_starts() -> None:
    comp = compile_texts({"p.kfpl": text("effective 2028-04-10 to 2023-04-11")})
    (diag,) = comp.diagnostics
    assert diag.code == "KF0111" and diag.help.en == "write `effective 2023-04-11 to 2028-04-10`"
    assert diag.span.line == 3


def test_a_measure_period_outside_its_policys() -> None:
    assert codes(text(extra="  effective 2028-01-01 to 2028-12-31\n")) == ["KF0112"]
    assert codes(text(extra="  effective 2023-04-11 to 2028-04-10\n")) == []


REVISION = """policy mfg2028
  title zh "修订版" en "Revised measures"
  {period}
  revises {old}
"""


def test_a_revision_may_not_overlap_the_version_it_revises() -> None:
    new = REVISION.format(period="effective 2028-04-10 to 2030-12-31", old="mfg")
    comp = compile_texts({"p.kfpl": text(), "q.kfpl": new})
    (diag,) = comp.diagnostics
    assert diag.code == "KF0114" and "on 2028-04-10 both would be in force" in diag.message.en
    fine = REVISION.format(period="effective 2028-04-11 to 2030-12-31", old="mfg")
    assert codes(text(), fine) == []
    assert codes(text(), REVISION.format(period="effective 2029 to 2030", old="mgf")) == ["KF0113"]


def test_examples_on_a_day() -> None:
    extra = (
        "  example on 2023-04-10 booth_fees = 40万 -> not eligible\n"
        "  example on 2023年4月11日 booth_fees = 40万 -> 12万\n"
        "  example booth_fees = 40万 -> 12万\n"  # no date: the first day in force
    )
    ps = compiled(text(extra=extra))
    outcomes = run_all(ps)
    assert [o.passed for o in outcomes] == [True, True, True]
    # a year the period begins in does not decide: the checker says to give a day
    comp = compile_texts({"p.kfpl": text(extra="  example in 2023 booth_fees = 40万 -> 12万\n")})
    assert [d.code for d in comp.diagnostics] == ["KF0802"]


# --------------------------------------------------------------------------- rendering


def test_docs_render_the_period_as_the_documents_write_it() -> None:
    dated = compiled(text()).policies["mfg"].effective
    assert dated is not None
    assert period_text(dated, "zh") == "自2023年4月11日起至2028年4月10日止"
    assert period_text(dated, "en") == "from 11 April 2023 to 10 April 2028"
    years = compiled(text("effective 2020 to 2022")).policies["mfg"].effective
    assert years is not None
    assert (period_text(years, "zh"), period_text(years, "en")) == ("2020年—2022年", "2020 to 2022")


# --------------------------------------------------------------------------- diff


def test_a_changed_period_is_probed_on_its_boundary_days() -> None:
    old = compiled(text())
    new = compiled(text("effective 2023-03-01 to 2028-04-10"))
    (change,) = diff_policy_sets(old, new)
    assert change.check == "KD003" and change.direction == "more_generous"
    assert change.line("en") == (
        "effective period: from 11 April 2023 to 10 April 2028 → "
        "from 1 March 2023 to 10 April 2028 (start earlier by 41 days)"
    )
    behaviour = behavioural_diff(old, new).to_json()
    days = {d["date"]: d for d in behaviour["days"]}
    # 2023-03-01 and 2023-04-10 are in force only in the new version; the example pays
    # 12万 there instead of nothing; on the old first day and after, nothing changed.
    assert days["2023-03-01"] == {"date": "2023-03-01", "old": False, "new": True, "changed": 1}
    assert days["2023-04-10"]["changed"] == 1
    assert days["2023-02-28"]["changed"] == 0 and days["2023-04-11"]["changed"] == 0
    lines = behaviour_text(behaviour, "en")
    assert any("10 April 2023 is in force only in the new version" in line for line in lines)
    zh = behaviour_text(behaviour, "zh")
    assert any("2023年4月10日只在新版本有效期内" in line for line in zh)


def test_the_same_days_written_as_years_is_no_change_of_behaviour() -> None:
    old = compiled(text("effective 2020 to 2022"))
    new = compiled(text("effective 2020-01-01 to 2022-12-31"))
    (change,) = diff_policy_sets(old, new)
    assert change.direction == "neutral"
