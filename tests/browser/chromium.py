"""What the browser tests share: Debian's Chromium and its launch flags, a static file
server for a built site, and screenshots in test-artifacts/ (git-ignored).

A test module calls ``sync_api = require()`` first: without the playwright package or
Chromium (``apt-get install chromium``) the whole module is skipped with the reason.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
# Headless without a sandbox (CI runs as root) and without any network of its own.
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def require() -> Any:
    """Playwright's sync API, or a skip of the calling module."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is missing"
    )
    if not CHROMIUM.exists():
        pytest.skip(f"chromium is not installed at {CHROMIUM} (apt-get install chromium)",
                    allow_module_level=True)  # fmt: skip
    return sync_api


@contextmanager
def launched() -> Iterator[Any]:
    """A Chromium browser, closed afterwards."""
    sync_api = require()
    with sync_api.sync_playwright() as play:
        browser = play.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def static_server(folder: Path) -> Iterator[str]:
    """``folder`` served over HTTP on a free loopback port; yields the base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def new_page(browser: Any) -> Any:
    """A desktop-sized page; 30 s for each wait (a busy machine builds the search index
    slowly)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(30_000)
    return page


def shot(page: Any, name: str, full: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def problems(page: Any) -> list[str]:
    """What goes wrong while ``page`` is used: console errors, uncaught exceptions,
    requests that fail or answer 4xx/5xx. The list fills as events come."""
    found: list[str] = []
    page.on("console", lambda m: found.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: found.append(f"exception: {e}"))
    page.on("requestfailed", lambda r: found.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: found.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
    return found
