"""Start-up: what `kfpl eval` loads, and the user cache that spares it the compiler.

The cache (kfpl.cache) holds the built parser and the compiled evaluators of a policy
set; these tests check that it never answers stale: an edited policy, an edited grammar
or a damaged entry gives what a fresh compile gives.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfpl.cli.main import main

ROOT = Path(__file__).resolve().parent.parent

# Run `kfpl eval` in a fresh interpreter and print the modules it loaded.
_PROBE = """
import json, sys
from kfpl.cli.main import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print("\\nMODULES " + json.dumps(sorted(sys.modules)))
"""


def eval_modules(cwd: Path, cache: Path, *args: str) -> tuple[str, set[str]]:
    env = {**os.environ, "KFPL_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, "eval", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    out, _, modules = proc.stdout.rpartition("\nMODULES ")
    return out, set(json.loads(modules))


def top(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules} | modules


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init", "demo"])
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path / "demo")
    monkeypatch.setenv("KFPL_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "demo"


def total(demo: Path) -> str:
    result = CliRunner().invoke(main, ["eval", "examples/application.json", "--format", "json"])
    assert result.exit_code == 0, result.output
    return str(json.loads(result.output)["total"])


def test_eval_loads_neither_the_other_commands_nor_with_a_cache_the_compiler(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    app = str(ROOT / "examples" / "application.json")
    cold, first = eval_modules(ROOT, cache, app, "--format", "json")
    warm, second = eval_modules(ROOT, cache, app, "--format", "json")
    assert warm == cold  # the cached evaluators answer what the compiled ones did
    never = {"kfpl.diff", "kfpl.docs", "kfpl.serve", "kfpl.targets", "matplotlib", "mkdocs",
             "starlette", "uvicorn", "pygls"}  # fmt: skip
    assert not never & top(first), never & top(first)
    # With the evaluators cached, no parsing, checking or code generation at all.
    compiler = {"lark", "jinja2", "kfpl.check.checker", "kfpl.syntax.parser", "kfpl.python.codegen"}
    assert not compiler & top(second), compiler & top(second)


def test_an_edited_policy_is_recompiled_not_answered_from_the_cache(demo: Path) -> None:
    assert yuan(total(demo)) == "40000"  # 50% of 8万
    policy = demo / "expo.kfpl"
    policy.write_text(
        policy.read_text(encoding="utf-8")
        .replace("up to 50% of", "up to 25% of")
        .replace("booth_fees = 8万 -> 4万", "booth_fees = 8万 -> 2万")
        .replace("booth_fees = 30万 -> 10万", "booth_fees = 30万 -> 7.5万"),
        encoding="utf-8",
    )
    assert yuan(total(demo)) == "20000"  # 25% of 8万
    entries = list((demo.parent / "cache").glob("evaluators-*"))
    assert len(entries) == 2  # one per version of the policy


def test_a_damaged_cache_entry_is_rebuilt(demo: Path) -> None:
    assert yuan(total(demo)) == "40000"
    (entry,) = (demo.parent / "cache").glob("evaluators-*")
    entry.write_bytes(b"not marshal data")
    assert yuan(total(demo)) == "40000"
    assert entry.read_bytes() != b"not marshal data"


def test_without_a_usable_cache_folder_eval_still_answers(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = demo.parent / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("KFPL_CACHE_DIR", str(blocker / "cache"))  # cannot be a folder
    assert yuan(total(demo)) == "40000"
    monkeypatch.setenv("KFPL_CACHE_DIR", "")  # off
    assert yuan(total(demo)) == "40000"


def test_the_parser_cache_is_keyed_on_the_grammar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kfpl.syntax import parser

    monkeypatch.setenv("KFPL_CACHE_DIR", str(tmp_path))
    text = (ROOT / "policies" / "mfg.kfpl").read_text(encoding="utf-8")
    built = parser.lark_parser.__wrapped__()  # built, and stored
    (entry,) = tmp_path.glob("parser-*")
    loaded = parser.lark_parser.__wrapped__()  # from the stored entry
    assert loaded.parse(text) == built.parse(text)
    # Another grammar (another engineer's edit, another kfpl version) is another entry.
    grammar = parser.parser_grammar().replace('"award"', '"grant"')
    monkeypatch.setattr(parser, "parser_grammar", lambda: grammar)
    other = parser.lark_parser.__wrapped__()
    words = {t.pattern.value for t in other.terminals}
    assert "grant" in words and "award" not in words
    assert len(list(tmp_path.glob("parser-*"))) == 2
    entry.write_bytes(b"damaged")
    monkeypatch.undo()
    monkeypatch.setenv("KFPL_CACHE_DIR", str(tmp_path))
    assert parser.lark_parser.__wrapped__().parse(text) == built.parse(text)


def yuan(amount: str) -> str:
    """An amount without its zero fen: 40000.00 -> 40000."""
    return amount.removesuffix(".00")
