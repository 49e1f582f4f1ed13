"""`kfpl diff --rev`: a revision is read with its own project — its kfpl.toml and the
clause texts of its sources/ — never checked against the work tree's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfpl.diff.command import diff_command

POLICY = """policy expo
  title zh "会展业扶持办法" en "Support for exhibitions"
  effective 2031 to 2033

agency 市商务局 en "Municipal Bureau of Commerce"

input booth_fees: money zh "展位费" en "booth fees"
input visitors: count zh "参观人数" en "visitors"

measure expo-1
  source expo 1
  title zh "参展补助" en "Booth subsidy"
  department 市商务局
  award 30% of booth_fees
  cap 30万 per year
  example booth_fees = 40万 -> 12万
"""

SECOND = """
measure expo-2
  source expo 2
  title zh "办展奖励" en "Award for holding a fair"
  department 市商务局
  requires visitors at least 10000
  award 20万
  example visitors = 10000 -> 20万
"""


def document(*clauses: str) -> str:
    segments = [{"id": "标题", "text": "会展业扶持办法"}]
    segments += [{"id": c, "text": f"{c}. 第{c}条。"} for c in clauses]
    return json.dumps({"doc": "expo", "title": "会展业扶持办法", "segments": segments})


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    ).stdout


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """v1: clause 1 and measure expo-1, in `rules/`. v2: the folder renamed `policies/`
    (kfpl.toml follows), clause 2 added to the source text with measure expo-2 citing it."""
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path / "kfpl.toml", 'policies = "rules"\n')
    write(tmp_path / "rules" / "expo.kfpl", POLICY)
    write(tmp_path / "rules" / "sources" / "expo.json", document("1"))
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "v1")
    git(tmp_path, "tag", "v1")
    git(tmp_path, "mv", "rules", "policies")
    write(tmp_path / "kfpl.toml", 'policies = "policies"\n')
    write(tmp_path / "policies" / "expo.kfpl", POLICY + SECOND)
    write(tmp_path / "policies" / "sources" / "expo.json", document("1", "2"))
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "v2")
    git(tmp_path, "tag", "v2")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(diff_command, list(args))
    return result.exit_code, result.output


def test_a_clause_added_between_revisions_is_read_from_the_revision(repo: Path) -> None:
    # The work tree loses clause 2 again: the revision v2 must still know it.
    write(repo / "policies" / "sources" / "expo.json", document("1"))
    code, out = run("--rev", "v1", "--rev", "v2", "--lang", "en", "--no-behaviour")
    assert code == 0, out
    assert "kfpl semantic diff: v1:rules → v2:policies" in out
    assert "+ measure expo-2" in out


def test_the_old_revision_is_checked_against_its_own_sources(repo: Path) -> None:
    # v3 cites clause 3, which only the work tree's source text will have: reading v3
    # against the work tree would pass; read at v3 it is an unknown clause.
    write(repo / "policies" / "expo.kfpl", POLICY + SECOND.replace("expo 2", "expo 3"))
    git(repo, "commit", "-qam", "v3 cites a clause its source text lacks")
    write(repo / "policies" / "sources" / "expo.json", document("1", "2", "3"))
    code, out = run("--rev", "HEAD", "--rev", "v2", "--lang", "en", "--no-behaviour")
    assert code == 1, out
    assert "KF07" in out and "HEAD has policy errors" in out
    # ...while the work tree, which has clause 3, compares cleanly with v2.
    code, out = run("--rev", "v2", "--lang", "en", "--no-behaviour")
    assert code == 0, out


def test_one_revision_against_the_work_tree_reads_each_sides_project(repo: Path) -> None:
    code, out = run("--rev", "v1", "--lang", "en", "--no-behaviour")
    assert code == 0, out
    assert "v1:rules → policies" in out and "+ measure expo-2" in out


def test_a_broken_kfpl_toml_at_the_revision_is_a_usage_error(repo: Path) -> None:
    write(repo / "kfpl.toml", "policies = [\n")
    git(repo, "commit", "-qam", "broken project file")
    write(repo / "kfpl.toml", 'policies = "policies"\n')
    code, out = run("--rev", "HEAD", "--rev", "v2", "--no-behaviour")
    assert code == 2 and "kfpl.toml" in out and "not valid TOML" in out
