"""`kfpl fmt`: one layout, idempotent, comments kept; `--keywords zh|en` converts a policy
set without changing what it decides; Chinese keywords are read exactly as English ones."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuzz_corpus import PIECES, seeds

from kfpl.cli.main import main
from kfpl.project.loader import compile_paths, compile_texts
from kfpl.syntax.formatter import FormatError, format_text
from kfpl.syntax.parser import parse

ROOT = Path(__file__).resolve().parent.parent
POLICIES = sorted((ROOT / "policies").glob("*.kfpl"))


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_policies_are_formatted_and_formatting_is_idempotent(path: Path) -> None:
    text = path.read_text("utf-8")
    assert format_text(text) == text
    for keywords in ("zh", "en"):
        once = format_text(text, keywords)  # type: ignore[arg-type]
        assert format_text(once, keywords) == once  # type: ignore[arg-type]
        assert format_text(once) == once


def test_idempotent_on_the_fuzz_corpus_where_it_parses() -> None:
    rng = random.Random(7)
    texts = seeds()
    for seed in list(texts):
        for _ in range(3):  # mutations: a piece inserted somewhere, often still valid
            at = rng.randrange(len(seed) + 1)
            texts.append(seed[:at] + " " + rng.choice(PIECES) + " " + seed[at:])
    formatted = 0
    for text in texts:
        if parse(text)[0] is None:
            with pytest.raises(FormatError):
                format_text(text)
            continue
        once = format_text(text)
        assert format_text(once) == once
        assert parse(once)[0].items == parse(text)[0].items  # type: ignore[union-attr]
        formatted += 1
    assert formatted > 40


def test_layout_comments_and_blank_lines() -> None:
    messy = (
        "# heading comment\n\n\n"
        "measure   mfg-1   # trailing\n"
        "      source mfg 1\n"
        "# about the award\n"
        "   award tiers on x\n"
        "  at least 1万 and less than 2万 -> 1万   otherwise->2万\n"
        "\n\n\n"
        'input x : money zh "甲"\n'
        '      en "x"\n'
        'enum e\n  value a zh "一" en "one"\n  value bbb zh "二" en "two"\n'
    )
    assert format_text(messy) == (
        "# heading comment\n\n"
        "measure mfg-1  # trailing\n"
        "  source mfg 1\n"
        "  # about the award\n"
        "  award tiers on x\n"
        "    at least 1万 and less than 2万 -> 1万\n"
        "    otherwise -> 2万\n"
        "\n"
        'input x: money zh "甲"\n'
        '               en "x"\n'
        "enum e\n"
        '  value a   zh "一" en "one"\n'
        '  value bbb zh "二" en "two"\n'
    )


def test_keywords_convert_both_ways() -> None:
    en = (
        "measure mfg-2a\n"
        "  requires industrial_enterprise and main_revenue at least 500万\n"
        "  award up to 30% of booth_rental + booth_setup\n"
        "  cap 30万 per year\n"
        "  once per product\n"
        '  example "x" in 2021 booth_rental = 100万, given mfg-2a paid 20万 in 2020 -> 10万\n'
    )
    zh = format_text(en, "zh")
    assert zh == (
        "措施 mfg-2a\n"
        "  条件 industrial_enterprise 且 main_revenue 不低于 500万\n"
        "  奖励 最高 30% 的 booth_rental + booth_setup\n"
        "  上限 30万 每年\n"
        "  一次性 每 product\n"
        '  例 "x" 在 2021 booth_rental = 100万, 此前 mfg-2a 已获 20万 在 2020 -> 10万\n'
    )
    assert format_text(zh, "en") == en
    # Chinese writes 以上 after the number; in English the comparison comes first.
    assert format_text("措施 mfg-1\n  条件 x 500万以上\n", "en") == (
        "measure mfg-1\n  requires x at least 500万\n"
    )


def test_enterprise_origin_and_chinese_dates_read_as_their_english_forms() -> None:
    """`来自 企业` is `from enterprise`; a date after 印发, in a parameter's 取值 … 自 and in
    an example's facts may be written as Chinese writes it (2024年1月22日)."""
    zh = (
        "政策 expo\n"
        "  印发 2024年1月15日\n"
        '数据项 size: size_class 来自 企业 zh "企业规模" en "enterprise size"\n'
        '参数 lpr: 比例 zh "贷款市场报价利率" en "loan prime rate"\n'
        '  取值 3.45% 自 2024年1月22日 依据 zh "公布" en "published"\n'
        "措施 expo-1\n"
        "  例 opened = 2024年3月1日 -> 1万\n"
    )
    en = (
        "policy expo\n"
        "  issued 2024-01-15\n"
        'input size: size_class from enterprise zh "企业规模" en "enterprise size"\n'
        'parameter lpr: rate zh "贷款市场报价利率" en "loan prime rate"\n'
        '  value 3.45% from 2024-01-22 ref zh "公布" en "published"\n'
        "measure expo-1\n"
        "  example opened = 2024-03-01 -> 1万\n"
    )

    def items(text: str) -> tuple[object, ...]:
        module, problems = parse(text, "a.kfpl")
        assert not problems, problems
        return module.items

    assert items(zh) == items(en)  # the same tree, so the same checked model
    assert items(zh)[1].origin == "enterprise"  # type: ignore[attr-defined]
    # `kfpl fmt --keywords` converts the keywords and keeps each date as written.
    converted = format_text(zh, "en")
    assert "input size: size_class from enterprise zh" in converted
    assert "  issued 2024年1月15日\n" in converted
    assert "  value 3.45% from 2024年1月22日 ref" in converted
    assert format_text(converted, "zh") == format_text(zh)
    assert "来自 企业" in format_text(en, "zh")


def test_the_laws_own_words_read_the_same_in_both_keyword_forms() -> None:
    """`called` (称为) names the award, a label after `identified by` (区分依据) the item,
    a label after a percent's base the sum, as the law words them."""
    en = (
        "measure mfg-12b\n"
        '  award 20% of a + b zh "技术引进等费用总和" en "the total"\n'
        '  called zh "补助" en "subsidy"\n'
        '  identified by product zh "品种" en "product"\n'
    )
    zh = format_text(en, "zh")
    assert zh == (
        "措施 mfg-12b\n"
        '  奖励 20% 的 a + b zh "技术引进等费用总和" en "the total"\n'
        '  称为 zh "补助" en "subsidy"\n'
        '  区分依据 产品 zh "品种" en "product"\n'
    )
    (measure,) = parse(zh, "a.kfpl")[0].items
    assert parse(en, "a.kfpl")[0].items == (measure,)
    assert measure.called.zh == "补助" and measure.item_label.zh == "品种"  # type: ignore[attr-defined]
    assert measure.award.form.base_label.zh == "技术引进等费用总和"  # type: ignore[attr-defined]
    # An example's bilingual name; the facts after it are names, even a keyword's word.
    named = (
        'measure ind-1\n  example zh "一般情形" en "ordinary" chain = agri, en_route = 1 -> 1万\n'
    )
    (case,) = parse(named, "a.kfpl")[0].items[0].examples  # type: ignore[attr-defined]
    assert (case.name, case.name_zh, [f.name for f in case.facts]) == (
        "ordinary",
        "一般情形",
        ["chain", "en_route"],
    )
    assert case.title("zh") == "一般情形" and case.title("en") == "ordinary"
    assert format_text(format_text(named, "zh"), "en") == named
    unit = 'input n: count zh "台数" en "machines" unit zh "台" en "machine"\n'
    assert format_text(unit, "zh") == (
        '数据项 n: 数量 zh "台数" en "machines" 单位 zh "台" en "machine"\n'
    )
    assert format_text(format_text(unit, "zh"), "en") == unit
    assert parse(format_text(unit, "zh"), "a.kfpl")[0].items == parse(unit, "a.kfpl")[0].items


def test_type_names_have_chinese_forms_that_give_the_same_model() -> None:
    en = (
        'input a: money zh "甲" en "a"\n'
        'input b: list(price: money zh "价" en "price", n: count zh "数" en "n") zh "乙" en "b"\n'
        'input c: bool zh "丙" en "c"\n'
        'input d: date zh "丁" en "d"\n'
        'input e: year zh "戊" en "e"\n'
        'input f: text zh "己" en "f"\n'
        'parameter r: rate zh "利率" en "rate"\n'
        '  value 4.35% from 2015-10-24 ref zh "公布" en "published"\n'
    )
    zh = format_text(en, "zh")
    assert zh.splitlines()[:2] == [
        '数据项 a: 金额 zh "甲" en "a"',
        '数据项 b: 列表(price: 金额 zh "价" en "price", n: 数量 zh "数" en "n") zh "乙" en "b"',
    ]
    for word in ("是否", "日期", "年份", "文字", "比例"):
        assert f": {word} zh" in zh
    assert format_text(zh, "en") == en
    assert parse(zh, "a.kfpl")[0].items == parse(en, "a.kfpl")[0].items
    # an unknown type is told the Chinese names beside the English ones
    comp = compile_texts({"mfg.kfpl": '数据项 a: money_amount zh "甲" en "a"\n'})
    (unknown,) = [d for d in comp.diagnostics if d.code == "KF0104"]
    assert unknown.help is not None
    assert "`年份`（`year`）" in unknown.help.zh and "`文字`（`text`）" in unknown.help.zh


def _write_converted(tmp_path: Path, keywords: str) -> Path:
    out = tmp_path / keywords
    shutil.copytree(ROOT / "policies", out)
    result = CliRunner().invoke(main, ["fmt", "--keywords", keywords, str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_the_policy_set_in_chinese_keywords_decides_the_same(tmp_path: Path) -> None:
    zh = _write_converted(tmp_path, "zh")
    text = (zh / "mfg.kfpl").read_text("utf-8")
    assert "\nmeasure " not in text and "\n措施 mfg-2a\n" in text and "  奖励 " in text
    original, converted = compile_paths([str(ROOT / "policies")]), compile_paths([str(zh)])
    assert converted.ok, [d.one_line() for d in converted.diagnostics]
    assert original.policy_set is not None and converted.policy_set is not None
    for a, b in zip(original.policy_set.modules, converted.policy_set.modules, strict=True):
        assert a.items == b.items  # the same tree, so the same checked model
    assert converted.policy_set.measures == original.policy_set.measures
    runner = CliRunner()
    assert runner.invoke(main, ["test", str(zh)]).exit_code == 0
    app = str(ROOT / "examples" / "application.json")
    before = runner.invoke(main, ["eval", app, "--format", "json"])
    after = runner.invoke(main, ["eval", app, "--format", "json", "--policies", str(zh)])
    assert before.exit_code == after.exit_code == 0
    assert json.loads(after.output) == json.loads(before.output)
    # And back: the English set is the original, byte for byte.
    result = runner.invoke(main, ["fmt", "--keywords", "en", str(zh)])
    assert result.exit_code == 0
    for path in POLICIES:
        assert (zh / path.name).read_text("utf-8") == path.read_text("utf-8")


def test_check_lists_the_files_that_would_change(tmp_path: Path) -> None:
    good = tmp_path / "good.kfpl"
    bad = tmp_path / "bad.kfpl"
    good.write_text("measure mfg-1\n  award 1万\n", "utf-8")
    bad.write_text("measure   mfg-1\n award 1万\n", "utf-8")
    result = CliRunner().invoke(main, ["fmt", "--check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"would reformat: {bad}" in result.output and str(good) not in result.output
    assert bad.read_text("utf-8") == "measure   mfg-1\n award 1万\n"  # --check writes nothing
    assert CliRunner().invoke(main, ["fmt", str(tmp_path)]).exit_code == 0
    assert bad.read_text("utf-8") == "measure mfg-1\n  award 1万\n"


def test_a_file_with_syntax_errors_is_reported_not_formatted(tmp_path: Path) -> None:
    bad = tmp_path / "bad.kfpl"
    bad.write_text("measure mfg-1\n  awrd 1万\n", "utf-8")
    result = CliRunner().invoke(main, ["fmt", str(bad)])
    assert result.exit_code == 1 and "KF0005" in result.output
    assert bad.read_text("utf-8") == "measure mfg-1\n  awrd 1万\n"


# --------------------------------------------------------------------------- Chinese keywords

HEAD = 'policy mfg\n  title zh "制造业" en "Manufacturing"\n'


def first_code(text: str) -> tuple[str, int, int, str]:
    diag = compile_texts({"p.kfpl": HEAD + text}).diagnostics[0]
    return diag.code, diag.span.line, diag.span.column, diag.help.en


def test_full_width_punctuation_in_chinese_keyword_text_gets_its_help() -> None:
    code, line, col, help = first_code("措施 mfg-1\n  主管部门 市工业和信息化局，市财政局\n")
    assert (code, line, col) == ("KF0002", 4, 16) and "`,`" in help
    code, _, col, help = first_code("措施 mfg-1\n  奖励 30％ 的 fees\n")
    assert (code, col) == ("KF0002", 8) and "`%`" in help
    code, _, _, help = first_code("数据项 fees：money\n")
    assert code == "KF0002" and "`:`" in help


def test_chinese_keywords_do_not_swallow_chinese_names() -> None:
    # An agency whose name begins with a keyword (来源, 标题) is still one name.
    text = (
        HEAD + '机构 来源核查中心 en "Source centre"\n'
        "措施 mfg-1\n  来源 mfg 附则\n  主管部门 来源核查中心\n  奖励 1万\n"
    )
    module, diags = parse(text)
    assert diags == [] and module is not None
    agency, measure = module.items[1], module.items[2]
    assert agency.name == "来源核查中心"  # type: ignore[union-attr]
    assert measure.departments == ("来源核查中心",)  # type: ignore[union-attr]
    assert measure.source.clause == "附则"  # type: ignore[union-attr]


def test_misspelled_chinese_keyword_is_suggested() -> None:
    code, _, _, help = first_code("措施 mfg-1\n  奖历 1万\n")
    assert code in ("KF0005", "KF0001"), help


def test_chinese_slips_get_the_chinese_keyword() -> None:
    assert first_code("措施 mfg-1\n  部门 市工业和信息化局\n")[3] == "write `主管部门`"
    assert first_code("措施 mfg-1\n  条件 x 且 y 并且 z\n")[3] == "write `且`"
    assert first_code("措施 mfg-1\n  条件 x 不少于 5\n")[3] == "write `不低于`"
    # KF0010 names the Chinese keyword too.
    code, _, _, help = first_code("措施 mfg-1\n  条件 x 30万及以下\n")
    assert code == "KF0010" and "`不超过`" in help


def test_what_is_expected_is_said_in_the_language_being_written() -> None:
    help_zh = first_code("措施 mfg-1\n  例 x = 1 -> 不符合\n")[3]
    assert "`不符合条件`" in help_zh and "`not`" not in help_zh
    help_en = first_code("measure mfg-1\n  example x = 1 -> eligible\n")[3]
    assert "`not`" in help_en and "不符合条件" not in help_en
