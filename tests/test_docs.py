"""The generated documentation: pages for everything, in both languages, escaped,
deterministic, up to date, and following a change of a number in the policy."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kfpl.docs.pages import generate_docs, md, render_docs, stale_docs, write_docs
from kfpl.model import PolicySet
from kfpl.project.loader import compile_paths
from kfpl.render.vocab import LABELS
from kfpl.syntax import nodes as n

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "docs" / "policies"
POLICIES = REPO / "policies"
CJK = re.compile(r"[\u3400-\u9fff]")
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
WORD = r"[A-Za-z][A-Za-z0-9-]{2,}"


def load(path: Path) -> PolicySet:
    ps = compile_paths([str(path)]).policy_set
    assert ps is not None
    return ps


@pytest.fixture(scope="module")
def fixture_pages() -> dict[str, str]:
    return generate_docs(load(FIXTURE), POLICIES)


@pytest.fixture(scope="module")
def real_set() -> PolicySet:
    return load(POLICIES)


@pytest.fixture(scope="module")
def real_pages(real_set: PolicySet) -> dict[str, str]:
    return generate_docs(real_set, POLICIES)


# ---------------------------------------------------------------- coverage


@pytest.mark.parametrize("which", ["fixture", "real"])
def test_every_item_has_a_page_or_entry_in_both_languages(
    which: str, fixture_pages: dict[str, str], real_pages: dict[str, str], real_set: PolicySet
) -> None:
    ps, pages = (load(FIXTURE), fixture_pages) if which == "fixture" else (real_set, real_pages)
    for lang in ("zh", "en"):
        for page in ("index", "rules", "targets", "glossary", "codes"):
            assert f"{lang}/{page}.md" in pages
        for pid in ps.policies:
            assert f"{lang}/policies/{pid}.md" in pages
        for mid, measure in ps.measures.items():
            page = pages[f"{lang}/measures/{mid}.md"]
            title = measure.title.zh if lang == "zh" else measure.title.en  # type: ignore[union-attr]
            assert page.startswith(f"# {mid} {md(title)}\n")
        targets = pages[f"{lang}/targets.md"]
        for tid in ps.targets:
            assert f'<a id="{tid}"></a>' in targets
        glossary = pages[f"{lang}/glossary.md"]
        for name in ps.inputs:
            assert f'<a id="{name}"></a>' in glossary
        for name in ps.params:
            assert f"{{ #{name} }}" in glossary
        rules = pages[f"{lang}/rules.md"]
        for rid in ps.rules:
            assert f"{{ #{rid} }}" in rules


def test_parameter_entry_lists_dated_values_with_references(fixture_pages: dict[str, str]) -> None:
    zh = fixture_pages["zh/glossary.md"]
    assert "| 4.35% | 2015年10月24日 | 中国人民银行2015年10月24日公布 |" in zh
    assert "| 4.6% | 2015年8月26日 | 中国人民银行2015年8月26日公布 |" in zh
    en = fixture_pages["en/glossary.md"]
    assert "| 4.35% | 24 October 2015 | PBoC, 24 Oct 2015 |" in en


def test_measure_page_shows_rule_caps_documents_examples_and_original(
    fixture_pages: dict[str, str],
) -> None:
    zh = fixture_pages["zh/measures/mfg-2a.md"]
    assert "按不超过展会场地租赁费、布展费的30%给予补贴，单个企业每年最高不超过30万元。" in zh
    assert "- 在开封市登记注册。" in zh
    assert "- 展会合同及付款凭证" in zh
    # `award up to`: the example's result is a ceiling, as the evaluator reports it (最高)
    assert "| 1 | — | 展会场地租赁费、布展费：200万元 | — | 最高30万元 |" in zh
    assert "| 市工业和信息化局 |" in zh.replace("| 责任单位 ", "")
    # the original clause 2 of the mfg document, beside the rendering
    assert "单个企业每年最高不超过30万元。对于在中央一级媒体" in zh
    en = fixture_pages["en/measures/mfg-2a.md"]
    assert "at most CNY 300,000 per enterprise per year" in en
    assert (
        "| 2 | — | trade-fair booth rental and setup fees: CNY 400,000 | — | up to CNY 120,000 |"
        in en
    )
    assert "Municipal Bureau of Industry and Information Technology" in en


def test_ind_4_keeps_the_up_to_the_evaluator_reports(real_pages: dict[str, str]) -> None:
    en = real_pages["en/measures/ind-4.md"]
    assert "A subsidy of up to the one-year benchmark lending rate" in en
    assert "bank loan amount: CNY 10 million | — | up to CNY 435,000 |" in en
    assert "| — | 最高43.5万元 |" in real_pages["zh/measures/ind-4.md"]


def test_policy_page_has_its_header(fixture_pages: dict[str, str]) -> None:
    zh = fixture_pages["zh/policies/mfg.md"]
    assert "| 发文单位 | 开封市人民政府 |" in zh
    assert "| 印发日期 | 2020年11月17日 |" in zh
    assert "| 实施期限 | 2020年—2022年 |" in zh
    assert "| 解释单位 | 市工信局会同市财政局 |" in zh
    en = fixture_pages["en/policies/mfg.md"]
    assert "| Issued on | 17 November 2020 |" in en
    assert "| Effective period | 2020 to 2022 |" in en


def test_targets_show_goals_and_owners(fixture_pages: dict[str, str]) -> None:
    zh = fixture_pages["zh/targets.md"]
    assert "到2022年，达到2200以上<br>到2025年，达到3000以上" in zh
    assert "力争到2025年，达到8—10 | 市工业和信息化局、市财政局" in zh
    en = fixture_pages["en/targets.md"]
    assert "at least 2,200 by 2022<br>at least 3,000 by 2025" in en
    assert "8 to 10 by 2025 (aspiration)" in en


# ---------------------------------------------------------------- escaping and labels


def test_labels_cannot_break_tables_tags_or_code(fixture_pages: dict[str, str]) -> None:
    # input demonstrative: en "demonstrative | <strong> `leading`"
    row = next(r for r in fixture_pages["en/glossary.md"].splitlines() if 'id="demonstrative"' in r)
    assert "<strong>" not in row and "`leading`" not in row
    assert row.count(" | ") == 3  # four cells, the label's own bar escaped
    assert "&#124; &lt;strong&gt; &#96;leading&#96;" in row


def test_md_escapes_block_starts_and_newlines() -> None:
    assert md("line one\nline two") == "line one line two"
    assert md("- not a list") == "&#45; not a list"
    assert md("2. not a list") == "&#50;. not a list"
    assert md("2.5% stays") == "2.5% stays"
    assert md("a {#id} [x](y)") == "a &#123;&#35;id&#125; &#91;x&#93;(y)"


def test_every_label_has_both_languages() -> None:
    for key, (zh, en) in LABELS.items():
        assert zh and en, key
        assert not CJK.search(en), key
        assert CJK.search(zh), key


def _strip_markup(page: str) -> str:
    """The text a reader sees, less code, link targets, tags and zh-marked original text."""
    page = re.sub(r"^(`{3,}).*?^\1", "", page, flags=re.S | re.M)
    page = re.sub(r'<span lang="zh">.*?</span>', "", page)
    page = re.sub(r"`[^`]*`", "", page)
    page = re.sub(r"^(\?\?\?|!!!) \w+", "", page, flags=re.M)  # admonition markers
    page = re.sub(r"\]\([^)]*\)", "]", page)
    page = re.sub(r"<[^>]+>", "", page)
    page = re.sub(r"\{ #[^}]*\}", "", page)
    page = re.sub(r"&#?\w+;", " ", page)
    return page


@pytest.mark.parametrize("which", ["fixture", "real"])
def test_no_page_has_an_untranslated_label(
    which: str, fixture_pages: dict[str, str], real_pages: dict[str, str], real_set: PolicySet
) -> None:
    ps, pages = (load(FIXTURE), fixture_pages) if which == "fixture" else (real_set, real_pages)
    # English words a zh page may show: those inside the policy's own Chinese labels.
    allowed: set[str] = set()
    quoted: set[str] = set()
    for node in (x for module in ps.modules for x in module.walk()):
        zh = getattr(node, "zh", None)
        if isinstance(zh, str):
            allowed.update(w.lower() for w in re.findall(WORD, zh))
        en = getattr(node, "en", None)
        if isinstance(en, str):  # the policy's own English text, quoting 万 or 以上
            quoted.update(CJK_RUN.findall(en))
        if isinstance(node, n.Example) and node.name:  # a drafter's name, one language
            allowed.update(w.lower() for w in re.findall(WORD, node.name))
            quoted.update(CJK_RUN.findall(node.name))
    from kfpl.docs.pages import code_entries

    for entry in code_entries():  # the catalogue's own Chinese text names kfpl keywords
        for text in (entry.title_zh, entry.explanation_zh, entry.fix_zh):
            allowed.update(w.lower() for w in re.findall(WORD, text))
    ids = {*ps.measures, *ps.rules, *ps.targets, *ps.tasks, *ps.texts, *ps.policies}
    for path, page in pages.items():
        if not path.endswith(".md") or path.split("/")[1:2] == ["guide"]:  # hand-written, code
            continue
        text = _strip_markup(page)
        if path.startswith("en/"):
            for run in sorted(quoted, key=len, reverse=True):
                text = text.replace(run, " ")
            assert not CJK.search(text), (path, CJK.findall(text)[:10], text[:300])
        else:
            for word in re.findall(WORD, text):
                if word in ids or word.lower() in allowed or re.fullmatch(r"KF\d{4}", word):
                    continue
                pytest.fail(f"{path}: English word {word!r} on a Chinese page")


# ---------------------------------------------------------------- determinism and freshness


def test_pages_are_byte_identical_across_builds(
    real_set: PolicySet, real_pages: dict[str, str]
) -> None:
    again = generate_docs(load(POLICIES), POLICIES)
    assert again == real_pages
    assert list(again) == sorted(again)
    assert not any(re.search(r"\d{2}:\d{2}:\d{2}", text) for text in again.values())


def test_committed_docs_are_up_to_date(real_pages: dict[str, str]) -> None:
    stale = stale_docs(real_pages, REPO / "docs")
    assert not stale, f"run `kfpl build` (or `kfpl docs`): stale {stale[:5]}"


def test_write_docs_removes_left_over_pages(tmp_path: Path, fixture_pages: dict[str, str]) -> None:
    write_docs(fixture_pages, tmp_path)
    (tmp_path / "zh" / "measures" / "mfg-99.md").write_text("old", encoding="utf-8")
    with (tmp_path / ".kfpl-manifest").open("a", encoding="utf-8") as manifest:
        manifest.write("zh/measures/mfg-99.md\n")  # an earlier build wrote it
    (tmp_path / "guide").mkdir(exist_ok=True)
    (tmp_path / "guide" / "hand.md").write_text("# kept", encoding="utf-8")
    assert stale_docs(fixture_pages, tmp_path) == [".kfpl-manifest", "zh/measures/mfg-99.md"]
    write_docs(fixture_pages, tmp_path)
    assert not (tmp_path / "zh" / "measures" / "mfg-99.md").exists()
    assert (tmp_path / "guide" / "hand.md").exists()
    assert stale_docs(fixture_pages, tmp_path) == []


def test_codes_page_lists_every_code_with_example_and_fix(real_pages: dict[str, str]) -> None:
    from kfpl.docs.pages import code_entries

    entries = code_entries()
    if not entries:
        pytest.skip("kfpl.codes is not there yet")
    for lang in ("zh", "en"):
        page = real_pages[f"{lang}/codes.md"]
        for entry in entries:
            assert f"## {entry.code} " in page
            assert f"{{ #{entry.code.lower()} }}" in page


def test_pages_do_not_depend_on_sources_being_present(real_set: PolicySet) -> None:
    pages = render_docs(real_set, {}, [])
    assert "未找到原文。" in pages["zh/measures/mfg-2a.md"]
    assert "The original text was not found." in pages["en/measures/mfg-2a.md"]


# ---------------------------------------------------------------- a number changes


def _copy_policies(tmp_path: Path) -> Path:
    target = tmp_path / "policies"
    shutil.copytree(POLICIES, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_changing_a_cap_changes_both_pages_and_leaves_nothing_stale(tmp_path: Path) -> None:
    policies = _copy_policies(tmp_path)
    ps = load(policies)
    measure = ps.measures["mfg-2a"]
    cap = measure.caps[0]
    assert cap.amount.value == 300_000
    path = Path(cap.span.file)
    lines = path.read_text(encoding="utf-8").split("\n")
    line = lines[cap.span.line - 1]
    assert cap.amount.text in line
    lines[cap.span.line - 1] = line.replace(cap.amount.text, "45万", 1)
    path.write_text("\n".join(lines), encoding="utf-8")

    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs" / "assets", docs / "assets")
    write_docs(generate_docs(load(POLICIES), policies), docs)  # the old pages first
    changed = write_docs(generate_docs(load(policies), policies), docs)
    assert "zh/measures/mfg-2a.md" in changed and "en/measures/mfg-2a.md" in changed

    zh = (docs / "zh" / "measures" / "mfg-2a.md").read_text(encoding="utf-8")
    en = (docs / "en" / "measures" / "mfg-2a.md").read_text(encoding="utf-8")
    assert "单个企业每年最高不超过45万元" in zh
    assert "at most CNY 450,000 per enterprise per year" in en
    # what kfpl renders (the rule, the caps), less the policy's own text (notes, examples)
    for page, stale_amount in ((zh, "30万元"), (en, "CNY 300,000")):
        rendering = page.split('<div class="kf-rendering" markdown>')[1].split("</div>")[0]
        caps = page.split("{ #caps }")[1].split("\n## ")[0]
        assert stale_amount not in rendering + caps
    assert "45万元" in zh.split("{ #caps }")[1].split("\n## ")[0]
    for home in ("zh/index.md", "en/index.md"):
        text = (docs / home).read_text(encoding="utf-8")
        row = next(r for r in text.splitlines() if r.startswith("| [mfg-2a]"))
        assert ("45万元" in row) if home.startswith("zh") else ("CNY 450,000" in row)

    from kfpl.docs.site import build_site

    site = build_site(docs, strict=True, site_dir=tmp_path / "site")
    html_zh = (site / "measures" / "mfg-2a.html").read_text(encoding="utf-8")
    html_en = (site / "en" / "measures" / "mfg-2a.html").read_text(encoding="utf-8")
    assert "45万元" in html_zh and "CNY 450,000" in html_en
    assert "CNY 450,000" in html_en.split('class="kf-rendering"')[1].split("</div>")[0]


def test_every_search_result_belongs_to_a_page_with_its_own_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search shows a section under its page; a page missing from the index made
    the English explain page's results link to `undefined`, and a page title mkdocs
    could not read showed the file name ("Explain") on the Chinese site."""
    import json

    from click.testing import CliRunner

    from kfpl.cli.main import main

    pytest.importorskip("mkdocs", reason="the docs extra is not installed")
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path / "demo")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "demo")
    for command in (["build"], ["docs"]):
        result = runner.invoke(main, command)
        assert result.exit_code == 0, result.output
    # After building, `kfpl docs` says how to open the site: the file, or the server, in
    # the project's language (kfpl init writes lang = "zh").
    site = (tmp_path / "demo" / "site").resolve()
    assert f"用浏览器打开 {site / 'index.html'}" in result.output, result.output
    assert "`kfpl docs --serve`" in result.output
    index = json.loads((tmp_path / "demo/site/search/search_index.json").read_text("utf-8"))
    pages = {d["location"]: d["title"] for d in index["docs"] if "#" not in d["location"]}
    for doc in index["docs"]:
        assert doc["location"].split("#")[0] in pages, doc["location"]
    assert "en/explain.html" in pages and "explain.html" in pages
    assert CJK.search(pages["explain.html"]), pages["explain.html"]
    assert not CJK.search(pages["en/explain.html"]), pages["en/explain.html"]
    # The guides, in Chinese at the site root and in English under /en/, in the navigation.
    for guide, zh_title in (("language", "kfpl 语言参考"), ("keywords", "中文关键词"),
                            ("editors", "编辑器支持")):  # fmt: skip
        title = pages[f"guide/{guide}.html"].replace("\u200b", "")  # jieba's word breaks
        assert title.startswith(zh_title), title
        assert not CJK.search(pages[f"en/guide/{guide}.html"].split("·")[0])
    home = (tmp_path / "demo/site/index.html").read_text("utf-8")
    assert "语言参考" in home and "（英文）" not in home
