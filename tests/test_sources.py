"""The seed text kept in the repository (policies/sources) is complete and exact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kfpl.project import sources

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "kaifeng-2020-manufacturing-policies.txt"


def test_split_text_reassembles_to_the_seed_byte_for_byte() -> None:
    if not SEED.exists():
        pytest.skip(f"the seed is not beside this clone ({SEED})")
    assert sources.reassemble(ROOT / "policies") == SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize(("doc", "count"), [("mfg", 14), ("ind", 21)])
def test_numbered_measures_are_contiguous_and_start_with_their_number(doc: str, count: int) -> None:
    table = sources.clauses(doc)
    numbers = [cid for cid in table if cid.isdigit()]
    assert numbers == [str(i) for i in range(1, count + 1)]
    for cid in numbers:
        assert table[cid].startswith(f"{cid}.")


@pytest.mark.parametrize("doc", ["mfg", "ind"])
def test_general_provisions_are_five_paragraphs_addressable_together(doc: str) -> None:
    text = sources.clause_text(doc, "附则")
    paragraphs = text.split("\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("本政策适用于在开封市行政区划内登记注册")
    assert paragraphs[2].startswith("对企业同一事项涉及本政策同类多项优惠的")
    assert sources.clause_text(doc, "附则3") == paragraphs[2]


def test_the_two_fiscal_documents_share_word_for_word_general_provisions() -> None:
    # common.kfpl writes the set-wide 附则 rules once; that is only right if they agree.
    assert sources.clause_text("mfg", "附则") == sources.clause_text("ind", "附则").replace(
        "2020年—2022年。实施期内", "2020年—2022年,实施期内"
    )


def test_plan_clauses_follow_the_printed_numbering() -> None:
    table = sources.clauses("plan")
    for i in range(1, 9):
        assert re.match(rf"^{i}\.", table[f"二(一){i}"])
    assert table["一(二)"].startswith("(二)发展目标。")
    assert table["三(六)"].startswith("(六)持续优化营商环境。")
    assert sources.clause_text("plan", "四").startswith("四、组织实施\n开封市制造强市建设领导小组")


def test_section_groups_cover_heading_and_body() -> None:
    section = sources.clause_text("mfg", "四")
    assert section.split("\n")[0] == "四、支持工业互联网发展"
    assert section.split("\n")[1].startswith("13.支持企业上云")


def test_every_segment_is_one_line_of_the_seed() -> None:
    for doc in sources.names():
        for cid, text in sources.clauses(doc).items():
            assert "\n" not in text, (doc, cid)
            assert text, (doc, cid)


def test_document_titles_match_the_policy_headers() -> None:
    from kfpl.project.loader import compile_paths

    comp = compile_paths([str(ROOT / "policies")])
    assert comp.policy_set is not None
    for doc in ("plan", "mfg", "ind"):
        header = comp.policy_set.policies[doc]
        assert header.title is not None
        assert header.title.zh == sources.document(doc)["title"]


def test_unknown_clause_or_document_is_a_clear_error() -> None:
    with pytest.raises(sources.SourceError, match="no clause `15`"):
        sources.clause_text("mfg", "15")
    with pytest.raises(sources.SourceError, match="no source text for document `tax`"):
        sources.clauses("tax")


def test_sources_can_be_read_from_another_policies_folder(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "mfg.json").write_text(
        '{"doc": "mfg", "title": "t", "segments": [{"id": "1", "text": "1.x"}]}', encoding="utf-8"
    )
    assert sources.clause_text("mfg", "1", tmp_path) == "1.x"
