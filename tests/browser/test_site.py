"""The built site in a real browser: a measure page in each language and the language
switch; home page, measure page and search without a console error or a failed request,
from disk and served; from disk, every link leads to a page, not a folder listing.
Search itself: test_site_search.py. Screenshots go to test-artifacts/ (git-ignored).

Needs Debian's chromium (/usr/bin/chromium) and the playwright Python package;
without either the test is skipped with the reason. `.ci/run` installs chromium.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from browser.chromium import new_page, problems, require, shot

require()


def test_measure_page_and_language_switch(site_url: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.set_default_timeout(15_000)

    # the Chinese measure page: the rule as the source document words it
    page.goto(f"{site_url}/measures/mfg-2a.html")
    heading = page.locator("h1").first.inner_text()
    assert heading.startswith("mfg-2a ")
    rendering = page.locator(".kf-rendering").inner_text()
    assert "单个企业每年最高不超过30万元" in rendering
    assert "原文" in page.locator(".kf-original").inner_text()
    assert page.locator("html").get_attribute("lang") == "zh"
    shot(page, "measure-mfg-2a-zh")

    # the language switch leads to the same measure in English
    page.locator(".md-header__option .md-select").first.hover()
    page.locator('.md-select__list a[hreflang="en"]').first.click()
    page.wait_for_url("**/en/measures/mfg-2a.html")
    assert page.locator("html").get_attribute("lang") == "en"
    rendering_en = page.locator(".kf-rendering").inner_text()
    assert "at most CNY 300,000 per enterprise per year" in rendering_en
    assert "Eligibility" in page.locator("article").inner_text()
    shot(page, "measure-mfg-2a-en")

    # and back
    page.locator(".md-header__option .md-select").first.hover()
    page.locator('.md-select__list a[hreflang="zh"]').first.click()
    page.wait_for_url("**/measures/mfg-2a.html")
    assert "单个企业每年最高不超过30万元" in page.locator(".kf-rendering").inner_text()

    page.close()


PAGES = {"zh": ["index.html", "measures/mfg-2a.html"],
         "en": ["en/index.html", "en/measures/mfg-2a.html"]}  # fmt: skip
QUERY = {"zh": "展销会", "en": "fairs"}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("where", ["disk", "served"])
def test_pages_and_search_load_without_errors(
    where: str, lang: str, site_root: dict[str, str], browser: Any
) -> None:
    """Every script, stylesheet and index the pages ask for loads, and nothing throws:
    material once fetched a sitemap.xml beside each page (not found when served,
    blocked from disk)."""
    base = site_root[where]
    page = new_page(browser)
    seen = problems(page)
    for path in PAGES[lang]:
        page.goto(base + path, wait_until="networkidle")
        assert page.locator("article h1").count() == 1
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").fill(QUERY[lang])
    page.locator(".md-search-result__item").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert seen == []
    page.close()


@pytest.mark.parametrize("path", PAGES["zh"] + PAGES["en"])
def test_links_from_disk_lead_to_pages(path: str, site_dir: Path, browser: Any) -> None:
    """Opened from disk a link to a folder shows the browser's listing of it, not the
    page: every link of the page names a file of the site, and a sample of them, each
    followed, shows a page with its heading."""
    page = new_page(browser)
    page.goto((site_dir / path).as_uri())
    root = site_dir.as_uri() + "/"
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    targets = sorted({h.split("#")[0].split("?")[0] for h in hrefs if h.startswith(root)})
    assert len(targets) > 10, targets  # navigation, contents, language switch
    folders = [t for t in targets if not Path(unquote(urlsplit(t).path)).is_file()]
    assert folders == []
    for target in targets[:: max(1, len(targets) // 8)]:
        page.goto(target)
        assert page.locator("article h1").count() == 1, target
    page.close()
