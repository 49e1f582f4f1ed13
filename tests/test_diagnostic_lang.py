"""Diagnostics in Chinese and English: `--lang`, then kfpl.toml's `lang`, then the locale;
the caret under the right column after Chinese text; every catalogue example's message in
Chinese without English words, and in English without Chinese."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfpl.cli.lang import from_locale
from kfpl.cli.main import main
from kfpl.codes import CODES, full_text
from kfpl.diagnostics import Diagnostic, display_width
from kfpl.project.loader import compile_texts
from kfpl.runtime.bilingual import Text
from kfpl.syntax.parser import keyword_rules

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "broken"
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", *args])
    return result.exit_code, result.output


# --------------------------------------------------------------------------- the caret


def caret_under(output: str, line_no: int) -> tuple[str, str]:
    """The quoted source line and the caret line under it, gutter removed."""
    lines = output.splitlines()
    at = next(i for i, s in enumerate(lines) if re.match(rf"^\s*{line_no} \| ", s))
    source, marks = lines[at], lines[at + 1]
    bar = source.index("| ") + 2
    return source[bar:], marks[bar:]


def test_chinese_message_with_the_caret_under_the_chinese_word() -> None:
    path = BROKEN / "chinese_threshold.kfpl"
    code, out = check(str(path), "--lang", "zh")
    assert code == 1
    assert "错误[KF0010]：中文词 `以上` 在此处不是 kfpl 关键词" in out, out
    assert "= 帮助：改写为 `at least 500万`" in out and "kfpl: 共 1 个错误" in out, out
    source, marks = caret_under(out, 16)
    start = source.index("及以上")
    # 500万 before the mark: 万 takes two columns, so the caret starts one column later
    # than a count of characters would put it, and 及以上 takes six.
    assert marks.index("^") == display_width(source[:start]) == start + 1
    assert marks.split()[0] == "^" * display_width("及以上")
    assert marks.endswith("意为 `at least`")
    assert "error" not in out and "help" not in out


def test_english_message_with_lang_en() -> None:
    code, out = check(str(BROKEN / "chinese_threshold.kfpl"), "--lang", "en")
    assert code == 1
    assert "error[KF0010]: the Chinese word `以上` is not a kfpl keyword here" in out, out
    assert "= help: write `at least 500万`" in out and "kfpl: 1 error" in out
    assert "错误" not in out and "帮助" not in out


def test_secondary_labels_and_summary_of_several_in_chinese() -> None:
    code, out = check(str(BROKEN / "many_errors.kfpl"), "--lang", "zh")
    assert code == 1
    assert "首次在此声明为措施" in out  # the secondary label of KF0101
    errors = out.count("错误[")
    assert f"kfpl: 共 {errors} 个错误" in out and errors > 1


def test_short_form_and_ok_line_follow_lang(tmp_path: Path) -> None:
    _, out = check(str(BROKEN / "tier_overlap.kfpl"), "--format", "short", "--lang", "zh")
    assert "KF0501 档次 `at least 20亿 and at most 30亿` 与 `at most 20亿` 重叠" in out, out
    code, out = check(str(ROOT / "policies"), "--lang", "zh")
    assert code == 0 and out.startswith("检查通过：") and "项措施" in out, out
    code, out = check(str(ROOT / "policies"), "--lang", "en")
    assert code == 0 and out.startswith("ok: "), out


# --------------------------------------------------------------------------- which language


def project(tmp_path: Path, lang: str | None) -> Path:
    """A project whose one file has an error; kfpl.toml sets `lang` or not."""
    (tmp_path / "kfpl.toml").write_text(
        f'lang = "{lang}"\n' if lang else "# no lang: the locale decides\n", "utf-8"
    )
    (tmp_path / "p.kfpl").write_text((BROKEN / "tier_gap.kfpl").read_text("utf-8"), "utf-8")
    (tmp_path / "sources").mkdir()
    for doc in (ROOT / "policies" / "sources").glob("*.json"):
        (tmp_path / "sources" / doc.name).write_text(doc.read_text("utf-8"), "utf-8")
    return tmp_path


def spoken(out: str) -> str:
    if "错误[KF" in out and "error[KF" not in out:
        return "zh"
    if "error[KF" in out and "错误[KF" not in out:
        return "en"
    raise AssertionError(out)


LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL decides
        ({"LC_ALL": "zh_CN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "zh"),
        ({"LC_ALL": "", "LANG": "zh_SG"}, "zh"),  # an empty variable is not set
        ({}, "en"),
    ],
)
def test_without_flag_or_project_lang_the_locale_decides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], lang: str
) -> None:
    for var in LOCALE_VARS:
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert from_locale() == lang
    folder = project(tmp_path, None)
    assert spoken(check(str(folder))[1]) == lang


@pytest.mark.parametrize("locale", ["zh_CN.UTF-8", "en_US.UTF-8"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_project_file_beats_the_locale_and_the_flag_beats_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, locale: str, lang: str
) -> None:
    monkeypatch.setenv("LC_ALL", locale)
    folder = project(tmp_path, lang)
    assert spoken(check(str(folder))[1]) == lang
    assert spoken(check(str(folder / "p.kfpl"))[1]) == lang  # a file: its project's
    other = "en" if lang == "zh" else "zh"
    assert spoken(check(str(folder), "--lang", other)[1]) == other


def test_every_command_takes_lang() -> None:
    runner = CliRunner()
    names = main.list_commands(None)  # type: ignore[arg-type]
    assert {"check", "test", "eval", "list", "diff", "targets", "explain", "fmt"} <= set(names)
    for name in names:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "--lang" in result.output, name


def test_json_and_sarif_carry_both_languages() -> None:
    path = str(BROKEN / "tier_overlap.kfpl")
    data = json.loads(check(path, "--format", "json", "--lang", "zh")[1])
    (diag,) = data["diagnostics"]
    assert data["lang"] == "zh" and data["summary"] == "共 1 个错误"
    assert diag["message"] == diag["translations"]["zh"]["message"] and CJK.search(diag["message"])
    assert diag["translations"]["en"]["message"].startswith("tiers `at least 20亿")
    assert diag["secondary"][0]["label"] == "先满足的档次"
    log = json.loads(check(path, "--format", "sarif", "--lang", "zh")[1])
    (result,) = log["runs"][0]["results"]
    assert result["message"]["text"] == result["properties"]["message_zh"]
    assert result["properties"]["message_en"].startswith("tiers `at least 20亿")
    rule = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["shortDescription"]["text"] == CODES["KF0501"].title_zh


def test_a_bad_project_file_and_a_missing_path_in_both_languages(tmp_path: Path) -> None:
    (tmp_path / "kfpl.toml").write_text('lang = "fr"\n', "utf-8")
    (tmp_path / "p.kfpl").write_text((BROKEN / "tier_gap.kfpl").read_text("utf-8"), "utf-8")
    code, out = check(str(tmp_path), "--lang", "zh")
    assert code == 2 and '`lang` 应为 "zh" 或 "en"' in out, out
    code, out = check(str(tmp_path), "--lang", "en")
    assert code == 2 and '`lang` must be "zh" or "en"' in out, out
    code, out = check(str(tmp_path / "nothere.kfpl"), "--lang", "zh")
    assert code == 2 and "没有这个文件或文件夹" in out, out


def test_eval_names_the_field_in_chinese(tmp_path: Path) -> None:
    app = tmp_path / "app.json"
    app.write_text('{"year": 2021, "enterprise": {"id": "e"}, "claims": {}}', "utf-8")
    result = CliRunner().invoke(main, ["eval", str(app), "--lang", "zh"])
    assert result.exit_code == 2
    assert result.output.strip() == f"kfpl: {app}：claims：应为申报事项列表"
    result = CliRunner().invoke(main, ["eval", str(app), "--lang", "en"])
    assert result.output.strip() == f"kfpl: {app}: claims: expected a list of claims"


def test_kfpl_test_failure_lines_in_chinese(tmp_path: Path) -> None:
    CliRunner().invoke(main, ["init", str(tmp_path / "demo")])
    policy = tmp_path / "demo" / "expo.kfpl"
    text = policy.read_text("utf-8")
    policy.write_text(text.replace("-> 4万", "-> 94万", 1), "utf-8")
    assert policy.read_text("utf-8") != text
    result = CliRunner().invoke(main, ["test", str(tmp_path / "demo"), "--lang", "zh"])
    assert result.exit_code == 1
    assert "失败 expo-1" in result.output and "预期 94万元，实际 4万元" in result.output
    assert "通过 1 个，失败 1 个" in result.output
    result = CliRunner().invoke(main, ["test", str(tmp_path / "demo"), "--lang", "en"])
    assert "expected CNY 940,000, got CNY 40,000" in result.output


# --------------------------------------------------------------------------- the words


def catalogue_diagnostics() -> list[tuple[str, Diagnostic, str]]:
    out = []
    for code, entry in CODES.items():
        if not entry.example:
            continue
        text = full_text(entry)
        for diag in compile_texts({"example.kfpl": text}).diagnostics:
            if diag.code == code:
                out.append((code, diag, text))
    return out


EXAMPLES = catalogue_diagnostics()


def _words(diag: Diagnostic, lang: str) -> list[str]:
    texts: list[Text] = [diag.message, diag.label, diag.help, *(s.label for s in diag.secondary)]
    return [t[lang] for t in texts if t[lang]]


def _outside_code(text: str) -> str:
    """The text without its code spans (`…`) and quoted source text ("…")."""
    return re.sub(r'`[^`]*`|"[^"]*"', " ", text)


# Words a Chinese message may show outside code spans: the product, units of measure,
# the names of formats and of character codes.
ALLOWED_ASCII = {"kfpl", "MiB", "UTF", "JSON", "TOML", "YYYY", "MM", "DD"}


def test_a_code_span_is_set_apart_from_chinese_by_a_space() -> None:
    assert Text("措施 `mfg-2a`缺少`title`（标题）", "").zh == "措施 `mfg-2a` 缺少 `title`（标题）"
    assert Text("是否应为 `x`？", "").zh == "是否应为 `x`？"  # punctuation needs none
    kf0303 = next(d for c, d, _ in EXAMPLES if c == "KF0303")
    assert kf0303.message.zh == "措施 `mfg-2a` 缺少 `title`（标题）"


def test_every_catalogue_example_is_covered() -> None:
    codes = {code for code, _, _ in EXAMPLES}
    assert codes == {c for c in CODES if CODES[c].example}


@pytest.mark.parametrize(("code", "diag", "source"), EXAMPLES, ids=[c for c, _, _ in EXAMPLES])
def test_chinese_words_have_no_english_but_identifiers(
    code: str, diag: Diagnostic, source: str
) -> None:
    keywords = {w for forms in keyword_rules().values() for f in forms for w in f if w.isascii()}
    # Identifiers: the names the source declares and uses, not its English keywords.
    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", source)) - keywords
    for text in _words(diag, "zh"):
        assert CJK.search(text), text
        rest = re.sub(r"U\+[0-9A-F]{4,6}", " ", _outside_code(text))  # a character's code
        for word in re.findall(r"[A-Za-z][A-Za-z0-9_]*", rest):
            ok = word in names or word in ALLOWED_ASCII
            assert ok, f"{code}: English word {word!r} in {text!r}"


@pytest.mark.parametrize(("code", "diag", "source"), EXAMPLES, ids=[c for c, _, _ in EXAMPLES])
def test_english_words_have_no_chinese_but_source_text(
    code: str, diag: Diagnostic, source: str
) -> None:
    for text in _words(diag, "en"):
        rest = _outside_code(text)
        # A kfpl number keeps its unit as written (20亿, 30万元): that is source text too.
        rest = re.sub(r"\d[\d.,_]*(?:万元|亿元|万|亿|元)", " ", rest)
        for name in re.findall(r"[\u3400-\u9fff]+", rest):
            assert name in source, f"{code}: Chinese {name!r} in {text!r}"
        assert not re.search(r"[\uff00-\uffef\u3000-\u303f]", rest), f"{code}: {text!r}"


# --------------------------------------------------------------------------- every Text literal


def _literal(node: ast.expr) -> str | None:
    """A string literal's text, each interpolated value as a NUL (it is an identifier, a
    number or another Text's same-language half, checked where that one is written)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else "\0" for v in node.values)
    return None


def text_literals() -> list[tuple[str, str, str]]:
    """Every ``Text("…", "…")`` written in kfpl: (where, zh, en)."""
    found = []
    for path in sorted((ROOT / "kfpl").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id == "Text" and len(node.args) == 2:
                zh, en = (_literal(a) for a in node.args)
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", zh or "", en or ""))
    return found


LITERALS = text_literals()


def test_the_literals_are_found() -> None:
    assert len(LITERALS) > 300  # every diagnostic site writes its words as Text(zh, en)


def test_no_chinese_literal_has_an_english_word_outside_code() -> None:
    bad = []
    for where, zh, _ in LITERALS:
        rest = re.sub(r"U\+[0-9A-F]{4,6}", " ", _outside_code(zh))
        words = set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", rest)) - ALLOWED_ASCII - {"U", "Parquet"}
        if words:
            bad.append(f"{where}: {sorted(words)} in {zh!r}")
    assert bad == []


def test_no_english_literal_has_chinese_outside_code() -> None:
    bad = []
    for where, _, en in LITERALS:
        rest = re.sub(r"\d[\d.,_]*(?:万元|亿元|万|亿|元)", " ", _outside_code(en))
        if CJK.search(rest):
            bad.append(f"{where}: {en!r}")
    assert bad == []
