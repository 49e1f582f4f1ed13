"""The built site in a real browser: a measure page in each language, the language
switch, and a Chinese search. Screenshots go to test-artifacts/ (git-ignored).

Needs Debian's chromium (/usr/bin/chromium) and the playwright Python package;
without either the test is skipped with the reason. `.ci/run` installs chromium.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser.chromium import REPO, require, shot, static_server

sync_api = require()


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kfpl.docs.pages import generate_docs, write_docs
    from kfpl.docs.site import build_site
    from kfpl.project.loader import compile_paths

    tmp = tmp_path_factory.mktemp("site")
    docs = tmp / "docs"
    shutil.copytree(REPO / "docs", docs)
    ps = compile_paths([str(REPO / "policies")]).policy_set
    assert ps is not None
    write_docs(generate_docs(ps, REPO), docs)
    return build_site(docs, strict=True, site_dir=tmp / "site")


@pytest.fixture(scope="module")
def site_url(site_dir: Path) -> Iterator[str]:
    with static_server(site_dir) as url:
        yield url


def test_measure_page_language_switch_and_chinese_search(site_url: str, browser: object) -> None:
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

    # search for a Chinese term finds the measure
    page.goto(f"{site_url}/")
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("展销会")
    results = page.locator(".md-search-result__item")
    results.first.wait_for()
    texts = " ".join(results.all_inner_texts())
    links = [a.get_attribute("href") or "" for a in page.locator(".md-search-result__link").all()]
    assert "展销会" in texts
    assert any("measures/mfg-2a" in link for link in links), links
    shot(page, "search-zh")
    page.close()


def search(page: object, word: str) -> tuple[str, list[str]]:
    """Type a word into the search box; the results' text and links. The index is built
    in the browser after the page loads (seconds on a busy machine), and a word typed
    before it is ready is not searched again: type it again until results show."""
    box = page.locator("input.md-search__input")  # type: ignore[attr-defined]
    box.click()
    results = page.locator(".md-search-result__item")  # type: ignore[attr-defined]
    for _ in range(20):
        box.fill("")
        box.fill(word)
        try:
            results.first.wait_for(timeout=3_000)
            break
        except sync_api.TimeoutError:
            continue
    links = page.locator(".md-search-result__link").all()  # type: ignore[attr-defined]
    return " ".join(results.all_inner_texts()), [a.get_attribute("href") or "" for a in links]


def test_site_opened_from_disk_links_to_pages(site_dir: Path, browser: object) -> None:
    """No server: file:// pages link to pages (not folder listings), in both languages."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.set_default_timeout(15_000)
    page.goto((site_dir / "en" / "index.html").as_uri())
    page.locator('a[href$="measures/mfg-2a.html"]').first.click()
    page.wait_for_url("**/en/measures/mfg-2a.html")
    rendering = page.locator(".kf-rendering").inner_text()
    assert "at most CNY 300,000 per enterprise per year" in rendering
    page.goto((site_dir / "index.html").as_uri())
    page.locator('a[href$="measures/mfg-2a.html"]').first.click()
    assert "单个企业每年最高不超过30万元" in page.locator(".kf-rendering").inner_text()
    # The index is inlined as a script for file:// (the offline plugin), both languages.
    inlined = (site_dir / "search" / "search_index.js").read_text(encoding="utf-8")
    assert "en/measures/mfg-2a.html" in inlined and '"measures/mfg-2a.html' in inlined
    page.close()
