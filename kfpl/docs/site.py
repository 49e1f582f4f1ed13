"""The documentation site: generate the pages, build them with mkdocs, serve them.

``build_site(docs_dir)`` runs ``mkdocs build --strict`` in-process with the repository's
``mkdocs.yml`` (mkdocs-material, mkdocs-static-i18n for the zh/en switch, jieba for
Chinese search). ``docs_command`` is the ``kfpl docs`` click command.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Any

import click

DEFAULT_CONFIG = "mkdocs.yml"
DEFAULT_DOCS = "docs"
DEFAULT_SITE = "site"


class SiteError(Exception):
    """mkdocs is missing, or the build failed (a warning counts in strict mode)."""


def _config(config_file: str | Path, docs_dir: str | Path | None, site_dir: str | Path | None,
            strict: bool, dev_addr: str | None = None) -> Any:  # fmt: skip
    try:
        from mkdocs.config import load_config
    except ImportError as exc:  # pragma: no cover - the docs extra is not installed
        raise SiteError("mkdocs is not installed: pip install 'kfpl[docs]'") from exc
    overrides: dict[str, Any] = {"strict": strict}
    if docs_dir is not None:
        overrides["docs_dir"] = str(Path(docs_dir).resolve())
    if site_dir is not None:
        overrides["site_dir"] = str(Path(site_dir).resolve())
    if dev_addr is not None:
        overrides["dev_addr"] = dev_addr
    return load_config(config_file=str(config_file), **overrides)


def build_site(docs_dir: str | Path = DEFAULT_DOCS, strict: bool = True,
               site_dir: str | Path | None = None,
               config_file: str | Path = DEFAULT_CONFIG) -> Path:  # fmt: skip
    """Build the site (``mkdocs build``; ``--strict`` by default). Returns the site folder."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    config = _config(config_file, docs_dir, site_dir, strict)
    try:
        build(config)
    except (Abort, MkDocsException) as exc:
        raise SiteError(f"mkdocs build failed: {exc}") from exc
    return Path(config["site_dir"])


def serve_site(docs_dir: str | Path = DEFAULT_DOCS, host: str = "127.0.0.1", port: int = 8000,
               config_file: str | Path = DEFAULT_CONFIG) -> None:  # fmt: skip
    """Serve the site locally with live reload (``mkdocs serve``) until interrupted."""
    from mkdocs.commands.serve import serve

    serve(
        config_file=str(config_file),
        dev_addr=f"{host}:{port}",
        docs_dir=str(Path(docs_dir).resolve()),
    )


@click.command("docs")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--docs-dir", default=None, help="Markdown sources (default: the project's docs/).")
@click.option("--site-dir", default=None, help="Where to build (default: the project's site/).")
@click.option(
    "--serve", "serve", is_flag=True, help="Serve the site on localhost after generating."
)
@click.option("--port", default=8000, show_default=True, help="Port for --serve.")
@click.option("--no-build", is_flag=True, help="Only write the generated pages.")
def docs_command(paths: tuple[str, ...], docs_dir: str | None, site_dir: str | None, serve: bool,
                 port: int, no_build: bool) -> None:  # fmt: skip
    """Generate the bilingual pages from the policy set and build the mkdocs site.

    \b
    Example:
      kfpl docs                  # policies/ -> docs/zh, docs/en -> site/
      kfpl docs --serve          # ... and serve it on http://127.0.0.1:8000/

    Exit codes: 0 ok, 1 policy errors or a failed build, 2 bad usage or input.
    """
    from kfpl.docs.pages import generate_docs, write_docs
    from kfpl.project.loader import InputError, compile_paths, project_of

    try:
        project = project_of(paths)
        comp = compile_paths(list(paths))
    except InputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if not comp.ok or comp.policy_set is None:
        for diag in comp.diagnostics:
            click.echo(diag.one_line(), err=True)
        click.echo("error: the policy set has errors; no docs generated", err=True)
        sys.exit(1)
    docs_dir = docs_dir or str(project.docs)
    site_dir = site_dir or str(project.site)
    pages = generate_docs(comp.policy_set, project)
    changed = write_docs(pages, docs_dir)
    click.echo(f"{len(pages)} pages generated in {docs_dir}/ ({len(changed)} changed)")
    if no_build:
        return
    if serve:
        click.echo(f"serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
        serve_site(docs_dir, port=port)
        return
    _show_mkdocs_warnings()
    started = time.monotonic()
    try:
        out = build_site(docs_dir, strict=True, site_dir=site_dir)
    except SiteError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"site built in {out}/ ({time.monotonic() - started:.1f}s, strict)")


def _show_mkdocs_warnings() -> None:
    """mkdocs logs its warnings (which fail a strict build); print them as they come."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_kfpl", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter("mkdocs %(levelname)s: %(message)s"))
        handler._kfpl = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
