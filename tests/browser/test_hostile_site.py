"""Stored XSS: hostile text in every kind of policy field, in the clause texts and in a
revision under review goes through `kfpl build` and mkdocs into the site, and a real
browser finds no script that runs and no `javascript:` URL.

Every label (`zh "…"`, `en "…"`: titles, notes, input, enum, agency and parameter
labels, goals) and every example name of policies/ and of examples/revision-2023 is
prefixed with payloads for each context: a `<script>`, an `<img onerror>`, a Markdown
`javascript:` link, a `</title>` break-out and a newline + code fence that would close
the explanation's code block. Each payload sets `window.__xss`; the test installs
`window.__xss = 0` (and an `alert` that sets it) before any page script runs.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser.chromium import REPO, require, static_server

require()
FENCE = "\\n```\\n</code></pre><script>window.__xss=90</script>"  # kfpl escapes: \n
TITLE = "</title><script>window.__xss=91</script>"


def payload(n: int) -> str:
    return (
        f"<script>window.__xss={n}</script><img src=x onerror=window.__xss={n}>"
        f"[x](javascript:window.__xss={n})"
    )


def inject(root: Path) -> int:
    """Poison a copy of the project; returns how many fields were poisoned."""
    count = 0

    def poisoned(found: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f'{found.group(1)}"{payload(count)}{TITLE}{FENCE} '

    for folder in ("policies", "examples/revision-2023"):
        for path in sorted((root / folder).glob("*.kfpl")):
            text = path.read_text("utf-8")
            path.write_text(re.sub(r'((?:\bzh|\ben|\bexample) )"(?!"")', poisoned, text), "utf-8")
    for path in sorted((root / "policies" / "sources").glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        for segment in data["segments"]:
            count += 1
            segment["text"] = (
                f"{payload(count)}\n```\n<script>window.__xss=92</script>\n" + (segment["text"])
            )
        path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return count


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    from click.testing import CliRunner

    from kfpl.cli.main import main
    from kfpl.docs.site import build_site

    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(REPO / "policies", root / "policies")
    shutil.copy(REPO / "kfpl.toml", root / "kfpl.toml")
    shutil.copytree(REPO / "examples" / "revision-2023", root / "examples" / "revision-2023")
    (root / "examples" / "population").mkdir()
    shutil.copy(REPO / "examples" / "application.json", root / "examples")
    shutil.copy(REPO / "examples/population/applications.jsonl", root / "examples/population")
    assert inject(root) > 500
    cwd = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["build"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    assert (root / "docs" / "en" / "review.md").is_file()
    site = build_site(root / "docs", strict=True, site_dir=root / "site")
    with static_server(site) as url:
        yield url, site


class Live(html.parser.HTMLParser):
    """Scripts and URLs a browser would act on, in one static page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on") and "__xss" in (value or ""):
                self.found.append(f"<{tag} {name}={value}>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and "__xss" in data:
            self.found.append(f"<script>{data[:60]}")


def test_no_page_of_the_site_holds_a_live_payload(hostile_site: tuple[str, Path]) -> None:
    _, site = hostile_site
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        parser = Live()
        parser.feed(page.read_text("utf-8"))
        assert not parser.found, (page, parser.found[:3])
    # the payloads did reach the pages, as text
    assert "window.__xss=91" in (site / "en" / "measures" / "mfg-2a.html").read_text()


PAGES = [
    "index.html", "policies/mfg.html", "measures/mfg-2a.html", "measures/mfg-1.html",
    "rules.html", "targets.html", "glossary.html", "codes.html", "explain.html", "review.html",
]  # fmt: skip
JS_URLS = """[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])
  .filter(a => a.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase().startsWith('javascript:'))
  .map(a => a.ownerElement.tagName + ' ' + a.name + '=' + a.value)"""


def test_a_browser_runs_no_payload_and_finds_no_javascript_url(
    hostile_site: tuple[str, Path], browser: Any
) -> None:
    url, _ = hostile_site
    page = browser.new_page()
    page.set_default_timeout(15_000)
    page.add_init_script("window.__xss = 0; window.alert = () => { window.__xss = -1; };")
    for lang in ("", "en/"):
        for path in PAGES:
            page.goto(f"{url}/{lang}{path}", wait_until="networkidle")
            assert "xss" in page.content(), path  # the payload is on the page, as text
            assert page.evaluate("window.__xss") == 0, f"{lang}{path}"
            assert page.evaluate(JS_URLS) == [], f"{lang}{path}"
