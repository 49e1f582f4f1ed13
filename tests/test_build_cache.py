"""`kfpl build` remembers a finished build: unchanged sources are answered from the user
cache, and any change to what the build reads is a miss, never a stale answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfpl.cli.main import main


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "--lang", "en"])
    return result.exit_code, result.output


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KFPL_CACHE_DIR", str(tmp_path / "cache"))
    code, out = run("init", str(tmp_path / "demo"))
    assert code == 0, out
    monkeypatch.chdir(tmp_path / "demo")
    code, out = run("build")
    assert code == 0, out
    return tmp_path / "demo"


def entries(project: Path) -> list[Path]:
    return sorted((project.parent / "cache").glob("build-*"))


def test_a_finished_build_is_remembered_and_answers_check(project: Path) -> None:
    assert len(entries(project)) == 1
    code, out = run("build", "--check")
    assert code == 0, out
    assert "up to date" in out


def test_an_edited_policy_is_stale_although_the_earlier_build_is_cached(project: Path) -> None:
    policy = next(project.rglob("*.kfpl"))
    text = policy.read_text(encoding="utf-8")
    assert "50%" in text
    policy.write_text(text.replace("50%", "40%", 1), encoding="utf-8")
    code, out = run("build", "--check")
    assert code == 1, out
    assert "out of date" in out


def test_an_edited_example_application_is_stale(project: Path) -> None:
    from kfpl.project import config

    application = config.load(".").application
    assert application is not None and application.exists()
    application.write_text(application.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    # The explain page shows the application, so a changed application is a new build
    # (even whitespace: the cache does not guess what a page shows).
    code, _ = run("build", "--check")
    assert code in (0, 1)
    assert len(entries(project)) == 2


def test_policy_errors_are_reported_even_after_a_cached_build(project: Path) -> None:
    policy = next(project.rglob("*.kfpl"))
    policy.write_text(policy.read_text(encoding="utf-8") + "\nmeasure\n", encoding="utf-8")
    code, out = run("build", "--check")
    assert code == 1
    assert "error" in out


def test_a_cached_build_writes_what_a_fresh_one_does(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.rmtree(project / "generated")
    code, out = run("build")  # from the cache
    assert code == 0, out
    cached = {p.relative_to(project): p.read_bytes() for p in project.rglob("*") if p.is_file()}
    monkeypatch.setenv("KFPL_CACHE_DIR", "")  # off: everything afresh
    shutil.rmtree(project / "generated")
    code, out = run("build")
    assert code == 0, out
    fresh = {p.relative_to(project): p.read_bytes() for p in project.rglob("*") if p.is_file()}
    assert fresh == cached


def test_a_damaged_entry_is_ignored(project: Path) -> None:
    (entry,) = entries(project)
    entry.write_bytes(b"not a build")
    shutil.rmtree(project / "generated")
    code, out = run("build")
    assert code == 0, out
    assert any((project / "generated").glob("*.py"))
