"""The checker: each problem a drafter can make gets its code, place and fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kfpl.codes import CODES, PRELUDE, full_text
from kfpl.diagnostics import Diagnostic, render
from kfpl.project.loader import compile_texts

ROOT = Path(__file__).resolve().parent.parent


def check(text: str, extra: dict[str, str] | None = None) -> list[Diagnostic]:
    comp = compile_texts({"p.kfpl": PRELUDE + text, **(extra or {})})
    return comp.diagnostics


def one(text: str, code: str) -> Diagnostic:
    found = [d for d in check(text) if d.code == code]
    assert found, [d.one_line() for d in check(text)]
    return found[0]


def measure(body: str, head: str = "measure mfg-2a", source: str = "mfg 2") -> str:
    return (
        f"\n{head}\n  source {source}\n"
        '  title zh "展会" en "Trade fairs"\n  department 市工业和信息化局\n' + body + "\n"
    )


def line_of(text: str, needle: str) -> int:
    full = PRELUDE + text
    return full[: full.index(needle)].count("\n") + 1


# --------------------------------------------------------------------------- catalogue


@pytest.mark.parametrize("code", [c for c in CODES if CODES[c].example], ids=str)
def test_every_catalogue_example_raises_its_code_and_its_fix_is_clean(code: str) -> None:
    entry = CODES[code]
    bad = compile_texts({"example.kfpl": full_text(entry)}).diagnostics
    assert code in [d.code for d in bad]
    assert all(d.severity == entry.severity for d in bad if d.code == code)
    good = compile_texts({"fixed.kfpl": full_text(entry, "fixed")}).diagnostics
    assert [d.one_line() for d in good if d.severity == "error" or d.code == code] == []


def test_every_code_the_compiler_emits_is_in_the_catalogue() -> None:
    sources = [*ROOT.joinpath("kfpl", "check").glob("*.py"), ROOT / "kfpl" / "syntax" / "parser.py"]
    used = {c for p in sources for c in re.findall(r'"(KF\d{4})"', p.read_text("utf-8"))}
    assert used <= set(CODES)
    for entry in CODES.values():
        assert entry.title_zh and entry.title_en and entry.explanation_zh and entry.fix_en


# --------------------------------------------------------------------------- the real policies


def test_the_policy_set_in_force_has_no_errors() -> None:
    paths = sorted(ROOT.joinpath("policies").glob("*.kfpl"))
    if not paths:
        pytest.skip("no policies yet")
    comp = compile_texts({str(p): p.read_text("utf-8") for p in paths})
    errors = [d for d in comp.diagnostics if d.severity == "error"]
    assert errors == [], "\n".join(render(d, comp.sources) for d in errors)


# --------------------------------------------------------------------------- names


def test_unknown_input_suggests_the_closest_name() -> None:
    diag = one(measure("  award 30% of boothfees"), "KF0201")
    assert diag.help.en == "did you mean `booth_fees`?"
    assert (diag.span.line, diag.span.column) == (line_of(measure(""), "  department") + 1, 16)


def test_unknown_input_without_a_close_name_shows_a_declaration() -> None:
    diag = one(measure("  award 30% of xyzzy"), "KF0201")
    assert "input xyzzy: money" in diag.help.en


def test_unknown_enum_member_in_is_in_case_and_example() -> None:
    text = measure(
        "  requires recognition_level in (national, provinical)\n"
        "  award by recognition_level: national -> 100万, provinical -> 50万\n"
        "  example recognition_level = nationl -> 100万"
    )
    diags = [d for d in check(text) if d.code == "KF0202"]
    assert len(diags) == 3
    assert all("`provincial`" in d.help.en or "`national`" in d.help.en for d in diags)
    assert diags[0].span.column == 44  # the member itself, not the whole condition


def test_case_arms_not_covering_the_enum_are_a_warning() -> None:
    diag = one(measure("  award by recognition_level: national -> 100万"), "KF0304")
    assert diag.severity == "warning" and "`provincial`" in diag.message.en


def test_unknown_agency_suggests_the_full_name_of_an_abbreviation() -> None:
    text = measure("  award 1万").replace("department 市工业和信息化局", "department 市工信局")
    assert one(text, "KF0103").help.en == "did you mean `市工业和信息化局`?"


def test_owner_and_lead_must_be_agencies() -> None:
    text = (
        '\nchain agri\n  title zh "农副" en "Agri-food"\n  lead 市农业农村局\n'
        '\ntask plan-t1\n  source plan "二(一)"\n  title zh "任务" en "Task"\n  owner 市财政局\n'
    )
    assert [d.code for d in check(text)] == ["KF0103", "KF0103"]


def test_ids_need_a_document_or_policy_prefix() -> None:
    assert "`mfg-`" in one(measure("  award 1万", head="measure mgf-2a"), "KF0102").help.en
    assert one(measure("  award 1万", head="measure fair"), "KF0102").span.column == 1


def test_duplicate_ids_across_files_name_both_places() -> None:
    other = 'policy ind\n  title zh "产业" en "Industry"\n' + measure("  award 1万")
    diags = [d for d in check(measure("  award 1万"), {"q.kfpl": other}) if d.code == "KF0101"]
    assert len(diags) == 1
    assert diags[0].secondary and diags[0].secondary[0].span.file != diags[0].span.file


def test_from_enterprise_is_the_only_origin() -> None:
    diag = one('input size: level from enterprize zh "规模" en "size"\n', "KF0105")
    assert diag.help.en == "did you mean `from enterprise`?"


def test_priors_must_name_known_measures() -> None:
    text = measure("  award 1万\n  example given mfg-2b paid 1万 in 2020 -> 1万")
    assert one(text, "KF0203").help.en == "did you mean `mfg-2a`?"


def test_record_fields_in_examples() -> None:
    text = measure(
        "  award each vehicles: 4% of price\n  example vehicles = [{prise = 1万}] -> 400"
    )
    assert one(text, "KF0204").help.en == "did you mean `price`?"


def test_each_reads_record_fields_and_needs_a_list() -> None:
    assert check(measure("  award each vehicles: 4% of price\n  cap 2000 per item")) == []
    assert one(measure("  award each booth_fees: 4% of price"), "KF0401")


def test_yearly_total_needs_a_money_enterprise_input() -> None:
    rule = '\nrule mfg-total\n  source mfg 附则\n  title zh "总额" en "Total"\n'
    assert one(rule + "  yearly total at most booth_fees trim latest", "KF0206")
    assert one(rule + "  yearly total at most demonstrative trim latest", "KF0401")
    assert check(rule + "  yearly total at most local_tax trim latest") == []


# --------------------------------------------------------------------------- types and units


def test_a_share_of_a_bool_is_an_error() -> None:
    diag = one(measure("  award 30% of demonstrative"), "KF0401")
    assert "bool" in diag.message.en and "requires" in diag.help.en


def test_money_plus_rate_is_an_error() -> None:
    diag = one(measure("  award 30% of booth_fees + benchmark_rate"), "KF0402")
    assert "`benchmark_rate` is a rate" in diag.message.en


def test_rate_without_percent_suggests_it() -> None:
    diag = one(measure("  award 30 of booth_fees"), "KF0403")
    assert diag.help.en == "did you mean `30%`?"


def test_rates_outside_0_to_100_percent() -> None:
    assert one(measure("  award 101% of booth_fees"), "KF0404")
    assert check(measure("  award 100% of booth_fees")) == []


def test_caps_must_be_positive_money() -> None:
    assert one(measure("  award 1万\n  cap 0 per year"), "KF0405")
    assert (
        "cap per year is money"
        in one(measure("  award 1万\n  cap 3% per year"), "KF0402").message.en
    )


def test_small_plain_cap_suggests_wan() -> None:
    diag = one(measure("  award 30% of booth_fees\n  cap 30 per year"), "KF0406")
    assert diag.severity == "warning" and "did you mean `30万`?" in diag.help.en
    assert check(measure("  award 30% of booth_fees\n  cap 300000 per year")) == []


def test_comparison_units_follow_the_input() -> None:
    assert one(measure("  requires investment at least 30%\n  award 1万"), "KF0402")
    assert one(measure("  requires demonstrative at least 3\n  award 1万"), "KF0401")
    assert one(measure("  requires booth_fees\n  award 1万"), "KF0401")


def test_example_values_must_fit_their_inputs() -> None:
    diag = one(measure("  award 1万\n  example demonstrative = 3 -> 1万"), "KF0409")
    assert diag.help.en == "write `true` or `false`"


def test_range_low_above_high() -> None:
    assert (
        "between 50万 and 100万" in one(measure("  award between 100万 and 50万"), "KF0408").help.en
    )


def test_award_missing_or_twice() -> None:
    assert one(measure("  cap 1万"), "KF0301")
    diag = one(measure("  award 1万\n  award 2万"), "KF0302")
    assert diag.secondary[0].label.en == "first award"


def test_cap_per_item_needs_each() -> None:
    assert one(measure("  award 30% of booth_fees\n  cap 2000 per item"), "KF0306")


# --------------------------------------------------------------------------- tiers

TIERS = "  award tiers on investment\n"


def test_overlapping_tiers_give_a_witness_and_point_at_both_rows() -> None:
    text = measure(TIERS + "    more than 20亿 -> 50% of booth_fees\n"
                           "    at least 20亿 -> 45% of booth_fees")  # fmt: skip
    diag = one(text, "KF0501")
    assert "investment = 20亿 matches both" not in diag.message.en  # (20亿, ∞) is shared
    assert re.search(r"investment = \d+亿 matches both", diag.message.en)
    assert diag.label.en.startswith("also matches investment =")
    assert diag.secondary[0].label.en == "first match"
    assert diag.span.line == diag.secondary[0].span.line + 1
    assert "first match" in diag.help.en


def test_tiers_sharing_one_bound_name_the_bound() -> None:
    text = measure(TIERS + "    more than 30亿 -> 70% of booth_fees\n"
                           "    at least 20亿 and at most 30亿 -> 50% of booth_fees\n"
                           "    at most 20亿 -> 45% of booth_fees")  # fmt: skip
    diag = one(text, "KF0501")
    assert "investment = 20亿 matches both" in diag.message.en
    assert "`less than 20亿`" in diag.help.en


def test_gap_between_tiers_has_a_witness() -> None:
    text = measure(TIERS + "    more than 20亿 -> 50% of booth_fees\n"
                           "    less than 20亿 -> 45% of booth_fees")  # fmt: skip
    diag = one(text, "KF0502")
    assert diag.message.en == "no tier matches investment = 20亿"


def test_gap_below_the_lowest_tier_is_closed_by_requires() -> None:
    rows = "    at least 5000万 and less than 1亿 -> 50万\n    at least 1亿 -> 100万"
    assert one(measure(TIERS + rows), "KF0502")
    assert check(measure("  requires investment at least 5000万\n" + TIERS + rows)) == []


def test_first_match_allows_overlap_but_flags_unreachable_rows() -> None:
    rows = (
        "    at least 1亿 -> 100万\n    at least 2亿 -> 200万\n    otherwise -> 0\n    first match"
    )
    diags = check(measure(TIERS + rows))
    assert [d.code for d in diags if d.code.startswith("KF05")] == ["KF0505"]


def test_contradictory_tier_bounds() -> None:
    rows = "    more than 30亿 and at most 20亿 -> 1万\n    otherwise -> 2万"
    assert one(measure(TIERS + rows), "KF0503").label.en == "this tier can never match"


def test_tier_bounds_must_fit_the_input_unit() -> None:
    diags = check(measure(TIERS + "    at least 30% -> 1万\n    less than 30% -> 2万"))
    assert {d.code for d in diags} == {"KF0402"}


def test_steps_rows_cover_every_step() -> None:
    text = measure(
        "  award steps of 50亿 passed by investment\n"
        "    at most 100亿 -> 100万\n    more than 150亿 -> 200万"
    )
    assert one(text, "KF0502").message.en == "no tier matches the step at investment = 150亿"


# --------------------------------------------------------------------------- labels, sources


def test_missing_english_label() -> None:
    diag = one('input ad_fees: money zh "广告费"\n', "KF0601")
    assert diag.severity == "error" and 'en "…"' in diag.help.en


def test_agency_needs_only_english() -> None:
    assert check('agency 市财政局 en "Finance Bureau"\n') == []
    assert check("agency 市财政局\n") == []  # its Chinese name is the label


def test_source_clauses_are_checked_against_the_documents() -> None:
    assert one(measure("  award 1万", source="mfg 15"), "KF0702")
    assert one(measure("  award 1万", source="ind 22", head="measure ind-22"), "KF0702")
    assert check(measure("  award 1万", source="ind 21", head="measure ind-21")) == []
    assert one(measure("  award 1万", source="mfgg 2"), "KF0701").help.en == "did you mean `mfg`?"
    text = (
        '\ntext mfg-x\n  source plan "二（一）3"\n  title zh "任务" en "Task"\n  body zh "a" en "b"'
    )
    assert [d.code for d in check(text)] == ["KF0703"]


# --------------------------------------------------------------------------- all in one run


def test_all_problems_are_reported_in_one_run_sorted_by_place() -> None:
    text = measure("  award 30 of boothfees\n  cap 0") + measure(
        "  award 101% of booth_fees", head="measure mfg-2b", source="mfg 99"
    )
    diags = check(text)
    codes = [d.code for d in diags]
    assert {"KF0403", "KF0201", "KF0405", "KF0702", "KF0404"} <= set(codes)
    places = [(d.span.line, d.span.column) for d in diags]
    assert places == sorted(places)


def test_warnings_do_not_fail_the_compilation() -> None:
    comp = compile_texts({"p.kfpl": PRELUDE + measure("  award 30% of booth_fees\n  cap 30")})
    assert [d.code for d in comp.diagnostics] == ["KF0406"]
    assert comp.ok


def test_compiling_pauses_the_cyclic_collector_and_gives_it_back_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The collector is paused while files are parsed and checked (its walks over every
    # live tree node made compile time quadratic); the caller's setting comes back after.
    import gc

    import kfpl.syntax.parser as parser
    from kfpl.project.loader import compile_texts

    during: list[bool] = []
    real = parser.parse_partial

    def watched(text: str, path: str) -> object:
        during.append(gc.isenabled())
        return real(text, path)

    monkeypatch.setattr(parser, "parse_partial", watched)
    try:
        assert gc.isenabled()
        comp = compile_texts({"x.kfpl": 'policy x\n  title zh "甲" en "x"\n' * 50}, {})
        assert not comp.ok  # 50 policies named x: errors, not a crash
        assert during == [False] and gc.isenabled()
        gc.disable()
        compile_texts({"x.kfpl": "policy x\n"}, {})
        assert not gc.isenabled()
    finally:
        gc.enable()
