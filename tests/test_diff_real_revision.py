"""The diff on a real revision: a final version that adds an enterprise field and enum
values to its draft, widens `or` and `in`, and relabels a fact (fixtures/diff/draft →
fixtures/diff/final); and on versions whose effective periods do not overlap."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kfpl.diff.command import diff_command
from kfpl.diff.implication import relation
from kfpl.syntax import nodes as n

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
DRAFT, FINAL = FIXTURES / "draft", FIXTURES / "final"
POPULATION = FIXTURES / "population-final.jsonl"


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(diff_command, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def as_json(*args: str | Path) -> dict[str, Any]:
    code, out = run(*args, "--format", "json")
    assert code == 0, out
    doc: dict[str, Any] = json.loads(out)
    return doc


def changes_of(doc: dict[str, Any], item: str) -> list[dict[str, Any]]:
    return [ch for ch in doc["changes"] if ch["item"] == item]


def verdicts(doc: dict[str, Any]) -> dict[str, str]:
    return {m["measure"]: m["verdict"] for m in doc["behaviour"]["measures"]}


def variant(tmp_path: Path, source: Path, name: str, old: str, new: str) -> Path:
    """A copy of a fixture with one edit in mfg.kfpl."""
    folder = tmp_path / name
    shutil.copytree(source, folder)
    sources = (source / "../../../../policies/sources").resolve()
    (folder / "kfpl.toml").write_text(f"sources = {str(sources)!r}\n", encoding="utf-8")
    path = folder / "mfg.kfpl"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- behaviour on


def test_a_final_that_adds_fields_and_values_is_diffed_with_behaviour_on() -> None:
    doc = as_json(DRAFT, FINAL)
    assert verdicts(doc) == {
        "mfg-1": "unchanged",
        "mfg-2": "more_generous",
        "mfg-3": "more_generous",
        "mfg-4": "more_generous",
        "(rules)": "unchanged",
    }
    left = {(r["side"], r["kind"], r["name"], r["value"]) for r in doc["behaviour"]["left_out"]}
    assert left == {
        ("old", "field", "little_giant", ""),
        ("old", "value", "recognition", "municipal"),
        ("old", "value", "size", "medium"),
    }


def test_the_report_says_what_the_old_version_could_not_read() -> None:
    code, out = run(DRAFT, FINAL, "--lang", "en")
    assert code == 0
    line = next(x for x in out.splitlines() if "left out for the old version" in x)
    assert "enterprise field little_giant" in line
    assert "recognition = municipal (1 point)" in line
    code, out = run(DRAFT, FINAL, "--lang", "zh")
    assert "旧版本未规定、未予读取" in out


def test_impact_gives_each_side_what_it_can_read() -> None:
    doc = as_json(DRAFT, FINAL, "--impact", POPULATION)
    im = doc["impact"]
    assert im["reconciliation"]["ok"]
    # E1 qualifies only as a little giant, of medium size; E2 is recognised at city level.
    assert {r["measure"]: r["delta"] for r in im["by_measure"]} == {
        "mfg-1": "0.00",
        "mfg-2": "200000.00",
        "mfg-3": "100000.00",
        "mfg-4": "20000.00",
    }
    assert {(r["side"], r["name"], r["count"]) for r in im["left_out"]} == {
        ("old", "little_giant", 3),
        ("old", "recognition", 1),
        ("old", "size", 1),
    }
    code, out = run(DRAFT, FINAL, "--impact", POPULATION, "--lang", "en")
    assert code == 0
    assert "little_giant (3 applications)" in out


def test_a_field_neither_version_knows_is_still_bad_data(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    app = json.loads(POPULATION.read_text(encoding="utf-8").splitlines()[0])
    app["enterprise"]["litle_giant"] = True
    bad.write_text(json.dumps(app) + "\n", encoding="utf-8")
    code, out = run(DRAFT, FINAL, "--impact", bad, "--lang", "en")
    assert code == 2
    assert "enterprise.litle_giant: unknown field" in out


def test_an_alternative_added_to_an_or_is_probed_on_its_own(tmp_path: Path) -> None:
    """Without the worked example that shows it, the added alternative is still found."""
    final = variant(
        tmp_path,
        FINAL,
        "final",
        '  example "little giant" high_tech = false, specialised = false, little_giant = true, rd_spending = 1000万 -> 50万\n',
        "",
    )
    doc = as_json(DRAFT, final)
    assert verdicts(doc)["mfg-3"] == "more_generous"
    case = next(c for c in doc["behaviour"]["cases"] if c["measure"] == "mfg-3")
    assert case["label"]["en"] == "only little_giant holds"
    assert (case["old"]["status"], case["new"]["status"]) == ("not_eligible", "awarded")


# --------------------------------------------------------------------------- text alone


def test_widened_or_and_in_are_more_generous() -> None:
    doc = as_json(DRAFT, FINAL, "--no-behaviour")
    for item, note in (
        ("mfg-2", "+ municipal"),
        ("mfg-3", "+ little_giant"),
        ("mfg-4", "+ medium"),
    ):
        conds = [ch for ch in changes_of(doc, item) if ch["kind"].startswith("condition")]
        assert len(conds) == 1, conds  # one change, not removed and re-added
        assert conds[0]["check"] == "KD124"
        assert conds[0]["direction"] == "more_generous"
        assert conds[0]["note"]["en"] == note


def test_narrowed_or_and_in_are_less_generous() -> None:
    doc = as_json(FINAL, DRAFT, "--no-behaviour")
    for item, note in (("mfg-2", "− municipal"), ("mfg-3", "− little_giant")):
        (cond,) = [ch for ch in changes_of(doc, item) if ch["kind"].startswith("condition")]
        assert (cond["direction"], cond["note"]["en"]) == ("less_generous", note)
    doc = as_json(FINAL, DRAFT)  # and the behaviour agrees
    assert verdicts(doc)["mfg-3"] == "less_generous"


def test_a_changed_label_of_a_fact_asks_for_review() -> None:
    doc = as_json(DRAFT, FINAL, "--no-behaviour")
    (label,) = changes_of(doc, "equipment")
    assert label["direction"] == "review"
    assert label["old"]["zh"] == "设备购置额" and label["new"]["zh"] == "设备投资额"
    assert label["note"]["en"] == "read by mfg-1"
    code, out = run(DRAFT, FINAL, "--no-behaviour", "--lang", "en")
    assert code == 0
    assert "[meaning may have changed: review, medium]" in out
    assert "wording only" not in next(x for x in out.splitlines() if "equipment purchases" in x)


def test_an_english_only_label_change_is_wording(tmp_path: Path) -> None:
    final = variant(
        tmp_path, DRAFT, "draft", 'en "equipment purchases"', 'en "purchases of equipment"'
    )
    doc = as_json(DRAFT, final, "--no-behaviour")
    (label,) = changes_of(doc, "equipment")
    assert label["direction"] == "wording"


# --------------------------------------------------------------------------- periods


def test_versions_with_no_common_year_are_not_claimed_neutral(tmp_path: Path) -> None:
    later = variant(tmp_path, DRAFT, "later", "effective 2024 to 2026", "effective 2027 to 2029")
    doc = as_json(DRAFT, later)
    assert set(verdicts(doc).values()) == {"not_compared"}
    assert doc["behaviour"]["points"] == 0
    code, out = run(DRAFT, later, "--lang", "en")
    assert "proven neutral" not in out
    assert (
        "not compared (no year is in force in both versions: old 2024 to 2026, new 2027 to 2029)"
        in out
    )
    code, out = run(DRAFT, later, "--lang", "zh")
    assert code == 0
    assert "已证明中性" not in out and "未比较" in out


def test_a_version_without_a_period_is_compared_in_the_other_ones_years(tmp_path: Path) -> None:
    always = variant(tmp_path, DRAFT, "always", "  effective 2024 to 2026\n", "")
    doc = as_json(DRAFT, always)
    measures = [m for m in doc["behaviour"]["measures"] if m["measure"] != "(rules)"]
    assert all(m["verdict"] == "unchanged" and m["points"] > 0 for m in measures)
    effective = next(ch for ch in doc["changes"] if ch["check"] == "KD003")
    assert effective["direction"] == "more_generous"
    code, out = run(DRAFT, always, "--lang", "en")
    assert code == 0
    points = sum(m["points"] for m in measures)
    assert f"4 measures give the same result at every one of their {points} points" in out
    assert "the new version declares no effective period (in force every year)" in out


# --------------------------------------------------------------------------- implication


def cond(text: str) -> n.Cond:
    from kfpl.project.loader import compile_texts

    src = (
        'policy mfg\n  title zh "t" en "t"\n'
        'input x: money zh "x" en "x"\ninput a: bool zh "a" en "a"\n'
        'input b: bool zh "b" en "b"\ninput d: bool zh "d" en "d"\n'
        'agency 市工业和信息化局 en "Bureau"\n'
        f'measure mfg-1\n  source mfg 1\n  title zh "t" en "t"\n'
        f"  department 市工业和信息化局\n  requires {text}\n  award 1万\n"
    )
    comp = compile_texts({"p.kfpl": src})
    assert comp.policy_set is not None, comp.diagnostics
    return comp.policy_set.measures["mfg-1"].requires[0]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("a or b", "a or b or d", "wider"),
        ("a or b or d", "a or b", "narrower"),
        ("a", "a or b", "wider"),
        ("a and b", "a", "wider"),
        ("x at least 500万", "x at least 300万", "wider"),
        ("x at least 500万", "x more than 500万", "narrower"),
        ("x at least 500万 or a", "x at least 300万 or a", "wider"),
        ("a or b", "b or a", "same"),
        ("a or b", "a or d", "unrelated"),
    ],
)
def test_relation_of_two_conditions(old: str, new: str, expected: str) -> None:
    assert relation(cond(old), cond(new)) == expected
