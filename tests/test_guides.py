"""The guides a drafter reads: the Chinese language guide works as written.

The Chinese guide walks a drafter through a new measure in the project `kfpl init`
makes. These tests follow it the way a drafter would: start the project, convert it to
Chinese keywords (the guide shows the file that gives), add the clauses the guide's JSON
block gives to the source document, add every declaration, measure and rule block of the
guide, and check and test the result. A block that starts with `政策` is a policy file of
its own. Snippets (a `条件` or `例` line, shown inside a measure) are not items and are
read in the guide only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfpl.cli.main import main
from kfpl.docs.pages import GUIDES, SHIPPED_AS

GUIDE_DIR = Path(__file__).resolve().parents[1] / "kfpl" / "docs" / "guide"
ZH_GUIDE = (GUIDE_DIR / "language.zh.md").read_text(encoding="utf-8")
ITEM = re.compile(r"^(政策|枚举|数据项|参数|机构|措施|规则|目标|产业链|任务|条文) ")


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```$", text, re.M | re.S)


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_every_guide_is_shipped_in_both_languages() -> None:
    for guide in GUIDES:
        for lang in ("zh", "en"):
            assert (GUIDE_DIR / f"{guide}.{lang}.md").is_file()
            assert SHIPPED_AS[f"guide/{guide}.{lang}.md"] == f"{lang}/guide/{guide}.md"


def test_the_chinese_guide_is_written_in_chinese_keywords() -> None:
    english = re.compile(r"^\s*(measure|input|award|requires|cap|example|policy) ", re.M)
    for block in _blocks(ZH_GUIDE, "kfpl"):
        assert not english.search(block), block


def test_a_drafter_following_the_chinese_guide_gets_a_project_that_checks_and_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "展会政策"
    _run("init", str(project))
    monkeypatch.chdir(project)
    _run("fmt", "--keywords", "zh", "expo.kfpl")
    blocks = _blocks(ZH_GUIDE, "kfpl")
    shown = (project / "expo.kfpl").read_text(encoding="utf-8")
    assert blocks[0] == shown, "the guide shows the file `kfpl fmt --keywords zh` writes"

    # Step two: the clauses, as the guide's JSON block gives them.
    (clauses,) = _blocks(ZH_GUIDE, "json")
    source = project / "sources" / "expo.json"
    doc = json.loads(source.read_text(encoding="utf-8"))
    doc["segments"] += json.loads("[" + clauses + "]")
    source.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    items = [b for b in blocks[1:] if ITEM.match(b)]
    assert len(items) >= 6, "the guide's measures, declarations and rule"
    policy = shown
    for i, block in enumerate(items):
        if block.startswith("政策 "):
            (project / f"guide{i}.kfpl").write_text(block, encoding="utf-8")
        else:
            policy += "\n" + block
    (project / "expo.kfpl").write_text(policy, encoding="utf-8")

    # The project speaks Chinese (`kfpl init` writes lang = "zh"), as the guide shows.
    checked = _run("check")
    assert "未发现问题" in checked, checked
    tested = _run("test")
    passed = int(re.search(r"通过 (\d+) 个，失败 0 个", tested).group(1))  # type: ignore[union-attr]
    written = sum(len(re.findall(r"^\s*例 ", b, re.M)) for b in [shown, *items])
    assert passed == written, tested

    # What the guide says the pages write (文档写作“…”“…”), they write.
    from kfpl.docs.pages import generate_docs
    from kfpl.project.loader import compile_paths

    comp = compile_paths([str(project)])
    assert comp.policy_set is not None
    pages = "".join(generate_docs(comp.policy_set, project).values())
    quoted = [q for said in re.findall(r"文档写作“(.*?)”[。；]", ZH_GUIDE, re.S)
              for q in said.replace("\n", "").split("”“")]  # fmt: skip
    assert len(quoted) >= 3
    for sentence in quoted:
        assert sentence in pages, sentence

    # In English keywords and back: `kfpl fmt` round-trips the whole guide.
    _run("fmt", "--keywords", "zh", ".")
    chinese = {p.name: p.read_text(encoding="utf-8") for p in project.glob("*.kfpl")}
    _run("fmt", "--keywords", "en", ".")
    english = (project / "expo.kfpl").read_text(encoding="utf-8")
    assert "input size: size_class from enterprise " in english
    assert "value 4.35% from 2015年10月24日 ref" in english
    _run("fmt", "--keywords", "zh", ".")
    assert {p.name: p.read_text(encoding="utf-8") for p in project.glob("*.kfpl")} == chinese
