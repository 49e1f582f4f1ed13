"""The typed columns the columnar engine computes on, from validated applications:
exact fen, missing kept apart from zero, text as codes, earlier awards and past facts
as tables naming their application."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from conftest import POLICIES, application

from kfpl.columnar.batch import Compiled
from kfpl.columnar.columns import Codes, columns_from_applications, encode
from kfpl.project.loader import compile_paths

pytest.importorskip("numpy")


@pytest.fixture(scope="module")
def runtime():  # type: ignore[no-untyped-def]
    comp = compile_paths([str(POLICIES)])
    assert comp.policy_set is not None
    return Compiled.of(comp.policy_set).engine().runtime


def test_columns_of_applications(runtime) -> None:  # type: ignore[no-untyped-def]
    first = application(
        {"id": "a", "measure": "mfg-2c", "facts": {"export_freight": "1234.56"}},
        {"id": "b", "measure": "mfg-8a", "facts": {"level": "national"}, "project": "P"},
        history=[
            {"measure": "mfg-8a", "year": 2020, "amount": "50万", "level": "provincial"},
            {"year": 2020, "facts": {"main_revenue": "60亿"}},
        ],
    )
    second = application({"id": "c", "measure": "mfg-2c", "facts": {"export_freight": "0"}})
    second["date"] = "2021-03-04"
    cols = columns_from_applications([runtime.read(first), runtime.read(second)], runtime.inputs)
    assert (cols.n_apps, cols.n_claims) == (2, 3)
    assert cols.claim_app.tolist() == [0, 0, 1] and cols.claim_index.tolist() == [0, 1, 0]
    assert cols.claim_id.words() == ["a", "b", "c"]
    freight = cols.facts["export_freight"]
    assert freight.data.tolist() == [123456, 0, 0]  # fen, exactly
    assert freight.present.tolist() == [True, False, True]  # missing is not zero
    level = cols.facts["level"]
    assert isinstance(level.data, Codes) and level.data.words() == [None, "national", None]
    assert cols.keys["project"].words() == [None, "P", None]
    assert cols.history.app.tolist() == [0] and cols.history.amount.tolist() == [50_000_000]
    assert cols.history.keys["level"].words() == ["provincial"]
    assert cols.history.step.tolist() == [-1]  # no step named
    assert cols.past.app.tolist() == [0] and cols.past.year.tolist() == [2020]
    assert cols.past.facts["main_revenue"].data.tolist() == [6_000_000_000_00]
    assert cols.app_date.present.tolist() == [False, True]
    assert cols.app_date.data[1] == date(2021, 3, 4).toordinal()
    assert cols.claim_date.present.tolist() == [False, False, True]


def test_codes_join_vocabularies() -> None:
    joined = Codes.concat([encode(["x", None, "y"]), encode(["y", "z"])])
    assert joined.words() == ["x", None, "y", "y", "z"]
    assert joined.take(np.array([4, 0])).words() == ["z", "x"]
