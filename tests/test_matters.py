"""Matters have names: `matters` declares them once, in both languages, and every place a
drafter or an applicant reads a matter (pages, explanations, diffs) shows the name."""

from __future__ import annotations

from pathlib import Path

from conftest import application

from kfpl.diff.structural import Change, diff_policy_sets
from kfpl.docs.pages import generate_docs
from kfpl.model import PolicySet
from kfpl.project.loader import compile_texts
from kfpl.python.evaluate import Program
from kfpl.syntax.formatter import format_text

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
OLD = {p.name: p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "old").glob("*.kfpl"))}
NAMES = """
matters
  matter tech_reform zh "技术改造项目" en "a technological-upgrading project"
"""


def compiled(texts: dict[str, str]) -> PolicySet:
    comp = compile_texts(texts)
    assert comp.policy_set is not None, [d.message for d in comp.diagnostics]
    assert not [d for d in comp.diagnostics if d.severity == "error"]
    return comp.policy_set


def named(extra: str = NAMES) -> dict[str, str]:
    return {**OLD, "mfg.kfpl": OLD["mfg.kfpl"] + extra}


def test_a_declared_matter_is_named_in_both_languages() -> None:
    ps = compiled(named())
    assert ps.matters["tech_reform"].label.get("zh") == "技术改造项目"
    assert ps.measures["mfg-3"].matter == "tech_reform"


def test_chinese_keywords_give_the_same_matters_and_fmt_converts_both_ways() -> None:
    zh = format_text(NAMES, "zh")
    assert zh.strip().splitlines() == [
        "事项名称",
        '  事项 tech_reform zh "技术改造项目" en "a technological-upgrading project"',
    ]
    assert format_text(zh, "en") == format_text(NAMES)
    assert format_text(format_text(NAMES)) == format_text(NAMES)  # idempotent
    assert compiled(named(zh)).matters == compiled(named()).matters


def test_a_matter_declared_twice_is_an_error_and_an_undeclared_one_is_fine() -> None:
    twice = compile_texts(named(NAMES + NAMES))
    assert any("tech_reform" in d.message.en for d in twice.diagnostics if d.severity == "error")
    compiled(OLD)  # matters by id only: still a valid set


def test_measure_pages_name_the_matter_and_the_other_measures_of_it() -> None:
    pages = generate_docs(compiled(named()), None)
    zh = pages["zh/measures/mfg-3.md"]
    assert "所属事项：技术改造项目（同一事项的还有mfg-4）" in zh
    assert "tech_reform" not in zh
    en = pages["en/measures/mfg-4.md"]
    assert "Matter: a technological-upgrading project (with mfg-3)" in en


def test_the_diff_names_a_changed_matter_and_a_renamed_one() -> None:
    old = compiled(named())
    moved = named(NAMES + '  matter green zh "绿色化改造项目" en "a green project"\n')
    moved["mfg.kfpl"] = moved["mfg.kfpl"].replace(
        "  cap 200万 per project\n  matter tech_reform", "  cap 200万 per project\n  matter green"
    )
    changes: list[Change] = diff_policy_sets(old, compiled(moved))
    (matter,) = [c for c in changes if c.check == "KD152"]
    assert (matter.old, matter.new) == (
        ("技术改造项目", "a technological-upgrading project"),
        ("绿色化改造项目", "a green project"),
    )
    renamed = named(NAMES.replace("技术改造项目", "重大技术改造项目"))
    (name,) = [c for c in diff_policy_sets(old, compiled(renamed)) if c.check == "KD305"]
    assert name.new is not None and name.new[0] == "重大技术改造项目"


def test_an_explanation_names_the_matter_two_claims_share() -> None:
    # ind-6 and ind-13 both reward the growth of the local retained VAT: one matter.
    program = Program.from_paths([str(Path(__file__).resolve().parent.parent / "policies")])
    vat = {"main_revenue": "200000000", "vat_local_retained": "3000000",
           "vat_local_retained_last_year": "2000000"}  # fmt: skip
    result = program.evaluate(
        application(
            {"measure": "ind-6", "facts": vat},
            {"measure": "ind-13", "facts": {**vat, "parts_maker": True}},
            chain="new_materials_energy",
        )
    )
    loser = next(m for m in result["measures"] if m["status"] == "superseded")
    zh = "\n".join(step["zh"] for step in loser["explain"])
    en = "\n".join(step["en"] for step in loser["explain"])
    assert "同一事项“增值税地方留成新增部分奖励”" in zh and "vat_growth" not in zh
    assert "'reward on the growth of local retained VAT'" in en
