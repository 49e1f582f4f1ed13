"""Shared fixtures: the real policy set compiled once, and application builders."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from kfpl.python.evaluate import Program

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"

ENTERPRISE: dict[str, Any] = {
    "id": "E0001",
    "name": "开封示例制造有限公司",
    "registered_in_kaifeng": True,
    "taxed_in_kaifeng": True,
    "independent_legal_person": True,
    "size": "above_scale",
    "chain": "equipment",
    "industrial_enterprise": True,
    "local_retained_tax": "50000000",
    "false_materials": False,
    "major_accident": False,
    "tax_violation_case": False,
    "mass_incident": False,
}


def application(
    *claims: dict[str, Any],
    year: int = 2021,
    history: list[dict[str, Any]] | None = None,
    **enterprise: Any,
) -> dict[str, Any]:
    """An application of a good-standing enterprise; keyword arguments override its profile."""
    profile = copy.deepcopy(ENTERPRISE)
    profile.update(enterprise)
    numbered = [{"id": f"c{i + 1}", **claim} for i, claim in enumerate(claims)]
    return {"year": year, "enterprise": profile, "claims": numbered, "history": history or []}


@pytest.fixture(autouse=True)
def english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in one known locale (English), whatever the machine's: a command
    without --lang in a project without `lang` then speaks English."""
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(scope="session")
def program() -> Program:
    return Program.from_paths([str(POLICIES)])
