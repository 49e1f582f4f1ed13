"""The synthetic sample population: seeded, plausible, clearly labelled, exact."""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from kfpl.model import PolicySet
from kfpl.population import CHAIN_WEIGHTS, Options, generate, write_jsonl
from kfpl.project.loader import compile_paths

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "population" / "applications.jsonl"
EIGHT_CHAINS = {
    "agri_food",
    "fine_chemicals",
    "auto_parts",
    "equipment",
    "textiles",
    "home_furnishing",
    "new_materials_energy",
    "pharma_devices",
}
MONEY = re.compile(r"^\d+\.\d\d$")


@pytest.fixture(scope="module")
def policies() -> PolicySet:
    comp = compile_paths([str(ROOT / "policies")])
    assert comp.ok and comp.policy_set is not None
    return comp.policy_set


def test_same_seed_same_population(policies: PolicySet) -> None:
    a = generate(policies, Options(enterprises=50, seed=3))
    b = generate(policies, Options(enterprises=50, seed=3))
    c = generate(policies, Options(enterprises=50, seed=4))
    assert a == b
    assert a != c


def test_population_is_plausible_and_synthetic(policies: PolicySet) -> None:
    apps = generate(policies, Options(enterprises=1500))
    assert len(apps) == 1500
    chains = Counter(a["enterprise"]["chain"] for a in apps)
    assert set(chains) >= EIGHT_CHAINS
    assert all(chains[c] >= 60 for c in EIGHT_CHAINS)
    sizes = Counter(a["enterprise"]["size"] for a in apps)
    assert 0.25 < sizes["above_scale"] / 1500 < 0.45
    for app in apps:
        e = app["enterprise"]
        assert e["name"].startswith("合成企业")  # "synthetic enterprise"
        assert MONEY.match(e["local_retained_tax"])
        assert Decimal(20_000) <= Decimal(e["local_retained_tax"]) <= Decimal(30_000_000)
        assert 0 <= len(app["claims"]) <= 4
        for claim in app["claims"]:
            assert claim["measure"] in policies.measures
            for value in claim["facts"].values():
                assert not isinstance(value, float)
                if isinstance(value, str) and value[:1].isdigit():
                    assert MONEY.match(value) or value.isdigit() or value.startswith("0.")


def test_ind_measures_are_claimed_only_by_their_chain(policies: PolicySet) -> None:
    apps = generate(policies, Options(enterprises=400))
    for app in apps:
        for claim in app["claims"]:
            measure = policies.measures[claim["measure"]]
            if measure.source is not None and measure.source.doc == "ind":
                from kfpl.population import measure_chains

                assert app["enterprise"]["chain"] in (measure_chains(measure) or ())


def test_jsonl_starts_with_a_synthetic_header(policies: PolicySet, tmp_path: Path) -> None:
    options = Options(enterprises=5)
    write_jsonl(generate(policies, options), tmp_path / "p.jsonl", options)
    first = json.loads((tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["synthetic"] is True and first["seed"] == 2022


@pytest.mark.skipif(not SAMPLE.exists(), reason="sample population not generated yet")
def test_shipped_sample_is_small_labelled_and_covers_the_chains() -> None:
    assert SAMPLE.stat().st_size < 3_000_000
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["synthetic"] is True and header["enterprises"] == len(lines) - 1
    chains = {json.loads(line)["enterprise"]["chain"] for line in lines[1:]}
    assert EIGHT_CHAINS <= chains <= set(CHAIN_WEIGHTS)
