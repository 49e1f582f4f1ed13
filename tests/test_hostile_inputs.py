"""Hostile input: every bad application, population line or policy text from issue 11 is
answered with exit 2 (bad data) or exit 1 (bad policy) and a message naming the field or
line, never exit 3; and names that Python would confuse are kept apart."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import POLICIES, application

from kfpl.cli.main import main
from kfpl.diff.impact import ImpactError, load_population
from kfpl.runtime.application import ApplicationError, loads, read_money

MFG2A = {"measure": "mfg-2a", "facts": {"booth_rental": "100万", "booth_setup": "0"}}


def invoke(*args: str, stdin: bytes | None = None) -> Result:
    # The messages asserted are the English ones (the repository's kfpl.toml says zh).
    return CliRunner().invoke(main, [*args, "--lang", "en"], input=stdin)


def assert_exit(result: Result, code: int, *words: str) -> None:
    """The exit code, no traceback (click keeps an escaped exception in .exception)."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    for word in words:
        assert word in result.output, result.output


def eval_text(tmp_path: Path, text: str | bytes) -> Result:
    path = tmp_path / "app.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return invoke("eval", str(path), "--policies", str(POLICIES))


def app_text(*claims: dict[str, Any], **top: Any) -> str:
    data = application(*claims)
    data.update(top)
    return json.dumps(data, ensure_ascii=False)


# --------------------------------------------------------------------------- application JSON


@pytest.mark.parametrize(
    "amount,words",
    [
        ('"' + "9" * 27 + '"', ["booth_rental"]),
        ("9" * 27, ["booth_rental"]),
        ("1e999999999", ["out of range"]),
        ("1" * 4301, ["4301 characters"]),
        ('"1,2,3,4,5,6,7"', ["booth_rental", "commas only between groups of three"]),
        ('"１２３"', ["booth_rental"]),
        ('"١٢٣"', ["booth_rental"]),
        ('"1000000000000000.01"', ["above the limit"]),
        ('"0.001"', ["two decimals"]),
        ("NaN", ["NaN is not a number"]),
    ],
)
def test_bad_money_is_exit_2_naming_the_field(
    tmp_path: Path, amount: str, words: list[str]
) -> None:
    text = app_text(MFG2A).replace('"100万"', amount)
    assert_exit(eval_text(tmp_path, text), 2, *words)


def test_money_with_thousands_separators_and_the_limit_itself_is_read() -> None:
    assert read_money("1,234,567.50", "x") == Decimal("1234567.50")
    assert read_money("1_000_000", "x") == Decimal(1_000_000)
    assert read_money("1000000000000000", "x") == Decimal(10) ** 15
    with pytest.raises(ApplicationError, match="x:"):
        read_money("12,34", "x")


@pytest.mark.parametrize(
    "amount",
    ["0", "0.00", "007", "5.5", "5.50", "123456789012345", "123456789012345.99",
     "1000000000000000", "1000000000000000.00", "5.", ".5", "5.123", "+5", "-0", "1e3",
     "５", "٥", "5\n", "5 0",
     "30万", "30万元", "007万", "0万", "1亿", "1亿元", "99999999999万", "100000000000万",
     "9999999亿", "10000000亿", "1.5万", "30万 ", "30万万", "万", "亿元"],
)  # fmt: skip
def test_plain_amounts_read_as_every_other_way_of_writing_them(amount: str) -> None:
    """A plain digit string (or whole 万 or 亿) takes a short path; with a space in front
    it takes the general one. Both accept the same strings, give the same Decimal (digits and
    exponent), or refuse with the same message."""

    def read(text: str) -> Decimal | str:
        try:
            return read_money(text, "claims[0].facts.x")
        except ApplicationError as exc:
            return exc.text("zh") + exc.text("en")

    short, general = read(amount), read(" " + amount)
    if isinstance(short, Decimal) and isinstance(general, Decimal):
        assert short.as_tuple() == general.as_tuple()
    else:
        spaced, plain = (json.dumps(t, ensure_ascii=False) for t in (" " + amount, amount))
        assert short == general.replace(spaced, plain)


@pytest.mark.parametrize(
    "text,words",
    [
        ('{"year": 2021, "year": 2020, "enterprise": {"id": "e"}, "claims": []}',
         ['duplicate key "year"']),
        ("[" * 100_000 + "]" * 100_000, ["nested more than 20 levels"]),
        ('{"year": 2021, "enterprise": {"id": "\\ud800"}, "claims": []}',
         ["enterprise.id", "lone surrogate"]),
        ('{"year": 2021, "enterprise": {"id": "e"}, "claims": [{"measure": [1]}]}',
         ["claims[0].measure", "expected a measure id"]),
        ('{"year": 2021, "enterprise": {"id": "e"}, "claims": [{"measure": {"a": 1}}]}',
         ["claims[0].measure"]),
        ('{"year": 1e999999999, "enterprise": {"id": "e"}, "claims": []}', ["out of range"]),
        ('{"year": 99999, "enterprise": {"id": "e"}, "claims": []}', ["year"]),
        ('{"year": 2021, "enterprise": {"id": [1]}, "claims": []}', ["enterprise.id"]),
    ],
)  # fmt: skip
def test_bad_json_is_exit_2(tmp_path: Path, text: str, words: list[str]) -> None:
    assert_exit(eval_text(tmp_path, text), 2, *words)


def test_too_many_claims_and_too_large_files_are_refused(tmp_path: Path) -> None:
    many = app_text(*[{**MFG2A, "id": f"c{i}"} for i in range(1001)])
    assert_exit(eval_text(tmp_path, many), 2, "more than 1000 claims")
    big = app_text(MFG2A, note="x" * (4 * 1024 * 1024))
    assert_exit(eval_text(tmp_path, big), 2, "larger than 4 MiB")
    assert_exit(invoke("eval", "-", stdin=big.encode()), 2, "larger than 4 MiB")
    assert_exit(eval_text(tmp_path, b'{"year": 2021, "note": "\xff"}'), 2, "not UTF-8")


def test_a_duplicate_key_is_not_silently_evaluated_as_the_last_value() -> None:
    with pytest.raises(ApplicationError, match='duplicate key "year"'):
        loads('{"year": 2021, "year": 2020}')


# --------------------------------------------------------------------------- populations


@pytest.mark.parametrize(
    "bad,words",
    [
        ('{"year": 2022, "enterprise": {"id": "E9", "size": "huge"}, "claims": []}',
         ["enterprise.size"]),
        ('{"year": 2022, "enterprise": {"id": "E9"}, "claims": [{"measure": [1]}]}',
         ["claims[0].measure"]),
        ('{"year": 2022, "enterprise": {"id": "E9"}, "claims": [{"measure": "mfg-2a", '
         '"facts": {"booth_rental": ' + "9" * 5000 + "}}]}", ["5000 characters"]),
        ("[" * 100_000 + "]" * 100_000, ["nested more than"]),
        ('{"year": 2022, "claims": [7]}', ["claims[0]", "expected a claim object"]),
    ],
)  # fmt: skip
def test_a_bad_population_line_is_named_by_its_line_number(
    tmp_path: Path, bad: str, words: list[str]
) -> None:
    good = (POLICIES.parent / "examples/population/applications.jsonl").read_text("utf-8")
    lines = good.splitlines()[:750]
    lines.insert(749, bad)  # line 750 of the file (the header is line 1)
    data = tmp_path / "pop.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke(
        "diff", str(POLICIES), str(POLICIES.parent / "examples/revision-2023"),
        "--no-behaviour", "--impact", str(data),
    )  # fmt: skip
    assert_exit(result, 2, f"{data}:750", *words)
    assert "application 750" not in result.output


def test_population_lines_keep_their_numbers_for_errors(tmp_path: Path) -> None:
    data = tmp_path / "pop.jsonl"
    data.write_text('\n{"year": 2022}\n\n{"year": 2022, "year": 2023}\n', encoding="utf-8")
    with pytest.raises(ImpactError, match=r"pop.jsonl:4: not accepted: duplicate key"):
        load_population(data)


# --------------------------------------------------------------------------- policy text


def with_sources(folder: Path) -> None:
    """A project cites its own documents: the test project borrows Kaifeng's."""
    if not (folder / "sources").exists():
        shutil.copytree(POLICIES / "sources", folder / "sources")


def policy_dir(tmp_path: Path, body: str, name: str = "mfg.kfpl") -> Path:
    folder = tmp_path / "p"
    folder.mkdir(exist_ok=True)
    with_sources(folder)
    (folder / name).write_text(
        'policy mfg\n  title zh "测试" en "Test"\n  effective 2020 to 2022\n\n'
        'agency 市工业和信息化局 en "Bureau"\n\n' + body,
        encoding="utf-8",
    )
    return folder


COLLIDING = """\
input import: money zh "进口额" en "imports"
input import_: money zh "进口额二" en "imports two"
input sum: money zh "合计" en "sum"
input sum_: money zh "合计二" en "sum two"

measure mfg-1
  source mfg 1
  title zh "测试" en "Test"
  department 市工业和信息化局
  requires import_ at least 10万 and import at least 0 and sum_ at least 10万 and sum at least 0
  award 10万
  example import = 100万, import_ = 0, sum = 100万, sum_ = 100万 -> not eligible
  example import = 0, import_ = 100万, sum = 100万, sum_ = 0 -> not eligible
  example import = 0, import_ = 100万, sum = 0, sum_ = 100万 -> 10万
"""


def test_names_that_python_would_mangle_alike_stay_apart(tmp_path: Path) -> None:
    folder = policy_dir(tmp_path, COLLIDING)
    assert_exit(invoke("test", str(folder), "-v"), 0, "3 passed, 0 failed")
    source = invoke("dump", str(folder / "mfg.kfpl"), "--stage", "python").output
    assignments = [
        line.split("=")[0].strip() for line in source.splitlines() if ", ABSENT)" in line
    ]
    assert len(assignments) == len(set(assignments)) == 4, assignments


GENERATOR_NAMES = """\
input c: money zh "甲" en "c"
input ev: bool zh "乙" en "ev"

measure mfg-1
  source mfg 1
  title zh "测试" en "Test"
  department 市工业和信息化局
  requires c at least 10万 and ev
  award 10万
  example c = 100万, ev = true -> 10万
  example c = 1万, ev = true -> not eligible
"""


def test_inputs_named_like_the_generators_own_variables_are_read_and_explained(
    tmp_path: Path,
) -> None:
    """``ev`` is the evaluation and ``c`` the checks of an in-line condition: inputs of
    those names get other variables, and the condition is still explained from them."""
    from kfpl.python.evaluate import Program

    folder = policy_dir(tmp_path, GENERATOR_NAMES)
    assert_exit(invoke("test", str(folder), "-v"), 0, "2 passed, 0 failed")
    program = Program.from_paths([str(folder)])
    claim = {"id": "c1", "measure": "mfg-1", "facts": {"c": "100万", "ev": True}}
    outcome = program.run({"year": 2021, "enterprise": {"id": "e"}, "claims": [claim]})
    texts = [step.en for step in outcome.results[0].steps]
    assert "condition met: c at least CNY 100,000 (is CNY 1,000,000) and ev (is yes)" in texts


def test_the_python_names_are_one_to_one_and_assignable() -> None:
    import builtins
    import keyword
    import random

    from kfpl.python.codegen import ident

    rng = random.Random(3)
    names = {"import", "import_", "import__", "sum", "sum_", "__debug_", "__debug__", "_", "__"}
    names |= {n + "_" for n in dir(builtins) if n.islower()} | set(keyword.kwlist)
    names |= {"".join(rng.choices("ab_", k=rng.randint(1, 5))) for _ in range(500)}
    names = {n for n in names if n.islower() or set(n) <= {"_"}}
    out = {ident(n): n for n in names}
    assert len(out) == len(names)  # one-to-one
    for py in out:
        compile(f"def f():\n    {py} = 1\n", "<t>", "exec")  # an assignable local name
        assert not keyword.iskeyword(py) and not hasattr(builtins, py)


def test_two_files_with_one_name_are_an_error_not_an_overwrite(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    for folder in ("a", "b"):
        with_sources(tmp_path / folder)
    (tmp_path / "a/mfg.kfpl").write_text((POLICIES / "mfg.kfpl").read_text("utf-8"), "utf-8")
    (tmp_path / "a/common.kfpl").write_text((POLICIES / "common.kfpl").read_text("utf-8"), "utf-8")
    (tmp_path / "b/mfg.kfpl").write_text((POLICIES / "ind.kfpl").read_text("utf-8"), "utf-8")
    folders = (str(tmp_path / "a"), str(tmp_path / "b"))
    assert_exit(invoke("check", *folders), 1, "KF0101", "two policy files are named `mfg.kfpl`")
    assert_exit(invoke("build", *folders, "--out", str(tmp_path / "gen")), 1, "KF0101")
    assert not (tmp_path / "gen").exists()


def test_a_nul_byte_in_a_title_is_refused_by_check(tmp_path: Path) -> None:
    folder = policy_dir(tmp_path, "").parent / "p"
    text = (folder / "mfg.kfpl").read_text("utf-8").replace('"测试"', '"测\x00试"', 1)
    (folder / "mfg.kfpl").write_text(text, "utf-8")
    assert_exit(invoke("check", str(folder)), 1, "KF0011", "U+0000", "mfg.kfpl:2:")


# --------------------------------------------------------------------------- steps


def earlier_revenue(app: dict[str, Any]) -> dict[str, Any]:
    """mfg-1 is paid for steps first passed: it reads the revenue of every earlier year."""
    app["history"] = [{"year": year, "facts": {"main_revenue": "10亿"}} for year in (2019, 2020)]
    return app


def test_mfg1_at_the_money_limit_is_explained_in_a_few_lines(tmp_path: Path) -> None:
    claim = {"measure": "mfg-1", "facts": {"main_revenue": "1000000000000000"}}
    result = invoke(
        "eval", "-", "--policies", str(POLICIES), "--explain", "--lang", "en",
        stdin=json.dumps(earlier_revenue(application(claim))).encode(),
    )  # fmt: skip
    assert_exit(result, 0, "passed 199997 steps from CNY 15,000,000,000")
    assert len(result.output.splitlines()) < 40


# --------------------------------------------------------------------------- command line


@pytest.mark.parametrize(
    "args,words",
    [
        (["diff", "a", "b", "c", "d", "e", "f", "g"], ["seven arguments", "No such file"]),
        (["diff", "--rev", "HEAD", "/", "--no-behaviour"], ["outside the repository"]),
        (["diff", "--rev=-r", "--no-behaviour"], ["`-r` is not a revision"]),
        (["diff", "--rev", "HEAD", "--rev=--full-tree"], ["`--full-tree` is not a revision"]),
    ],
)
def test_bad_diff_arguments_are_exit_2(args: list[str], words: list[str]) -> None:
    assert_exit(invoke(*args), 2, *words)


@pytest.mark.parametrize(
    "old,new",
    [
        ("  cap 30万 per year", "  cap 99999999999999999999999999999万 per year"),
        ("-> 30万", "-> " + "9" * 400),
        ("booth_rental = 100万", "booth_rental = 1e999999999"),
    ],
)
def test_huge_numbers_in_caps_and_examples_are_policy_errors(
    tmp_path: Path, old: str, new: str
) -> None:
    import shutil

    folder = tmp_path / "p"
    shutil.copytree(POLICIES, folder)
    text = (folder / "mfg.kfpl").read_text("utf-8")
    assert old in text
    (folder / "mfg.kfpl").write_text(text.replace(old, new, 1), "utf-8")
    result = invoke("test", str(folder))
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    result = invoke("diff", str(POLICIES), str(folder), "--no-behaviour")
    assert result.exit_code == 1, result.output


def test_a_file_name_that_is_not_utf8_is_exit_2(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "p"
    folder.mkdir()
    with_sources(folder)
    name = os.fsdecode(b"a\xff.kfpl")
    (folder / name).write_text(
        (POLICIES.parent / "tests/fixtures/props/tiny.kfpl").read_text("utf-8"), "utf-8"
    )
    assert_exit(invoke("check", str(folder)), 2, "not UTF-8", "a\\xff.kfpl")
    out = str(tmp_path / "gen")
    assert_exit(invoke("build", str(folder), "--out", out, "--docs", str(tmp_path / "d")), 2)


@pytest.mark.parametrize(
    "text",
    [
        '{"claims": ' + "[" * 21 + "]" * 21 + "}",  # nested too deep, far from the first bracket
        '{"claims": [' + ", ".join(["{}"] * 30) + "], " + '"x": ' + "[" * 19 + "]" * 19 + "}",
        '{"enterprise": {"\\uDC00": 1}}',  # a lone surrogate in a key, upper-case escape
        '{"enterprise": {"id": "a\\ud83d"}}',  # half of a pair
        '{"a": "\\\\ud800"}',  # an escaped backslash: no surrogate, only looks like one
    ],
)
def test_json_limits_give_the_full_walk_s_answer(text: str) -> None:
    """``loads`` skips the walk over every value where its text shows no lone surrogate
    and too few brackets to nest too deep; whatever it decides is what the walk over
    every value (with the path of each) decides."""
    from kfpl.runtime.application import ApplicationError, _validate, loads

    def verdict(check: Any) -> str:
        try:
            check()
        except ApplicationError as exc:
            return str(exc)
        return "accepted"

    walked = verdict(lambda: _validate(json.loads(text)))
    assert verdict(lambda: loads(text)) == walked
    assert walked == "accepted" or "nested more than 20" in walked or "surrogate" in walked
