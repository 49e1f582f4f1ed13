"""No English in Chinese output: the zh documentation pages, the zh review page and the
zh explanation of the sample application, built afresh, show no Latin word except an
identifier in a code span, a measure (rule, target, policy) id, a diagnostic or diff
code (KF0203, KD301), or one of a short list of proper nouns the law itself writes in
Latin letters. English pages, for their part, write amounts in yuan, never 万."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfpl.cli.main import main
from kfpl.docs.pages import generate_docs
from kfpl.model import PolicySet
from kfpl.project import config
from kfpl.project.loader import compile_paths

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")


# Names the law writes in Latin letters (ind 1: HACCP、ISO22000; ind 2: AA级; ind 6:
# CMMI、ITSS; LPR, the loan prime rate), R&D, and the names of the tools (kfpl, git).
def load(path: Path) -> PolicySet:
    comp = compile_paths([str(path)])
    assert comp.ok and comp.policy_set is not None
    return comp.policy_set


PROPER_NOUNS = {"HACCP", "ISO", "AA", "CMMI", "ITSS", "LPR", "R", "D", "kfpl", "git"}


def _visible(markdown: str) -> str:
    """What a reader sees as prose: code (fenced or in spans), link targets, tags,
    anchors and entities removed."""
    text = re.sub(r"^(`{3,}).*?^\1", "", markdown, flags=re.S | re.M)
    text = re.sub(r"`[^`]*`", "", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\{ #[^}]*\}", "", text)
    text = re.sub(r"&#?\w+;", " ", text)
    return re.sub(r"^(\?\?\?|!!!) \w+", "", text, flags=re.M)


def _english(text: str, ids: set[str]) -> list[str]:
    words = []
    for match in re.finditer(r"[A-Za-z0-9][A-Za-z0-9_.-]*", text):
        token = match.group(0).strip(".-")
        # ids, codes (KF0203, KD301), numbers, clause parts (9f), data codes (E00163)
        if token in ids or re.fullmatch(r"[A-Z]{1,2}\d{3,}|[\d.%-]+|\d+[a-z]?", token):
            continue
        words += [w for w in WORD.findall(token) if w not in PROPER_NOUNS]
    return words


@pytest.fixture(scope="module")
def ids() -> set[str]:
    ps = load(POLICIES)
    return {*ps.measures, *ps.rules, *ps.targets, *ps.tasks, *ps.texts, *ps.policies}


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return generate_docs(load(POLICIES), POLICIES)


def test_the_chinese_documentation_pages_have_no_english(
    pages: dict[str, str], ids: set[str]
) -> None:
    found = {}
    for path, page in pages.items():
        if path.startswith("zh/") and path.endswith(".md") and "/guide/" not in path:
            words = _english(_visible(page), ids)
            if words:
                found[path] = sorted(set(words))[:12]
    assert not found, found


def test_the_chinese_review_page_has_no_english(ids: set[str]) -> None:
    from kfpl.diff.review import review_pages

    page = review_pages(config.load(ROOT))["zh"]
    revision = load(ROOT / "examples" / "revision-2023")
    ids = ids | {*revision.measures, *revision.rules, *revision.policies}
    assert not _english(_visible(page), ids), sorted(set(_english(_visible(page), ids)))


def test_the_chinese_explanation_of_the_sample_application_has_no_english(
    ids: set[str],
) -> None:
    path = ROOT / "examples" / "application.json"
    result = CliRunner().invoke(main, ["eval", str(path), "--explain", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    # The application's own ids (enterprise, claims, projects) are its data, not words.
    data = re.findall(r'"(?:id|project|product)": "([^"]+)"', path.read_text(encoding="utf-8"))
    words = _english(result.output, ids | set(data))
    assert not words, sorted(set(words))


def test_english_pages_write_amounts_in_yuan_never_wan(pages: dict[str, str]) -> None:
    for path, page in pages.items():
        if path.startswith("en/") and "/guide/" not in path:
            text = _visible(re.sub(r'<span lang="zh">.*?</span>', "", page, flags=re.S))
            assert not re.search(r"\d\s*[万亿]", text), (
                path,
                re.findall(r".{30}\d\s*[万亿].{10}", text)[:3],
            )
