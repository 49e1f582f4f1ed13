"""Structural diff: each change kind, named the way a reviewer reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kfpl.diff.structural import Change, diff_policy_sets
from kfpl.model import PolicySet
from kfpl.project.loader import compile_texts

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
OLD = {p.name: p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "old").glob("*.kfpl"))}


def compiled(texts: dict[str, str]) -> PolicySet:
    comp = compile_texts(texts)
    assert comp.ok, [d.message.en for d in comp.diagnostics]
    assert comp.policy_set is not None
    return comp.policy_set


def edited(*pairs: tuple[str, str], file: str = "mfg.kfpl") -> dict[str, str]:
    texts = dict(OLD)
    for before, after in pairs:
        assert before in texts[file], before
        texts[file] = texts[file].replace(before, after)
    return texts


def diff(*pairs: tuple[str, str], file: str = "mfg.kfpl") -> list[Change]:
    return diff_policy_sets(compiled(OLD), compiled(edited(*pairs, file=file)))


def only(changes: list[Change]) -> Change:
    assert len(changes) == 1, [(c.check, c.line("en")) for c in changes]
    return changes[0]


def test_identical_sets_have_no_changes() -> None:
    assert diff_policy_sets(compiled(OLD), compiled(OLD)) == []


def test_notation_only_is_no_change() -> None:
    # 30万 and 300000, `at least` and `>=`: the same rule, so not a change at all.
    changes = diff(
        ("cap 30万 per year", "cap 300_000 per year"),
        ("investment at least 500万", "investment >= 5000000"),
    )
    assert changes == []


def test_rate_raised() -> None:
    ch = only(diff(("up to 30% of booth_fees", "up to 35% of booth_fees")))
    assert (ch.check, ch.item, ch.kind) == ("KD110", "mfg-2a", "rate")
    assert ch.line("en") == "award rate: 30% → 35%"
    assert ch.line("zh") == "奖补 比例：30% → 35%"
    assert (ch.direction, ch.severity) == ("more_generous", "high")


def test_cap_raised() -> None:
    ch = only(diff(("cap 100万 per project", "cap 200万 per project")))
    assert ch.check == "KD140"
    assert ch.line("en") == "cap per project: CNY 1 million → CNY 2 million"
    assert ch.direction == "more_generous"


def test_cap_removed_and_added() -> None:
    removed = only(diff(("  cap 30万 per year\n", "")))
    assert (removed.check, removed.line("en"), removed.direction) == (
        "KD142",
        "cap per year: − CNY 300,000",
        "more_generous",
    )
    added = only(
        diff(("  cap 100万 per project\n", "  cap 100万 per project\n  cap 500万 per enterprise\n"))
    )
    assert (added.check, added.line("en"), added.direction) == (
        "KD141",
        "cap per enterprise: + CNY 5 million",
        "less_generous",
    )


def test_threshold_lowered() -> None:
    ch = only(diff(("investment at least 500万", "investment at least 300万")))
    assert ch.check == "KD120"
    assert ch.line("en") == "requires investment: at least CNY 5 million → at least CNY 3 million"
    assert ch.line("zh") == "申报条件 设备投资：500万元以上 → 300万元以上"
    assert ch.direction == "more_generous"


def test_threshold_raised_is_less_generous() -> None:
    assert (
        only(diff(("investment at least 500万", "investment at least 800万"))).direction
        == "less_generous"
    )


def test_bound_switches_from_at_least_to_more_than() -> None:
    ch = only(diff(("investment at least 500万", "investment more than 500万")))
    assert ch.check == "KD121"
    assert ch.line("zh") == "申报条件 设备投资：500万元以上 → 超过500万元"
    assert ch.line("en") == "requires investment: at least CNY 5 million → more than CNY 5 million"
    assert (ch.direction, ch.severity) == ("less_generous", "medium")
    back = diff_policy_sets(
        compiled(edited(("investment at least 500万", "investment more than 500万"))), compiled(OLD)
    )
    assert only(back).direction == "more_generous"


def test_condition_added_and_removed() -> None:
    added = only(
        diff(
            (
                "  award up to 30% of booth_fees",
                "  requires size is above_scale\n  award up to 30% of booth_fees",
            )
        )
    )
    assert (added.check, added.line("en"), added.direction) == (
        "KD122",
        "requires: + size is above_scale",
        "less_generous",
    )
    removed = only(diff(("  requires investment at least 300万\n", "")))
    assert (removed.check, removed.item, removed.direction) == ("KD123", "mfg-4", "more_generous")
    assert removed.line("en") == "requires: − investment at least CNY 3 million"


def test_tier_added_and_bounds_moved() -> None:
    changes = diff(
        (
            "    at least 10万 -> 5万",
            "    at least 10万 and less than 50万 -> 5万\n    at least 50万 -> 8万",
        )
    )
    kinds = {c.check: c for c in changes}
    assert set(kinds) == {"KD130", "KD132"}
    assert kinds["KD130"].line("en") == "award tier: + at least CNY 500,000 -> CNY 80,000"
    assert (
        kinds["KD132"].line("en")
        == "award tier “at least CNY 100,000”: at least CNY 100,000 → at least CNY 100,000 and less than CNY 500,000"
    )
    assert kinds["KD130"].direction == "depends"  # settled by the behavioural diff


def test_tier_award_changed() -> None:
    ch = only(diff(("at least 10万 -> 5万", "at least 10万 -> 6万")))
    assert ch.check == "KD111"
    assert ch.line("en") == "award tier “at least CNY 100,000”: CNY 50,000 → CNY 60,000"
    assert ch.direction == "more_generous"


def test_stacking_rule_switched_off() -> None:
    ch = only(
        diff(
            (
                "no stacking by matter within policy keep highest",
                "no stacking by matter within policy keep all",
            )
        )
    )
    assert (ch.check, ch.item_kind, ch.item) == ("KD204", "rule", "mfg-same-matter")
    assert ch.line("en") == (
        "stacking rule: no stacking by matter within policy keep highest → "
        "no stacking by matter within policy keep all"
    )
    assert ch.direction == "more_generous"


def test_exclusion_flag_added() -> None:
    texts = edited(
        (
            'input false_materials: bool from enterprise zh "提供虚假材料" en "false materials"',
            'input false_materials: bool from enterprise zh "提供虚假材料" en "false materials"\n'
            'input mass_incident: bool from enterprise zh "重大群体性事件" en "mass incident"',
        ),
        file="common.kfpl",
    )
    texts["mfg.kfpl"] = texts["mfg.kfpl"].replace(
        "exclude if false_materials", "exclude if false_materials, mass_incident"
    )
    changes = diff_policy_sets(compiled(OLD), compiled(texts))
    ch = next(c for c in changes if c.check == "KD206")
    assert ch.line("en") == "exclusions: + mass_incident"
    assert ch.direction == "less_generous"


def test_effective_period_extended() -> None:
    ch = only(diff(("effective 2020 to 2022", "effective 2020 to 2025")))
    assert ch.check == "KD003"
    assert ch.line("en") == "effective period: 2020 to 2022 → 2020 to 2025 (extended by 3 years)"
    assert ch.line("zh") == "有效期：2020年—2022年 → 2020年—2025年（延长3年）"
    assert ch.direction == "more_generous"


def test_labels_only_is_wording() -> None:
    ch = only(diff(('en "Trade-fair participation"', 'en "Participation in trade fairs"')))
    assert (ch.check, ch.direction, ch.severity) == ("KD162", "wording", "info")
    assert ch.line("en") == "title: Trade-fair participation → Participation in trade fairs"
    # The Chinese title is unchanged: the zh line says the English changed, not 甲 → 甲.
    assert "支持企业参加展销会 → 支持企业参加展销会" not in ch.line("zh")
    assert ch.line("zh").startswith("标题（仅英文修改）")


def test_rename_is_reported_as_a_rename() -> None:
    changes = diff(("measure mfg-13\n", "measure mfg-13a\n"))
    ch = only(changes)
    assert (ch.check, ch.action, ch.old_item, ch.item) == ("KD103", "rename", "mfg-13", "mfg-13a")
    assert ch.line("en") == "id: mfg-13 → mfg-13a (content similarity 100%)"


def test_rename_with_a_change_reports_both() -> None:
    changes = diff(
        ("measure mfg-3\n", "measure mfg-3x\n"), ("cap 100万 per project", "cap 150万 per project")
    )
    assert [(c.check, c.old_item, c.item) for c in changes] == [
        ("KD103", "mfg-3", "mfg-3x"),
        ("KD140", "mfg-3", "mfg-3x"),
    ]


def test_different_clause_with_same_arithmetic_is_not_a_rename() -> None:
    new = compiled(
        {p.name: p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "new").glob("*.kfpl"))}
    )
    changes = diff_policy_sets(compiled(OLD), new)
    by_item = {(c.item, c.check) for c in changes}
    assert ("mfg-4", "KD102") in by_item and ("mfg-6", "KD101") in by_item
    assert ("mfg-13a", "KD103") in by_item


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_change_has_a_line_in_both_languages(lang: str) -> None:
    new = compiled(
        {p.name: p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "new").glob("*.kfpl"))}
    )
    for ch in diff_policy_sets(compiled(OLD), new):
        assert ch.line(lang)
        assert ch.to_json()["text"][lang] == ch.line(lang)  # type: ignore[index]


def test_a_changed_goal_reads_as_its_target_page_writes_it() -> None:
    policies = FIXTURES.parent.parent.parent / "policies"
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(policies.glob("*.kfpl"))}
    changed = dict(texts)
    changed["plan.kfpl"] = texts["plan.kfpl"].replace(
        "goal at least 2200 by 2022", "goal at least 2500 by 2022"
    )
    ch = only(diff_policy_sets(compiled(texts), compiled(changed)))
    assert ch.check == "KD401"
    assert ch.line("zh") == "目标值：到2022年，达到2200家以上 → 到2022年，达到2500家以上"
    assert ch.line("en") == "goal: at least 2,200 by 2022 → at least 2,500 by 2022"
