"""The fixtures of the browser tests: one Chromium per test module, and the project's
site built once per session, on disk and served over HTTP."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser.chromium import REPO, launched, static_server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the repository's policies, as `kfpl docs` builds it (the committed
    docs/ and freshly generated pages, so the test sees what the code writes)."""
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


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    with static_server(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def site_root(site_dir: Path, site_url: str) -> dict[str, str]:
    """The base URL of the site, with a final slash, opened from disk and served."""
    return {"disk": site_dir.as_uri() + "/", "served": site_url + "/"}
