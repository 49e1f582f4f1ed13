"""`kfpl build` writes only what it owns: a manifest per output folder, refusals for
foreign files and symbolic links, and a whole set replaced at once (or finished by
the next build), leaving no temporaries behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT

from kfpl.cli.main import main
from kfpl.project import writes
from kfpl.project.writes import JOURNAL, MANIFEST, OutputError, Root, apply, plan, recover

TINY = ROOT / "tests" / "fixtures" / "props" / "tiny.kfpl"


def build(cwd: Path, *args: str) -> Result:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, ["build", str(TINY), *args])
    finally:
        os.chdir(old)


def test_build_into_a_folder_of_other_files_refuses_and_deletes_nothing(tmp_path: Path) -> None:
    bench = tmp_path / "bench"
    bench.mkdir()
    for name in ("fuzz_check.py", "eval_speed.py", "RESULTS.md"):
        (bench / name).write_text(f"# {name}, hand-written\n", encoding="utf-8")
    result = build(tmp_path, "--out", "bench", "--docs", "docs")
    assert result.exit_code == 2, result.output
    assert "not written by kfpl" in result.output and "fuzz_check.py" in result.output
    assert sorted(p.name for p in bench.iterdir()) == [
        "RESULTS.md",
        "eval_speed.py",
        "fuzz_check.py",
    ]
    assert not (tmp_path / "docs").exists()


def test_build_into_the_project_root_does_not_overwrite_its_readme(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# my project\n", encoding="utf-8")
    result = build(tmp_path, "--out", ".", "--docs", "docs")
    assert result.exit_code == 2, result.output
    assert "README.md" in result.output
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "# my project\n"


def test_a_symlinked_docs_folder_is_refused_and_nothing_outside_is_touched(
    tmp_path: Path,
) -> None:
    assert build(tmp_path, "--out", "gen", "--docs", "docs").exit_code == 0
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "keep.md").write_text("precious\n", encoding="utf-8")
    measures = tmp_path / "docs" / "en" / "measures"
    for page in measures.iterdir():
        page.unlink()
    measures.rmdir()
    measures.symlink_to(outside, target_is_directory=True)
    result = build(tmp_path, "--out", "gen", "--docs", "docs")
    assert result.exit_code == 2, result.output
    assert "symbolic link" in result.output
    assert [p.name for p in outside.iterdir()] == ["keep.md"]


def test_a_second_build_writes_nothing_and_the_manifest_lists_every_output(
    tmp_path: Path,
) -> None:
    assert build(tmp_path, "--out", "gen", "--docs", "docs").exit_code == 0
    listed = (tmp_path / "gen" / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert [line for line in listed if not line.startswith("#")] == [
        "README.md",
        "columnar/kernels.py",
        "tiny.py",
    ]
    again = build(tmp_path, "--out", "gen", "--docs", "docs")
    assert again.exit_code == 0 and "wrote 0 of" in again.output
    check = build(tmp_path, "--out", "gen", "--docs", "docs", "--check")
    assert check.exit_code == 0, check.output


def test_temporaries_of_an_interrupted_build_are_removed(tmp_path: Path) -> None:
    assert build(tmp_path, "--out", "gen", "--docs", "docs").exit_code == 0
    junk = [
        tmp_path / "gen" / ".tiny.py.k3j9x0aa.tmp",  # an older kfpl's temporary
        tmp_path / "gen" / ".kfpl-tmp.tiny.py.abc123",
        tmp_path / "docs" / "en" / "measures" / ".kfpl-tmp.x.md.q1",
    ]
    for path in junk:
        path.write_text("half", encoding="utf-8")
    assert build(tmp_path, "--out", "gen", "--docs", "docs").exit_code == 0
    assert not any(path.exists() for path in junk)


# --------------------------------------------------------------------------- all or nothing


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs."""


def sets(tmp_path: Path) -> tuple[list[Root], dict[Path, str], dict[Path, str]]:
    roots = [Root(tmp_path / "gen"), Root(tmp_path / "docs", folders=("zh", "en"))]
    old = {
        tmp_path / "gen" / "a.py": "old a",
        tmp_path / "gen" / "gone.py": "old gone",
        tmp_path / "docs" / "zh" / "p.md": "old zh",
        tmp_path / "docs" / "en" / "p.md": "old en",
    }
    new = {
        tmp_path / "gen" / "a.py": "new a",
        tmp_path / "gen" / "b.py": "new b",
        tmp_path / "docs" / "zh" / "p.md": "new zh",
        tmp_path / "docs" / "en" / "p.md": "new en",
    }
    return roots, old, new


def on_disk(roots: list[Root]) -> dict[str, str]:
    out = {}
    for root in roots:
        for path in sorted(root.path.rglob("*")):
            if path.is_file() and path.name != MANIFEST:
                out[path.relative_to(root.path.parent).as_posix()] = path.read_text("utf-8")
    return out


@pytest.mark.parametrize("kill_after", range(8))  # 8 steps: 5 renames, journal, 1 removal, its end
def test_a_build_killed_at_any_step_leaves_the_old_set_or_the_new(
    tmp_path: Path, kill_after: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    roots, old, new = sets(tmp_path)
    apply(plan(old, roots), roots)
    before = on_disk(roots)
    steps = {"n": 0}
    real_replace, real_unlink = os.replace, Path.unlink

    def counted(*args: object) -> None:
        steps["n"] += 1
        if steps["n"] > kill_after:
            raise Killed

    def replace(src: str, dst: str) -> None:
        counted()
        real_replace(src, dst)

    def unlink(self: Path, missing_ok: bool = False) -> None:
        counted()
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(writes.os, "replace", replace)
    monkeypatch.setattr(Path, "unlink", unlink)
    with pytest.raises(Killed):
        apply(plan(new, roots), roots)
    monkeypatch.undo()
    recover(roots)  # what the next `kfpl build` does first
    after = on_disk(roots)
    expected_new = {p.relative_to(tmp_path).as_posix(): t for p, t in new.items()}
    assert after in (before, expected_new), after
    assert not (tmp_path / "gen" / JOURNAL).exists()


def test_an_interrupted_build_is_refused_by_eval(tmp_path: Path) -> None:
    assert build(tmp_path, "--out", "gen", "--docs", "docs").exit_code == 0
    (tmp_path / "gen" / JOURNAL).write_text('{"renames": [], "removes": []}', encoding="utf-8")
    app = tmp_path / "app.json"
    app.write_text('{"year": 2021, "enterprise": {"id": "e"}, "claims": []}', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(app), "--generated", str(tmp_path / "gen")])
    assert result.exit_code == 2 and "interrupted" in result.output


def test_plan_refuses_a_file_it_did_not_write(tmp_path: Path) -> None:
    roots = [Root(tmp_path / "gen")]
    apply(plan({tmp_path / "gen" / "a.py": "a"}, roots), roots)
    (tmp_path / "gen" / "mine.py").write_text("hand-written", encoding="utf-8")
    with pytest.raises(OutputError, match=r"mine\.py"):
        plan({tmp_path / "gen" / "a.py": "b"}, roots)


def test_building_some_files_without_the_sample_applications_measures_works(
    tmp_path: Path,
) -> None:
    policies = ROOT / "policies"
    result = CliRunner().invoke(
        main,
        ["build", str(policies / "common.kfpl"), str(policies / "ind.kfpl"),
         "--out", str(tmp_path / "gen"), "--docs", str(tmp_path / "docs")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "gen" / "ind.py").is_file()
    assert not (tmp_path / "docs" / "en" / "explain.md").exists()  # the sample claims mfg-3
