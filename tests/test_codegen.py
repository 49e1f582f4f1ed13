"""The generated evaluator for a small fixture policy, pinned by a golden file.

The golden file is what ``kfpl build`` writes for ``tests/fixtures/props/tiny.kfpl``
(codegen, then ``ruff format``). A change to the backend shows up here as a reviewable
diff of generated code. After checking the diff by eye, refresh it with

    KFPL_UPDATE_GOLDEN=1 /work/venv/bin/pytest tests/test_codegen.py
"""

from __future__ import annotations

import ast
import difflib
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from conftest import ROOT

from kfpl.project.loader import compile_texts
from kfpl.python.codegen import generate
from kfpl.python.formatting import format_python, ruff_binary

FIXTURE = "tests/fixtures/props/tiny.kfpl"  # as the path appears in the generated header
GOLDEN = ROOT / "tests" / "golden" / "tiny.py"


@cache
def generated() -> str:
    text = (ROOT / FIXTURE).read_text(encoding="utf-8")
    comp = compile_texts({FIXTURE: text})
    assert comp.ok and comp.policy_set is not None, comp.diagnostics
    return format_python(generate(comp.policy_set.modules[0], comp.policy_set), "tiny.py")


def test_generated_module_matches_the_golden_file() -> None:
    source = generated()
    if os.environ.get("KFPL_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(source, encoding="utf-8")
    golden = GOLDEN.read_text(encoding="utf-8")
    if source != golden:
        diff = "".join(
            difflib.unified_diff(
                golden.splitlines(keepends=True),
                source.splitlines(keepends=True),
                "tests/golden/tiny.py",
                "generated",
            )
        )
        pytest.fail(f"generated code changed (KFPL_UPDATE_GOLDEN=1 to accept):\n{diff}")


def _ruff(*args: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ruff_binary(), *args, "--config", str(ROOT / "pyproject.toml"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_generated_module_is_formatted_and_lint_clean_but_for_imports(tmp_path: Path) -> None:
    path = tmp_path / "tiny.py"
    path.write_text(generated(), encoding="utf-8")
    fmt = _ruff("format", "--check", path=path)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    lint = _ruff("check", "--no-cache", path=path)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_generated_module_has_no_unused_imports(tmp_path: Path) -> None:
    path = tmp_path / "tiny.py"
    path.write_text(generated(), encoding="utf-8")
    lint = _ruff("check", "--no-cache", "--select", "F401", path=path)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_generated_module_imports_only_the_runtime() -> None:
    tree = ast.parse(generated())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module is not None
            imported.add(node.module)
    assert imported == {"kfpl.runtime"}


# A fresh interpreter in which the compiler (and its dependencies) cannot be imported:
# only ``kfpl`` itself and ``kfpl.runtime`` are allowed.
ISOLATED = r"""
import importlib.abc, importlib.util, json, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if top in ("lark", "jinja2", "click", "hypothesis"):
            raise ImportError(f"blocked: {name}")
        if top == "kfpl" and name != "kfpl" and not name.startswith("kfpl.runtime"):
            raise ImportError(f"blocked: {name}")
        return None

sys.meta_path.insert(0, Block())
spec = importlib.util.spec_from_file_location("tiny", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)

from kfpl.runtime import PolicySetRuntime

app = json.loads(sys.argv[2])
print(json.dumps(PolicySetRuntime([module]).evaluate(app).as_json(), ensure_ascii=False))
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("kfpl", "lark", "jinja2"))))
"""


def test_generated_module_runs_with_only_the_runtime(tmp_path: Path) -> None:
    path = tmp_path / "tiny.py"
    path.write_text(generated(), encoding="utf-8")
    app = {
        "year": 2021,
        "enterprise": {"id": "e", "local_tax": "1000000"},
        "claims": [
            {"id": "fees", "measure": "mfg-2a", "facts": {"fees": "0.05"}},
            {"id": "cars", "measure": "mfg-15",
             "facts": {"vehicles": [{"price": "100000"}, {"price": "40000"}]}},
            {"id": "steps", "measure": "mfg-1", "facts": {"revenue": "16000000000"}},
        ],
    }  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-c", ISOLATED, str(path), json.dumps(app)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    result_line, modules_line = proc.stdout.splitlines()
    result = json.loads(result_line)
    amounts = {m["id"]: m["amount"] for m in result["measures"]}
    # 30% of 0.05 = 0.015 -> 0.02; 4% of 10万 capped at 2000, + 4% of 4万 = 1600;
    # 160亿 passes the 50亿, 100亿 and 150亿 steps: 100万 + 100万 + 200万 = 400万, but
    # the yearly total (local tax 100万) trims the latest claim: 100万 - 0.02 - 3600
    assert amounts == {"fees": "0.02", "cars": "3600.00", "steps": "996399.98"}
    assert result["total"] == "1000000.00"
    loaded = json.loads(modules_line)
    assert all(m == "kfpl" or m.startswith("kfpl.runtime") for m in loaded), loaded
