"""The calculator, the studio and saving, through Starlette's TestClient."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed")
from starlette.testclient import TestClient

from kfpl.python.evaluate import Program
from kfpl.serve.app import create_app

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
GOOD_STANDING = {
    "e.registered_in_kaifeng": "true",
    "e.taxed_in_kaifeng": "true",
    "e.independent_legal_person": "true",
    "e.false_materials": "false",
    "e.major_accident": "false",
    "e.tax_violation_case": "false",
    "e.mass_incident": "false",
    "e.local_retained_tax": "1亿",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("project") / "policies"
    shutil.copytree(POLICIES, folder)
    return folder


@pytest.fixture(scope="module")
def client(project: Path) -> Iterator[TestClient]:
    with TestClient(create_app(project)) as c:
        yield c


def text_of(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)<', page, re.S)
    assert match, f"no #{element_id}"
    return html.unescape(match.group(1)).strip()


def test_the_form_asks_only_what_the_chosen_measure_reads(client: TestClient) -> None:
    page = client.get("/calc?m=mfg-2a").text
    assert 'name="c.0.booth_rental"' in page and 'name="c.0.booth_setup"' in page
    assert "场地租赁费" in page  # the input's Chinese label
    assert 'name="c.0.software_hardware_investment"' not in page  # mfg-5's fact
    assert 'name="e.registered_in_kaifeng"' in page  # read by the general rules
    english = client.get("/calc?m=mfg-2a&lang=en").text
    assert '<html lang="en">' in english and "booth" in english.lower()
    assert "万" not in english


def test_a_group_picks_every_measure_of_a_chain(client: TestClient) -> None:
    page = client.get("/calc?g=chain:agri_food").text
    for mid in ("ind-1", "ind-2a", "ind-2b"):
        assert f'name="m" value="{mid}"' in page


def test_trade_fair_claim_written_in_wan_gets_the_decision_of_kfpl_eval(
    client: TestClient,
) -> None:
    form = {
        "m": "mfg-2a",
        "year": "2021",
        **GOOD_STANDING,
        "c.0.booth_rental": "86万",
        "c.0.booth_setup": "34万",
        "h.0.measure": "mfg-2a",
        "h.0.year": "2021",
        "h.0.amount": "12万",
    }
    response = client.post("/calc", data=form)
    assert response.status_code == 200
    # the same application written by hand, as `kfpl eval` reads it
    app = {
        "year": 2021,
        "enterprise": {
            "id": "web",
            "registered_in_kaifeng": True,
            "taxed_in_kaifeng": True,
            "independent_legal_person": True,
            "false_materials": False,
            "major_accident": False,
            "tax_violation_case": False,
            "mass_incident": False,
            "local_retained_tax": "100000000",
        },
        "claims": [
            {
                "id": "1",
                "measure": "mfg-2a",
                "facts": {"booth_rental": "860000", "booth_setup": "340000"},
            }
        ],
        "history": [{"measure": "mfg-2a", "year": 2021, "amount": "120000"}],
    }
    expected = Program.from_paths([str(POLICIES)]).evaluate(app)
    page = response.text
    total = re.search(r'id="total" data-yuan="([\d.]+)"', page)
    assert total and total.group(1) == expected["total"]
    assert expected["total"] == "180000.00"  # 30% of 120万 is 36万; the yearly 30万 less 12万 paid
    assert text_of(page, "total") == "18万元"
    assert "单个企业每年最高不超过30万元" in page  # the source clause's own words
    assert "已获" in page or "已拨付" in page or "已支付" in page  # the history step is explained
    shown = json.loads(html.unescape(re.search(r"<pre>(.*?)</pre>", page, re.S).group(1)))  # type: ignore[union-attr]
    assert shown == expected
    # the language switch of an answered form keeps the chosen measure
    assert 'id="lang-switch"' in page and 'href="/calc?m=mfg-2a&amp;lang=en"' in page


def test_a_bad_amount_is_shown_at_its_field(client: TestClient) -> None:
    form = {"m": "mfg-2a", "year": "2021", **GOOD_STANDING, "c.0.booth_rental": "八十六万"}
    response = client.post("/calc", data=form)
    assert response.status_code == 422
    assert re.search(r'name="c.0.booth_rental"[^>]*aria-invalid="true"', response.text)
    assert "expected money in yuan" in html.unescape(response.text)


def test_an_empty_fact_is_missing_not_zero(client: TestClient) -> None:
    form = {"m": "mfg-2a", "year": "2021", **GOOD_STANDING, "c.0.booth_rental": "86万"}
    page = client.post("/calc", data=form).text
    assert "无法确定" in page


def test_untrusted_text_is_escaped(client: TestClient) -> None:
    form = {"m": "mfg-2a", "year": "2021", "e.name": "<script>alert(1)</script>"}
    page = client.post("/calc", data=form).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


# --------------------------------------------------------------------------- studio


def preview(client: TestClient, text: str, line: int = 1) -> dict[str, object]:
    response = client.post("/studio/preview", json={"file": "mfg.kfpl", "text": text, "line": line})
    assert response.status_code == 200
    data: dict[str, object] = response.json()
    return data


def test_studio_preview_renders_the_measure_under_the_cursor_and_runs_its_examples(
    client: TestClient, project: Path
) -> None:
    text = (project / "mfg.kfpl").read_text(encoding="utf-8")
    line = text[: text.index("measure mfg-2a")].count("\n") + 3
    data = preview(client, text, line)
    assert data["measure"] == "mfg-2a" and data["errors"] == 0
    panel = str(data["html"])
    assert "Market promotion: trade fairs and expos" in panel
    assert "✓" in panel and "未通过" not in panel
    assert "与已保存版本相同" in panel


def test_studio_preview_shows_a_failing_example_and_the_diff(
    client: TestClient, project: Path
) -> None:
    text = (project / "mfg.kfpl").read_text(encoding="utf-8")
    # the measure's first worked example now expects 1 yuan: it must fail
    example = re.compile(r"^  example .*-> (.+)$", re.M).search(text, text.index("measure mfg-2a"))
    assert example is not None
    changed = text[: example.start(1)] + "1元" + text[example.end(1) :]
    assert changed != text
    line = changed[: changed.index("measure mfg-2a")].count("\n") + 3
    panel = str(preview(client, changed, line)["html"])
    assert "未通过" in panel
    raised = text.replace("cap 30万 per year", "cap 50万 per year", 1)
    assert raised != text
    panel = str(preview(client, raised, line)["html"])
    assert "mfg-2a" in panel and "50万" in panel and "与已保存版本相同" not in panel


def test_studio_preview_of_a_typo_gives_the_diagnostic(client: TestClient, project: Path) -> None:
    text = (project / "mfg.kfpl").read_text(encoding="utf-8")
    data = preview(client, text.replace("  award up to 30%", "  awrd up to 30%", 1))
    assert data["errors"] == 1
    assert "KF0005" in str(data["html"]) and "请先改正错误" in str(data["html"])


def test_save_writes_atomically_inside_the_project(client: TestClient, project: Path) -> None:
    path = project / "mfg.kfpl"
    text = path.read_text(encoding="utf-8")
    page = client.get("/studio?file=mfg.kfpl").text
    base = re.search(r'data-saved="(\w+)"', page).group(1)  # type: ignore[union-attr]
    edited = text.replace("# ", "#  ", 1)
    response = client.post("/studio/save", json={"file": "mfg.kfpl", "text": edited, "base": base})
    assert response.status_code == 200, response.text
    assert path.read_text(encoding="utf-8") == edited
    assert not [p for p in project.iterdir() if p.name.startswith(".")]  # no temporary left
    # the old base no longer matches: a second editor cannot overwrite the first
    stale = client.post("/studio/save", json={"file": "mfg.kfpl", "text": text, "base": base})
    assert stale.status_code == 409
    back = client.post(
        "/studio/save", json={"file": "mfg.kfpl", "text": text, "base": response.json()["base"]}
    )
    assert back.status_code == 200
    assert path.read_text(encoding="utf-8") == text


def test_save_refuses_text_with_errors(client: TestClient, project: Path) -> None:
    path = project / "mfg.kfpl"
    before = path.read_text(encoding="utf-8")
    response = client.post(
        "/studio/save",
        json={"file": "mfg.kfpl", "text": before.replace("\n  award ", "\n  awrd ", 1)},
    )
    assert response.status_code == 422
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    "name",
    ["../escape.kfpl", "../../tmp/x.kfpl", "/tmp/abs.kfpl", "sources/x.kfpl", ".hidden.kfpl",
     "mfg.py", "..", "mfg.kfpl/", "a\\..\\b.kfpl", "x.kfpl\x00.txt"],
)  # fmt: skip
def test_save_never_writes_outside_the_project(
    client: TestClient, project: Path, name: str
) -> None:
    before = {p: p.stat().st_mtime_ns for p in project.parent.rglob("*")}
    response = client.post("/studio/save", json={"file": name, "text": "# nothing\n"})
    assert response.status_code == 400
    assert {p: p.stat().st_mtime_ns for p in project.parent.rglob("*")} == before


def test_save_does_not_follow_a_link_out_of_the_project(
    client: TestClient, project: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.kfpl"
    outside.write_text("# untouched\n", encoding="utf-8")
    (project / "link.kfpl").symlink_to(outside)
    try:
        response = client.post("/studio/save", json={"file": "link.kfpl", "text": "# nothing\n"})
        assert response.status_code == 400
        assert outside.read_text(encoding="utf-8") == "# untouched\n"
    finally:
        (project / "link.kfpl").unlink()


def test_save_needs_a_json_request_from_this_host(client: TestClient, project: Path) -> None:
    text = (project / "mfg.kfpl").read_text(encoding="utf-8")
    form = client.post("/studio/save", data={"file": "mfg.kfpl", "text": text})
    assert form.status_code == 403
    other = client.post(
        "/studio/save",
        json={"file": "mfg.kfpl", "text": text},
        headers={"origin": "http://evil.example"},
    )
    assert other.status_code == 403


def test_behind_a_proxy_every_link_carries_the_root_path(project: Path) -> None:
    # as uvicorn --root-path sends it (ASGI: the path includes the root path), the
    # proxy having stripped the prefix from the URL it received
    with TestClient(create_app(project), root_path="/calculator") as c:
        page = c.get("/calculator/calc?m=mfg-2a").text
        links = re.findall(r'(?:href|action|src)="(/[^"]*)"', page)
        assert links and all(link.startswith("/calculator/") for link in links), links
        assert 'href="/calculator/calc?m=mfg-2a&amp;lang=en"' in page
        assert c.get("/calculator/static/serve.css").status_code == 200
        assert 'data-root="/calculator"' in c.get("/calculator/studio").text


def test_studio_assist_completes_and_explains_from_the_language_service(
    client: TestClient,
) -> None:
    text = (POLICIES / "mfg.kfpl").read_text(encoding="utf-8")
    typed = text.replace("award up to 30% of booth_rental", "award up to 30% of booth_re", 1)
    before = typed[: typed.index("of booth_re") + len("of booth_re")].split("\n")
    response = client.post(
        "/studio/assist",
        json={
            "file": "mfg.kfpl",
            "text": typed,
            "line": len(before) - 1,
            "column": len(before[-1]),
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["prefix"] == "booth_re"
    labels = {c["label"]: c for c in body["completions"]}
    assert labels["booth_rental"]["kind"] == "input"
    assert all(label.startswith("booth_re") for label in labels)

    head = text[: text.index("measure mfg-2a") + len("measure mfg-")].split("\n")
    hover = client.post(
        "/studio/assist",
        json={"file": "mfg.kfpl", "text": text, "line": len(head) - 1, "column": len(head[-1])},
    ).json()
    assert hover["word"] == "mfg-2a"
    assert "Market promotion: trade fairs and expos" in hover["hover"]
    assert "单个企业每年最高不超过30万元" in hover["hover"]  # the source clause's text


def test_studio_assist_refuses_a_path_and_bad_positions(client: TestClient) -> None:
    bad = client.post(
        "/studio/assist", json={"file": "../x.kfpl", "text": "", "line": 0, "column": 0}
    )
    assert bad.status_code == 400
    worse = client.post(
        "/studio/assist", json={"file": "mfg.kfpl", "text": "", "line": -1, "column": 0}
    )
    assert worse.status_code == 422
