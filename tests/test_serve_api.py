"""The JSON API of `kfpl serve` answers as the command line does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfpl.cli.main import main

pytest.importorskip("starlette", reason="the serve extra is not installed")
from starlette.testclient import TestClient

from kfpl.serve.app import create_app

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
APPLICATION = ROOT / "examples" / "application.json"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(POLICIES, max_body=200_000)) as c:
        yield c


def cli(*args: str) -> tuple[int, str, str]:
    # The API's errors are English: compared with the command's English messages.
    result = CliRunner().invoke(main, [*args, "--lang", "en"])
    return result.exit_code, result.stdout, result.stderr


def test_evaluate_returns_what_kfpl_eval_prints(client: TestClient) -> None:
    code, out, _ = cli("eval", str(APPLICATION), "--policies", str(POLICIES), "--format", "json")
    assert code == 0
    response = client.post("/api/v1/evaluate", content=APPLICATION.read_bytes())
    assert response.status_code == 200
    assert response.json() == json.loads(out)
    assert response.json()["total"] == "2380000.00"


def test_malformed_json_is_400_with_the_message_of_kfpl_eval(
    client: TestClient, tmp_path: Path
) -> None:
    text = '{"year": 2021, "enterprise": {'
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    code, _, err = cli("eval", str(bad), "--policies", str(POLICIES))
    assert code == 2
    response = client.post("/api/v1/evaluate", content=text)
    assert response.status_code == 400
    assert err.strip() == f"kfpl: {bad}: {response.json()['error']}"


@pytest.mark.parametrize(
    ("facts", "path"),
    [
        ({"booth_rental": "abc"}, "claims[0].facts.booth_rental"),
        ({"booth_rental": 1.5}, None),  # JSON 1.5 is read as Decimal: allowed
        ({"booth_rental": "-3万"}, "claims[0].facts.booth_rental"),
        ({"booth_fees": "3万"}, "claims[0].facts.booth_fees"),
    ],
)
def test_bad_fields_are_422_naming_the_field_like_kfpl_eval(
    client: TestClient, tmp_path: Path, facts: dict[str, object], path: str | None
) -> None:
    app = {
        "year": 2021,
        "enterprise": {"id": "E1"},
        "claims": [{"measure": "mfg-2a", "facts": facts}],
    }
    text = json.dumps(app)
    response = client.post("/api/v1/evaluate", content=text)
    if path is None:
        assert response.status_code == 200
        return
    file = tmp_path / "app.json"
    file.write_text(text, encoding="utf-8")
    code, _, err = cli("eval", str(file), "--policies", str(POLICIES))
    assert (code, response.status_code) == (2, 422)
    assert response.json()["path"] == path
    assert err.strip() == f"kfpl: {file}: {response.json()['error']}"


def test_not_an_object_and_not_utf8(client: TestClient) -> None:
    assert client.post("/api/v1/evaluate", content="[1, 2]").status_code == 422
    response = client.post("/api/v1/evaluate", content=b"\xff\xfe{}")
    assert response.status_code == 400
    assert "UTF-8" in response.json()["error"]


def test_a_body_over_the_limit_is_refused_with_413(client: TestClient) -> None:
    big = json.dumps({"year": 2021, "enterprise": {"id": "x" * 300_000}, "claims": []})
    response = client.post("/api/v1/evaluate", content=big)
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]

    # a streamed body (no Content-Length) is counted as it arrives
    def chunks() -> Iterator[bytes]:
        for _ in range(30):
            yield b" " * 10_000

    response = client.post("/api/v1/evaluate", content=chunks())
    assert response.status_code == 413


def test_schema_and_measures_match_the_command_line(client: TestClient) -> None:
    _, schema_out, _ = cli("schema", str(POLICIES))
    assert client.get("/api/v1/schema").json() == json.loads(schema_out)
    _, list_out, _ = cli("list", str(POLICIES), "--format", "json")
    listing = client.get("/api/v1/measures").json()
    assert listing == json.loads(list_out)
    assert "mfg-2a" in [m["id"] for m in listing["measures"]]


def test_check_reports_a_misspelt_keyword_with_its_position(client: TestClient) -> None:
    text = (POLICIES / "mfg.kfpl").read_text(encoding="utf-8")
    broken = text.replace(
        "  award up to 30% of booth_rental", "  awrd up to 30% of booth_rental", 1
    )
    assert broken != text
    line = broken[: broken.index("awrd")].count("\n") + 1
    response = client.post("/api/v1/check", json={"file": "mfg.kfpl", "text": broken})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False and body["errors"] >= 1
    first = body["diagnostics"][0]
    assert (first["code"], first["file"], first["line"], first["column"]) == (
        "KF0005",
        "mfg.kfpl",
        line,
        3,
    )
    # The service's language (zh here); both languages' words under translations.
    assert "错误[KF0005]：未知的关键词 `awrd`" in first["rendered"]
    assert first["translations"]["en"]["label"] == "did you mean `award`?"
    english = client.post(
        "/api/v1/check", json={"file": "mfg.kfpl", "text": broken, "lang": "en"}
    ).json()
    assert "did you mean `award`?" in english["diagnostics"][0]["rendered"]
    clean = client.post("/api/v1/check", json={"file": "mfg.kfpl", "text": text}).json()
    assert clean["ok"] is True and clean["errors"] == 0


def test_check_never_runs_policy_text(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    # Policy text only reaches Python through codegen and exec: the check endpoint
    # must call neither, whatever the text says.
    import kfpl.python.codegen as codegen
    import kfpl.python.evaluate as evaluate

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the check endpoint generated or ran code")

    monkeypatch.setattr(codegen, "generate_all", forbidden)
    monkeypatch.setattr(evaluate, "module_from_source", forbidden)
    text = "measure x-1\n  title zh \"__import__('os').system('false')\" en \"x\"\n  award 1万\n"
    response = client.post("/api/v1/check", content=text, headers={"content-type": "text/plain"})
    assert response.status_code == 200
    assert isinstance(response.json()["diagnostics"], list)


def test_check_refuses_a_file_name_outside_the_project(client: TestClient) -> None:
    for name in ("../evil.kfpl", "/etc/passwd", "sub/x.kfpl", "x.py"):
        response = client.post("/api/v1/check", json={"file": name, "text": ""})
        assert response.status_code == 422, name
        assert response.json()["path"] == "file"


def test_openapi_document_is_valid_openapi_3(client: TestClient) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    doc = client.get("/api/v1/openapi.json").json()
    validator.validate(doc)
    assert doc["openapi"].startswith("3.")
    assert {"/api/v1/evaluate", "/api/v1/schema", "/api/v1/measures", "/api/v1/check"} <= set(
        doc["paths"]
    )


def test_kfpl_serve_binds_loopback_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: dict[str, object] = {}

    def run(app: object, **kwargs: object) -> None:
        seen.update(kwargs, app=app)

    monkeypatch.setattr(uvicorn, "run", run)
    result = CliRunner().invoke(main, ["serve", str(POLICIES), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8123)
    with TestClient(seen["app"]) as c:  # type: ignore[arg-type]
        assert c.get("/api/v1/measures").status_code == 200


def test_kfpl_serve_without_a_path_serves_the_project_of_the_current_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(app=app))
    assert CliRunner().invoke(main, ["init", str(tmp_path / "demo")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "demo")
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 0, result.output
    application = (tmp_path / "demo" / "examples" / "application.json").read_bytes()
    expected = CliRunner().invoke(main, ["eval", "examples/application.json", "--format", "json"])
    with TestClient(seen["app"]) as c:  # type: ignore[arg-type]
        answer = c.post("/api/v1/evaluate", content=application)
        assert answer.status_code == 200, answer.text
        assert answer.json()["total"] == json.loads(expected.output)["total"]


def test_kfpl_serve_without_the_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if not installed
    result = CliRunner().invoke(main, ["serve", str(POLICIES)])
    assert result.exit_code == 2
    assert "pip install 'kfpl[serve]'" in result.stderr


def test_kfpl_serve_of_a_broken_project_exits_1_with_the_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "x.kfpl").write_text("measure x-1\n  awrd 1万\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["serve", str(tmp_path)])
    assert result.exit_code == 1
    assert "KF0005" in result.stderr


REVISION = ROOT / "examples" / "revision-2023"


def test_evaluate_under_each_version_gives_that_versions_kfpl_eval_total(
    client: TestClient, tmp_path: Path
) -> None:
    # A trade-fair claim above the yearly cap, which the revision raises.
    standing = dict.fromkeys(
        ("registered_in_kaifeng", "taxed_in_kaifeng", "independent_legal_person"), True
    ) | dict.fromkeys(
        ("false_materials", "major_accident", "tax_violation_case", "mass_incident"), False
    )
    application = tmp_path / "fair.json"
    application.write_text(
        json.dumps(
            {
                "year": 2021,
                "enterprise": {"id": "E1", "local_retained_tax": "1000万", **standing},
                "claims": [
                    {"measure": "mfg-2a", "facts": {"booth_rental": "300万", "booth_setup": "0"}}
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    listed = client.get("/api/v1/versions").json()["versions"]
    names = [v["version"] for v in listed]
    assert names[0] == "saved" and listed[0]["default"] is True
    assert REVISION.name in names  # the project file's [examples] revision
    assert not any(str(ROOT) in json.dumps(v) for v in listed)  # no server path shown
    totals = {}
    for version, folder in (("saved", POLICIES), (REVISION.name, REVISION)):
        code, out, _ = cli("eval", str(application), "--policies", str(folder), "--format", "json")
        assert code == 0
        response = client.post(
            "/api/v1/evaluate", params={"version": version}, content=application.read_bytes()
        )
        assert response.status_code == 200, response.text
        assert response.json() == json.loads(out)
        totals[version] = response.json()["total"]
    assert totals["saved"] != totals[REVISION.name]  # the two versions really differ


def test_an_unknown_version_or_a_path_is_422(client: TestClient) -> None:
    for name in ("nope", "../policies", str(REVISION), "examples/revision-2023"):
        response = client.post(
            "/api/v1/evaluate", params={"version": name}, content=APPLICATION.read_bytes()
        )
        assert response.status_code == 422, name
        body = response.json()
        assert body["path"] == "version"
        assert "unknown policy version" in body["error"] and "saved" in body["error"]


def test_openapi_documents_the_version_parameter(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    params = doc["paths"]["/api/v1/evaluate"]["post"]["parameters"]
    assert [p["name"] for p in params] == ["version"]
    assert "/api/v1/versions" in doc["paths"]


WENZHOU = ROOT / "tests" / "fixtures" / "wenzhou" / "final"


def test_a_second_project_served_beside_the_first_is_chosen_per_request() -> None:
    # Another city's measures under `--policy-version wenzhou=FOLDER`: a request naming it
    # gets what `kfpl eval` gives under that project, and the default is unchanged.
    from kfpl.serve.versions import named_version

    application = WENZHOU / "application.json"
    code, out, _ = cli("eval", str(application), "--policies", str(WENZHOU), "--format", "json")
    assert code == 0
    with TestClient(
        create_app(POLICIES, versions=dict([named_version(f"wenzhou={WENZHOU}")]))
    ) as c:
        assert "wenzhou" in [v["version"] for v in c.get("/api/v1/versions").json()["versions"]]
        chosen = c.post(
            "/api/v1/evaluate", params={"version": "wenzhou"}, content=application.read_bytes()
        )
        assert chosen.status_code == 200, chosen.text
        assert chosen.json() == json.loads(out)
        default = c.post("/api/v1/evaluate", content=application.read_bytes())
        assert default.status_code == 422  # its measures are not Kaifeng's


@pytest.mark.parametrize(
    ("spec", "says"),
    [("wenzhou", "NAME=FOLDER"), ("saved=.", "not 'saved'"), ("../x=.", "a name is"),
     ("w=/nonexistent/folder", "w:")],
)  # fmt: skip
def test_a_bad_policy_version_is_refused_at_start_up(spec: str, says: str) -> None:
    code, _, err = cli("serve", str(POLICIES), "--policy-version", spec, "--lang", "en")
    assert code == 2
    assert says in err
