"""`kfpl serve` in a real browser: the calculator for a trade-fair claim, a mistake made
and fixed in the studio, and the review charts. Screenshots go to test-artifacts/.

Needs Debian's chromium, the playwright package and the serve extra; skipped otherwise.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser.chromium import REPO, require, shot

require()
pytest.importorskip("uvicorn", reason="the serve extra is not installed")

from kfpl.python.evaluate import Program  # noqa: E402
from kfpl.serve.app import create_app  # noqa: E402
from kfpl.serve.background import serving  # noqa: E402


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("serve") / "policies"
    shutil.copytree(REPO / "policies", folder)
    return folder


@pytest.fixture(scope="module")
def url(project: Path) -> Iterator[str]:
    app = create_app(
        project,
        REPO / "examples" / "revision-2023",
        REPO / "examples" / "population" / "applications.jsonl",
        group_by="chain",  # the copied folder has no kfpl.toml to say so
    )
    with serving(app) as base:
        yield base


def new_page(browser: object) -> object:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.set_default_timeout(30_000)
    return page


GOOD_STANDING = {
    "registered_in_kaifeng": "true",
    "taxed_in_kaifeng": "true",
    "independent_legal_person": "true",
    "false_materials": "false",
    "major_accident": "false",
    "tax_violation_case": "false",
    "mass_incident": "false",
}


def test_calculator_trade_fair_claim(url: str, browser: object, project: Path) -> None:
    page = new_page(browser)
    page.goto(f"{url}/calc")  # type: ignore[attr-defined]
    assert page.locator("html").get_attribute("lang") == "zh-CN"  # type: ignore[attr-defined]
    page.locator('input[name="m"][value="mfg-2a"]').check()  # type: ignore[attr-defined]
    page.locator("#make-form").click()  # type: ignore[attr-defined]
    page.wait_for_selector('input[name="c.0.booth_rental"]')  # type: ignore[attr-defined]
    for name, value in GOOD_STANDING.items():
        page.select_option(f'select[name="e.{name}"]', value)  # type: ignore[attr-defined]
    page.fill('input[name="year"]', "2021")  # type: ignore[attr-defined]
    page.fill('input[name="e.name"]', "开封市示例精密机械有限公司")  # type: ignore[attr-defined]
    page.fill('input[name="e.local_retained_tax"]', "250万")  # type: ignore[attr-defined]
    page.fill('input[name="c.0.booth_rental"]', "86万")  # type: ignore[attr-defined]
    page.fill('input[name="c.0.booth_setup"]', "34万")  # type: ignore[attr-defined]
    page.select_option('select[name="h.0.measure"]', "mfg-2a")  # type: ignore[attr-defined]
    page.fill('input[name="h.0.year"]', "2021")  # type: ignore[attr-defined]
    page.fill('input[name="h.0.amount"]', "12万")  # type: ignore[attr-defined]
    page.locator("#calculate").click()  # type: ignore[attr-defined]
    total = page.locator("#total")  # type: ignore[attr-defined]
    total.wait_for()
    expected = Program.from_paths([str(project)]).evaluate(
        {
            "year": 2021,
            "enterprise": {"id": "web", "local_retained_tax": "2500000"}
            | {k: v == "true" for k, v in GOOD_STANDING.items()},
            "claims": [
                {"measure": "mfg-2a", "facts": {"booth_rental": "860000", "booth_setup": "340000"}}
            ],
            "history": [{"measure": "mfg-2a", "year": 2021, "amount": "120000"}],
        }
    )
    assert total.get_attribute("data-yuan") == expected["total"] == "180000.00"
    assert total.inner_text() == "18万元"
    result = page.locator("#result").inner_text()  # type: ignore[attr-defined]
    assert "单个企业每年最高不超过30万元" in result  # the clause's own text
    assert "此前已获12万元" in result  # the explanation names the earlier award
    shot(page, "serve-calculator-zh")

    # the same application, answered in English
    page.locator("#result-lang").click()  # type: ignore[attr-defined]
    page.wait_for_selector('html[lang="en"]')  # type: ignore[attr-defined]
    assert page.locator("#total").inner_text() == "CNY 180,000"  # type: ignore[attr-defined]
    assert "CNY 120,000 already paid" in page.locator("#result").inner_text()  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def studio_text(page: object) -> str:
    value: str = page.locator("#source").input_value()  # type: ignore[attr-defined]
    return value


def put_caret(page: object, offset: int) -> None:
    page.evaluate(  # type: ignore[attr-defined]
        """(offset) => { const t = document.getElementById('source');
        t.focus(); t.setSelectionRange(offset, offset);
        t.scrollTop = Math.max(0, t.value.slice(0, offset).split('\\n').length * 19 - 200);
        t.dispatchEvent(new Event('click')); }""",
        offset,
    )


def test_studio_shows_a_mistake_and_its_fix(url: str, browser: object, project: Path) -> None:
    page = new_page(browser)
    page.goto(f"{url}/studio?file=mfg.kfpl")  # type: ignore[attr-defined]
    page.wait_for_selector("#no-problems")  # type: ignore[attr-defined]
    text = studio_text(page)
    where = text.index("  award up to 30% of booth_rental")
    # the mistake: a misspelt keyword, typed into the editor
    page.fill("#source", text[:where] + "  awrd" + text[where + len("  award") :])  # type: ignore[attr-defined]
    diagnostic = page.locator('.diagnostic[data-code="KF0005"]')  # type: ignore[attr-defined]
    diagnostic.wait_for()
    # The studio page is Chinese (no ?lang=en): so are its diagnostics.
    assert "是否应为 `award`？" in diagnostic.inner_text()
    assert page.locator("#no-problems").count() == 0  # type: ignore[attr-defined]
    shot(page, "serve-studio-mistake")

    # the fix: the diagnostic goes, the measure under the cursor is rendered and its
    # worked examples pass
    page.fill("#source", text)  # type: ignore[attr-defined]
    put_caret(page, where)
    page.wait_for_selector("#no-problems")  # type: ignore[attr-defined]
    page.wait_for_selector("#rendering code:text('mfg-2a')")  # type: ignore[attr-defined]
    assert page.locator(".diagnostic").count() == 0  # type: ignore[attr-defined]
    examples = page.locator("#examples li")  # type: ignore[attr-defined]
    assert examples.count() >= 2
    assert page.locator("#examples li.not-passed").count() == 0  # type: ignore[attr-defined]
    assert "Market promotion: trade fairs and expos" in page.locator("#rendering").inner_text()  # type: ignore[attr-defined]
    shot(page, "serve-studio-zh", full=False)
    # nothing was saved: the project file is unchanged
    assert (project / "mfg.kfpl").read_text(encoding="utf-8") == text
    page.close()  # type: ignore[attr-defined]


def test_studio_completes_a_name_and_says_what_a_measure_is(
    url: str, browser: object, project: Path
) -> None:
    page = new_page(browser)
    page.goto(f"{url}/studio?file=mfg.kfpl")  # type: ignore[attr-defined]
    page.wait_for_selector("#no-problems")  # type: ignore[attr-defined]
    text = studio_text(page)
    line = "  award up to 30% of booth_rental"
    where = text.index(line) + len(line) - len("booth_rental")
    page.fill("#source", text[:where] + text[where + len("booth_rental") :])  # type: ignore[attr-defined]
    put_caret(page, where)
    page.keyboard.type("booth_re")  # type: ignore[attr-defined]
    option = page.locator('#completions li[data-label="booth_rental"]')  # type: ignore[attr-defined]
    option.wait_for()
    assert page.locator("#completions li").first.get_attribute("data-label") == "booth_rental"  # type: ignore[attr-defined]
    assert "input" in option.inner_text()
    shot(page, "serve-studio-completion", full=False)
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    page.wait_for_selector("#completions", state="hidden")  # type: ignore[attr-defined]
    assert studio_text(page) == text  # the accepted completion restored the name

    # the caret on a measure id: its sentence and its source clause
    put_caret(page, text.index("measure mfg-2a") + len("measure mfg-"))
    hover = page.locator("#hover")  # type: ignore[attr-defined]
    page.wait_for_function(
        "(el) => el.textContent.includes('Market promotion: trade fairs and expos')",
        arg=hover.element_handle(),
    )  # type: ignore[attr-defined]
    assert "单个企业每年最高不超过30万元" in hover.inner_text()
    shot(page, "serve-studio-hover", full=False)
    assert (project / "mfg.kfpl").read_text(encoding="utf-8") == text  # nothing saved
    page.close()  # type: ignore[attr-defined]


def test_review_page_shows_the_charts(url: str, browser: object) -> None:
    page = new_page(browser)
    page.set_default_timeout(120_000)  # type: ignore[attr-defined]
    page.goto(f"{url}/review")  # type: ignore[attr-defined]
    images = page.locator("section.chart img")  # type: ignore[attr-defined]
    assert images.count() == 4
    for index in range(4):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )  # type: ignore[attr-defined]
        assert image.get_attribute("alt")
    table = page.locator("#chart-cost table").inner_text()  # type: ignore[attr-defined]
    assert "mfg-2b" in table and "修订前" in table
    shot(page, "serve-review-zh")
    page.close()  # type: ignore[attr-defined]
