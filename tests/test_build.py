"""`kfpl build`: evaluators written whole, checked for staleness, policy errors answered."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from conftest import POLICIES

from kfpl.cli.main import main


def build(tmp_path: Path, *extra: str, policies: Path = POLICIES) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        [
            "build",
            str(policies),
            "--out",
            str(tmp_path / "gen"),
            "--docs",
            str(tmp_path / "docs"),
            "--lang",
            "en",
            *extra,
        ],
    )
    return result.exit_code, result.output


def test_build_then_check_is_clean_and_a_stale_file_is_reported(tmp_path: Path) -> None:
    code, out = build(tmp_path)
    assert code == 0, out
    assert (tmp_path / "gen" / "mfg.py").exists()
    code, out = build(tmp_path, "--check")
    assert code == 0, out
    module = tmp_path / "gen" / "mfg.py"
    module.write_text(module.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")
    code, out = build(tmp_path, "--check")
    assert code == 1
    assert "mfg.py" in out


def owned(root: Path, path: Path, text: str) -> None:
    """A file an earlier build wrote: on disk and in the folder's manifest."""
    path.write_text(text, encoding="utf-8")
    with (root / ".kfpl-manifest").open("a", encoding="utf-8") as manifest:
        manifest.write(path.relative_to(root).as_posix() + "\n")


def test_build_check_reports_a_module_no_policy_makes(tmp_path: Path) -> None:
    build(tmp_path)
    owned(tmp_path / "gen", tmp_path / "gen" / "old_policy.py", "# left over\n")
    code, out = build(tmp_path, "--check")
    assert code == 1 and "old_policy.py" in out


def test_generated_module_names_its_source_and_hash(tmp_path: Path) -> None:
    build(tmp_path)
    text = (tmp_path / "gen" / "mfg.py").read_text(encoding="utf-8")
    assert "mfg.kfpl" in text and "source sha256:" in text and "Do not edit" in text
    assert "def measure_mfg_2a(ev: Evaluation) -> None:" in text


def test_policy_error_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "policies"
    shutil.copytree(POLICIES, broken)
    mfg = broken / "mfg.kfpl"
    mfg.write_text(
        mfg.read_text(encoding="utf-8").replace("award up to 25%", "awrd up to 25%", 1),
        encoding="utf-8",
    )
    code, out = build(tmp_path, policies=broken)
    assert code == 1
    assert "did you mean `award`?" in out
    assert not (tmp_path / "gen").exists()


def test_a_removed_measure_leaves_no_page_behind(tmp_path: Path) -> None:
    build(tmp_path)
    orphan = tmp_path / "docs" / "en" / "measures" / "mfg-99.md"
    owned(tmp_path / "docs", orphan, "# a measure that no longer exists\n")
    code, out = build(tmp_path, "--check")
    assert code == 1 and "mfg-99.md" in out
    code, out = build(tmp_path)
    assert code == 0 and "removed 1" in out
    assert not orphan.exists()
