"""`kfpl diff --impact FOLDER` on tables runs on columns end to end
(kfpl.diff.impact_columns) and gives the report the dict path gives for the same
tables: totals, by measure and group, the attribution, the enterprises better and
worse off, the yearly limits that bind and what each version leaves out. Where it
cannot vouch for that (a table the union reading refuses, a version that would read an
application otherwise) it declines and the dict path answers, with its own message.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from test_impact_projected import as_tables_hold_them
from test_impact_validated import pair, population, stress  # noqa: F401

import kfpl.diff.impact_columns as impact_columns
from kfpl.diff.impact import ImpactError, run_impact
from kfpl.diff.structural import diff_policy_sets
from kfpl.population import write_parquet, write_tables


def both_ways(
    old: Any, new: Any, folder: Path, monkeypatch: pytest.MonkeyPatch, group_by: str | None
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    changes = diff_policy_sets(old, new)
    columns = impact_columns.run(old, new, folder, changes, True, group_by)
    with monkeypatch.context() as m:
        m.setattr(impact_columns, "run", lambda *args: None)
        dicts = run_impact(old, new, folder, changes, attribution=True, group_by=group_by)
    return columns, dicts


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_tables_give_the_dict_paths_report_on_columns(
    pair: Any,  # noqa: F811
    fmt: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old, new, _ = pair
    apps = as_tables_hold_them(population(pair, 21, 400))
    (write_parquet if fmt == "parquet" else write_tables)(apps, tmp_path)
    group_by = "chain" if "chain" in new.inputs else None
    columns, dicts = both_ways(old, new, tmp_path, monkeypatch, group_by)
    assert columns is not None, "the column path declined a plain generated population"
    assert columns == dicts
    assert dicts["attribution"] and dicts["totals"]["delta"] != "0.00"


def test_stressed_tables_give_the_same_report_or_decline(
    pair: Any,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Facts, enum values, measures and earlier awards only one version declares: the
    column path gives the dict path's report, left-out counts included, or declines."""
    old, new, _ = pair
    answered = 0
    for seed in range(8):
        rng = random.Random(seed)
        apps = [
            stress(pair, a, rng) if rng.random() < 0.1 else a for a in population(pair, seed, 30)
        ]
        apps = as_tables_hold_them(apps)
        folder = tmp_path / str(seed)
        write_tables(apps, folder)
        try:
            columns, dicts = both_ways(old, new, folder, monkeypatch, None)
        except ImpactError:
            continue  # a version refuses the population: the dict path's message (below)
        if columns is not None:
            answered += 1
            assert columns == dicts
    assert answered >= 1


def test_a_bad_cell_gets_the_dict_paths_message(pair: Any, tmp_path: Path) -> None:  # noqa: F811
    old, new, _ = pair
    apps = as_tables_hold_them(population(pair, 3, 20))
    apps[4]["enterprise"]["size"] = "huge"
    write_tables(apps, tmp_path)
    with pytest.raises(ImpactError, match="size"):
        run_impact(old, new, tmp_path, diff_policy_sets(old, new), attribution=False)
