"""Explanations rendered when read say exactly what they said when written at once.

A step (and a check, and a rule decision) keeps the function that writes its text and
calls it only when ``.zh``, ``.en`` or the JSON is asked for (issue 13). The function
runs after the evaluation has moved on, so a text that read state changed since (a
claim's amount cut by a later rule, the next list item, the next tier) would be wrong
only in the lazy case. ``measure.EAGER`` renders every text when it is recorded, as the
runtime did before; every output here must be byte-identical both ways: the JSON
contract, the explanation trees in both languages and the `kfpl eval` output.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import random
import sys
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

from kfpl.cli.explain import render_text
from kfpl.cli.main import main
from kfpl.python.evaluate import Program
from kfpl.runtime import measure
from kfpl.runtime.application import ApplicationError, loads
from kfpl.runtime.measure import Step
from kfpl.runtime.money import exact, money_en, money_zh

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "application.json"
POPULATION = ROOT / "examples" / "population" / "applications.jsonl"


def _eval_speed() -> ModuleType:
    """bench/eval_speed.py's applications: every mfg rule, history, missing facts."""
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location(
        "bench_eval_speed", ROOT / "bench" / "eval_speed.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def applications() -> Iterator[Any]:
    yield loads(EXAMPLE.read_text(encoding="utf-8"))
    rng = random.Random(2020)
    speed = _eval_speed()
    for i in range(300):
        yield speed.application(i, rng)
    # The synthetic population claims measures of every policy file (lists, tiers,
    # steps, stacking by project); its header line is not an application.
    for line in POPULATION.read_text(encoding="utf-8").splitlines()[1:301]:
        yield loads(line)


def outputs(program: Program, apps: Iterable[Any] | None = None) -> list[str]:
    """What a user sees of each application (``applications()`` by default): its JSON,
    its explanation in zh and in en, or the reader's refusal."""
    out = []
    for app in applications() if apps is None else apps:
        try:
            outcome = program.run(app)
        except ApplicationError as exc:  # an application of the revision's measures
            out.append(exc.text("en"))
            continue
        out.append(json.dumps(outcome.as_json(), ensure_ascii=False, sort_keys=True))
        out.append(render_text(outcome, "zh", True))
        out.append(render_text(outcome, "en", True))
    return out


def test_every_text_is_the_same_rendered_later(
    program: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    lazy = outputs(program)
    monkeypatch.setattr(measure, "EAGER", True)
    eager = outputs(program)
    assert len(lazy) == len(eager)
    assert sum(text.startswith("{") for text in lazy) > 500  # most applications evaluate
    for got, want in zip(lazy, eager, strict=True):
        assert got == want


@pytest.mark.parametrize(
    "args", [["--format", "json"], ["--explain"], ["--explain", "--lang", "en"]]
)
def test_kfpl_eval_prints_the_same(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    command = ["eval", str(EXAMPLE), "--policies", str(ROOT / "policies"), *args]
    lazy = CliRunner().invoke(main, command)
    monkeypatch.setattr(measure, "EAGER", True)
    eager = CliRunner().invoke(main, command)
    assert lazy.exit_code == eager.exit_code == 0, lazy.output
    assert lazy.output == eager.output


def test_text_is_not_written_until_read(program: Program) -> None:
    """The point of it: evaluating without reading the explanation formats no amount."""
    outcome = program.run(loads(EXAMPLE.read_text(encoding="utf-8")))
    steps = [s for r in outcome.results for s in r.steps]
    pending = [s for s in steps if s._render is not None]
    assert pending, "no step was left to render when read"
    first = pending[0]
    zh, en = first.zh, first.en
    assert first._render is None and zh and en
    assert (first.zh, first.en) == (zh, en)  # rendered once, then kept


def test_text_read_after_the_evaluation_keeps_its_exact_arithmetic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A text is read after `exact()` has been left (by the CLI, the server, a test's
    failure line); what it computes (a rate times a 30-digit base, an amount in 万) must
    still have the 80 digits of the evaluation, not Python's default 28."""
    base = Decimal("123456789012345.67") * Decimal("1.2345678901234567")

    def render() -> tuple[str, str]:
        return money_zh(base * Decimal("0.0435")), money_en(base / 3)

    with exact():
        lazy = Step("percent", "", "", "s", render=render)
    monkeypatch.setattr(measure, "EAGER", True)
    with exact():
        eager = Step("percent", "", "", "s", render=render)
    assert (lazy.zh, lazy.en) == (eager.zh, eager.en)


def test_an_outcome_is_freed_as_soon_as_it_is_dropped(program: Program) -> None:
    """A step's render function holds what its text needs, never the evaluation that
    recorded it (whose result holds the step): a batch of thousands of applications
    then frees each outcome at once instead of leaving cycles for the collector."""
    apps = list(applications())[:200]  # the example and the benchmark's: all valid
    gc.collect()
    gc.disable()
    try:
        for app in apps:
            program.run(app)
        assert gc.collect() == 0
    finally:
        gc.enable()
