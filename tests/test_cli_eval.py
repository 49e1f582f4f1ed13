"""`kfpl eval`: the JSON contract, the explanation tree, and clear answers to bad input."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import POLICIES, application

from kfpl.cli.main import main

MFG2A = {"measure": "mfg-2a", "facts": {"booth_rental": "1500000", "booth_setup": "500000"}}


def run_eval(tmp_path: Path, app: Any, *args: str) -> Any:
    path = tmp_path / "app.json"
    path.write_text(
        app if isinstance(app, str) else json.dumps(app, ensure_ascii=False), encoding="utf-8"
    )
    return CliRunner().invoke(main, ["eval", str(path), "--policies", str(POLICIES), *args])


def test_json_output_has_the_contract_fields(tmp_path: Path) -> None:
    result = run_eval(tmp_path, application(MFG2A), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["explain_version"] == 1
    assert data["total"] == "300000.00"
    (measure,) = data["measures"]
    assert {"id", "source", "status", "amount", "ceiling", "explain"} <= set(measure)
    assert measure["source"] == "mfg 2" and measure["measure"] == "mfg-2a"
    assert measure["status"] == "capped" and measure["amount"] == "300000.00"
    # every explanation line names its source clause and has both languages
    assert all(step["source"] and step["zh"] and step["en"] for step in measure["explain"])


def test_amounts_are_decimal_strings_with_two_places(tmp_path: Path) -> None:
    app = application({"measure": "mfg-2a", "facts": {"booth_rental": "0.05", "booth_setup": 0}})
    data = json.loads(run_eval(tmp_path, app, "--format", "json").output)
    # 30% of 0.05 yuan = 0.015, rounded half-up to the fen
    assert data["measures"][0]["amount"] == "0.02"
    assert data["total"] == "0.02"


@pytest.mark.parametrize(
    "lang,words",
    [
        ("en", ["cap CNY 300,000", "Total: CNY 300,000"]),
        ("zh", ["最高不超过30万元", "合计：30万元"]),
    ],
)
def test_explain_prints_a_tree_in_each_language(
    tmp_path: Path, lang: str, words: list[str]
) -> None:
    result = run_eval(tmp_path, application(MFG2A), "--explain", "--lang", lang)
    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.output
    assert "└─" in result.output and "(mfg 2)" in result.output


def test_missing_fact_is_undetermined_not_zero(tmp_path: Path) -> None:
    app = application({"measure": "mfg-2a", "facts": {"booth_rental": "1500000"}})
    data = json.loads(run_eval(tmp_path, app, "--format", "json").output)
    (measure,) = data["measures"]
    assert measure["status"] == "undetermined"
    assert measure["missing"] == ["booth_setup"]


@pytest.mark.parametrize(
    "app,path",
    [
        ('{"year": 2021, "enterprise": ', "not valid JSON"),
        (application({"measure": "mfg-2z", "facts": {}}), "claims[0].measure"),
        (
            application({"measure": "mfg-2a", "facts": {"booth_rentl": "1"}}),
            "claims[0].facts.booth_rentl",
        ),
        (
            application({"measure": "mfg-2a", "facts": {"booth_rental": "-5"}}),
            "claims[0].facts.booth_rental",
        ),
        (
            application({"measure": "mfg-2a", "facts": {"booth_rental": True}}),
            "claims[0].facts.booth_rental",
        ),
        (application(MFG2A, size="huge"), "enterprise.size"),
        ({"enterprise": {"id": "E"}, "claims": []}, "year"),
        (application({"facts": {}}), "claims[0].measure"),
    ],
)
def test_bad_application_exits_2_naming_the_field(tmp_path: Path, app: Any, path: str) -> None:
    result = run_eval(tmp_path, app, "--lang", "en")
    assert result.exit_code == 2
    assert path in result.output
    assert "Traceback" not in result.output


def test_unknown_fact_suggests_the_closest_name(tmp_path: Path) -> None:
    app = application({"measure": "mfg-2a", "facts": {"booth_rentl": "1"}})
    result = run_eval(tmp_path, app, "--lang", "en")
    assert "did you mean booth_rental?" in result.output
    # In Chinese (the repository's kfpl.toml says lang = "zh"): the same field, in Chinese.
    zh = run_eval(tmp_path, app).output
    assert "claims[0].facts.booth_rentl：mfg-2a 不读取这项事实（是否应为 booth_rental？）" in zh, zh
    assert "did you mean" not in zh


def test_json_numbers_are_read_exactly(tmp_path: Path) -> None:
    text = json.dumps(
        application({"measure": "mfg-2a", "facts": {"booth_rental": 0, "booth_setup": 0}})
    )
    text = text.replace('"booth_setup": 0', '"booth_setup": 333333.33')
    data = json.loads(run_eval(tmp_path, text, "--format", "json").output)
    assert Decimal(data["total"]) == Decimal(
        "100000.00"
    )  # 30% of 333,333.33 = 99,999.999 -> 100,000.00


def test_schema_lists_every_measure_and_enterprise_field() -> None:
    result = CliRunner().invoke(main, ["schema", str(POLICIES)])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    measures = schema["properties"]["claims"]["items"]["properties"]["measure"]["enum"]
    assert "mfg-2a" in measures and "mfg-14a" in measures
    assert "local_retained_tax" in schema["properties"]["enterprise"]["properties"]


def test_committed_evaluators_decide_like_the_policy_text() -> None:
    """`--generated generated/` (the built modules) and the default (compile the .kfpl
    in memory) give the same decision, explanation included."""
    app = str(POLICIES.parent / "examples" / "application.json")
    runner = CliRunner()
    built = runner.invoke(
        main, ["eval", app, "--generated", str(POLICIES.parent / "generated"), "--format", "json"]
    )
    fresh = runner.invoke(main, ["eval", app, "--policies", str(POLICIES), "--format", "json"])
    assert built.exit_code == 0 and fresh.exit_code == 0
    assert json.loads(built.output) == json.loads(fresh.output)
    assert json.loads(built.output)["total"] == "2380000.00"
