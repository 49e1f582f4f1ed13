"""`kfpl diff` as a command: formats, languages, CI gate, git revisions and git's diff driver."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfpl.diff.command import diff_command

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "diff"
OLD, NEW = str(FIXTURES / "old"), str(FIXTURES / "new")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(diff_command, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_text_report_lists_every_change_and_ends_with_a_summary() -> None:
    code, out = run(OLD, NEW, "--lang", "en")
    assert code == 0
    for line in (
        "~ policy mfg",
        "KD003  effective period: 2020 to 2022 → 2020 to 2025 (extended by 3 years)",
        "KD110  award rate: 30% → 25%",
        "KD120  requires investment: at least CNY 5 million → at least CNY 3 million",
        "KD140  cap per project: CNY 1 million → CNY 2 million",
        "- measure mfg-4",
        "+ measure mfg-6",
        "→ measure mfg-13 → mfg-13a",
    ):
        assert line in out, line
    assert out.rstrip().splitlines()[-1] == (
        "Diff: 1 to add, 3 to change, 1 to remove, 1 renamed; "
        "7 changes (4 more generous, 2 less generous, 1 neutral)."
    )


def test_without_lang_the_locale_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fixtures have no kfpl.toml of their own: a Chinese locale gives Chinese.
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    code, out = run(OLD, NEW, "--no-behaviour")
    assert code == 0
    assert "申报条件 设备投资：500万元以上 → 300万元以上" in out
    assert (
        out.rstrip()
        .splitlines()[-1]
        .startswith("差异：新增 1 项，修改 3 项，删除 1 项，改编号 1 项")
    )


def test_markdown_is_ready_to_paste() -> None:
    code, out = run(OLD, NEW, "--format", "md", "--lang", "en")
    assert code == 0
    assert out.startswith("## kfpl semantic diff\n")
    assert (
        "| `KD140` cap | cap per project: CNY 1 million → CNY 2 million | more generous | high |"
        in out
    )
    assert "## Behavioural diff" in out


def test_json_carries_both_languages_and_the_behaviour() -> None:
    code, out = run(OLD, NEW, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["diff_version"] == 1
    assert doc["summary"]["items"] == {"add": 1, "change": 3, "remove": 1, "rename": 1}
    rate = next(c for c in doc["changes"] if c["check"] == "KD110")
    assert rate["text"] == {"zh": "奖补 比例：30% → 25%", "en": "award rate: 30% → 25%"}
    assert rate["direction"] == "less_generous"
    renamed = next(m for m in doc["behaviour"]["measures"] if m["measure"] == "mfg-13a")
    assert renamed["verdict"] == "unchanged"


def test_output_is_deterministic() -> None:
    assert run(OLD, NEW, "--format", "json") == run(OLD, NEW, "--format", "json")


def test_fail_on_less_generous_gates_ci() -> None:
    assert run(OLD, NEW, "--fail-on", "less-generous", "--no-behaviour")[0] == 1
    assert run(OLD, OLD, "--fail-on", "less-generous", "--no-behaviour")[0] == 0
    assert run(OLD, OLD, "--fail-on", "any")[0] == 0


def test_bad_usage_exits_2() -> None:
    assert run(OLD)[0] == 2
    assert run(OLD, "no/such/folder")[0] == 2


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    git(tmp_path, "init", "-q", "-b", "main")
    # A project of its own: the policies and, in the work tree, their source documents.
    shutil.copytree(OLD, tmp_path / "policies", ignore=shutil.ignore_patterns("kfpl.toml"))
    shutil.copytree(ROOT / "policies" / "sources", tmp_path / "policies" / "sources")
    (tmp_path / "kfpl.toml").write_text('policies = "policies"\n', encoding="utf-8")
    git(tmp_path, "add", "policies", "kfpl.toml")
    git(tmp_path, "commit", "-q", "-m", "old")
    shutil.rmtree(tmp_path / "policies")
    shutil.copytree(NEW, tmp_path / "policies", ignore=shutil.ignore_patterns("kfpl.toml"))
    shutil.copytree(ROOT / "policies" / "sources", tmp_path / "policies" / "sources")
    git(tmp_path, "add", "policies")
    git(tmp_path, "commit", "-q", "-m", "new")
    return tmp_path


def test_revisions_are_read_straight_from_git(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    (repo / "policies" / "mfg.kfpl").write_text("garbage in the work tree", encoding="utf-8")
    code, out = run(
        "--rev", "HEAD~1", "--rev", "HEAD", "policies", "--lang", "en", "--no-behaviour"
    )
    assert code == 0, out
    assert "kfpl semantic diff: HEAD~1:policies → HEAD:policies" in out
    assert "KD140  cap per project: CNY 1 million → CNY 2 million" in out
    assert (
        git(repo, "status", "--porcelain").strip() == "M policies/mfg.kfpl"
    )  # nothing checked out


def test_one_revision_compares_with_the_work_tree(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    code, out = run("--rev", "HEAD~1", "--lang", "en", "--no-behaviour")
    assert code == 0, out
    assert "KD110  award rate: 30% → 25%" in out


def test_unknown_revision_is_a_usage_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    assert run("--rev", "no-such-rev")[0] == 2


def test_git_diff_shows_the_semantic_diff(repo: Path) -> None:
    """The documented setup: `.gitattributes` + `diff.kfpl.command` (docs/review/git.md)."""
    (repo / ".gitattributes").write_text("*.kfpl diff=kfpl\n", encoding="utf-8")
    command = f"{sys.executable} -m kfpl.diff --lang en --no-behaviour"
    git(repo, "config", "diff.kfpl.command", command)
    out = git(repo, "diff", "HEAD~1", "HEAD", "--", "policies/mfg.kfpl")
    assert "kfpl semantic diff: a/policies/mfg.kfpl → b/policies/mfg.kfpl" in out
    assert "KD120  requires investment: at least CNY 5 million → at least CNY 3 million" in out
    assert "+ measure mfg-6" in out
    # Files without changes stay silent; the plain text diff is one flag away.
    assert git(repo, "diff", "HEAD~1", "HEAD", "--", "policies/common.kfpl") == ""
    assert "-  award up to 30% of booth_fees" in git(
        repo, "diff", "--no-ext-diff", "HEAD~1", "HEAD"
    )


def test_two_files_are_compared_with_their_folder_as_context() -> None:
    code, out = run(f"{OLD}/mfg.kfpl", f"{NEW}/mfg.kfpl", "--lang", "en", "--no-behaviour")
    assert code == 0, out
    assert "KD110  award rate: 30% → 25%" in out  # mfg.kfpl alone reads inputs of common.kfpl
    code, out = run(f"{OLD}/common.kfpl", f"{NEW}/common.kfpl", "--lang", "en", "--no-behaviour")
    assert code == 0 and out.rstrip().endswith("0 changes (0 more generous, 0 less generous).")
