"""The site's search in a real browser, opened from disk (file://) and served over HTTP,
in both languages: a query and its results, the box cleared, a second query and its own
results. English finds plain words (subsidy, fairs, booth) and Chinese finds 展销会.

The queries are filled in (an `input` event, no key release), as text pasted, or picked
with the mouse from an input method's candidates, arrives: material searches on `keyup`,
and before kfpl's search-on-input.js only the first such query was searched (read when
the index became ready). Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

from typing import Any

import pytest

from browser.chromium import new_page, problems, require, shot

require()

# Per language: two queries, each with a page that must be among its results.
QUERIES = {
    "zh": [("展销会", "measures/mfg-2a.html"), ("运费", "measures/mfg-2c.html")],
    "en": [("subsidy", "en/measures/ind-4.html"), ("fairs", "en/measures/mfg-2a.html")],
}


def open_search(browser: Any, home: str) -> tuple[Any, list[str]]:
    """The page ``home`` with the search open, and what goes wrong on it (console errors,
    failed requests) as it is used."""
    page = new_page(browser)
    seen = problems(page)
    page.goto(home)
    page.locator("input.md-search__input").click()
    return page, seen


def pages(links: list[str]) -> list[str]:
    """Result links without the highlighted words (``?h=…``) and the section."""
    return [link.split("?")[0].split("#")[0] for link in links]


def search(page: Any, query: str, expected: str) -> tuple[str, list[str]]:
    """Fill in a query; once the page ``expected`` (a full URL) is among the results,
    their text and links."""
    page.locator("input.md-search__input").fill(query)
    page.locator(f'a.md-search-result__link[href^="{expected}?"]').first.wait_for()
    links = page.locator("a.md-search-result__link")
    hrefs = [link.get_attribute("href") or "" for link in links.all()]
    return " ".join(page.locator(".md-search-result__item").all_inner_texts()), hrefs


def clear(page: Any) -> None:
    """Empty the box: the results go away (the empty query reached the search too)."""
    page.locator("input.md-search__input").fill("")
    page.locator(".md-search-result__item").first.wait_for(state="detached")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("where", ["disk", "served"])
def test_a_query_then_another_each_find_their_pages(
    where: str, lang: str, site_root: dict[str, str], browser: Any
) -> None:
    base = site_root[where]
    page, seen = open_search(browser, base + ("en/index.html" if lang == "en" else "index.html"))
    (first, first_page), (second, second_page) = QUERIES[lang]

    text, links = search(page, first, base + first_page)
    assert first in text.replace("\u200b", "")  # jieba's zero-width word breaks
    clear(page)
    text2, links2 = search(page, second, base + second_page)
    assert second in text2.replace("\u200b", "")
    shot(page, f"search-{where}-{lang}", full=False)
    # The second list is the second query's, not the first one left on screen.
    assert pages(links2) != pages(links)
    # The best result is a page of the language searched in: English ones are under en/.
    assert links[0].startswith(base + "en/") == (lang == "en"), links
    assert links2[0].startswith(base + "en/") == (lang == "en"), links2
    assert seen == []
    page.close()


@pytest.mark.parametrize("word", ["subsidy", "fairs", "booth"])
def test_english_search_finds_plain_words(
    word: str, site_root: dict[str, str], browser: Any
) -> None:
    """Not only stems: the word as a reader types it, from disk."""
    page, seen = open_search(browser, site_root["disk"] + "en/index.html")
    page.locator("input.md-search__input").fill(word)
    page.locator(".md-search-result__item").first.wait_for()
    meta = page.locator(".md-search-result__meta").inner_text()
    assert "matching document" in meta, meta
    text = " ".join(page.locator(".md-search-result__item").all_inner_texts()).lower()
    assert word in text
    assert seen == []
    page.close()
