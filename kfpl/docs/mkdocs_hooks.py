"""mkdocs hooks: the navigation from the generated ``docs/.nav.yml``, the search
index inlined for pages opened from disk, a page title that is safe in ``<title>``, and
no language ``<link rel="alternate">`` in the page head.

The page order follows the policy set (expo-2a before expo-10), which mkdocs' own
alphabetical navigation cannot give; section titles are translated per language by
``nav_translations`` in mkdocs.yml. Without the file (docs not generated yet) mkdocs
falls back to its own navigation.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]
from mkdocs.plugins import event_priority


def on_config(config: Any) -> Any:
    nav_file = Path(config["docs_dir"]) / ".nav.yml"
    if nav_file.is_file():
        data = yaml.safe_load(nav_file.read_text(encoding="utf-8"))
        nav: list[Any] = data["nav"]
        listed = {str(v) for entry in nav for v in _paths(entry)}
        # Other generated top-level pages (e.g. explain.md, written by `kfpl build`) join
        # the navigation before the hand-written guide, so a strict build accepts them.
        extra = sorted(
            p.name for p in (Path(config["docs_dir"]) / "zh").glob("*.md") if p.name not in listed
        )
        config["nav"] = nav[:-1] + extra + nav[-1:]
    return config


def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    """The theme writes ``page.title | striptags`` into ``<title>``, and striptags
    turns the escaped ``&lt;script&gt;`` of a policy title back into a live tag. An
    explicit ``meta.title`` (which the theme prints as it is) holds the plain title
    escaped once for HTML, so the text shows as written and never runs."""
    import html

    from markupsafe import Markup

    if page.title:
        page.meta["title"] = html.escape(Markup(str(page.title)).striptags(), quote=True)
    return context


# mkdocs-material fetches ``sitemap.xml`` beside every ``<link rel="alternate"
# hreflang>`` in the head, to redirect clicks on the language switch. With a link per
# page (the i18n plugin's) that is ``measures/sitemap.xml``, ``en/sitemap.xml``…: not
# found when served, blocked from disk (a console error on every page), and not needed,
# as each switch link already goes to the same page in the other language.
_ALTERNATE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')


def on_post_page(output: str, page: Any, config: Any) -> str:
    return _ALTERNATE.sub("", output)


def _paths(entry: Any) -> list[str]:
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, dict):
        return [p for value in entry.values() for p in _paths(value)]
    if isinstance(entry, list):
        return [p for value in entry for p in _paths(value)]
    return []


@event_priority(-200)  # after the i18n plugin (-100) has merged both languages' index
def on_post_build(config: Any) -> None:
    """The offline plugin inlines ``search_index.json`` as ``search_index.js`` (file://
    pages cannot fetch JSON), but it runs at the same priority as the i18n plugin, which
    writes the merged index of both languages afterwards: inline the final one."""
    folder = Path(config["site_dir"]) / "search"
    data, script = folder / "search_index.json", folder / "search_index.js"
    if data.is_file() and script.is_file():
        script.write_text("var __index = " + data.read_text(encoding="utf-8"), encoding="utf-8")
    # A sitemap lists absolute URLs; without ``site_url`` the i18n plugin's template
    # writes "None" before each path ("Noneindex.html"): no sitemap rather than a wrong one.
    if not config.get("site_url"):
        for name in ("sitemap.xml", "sitemap.xml.gz"):
            (Path(config["site_dir"]) / name).unlink(missing_ok=True)
