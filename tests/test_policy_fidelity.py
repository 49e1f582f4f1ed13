"""The encoded policies match the seed text kept in policies/sources.

Expected clause numbers, money amounts, percentages, responsible units and chain
sizes are read off the source text here, never copied from the encoding, so a
clause left out or a number mistyped fails a test that names it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfpl.model import PolicySet
from kfpl.project import sources
from kfpl.project.loader import compile_paths
from kfpl.syntax import nodes as n

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
UNIT = {"亿元": YI, "万元": WAN, "元": Decimal(1)}
CHINESE_DIGITS = {"1": "一", "2": "两", "3": "三", "5": "五"}


@pytest.fixture(scope="module")
def ps() -> PolicySet:
    comp = compile_paths([str(POLICIES)])
    errors = [d.one_line() for d in comp.diagnostics if d.severity == "error"]
    assert not errors, errors
    assert comp.policy_set is not None
    return comp.policy_set


@pytest.fixture(scope="module")
def listing() -> dict[str, list[dict[str, object]]]:
    from kfpl.cli.main import main

    result = CliRunner().invoke(main, ["list", str(POLICIES), "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, list[dict[str, object]]] = json.loads(result.output)
    return data


# --------------------------------------------------------------------------- reading the text


def numbered_clauses_in_text(doc: str) -> list[str]:
    """Clause numbers as the text prints them: lines starting ``N.``."""
    out = []
    for text in sources.clauses(doc).values():
        m = re.match(r"^(\d+)\.", text)
        if m:
            out.append(m.group(1))
    return out


def amounts_in_text(text: str) -> set[Decimal]:
    """Money in yuan and rates as fractions: 30万元 -> 300000, 30% -> 0.3, 50—100万元 -> both."""
    found: set[Decimal] = set()
    for low, high, unit in re.findall(r"(\d+(?:\.\d+)?)—(\d+(?:\.\d+)?)(亿元|万元|元|%)", text):
        scale = Decimal("0.01") if unit == "%" else UNIT[unit]
        found |= {Decimal(low) * scale, Decimal(high) * scale}
    for value, unit in re.findall(r"(\d+(?:\.\d+)?)(亿元|万元|元)", text):
        found.add(Decimal(value) * UNIT[unit])
    for value in re.findall(r"(\d+(?:\.\d+)?)%", text):
        found.add(Decimal(value) / 100)
    return found


def responsible_units(text: str) -> list[str]:
    m = re.search(r"\(责任单位:([^)]*(?:\([^)]*\)[^)]*)*)\)$", text)
    assert m, text
    return m.group(1).split("、")


# --------------------------------------------------------------------------- reading the encoding


def rule_numbers(measure: n.Measure) -> Iterator[n.Number]:
    """Numbers of the rule itself: eligibility, award and caps (not examples or notes)."""
    parts: list[n.Node] = [*measure.requires, *measure.awards, *measure.caps]
    for part in parts:
        for node in part.walk():
            if isinstance(node, n.Number):
                yield node
    if measure.max_years is not None:
        yield measure.max_years


def measures_of(ps: PolicySet, doc: str, clause: str) -> list[n.Measure]:
    return [
        m for m in ps.measures.values()
        if m.source is not None and m.source.doc == doc and m.source.clause == clause
    ]  # fmt: skip


# --------------------------------------------------------------------------- coverage


@pytest.mark.parametrize("doc", ["mfg", "ind"])
def test_source_text_numbers_its_clauses_without_gaps(doc: str) -> None:
    numbers = [int(c) for c in numbered_clauses_in_text(doc)]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) == {"mfg": 14, "ind": 21}[doc]


@pytest.mark.parametrize("doc", ["mfg", "ind"])
def test_kfpl_list_covers_every_numbered_clause(
    doc: str, listing: dict[str, list[dict[str, object]]]
) -> None:
    covered = {
        m["source"]["clause"]  # type: ignore[index]
        for m in listing["measures"]
        if m["source"]["doc"] == doc  # type: ignore[index]
    }
    missing = [c for c in numbered_clauses_in_text(doc) if c not in covered]
    assert not missing, f"{doc} clauses without a measure: {missing}"


@pytest.mark.parametrize("doc", ["mfg", "ind"])
def test_every_general_provision_paragraph_is_encoded(doc: str, ps: PolicySet) -> None:
    # A set-wide rule in common.kfpl cites mfg's paragraph; ind's identical one counts too.
    def norm(text: str) -> str:
        return re.sub(r"[,，。]", "", text)

    cited = {
        norm(sources.clause_text(item.source.doc, item.source.clause))
        for item in [*ps.rules.values(), *ps.texts.values()]
        if item.source is not None and item.source.clause.startswith("附则")
    }
    for clause in sources.groups(doc)["附则"]:
        assert norm(sources.clause_text(doc, clause)) in cited, f"{doc} {clause} is not encoded"
    rules = [r for r in ps.rules.values() if ps.owner[r.id] == doc]
    assert any(
        isinstance(b, n.NoStacking) and b.across == "policy" for r in rules for b in r.bodies
    )


def test_set_wide_general_provisions_are_all_encoded(ps: PolicySet) -> None:
    bodies = [b for r in ps.rules.values() for b in r.bodies]
    assert any(isinstance(b, n.Eligible) for b in bodies)
    excluded = {f for b in bodies if isinstance(b, n.Exclude) for f in b.flags}
    assert excluded == {"false_materials", "major_accident", "tax_violation_case", "mass_incident"}
    stacking = {(b.key, b.across, b.matching_only) for b in bodies if isinstance(b, n.NoStacking)}
    assert ("project", "set", False) in stacking
    assert any(matching for _, _, matching in stacking)
    assert any(isinstance(b, n.YearlyCap) and b.limit == "local_retained_tax" for b in bodies)
    for doc in ("mfg", "ind"):
        assert ps.policies[doc].effective.years == (2020, 2022)  # 实施期限暂定为2020年—2022年


def test_every_source_reference_resolves_to_stored_text(ps: PolicySet) -> None:
    items = [*ps.measures.values(), *ps.rules.values(), *ps.targets.values(),
             *ps.tasks.values(), *ps.texts.values(), *ps.chains.values()]  # fmt: skip
    for item in items:
        assert item.source is not None, item
        assert sources.clause_text(item.source.doc, item.source.clause)


def test_sub_measures_share_their_clause_and_are_lettered(ps: PolicySet) -> None:
    for measure in ps.measures.values():
        assert measure.source is not None
        doc, clause = measure.source.doc, measure.source.clause
        assert re.fullmatch(rf"{doc}-{clause}[a-z]?", measure.id), measure.id
        siblings = measures_of(ps, doc, clause)
        if len(siblings) > 1:
            assert all(m.id[-1].isalpha() for m in siblings), [m.id for m in siblings]


# --------------------------------------------------------------------------- numbers


def clause_ids(doc: str) -> list[str]:
    return numbered_clauses_in_text(doc)


@pytest.mark.parametrize(("doc", "clause"), [(d, c) for d in ("mfg", "ind") for c in clause_ids(d)])
def test_every_amount_and_rate_of_the_clause_is_in_its_encoding(
    doc: str, clause: str, ps: PolicySet
) -> None:
    text = sources.clause_text(doc, clause)
    encoded = {num.value for m in measures_of(ps, doc, clause) for num in rule_numbers(m)}
    missing = sorted(amounts_in_text(text) - encoded)
    assert not missing, f"{doc} {clause}: {missing} appear in the text but not in the encoding"


@pytest.mark.parametrize(("doc", "clause"), [(d, c) for d in ("mfg", "ind") for c in clause_ids(d)])
def test_every_number_of_the_encoding_is_in_its_clause(
    doc: str, clause: str, ps: PolicySet
) -> None:
    text = sources.clause_text(doc, clause)
    in_text = amounts_in_text(text)
    for measure in measures_of(ps, doc, clause):
        for num in rule_numbers(measure):
            if num.unit in ("yuan", "percent") or num.value in in_text:
                assert num.value in in_text, f"{measure.id}: `{num.text}` is not in {doc} {clause}"
            else:  # a count or a number of years: digits or a Chinese numeral in the text
                digits = num.text.replace("_", "")
                assert digits in text or CHINESE_DIGITS.get(digits, "?") in text, (
                    f"{measure.id}: `{num.text}` is not in {doc} {clause}"
                )


def test_the_interest_subsidy_uses_the_dated_benchmark_rate(ps: PolicySet) -> None:
    award = ps.measures["ind-4"].award.form
    assert isinstance(award, n.Percent)
    assert isinstance(award.rate, n.Ref) and award.rate.name == "benchmark_rate"
    values = {(v.since.isoformat(), v.value.value) for v in ps.params["benchmark_rate"].values}
    assert ("2015-10-24", Decimal("0.0435")) in values
    assert "一年期基准利率" in sources.clause_text("ind", "4")


def test_required_documents_are_those_the_text_lists(ps: PolicySet) -> None:
    for doc in ("mfg", "ind"):
        for clause in clause_ids(doc):
            text = sources.clause_text(doc, clause)
            listed = re.search(r"\(需提供(.*)\)", text)
            for measure in measures_of(ps, doc, clause):
                if listed is None:
                    assert not measure.documents, measure.id
                    continue
                assert measure.documents, f"{measure.id}: the text lists documents"
                for document in measure.documents:
                    assert document.zh and document.zh in listed.group(1), document.zh


def test_titles_stay_close_to_the_source_text(ps: PolicySet) -> None:
    for measure in ps.measures.values():
        assert measure.source is not None and measure.title is not None
        text = sources.clause_text(measure.source.doc, measure.source.clause)
        title = re.sub(r"[^\u4e00-\u9fff]", "", measure.title.zh or "")
        pairs = {title[i : i + 2] for i in range(len(title) - 1)}
        shared = [p for p in pairs if p in text]
        assert len(shared) >= 3, f"{measure.id}: title `{measure.title.zh}` strays from its clause"
        assert measure.title.en


# --------------------------------------------------------------------------- thresholds and examples


def test_at_least_100_worked_examples_and_one_per_measure(ps: PolicySet) -> None:
    counts = {m.id: len(m.examples) for m in ps.measures.values()}
    assert all(counts.values()), [k for k, v in counts.items() if not v]
    assert sum(counts.values()) >= 100


def money_thresholds(measure: n.Measure) -> list[n.Compare]:
    return [
        node for cond in measure.requires for node in cond.walk()
        if isinstance(node, n.Compare) and node.value.unit == "yuan"
    ]  # fmt: skip


def test_every_money_threshold_and_cap_has_a_boundary_example(ps: PolicySet) -> None:
    for measure in ps.measures.values():
        names = " ".join((e.name or "") for e in measure.examples)
        if money_thresholds(measure):
            assert "threshold" in names or "exactly" in names, measure.id
            assert any(e.outcome.kind == "not_eligible" for e in measure.examples), measure.id
        if measure.caps:
            assert "cap" in names, measure.id


def test_threshold_words_keep_their_legal_meaning(ps: PolicySet) -> None:
    # 以上 includes the number (at least); 超过 excludes it (more than).
    assert "首次超过50亿元" in sources.clause_text("mfg", "1")
    ops = {(c.name, c.op) for c in money_thresholds(ps.measures["mfg-1"])}
    assert ("main_revenue", "more_than") in ops
    assert "500万元以上" in sources.clause_text("mfg", "3")
    assert {c.op for c in money_thresholds(ps.measures["mfg-3"])} == {"at_least"}
    tiers = ps.measures["ind-17a"].award.form
    assert isinstance(tiers, n.Tiers)
    bounds = [(b.op, b.value.value) for row in tiers.rows for b in (row.low, row.high) if b]
    assert ("more_than", 30 * YI) in bounds  # 超过30亿元
    assert ("at_most", 20 * YI) in bounds  # 20亿元以下


def test_every_measure_has_bilingual_notes_where_it_has_notes(ps: PolicySet) -> None:
    for measure in ps.measures.values():
        for note in measure.notes:
            assert note.zh and note.en, measure.id


@pytest.mark.parametrize(
    "measure_id",
    ["mfg-1", "mfg-12a", "mfg-12b", "mfg-13a", "mfg-14a", "ind-4", "ind-12", "ind-15", "ind-17a",
     "ind-17b"],
)  # fmt: skip
def test_resolved_ambiguities_carry_a_note(measure_id: str, ps: PolicySet) -> None:
    assert ps.measures[measure_id].notes


# --------------------------------------------------------------------------- the plan


PLAN_TARGET_CLAUSES = ("一(二)", "二(三)", "二(四)", "二(五)", "二(六)")


def plan_numbers(text: str) -> set[Decimal]:
    """Numbers of a plan clause other than years and the '5G' of 5G."""
    found: set[Decimal] = set()
    for value, after in re.findall(r"(\d+(?:\.\d+)?)(.?)", text):
        if after == "G" or (after == "年" and len(value) == 4):
            continue
        found.add(Decimal(value) / 100 if after == "%" else Decimal(value))
    return found


def goal_numbers(target: n.Target) -> set[Decimal]:
    out: set[Decimal] = set()
    for goal in target.goals:
        out.add(goal.value.value)
        if goal.high is not None:
            out.add(goal.high.value)
        if goal.within_years is not None:
            out |= {Decimal(y) for y in goal.within_years}
    return out


@pytest.mark.parametrize("clause", PLAN_TARGET_CLAUSES)
def test_every_number_of_a_plan_clause_is_a_target(clause: str, ps: PolicySet) -> None:
    targets = [t for t in ps.targets.values() if t.source and t.source.clause == clause]
    assert targets, clause
    encoded: set[Decimal] = set()
    for target in targets:
        encoded |= goal_numbers(target)
        encoded |= {Decimal(d) for d in re.findall(r"\d+", target.title.zh if target.title else "")}
    missing = sorted(plan_numbers(sources.clause_text("plan", clause)) - encoded)
    assert not missing, f"plan {clause}: {missing} are in the text but in no target"


def test_every_target_goal_is_in_its_clause(ps: PolicySet) -> None:
    chinese = {Decimal(5000) * YI: "五千亿"}
    for target in ps.targets.values():
        assert target.source is not None and target.owners and target.title
        text = sources.clause_text("plan", target.source.clause)
        for value in goal_numbers(target):
            shown = format(value * 100 if target.unit == "rate" else value, "f")
            shown = shown.rstrip("0").rstrip(".") if "." in shown else shown
            assert shown in text or chinese.get(value, "?") in text, (target.id, value)
        for goal in target.goals:
            if goal.year is not None and f"{goal.year}年" not in text:
                assert any("未写年份" in (note.zh or "") for note in target.notes), target.id


def test_plan_comparators_follow_the_text(ps: PolicySet) -> None:
    comparator = {t: [g.comparator for g in ps.targets[t].goals] for t in ps.targets}
    assert "35%左右" in sources.clause_text("plan", "一(二)")
    assert comparator["plan-mva-share"] == ["about"]
    assert "1%以上" in sources.clause_text("plan", "一(二)")
    assert comparator["plan-rd-intensity"] == ["at_least"]
    assert "8—10个百亿企业" in sources.clause_text("plan", "一(二)")
    assert comparator["plan-10-billion-enterprises"] == ["between"]
    assert "超过五千亿" in sources.clause_text("plan", "一(二)")
    assert comparator["plan-key-clusters-total"] == ["more_than"]
    for target in ps.targets.values():
        text = sources.clause_text("plan", target.source.clause)  # type: ignore[union-attr]
        sentence = next((s for s in re.split("[。;；]", text) if "力争" in s), "")
        if target.aspiration:
            assert sentence, f"{target.id} is marked aspiration but its clause has no 力争"


def test_the_eight_chains_have_the_texts_size_and_lead(ps: PolicySet) -> None:
    assert len(ps.chains) == 8
    for chain in ps.chains.values():
        assert chain.source is not None
        text = sources.clause_text("plan", chain.source.clause)
        assert responsible_units(text) == [chain.lead]
        size = re.search(r"打造(千亿|500亿)级", text)
        assert size, text
        expected = 1000 * YI if size.group(1) == "千亿" else 500 * YI
        assert [g.value.value for g in chain.goals] == [expected]
        assert chain.title and chain.title.zh and chain.title.zh in text


def test_tasks_name_the_responsible_units_of_their_clause(ps: PolicySet) -> None:
    tasks = {t.source.clause: t for t in ps.tasks.values() if t.source}  # type: ignore[union-attr]
    task_clauses = [
        c for c in sources.clauses("plan") if re.fullmatch(r"[二三]\([一二三四五六]\)", c)
    ]
    assert sorted(tasks) == sorted([*task_clauses, "四"])
    for clause in task_clauses:
        text = sources.clause_text("plan", clause)
        if "责任单位" in text:
            expected = responsible_units(text)
        else:  # 二(一): the units are named on its numbered sub-items
            subs = [c for c in sources.clauses("plan") if c.startswith(clause) and c != clause]
            expected = list(dict.fromkeys(
                u for c in subs for u in responsible_units(sources.clause_text("plan", c))
            ))  # fmt: skip
        assert list(tasks[clause].owners) == expected, clause
    assert tasks["四"].owners[0] in sources.clause_text("plan", "四")


def test_plan_target_owners_are_named_by_the_text(ps: PolicySet) -> None:
    for target in ps.targets.values():
        assert target.source is not None
        text = sources.clause_text("plan", target.source.clause)
        named = responsible_units(text) if "责任单位" in text else []
        for owner in target.owners:
            assert owner in named or owner in sources.clause_text("plan", "四"), (target.id, owner)


# --------------------------------------------------------------------------- one reading of the cap wording


def cap_sentences(text: str, amount: Decimal) -> list[str]:
    """The clauses of ``text`` (split at ，；。) that set a ceiling of ``amount``."""
    shown = f"{amount:f}元" if amount % WAN else f"{(amount / WAN).normalize():f}万元"
    return [
        part for part in re.split(r"[，,；;。]", text)
        if shown in part and ("不超过" in part or "最高" in part)
    ]  # fmt: skip


def test_enterprise_caps_read_the_same_words_the_same_way(ps: PolicySet) -> None:
    """Issue 10: 单个企业最高不超过X without 每年/年度 is a total over the period
    (`per enterprise`); with 每年 or 年度 it is yearly (`per year`). The expected scope is
    read off the clause's own words, for every yearly or enterprise cap of the set."""
    checked = 0
    for measure in ps.measures.values():
        assert measure.source is not None
        text = sources.clauses(measure.source.doc)[measure.source.clause]
        for cap in measure.caps:
            if cap.scope not in ("year", "enterprise"):
                continue
            sentences = cap_sentences(text, cap.amount.value)
            assert sentences, (measure.id, cap.amount.text)
            wanted = {"year" if ("每年" in s or "年度" in s) else "enterprise" for s in sentences}
            assert cap.scope in wanted, (measure.id, cap.amount.text, sentences)
            if "每年" not in "".join(sentences) and "年度" not in "".join(sentences):
                assert cap.scope == "enterprise", (measure.id, sentences)
            checked += 1
    assert checked >= 15  # mfg 2, 10, 12, 13; ind 6, 7, 8, 12, 13, 14, 15, 16, 20


CONDITION_WORDS = {
    "后补助": "project_completed",  # mfg 3–6, 12: paid after the project is built
    "新批准": "newly_approved",  # mfg 8, 10
    "软件企业": "software_enterprise",  # ind 9
    "给予生产企业": "product_producer",  # ind 11
    "商标的生产企业": "apparel_producer",  # ind 19
    "危化品生产企业": "hazardous_or_polluting",  # ind 17
}


def required_inputs(measure: n.Measure) -> set[str]:
    return {
        node.name for cond in measure.requires for node in cond.walk()
        if isinstance(node, n.Truthy)
    }  # fmt: skip


@pytest.mark.parametrize("word", sorted(CONDITION_WORDS))
def test_conditions_the_text_states_are_required(word: str, ps: PolicySet) -> None:
    """Issue 10: a condition the clause states (后补助, 新批准, the kind of enterprise) is
    a `requires` of the clause's measure (of at least one, where a clause has several
    measures and the word governs one sentence, as 后补助 in mfg 12)."""
    wanted = CONDITION_WORDS[word]
    found = 0
    for doc in ("mfg", "ind"):
        for clause, text in sources.clauses(doc).items():
            if word not in text:
                continue
            measures = measures_of(ps, doc, clause)
            have = [m.id for m in measures if wanted in required_inputs(m)]
            assert have, (doc, clause, word, [m.id for m in measures])
            found += 1
    assert found, word
