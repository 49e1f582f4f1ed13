"""The worked review: the repo's policies against examples/revision-2023, on the sample population."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfpl.diff.command import diff_command
from kfpl.diff.impact import load_population, run_impact
from kfpl.diff.review import pages_beside, review_pages
from kfpl.diff.structural import diff_policy_sets
from kfpl.model import PolicySet
from kfpl.project import config
from kfpl.project.loader import compile_paths
from kfpl.python.evaluate import Program

ROOT = Path(__file__).resolve().parent.parent
REVISION = ROOT / "examples" / "revision-2023"
SAMPLE = ROOT / "examples" / "population" / "applications.jsonl"
REGENERATE = "regenerate: bash examples/regenerate.sh (in the project's venv)"


def load(path: Path) -> PolicySet:
    comp = compile_paths([str(path)])
    assert comp.ok and comp.policy_set is not None, [d.message.en for d in comp.diagnostics]
    return comp.policy_set


@pytest.fixture(scope="module")
def sets() -> tuple[PolicySet, PolicySet]:
    return load(ROOT / "policies"), load(REVISION)


def test_diff_prints_every_change_of_the_revision() -> None:
    result = CliRunner().invoke(
        diff_command, ["policies", "examples/revision-2023", "--lang", "en"], catch_exceptions=False
    )
    out = result.output
    assert result.exit_code == 0
    expected = [
        (
            "~ policy ind",
            "KD003  effective period: 2020 to 2022 → 2020 to 2025 (extended by 3 years)",
        ),
        (
            "~ policy mfg",
            "KD003  effective period: 2020 to 2022 → 2020 to 2025 (extended by 3 years)",
        ),
        (
            "~ measure mfg-3",
            "KD120  requires equipment_rd_investment: at least CNY 5 million → at least CNY 3 million",
        ),
        ("~ measure mfg-2a", "KD140  cap per year: CNY 300,000 → CNY 500,000"),
        ("- measure mfg-2b", "KD102  measure: − up to 30% of central_media_ad_fees"),
        ("+ measure mfg-13c", "KD101  measure: + up to 50% of diagnosis_fees"),
        # the new measure's matter is declared with its name, and the diff shows the name
        ("+ matter digital_diagnosis", "KD305  matter: + digital-transformation diagnosis"),
    ]
    for head, line in expected:
        assert head in out and line in out, (head, line)
        assert out.index(head) < out.index(line, out.index(head))
    assert out.rstrip().splitlines()[-1].startswith("Diff: 3 to add, 4 to change, 2 to remove")


def test_revision_is_derived_from_the_current_policies(tmp_path: Path) -> None:
    (tmp_path / "examples" / "revision-2023").mkdir(parents=True)
    shutil.copytree(
        ROOT / "policies", tmp_path / "policies", ignore=shutil.ignore_patterns("sources")
    )
    script = tmp_path / "examples" / "revision-2023" / "make_revision.py"
    shutil.copyfile(REVISION / "make_revision.py", script)
    subprocess.run([sys.executable, str(script)], check=True, capture_output=True)
    for path in sorted(REVISION.glob("*.kfpl")):
        fresh = (script.parent / path.name).read_text(encoding="utf-8")
        assert fresh == path.read_text(encoding="utf-8"), f"{path.name} is stale; {REGENERATE}"


def test_sample_impact_reconciles_to_the_fen_and_runs_in_seconds(
    sets: tuple[PolicySet, PolicySet],
) -> None:
    old, new = sets
    start = time.perf_counter()
    report = run_impact(old, new, SAMPLE, diff_policy_sets(old, new))
    elapsed = time.perf_counter() - start
    assert elapsed < 60, f"impact on the sample took {elapsed:.1f} s"
    assert report["applications"] == 1500 and report["reconciliation"]["ok"]
    apps = load_population(SAMPLE)
    for side, ps in (("old", old), ("new", new)):
        program = Program.from_policy_set(ps)
        reads = program.runtime.measure_inputs
        total = Decimal(0)
        for app in apps:
            claims = [c for c in app["claims"] if c["measure"] in reads]
            total += Decimal(program.evaluate({**app, "claims": claims})["total"])
        assert report["totals"][side] == f"{total:.2f}"
    steps = report["attribution"]
    assert sum(Decimal(s["delta"]) for s in steps) == Decimal(report["totals"]["delta"])
    assert [s["label"]["en"].split(":")[0] for s in steps] == [
        "ind",
        "mfg",
        "mfg-2a",
        "mfg-2b",
        "mfg-3",
        "mfg-13c",
    ]
    removed = next(s for s in steps if s["label"]["en"].startswith("mfg-2b"))
    assert Decimal(removed["delta"]) < 0


def test_review_pages_are_up_to_date() -> None:
    project = config.load(ROOT)
    pages = review_pages(project)
    for lang, text in pages.items():
        committed = pages_beside(project)[lang].read_text(encoding="utf-8")
        assert committed == text, f"{pages_beside(project)[lang]} is stale; {REGENERATE}"
    assert "合成的示例数据" in pages["zh"] and "synthetic sample data" in pages["en"]
    assert "git config diff.kfpl.command" in pages["en"]
