"""The documentation site: generate the pages, build them with mkdocs, serve them.

``build_site(docs_dir)`` runs ``mkdocs build --strict`` in-process with the
configuration kfpl ships (``templates/mkdocs.yml.j2``: mkdocs-material, mkdocs-static-i18n
for the zh/en switch, jieba for Chinese search, the offline plugin so the site works from
disk), filled in with the project's title and folders and written to a temporary file;
a project that keeps its own ``mkdocs.yml`` beside ``kfpl.toml`` is built with that one.
``docs_command`` is the ``kfpl docs`` click command.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import tempfile
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import click

from kfpl.cli.lang import lang_option

DEFAULT_DOCS = "docs"
INSTALL_HINT = "pip install 'kfpl[docs]'"


class SiteError(Exception):
    """mkdocs is missing, or the build failed (a warning counts in strict mode)."""


class MissingExtra(SiteError):
    """The docs extra (mkdocs and its plugins) is not installed: a usage error."""


def require_mkdocs() -> None:
    """Stop with the install command when the docs extra is missing."""
    missing = []
    for module in ("mkdocs", "material", "mkdocs_static_i18n", "jieba"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise MissingExtra(f"building the site needs {', '.join(missing)}: {INSTALL_HINT}")


def site_config(docs_dir: str | Path, site_dir: str | Path,
                title: dict[str, str] | None = None) -> str:  # fmt: skip
    """The mkdocs configuration of a site: the shipped template with the project's title,
    its folders (absolute) and the hook inside the installed package."""
    import jinja2

    title = title or {}
    zh, en = title.get("zh", "政策文件汇编"), title.get("en", "Policy documents")
    text = resources.files("kfpl.docs").joinpath("templates/mkdocs.yml.j2").read_text("utf-8")
    template = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    hook = Path(str(resources.files("kfpl.docs").joinpath("mkdocs_hooks.py")))
    return template.from_string(text).render(
        site_name=json.dumps(f"{zh} · {en}", ensure_ascii=False),
        site_name_en=json.dumps(en, ensure_ascii=False),
        docs_dir=json.dumps(str(Path(docs_dir).resolve()), ensure_ascii=False),
        site_dir=json.dumps(str(Path(site_dir).resolve()), ensure_ascii=False),
        hook=json.dumps(str(hook), ensure_ascii=False),
    )


@contextlib.contextmanager
def config_file_for(docs_dir: str | Path, site_dir: str | Path, title: dict[str, str] | None,
                    own: Path | None = None) -> Iterator[Path]:  # fmt: skip
    """A config file for mkdocs: the project's own ``mkdocs.yml``, or the generated one
    in a temporary folder (removed afterwards)."""
    if own is not None and own.is_file():
        yield own
        return
    with tempfile.TemporaryDirectory(prefix="kfpl-mkdocs-") as tmp:
        path = Path(tmp) / "mkdocs.yml"
        path.write_text(site_config(docs_dir, site_dir, title), encoding="utf-8")
        yield path


def _config(config_file: str | Path, docs_dir: str | Path | None, site_dir: str | Path | None,
            strict: bool, dev_addr: str | None = None) -> Any:  # fmt: skip
    require_mkdocs()
    from mkdocs.config import load_config

    overrides: dict[str, Any] = {"strict": strict}
    if docs_dir is not None:
        overrides["docs_dir"] = str(Path(docs_dir).resolve())
    if site_dir is not None:
        overrides["site_dir"] = str(Path(site_dir).resolve())
    if dev_addr is not None:
        overrides["dev_addr"] = dev_addr
    return load_config(config_file=str(config_file), **overrides)


def build_site(docs_dir: str | Path = DEFAULT_DOCS, strict: bool = True,
               site_dir: str | Path | None = None, config_file: str | Path | None = None,
               title: dict[str, str] | None = None) -> Path:  # fmt: skip
    """Build the site (``mkdocs build``; ``--strict`` by default). Returns the site folder."""
    require_mkdocs()
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    site = site_dir if site_dir is not None else Path(docs_dir).parent / "site"
    own = Path(config_file) if config_file is not None else None
    with config_file_for(docs_dir, site, title, own) as path:
        config = _config(path, docs_dir, site_dir, strict)
        try:
            build(config)
        except (Abort, MkDocsException) as exc:
            raise SiteError(f"mkdocs build failed: {exc}") from exc
    return Path(config["site_dir"])


def serve_site(docs_dir: str | Path = DEFAULT_DOCS, host: str = "127.0.0.1", port: int = 8000,
               config_file: str | Path | None = None,
               title: dict[str, str] | None = None) -> None:  # fmt: skip
    """Serve the site locally with live reload (``mkdocs serve``) until interrupted."""
    require_mkdocs()
    from mkdocs.commands.serve import serve

    site = Path(tempfile.gettempdir()) / "kfpl-serve-site"
    own = Path(config_file) if config_file is not None else None
    with config_file_for(docs_dir, site, title, own) as path:
        serve(config_file=str(path), dev_addr=f"{host}:{port}",
              docs_dir=str(Path(docs_dir).resolve()))  # fmt: skip


@click.command("docs")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--docs-dir", default=None, help="Markdown sources (default: the project's docs/).")
@click.option("--site-dir", default=None, help="Where to build (default: the project's site/).")
@click.option(
    "--serve", "serve", is_flag=True, help="Serve the site on localhost after generating."
)
@click.option("--port", default=8000, show_default=True, help="Port for --serve.")
@click.option("--no-build", is_flag=True, help="Only write the generated pages.")
@lang_option
def docs_command(paths: tuple[str, ...], docs_dir: str | None, site_dir: str | None, serve: bool,
                 port: int, no_build: bool, lang: str | None) -> None:  # fmt: skip
    """Generate the bilingual pages from the policy set and build the mkdocs site.

    \b
    Example:
      kfpl docs                  # policies/ -> docs/zh, docs/en -> site/
      kfpl docs --serve          # ... and serve it on http://127.0.0.1:8000/

    Exit codes: 0 ok, 1 policy errors or a failed build, 2 bad usage or input.
    """
    from kfpl.cli.main import say, use_lang
    from kfpl.docs.pages import generate_docs, write_docs
    from kfpl.project.loader import InputError, compile_paths, project_of

    lang = use_lang(lang, paths)
    try:
        project = project_of(paths)
        comp = compile_paths(list(paths))
    except InputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if not comp.ok or comp.policy_set is None:
        for diag in comp.diagnostics:
            click.echo(diag.one_line(lang), err=True)
        click.echo(
            say(
                "错误：政策集存在错误，未生成文档",
                "error: the policy set has errors; no docs generated",
            ),
            err=True,
        )
        sys.exit(1)
    docs_dir = docs_dir or str(project.docs)
    site_dir = site_dir or str(project.site)
    if not no_build:
        try:
            require_mkdocs()
        except MissingExtra as exc:
            click.echo(f"kfpl: {exc}", err=True)
            sys.exit(2)
    pages = generate_docs(comp.policy_set, project)
    changed = write_docs(pages, docs_dir)
    click.echo(
        say(
            f"已在 {docs_dir}/ 生成 {len(pages)} 个页面（{len(changed)} 个有改动）",
            f"{len(pages)} pages generated in {docs_dir}/ ({len(changed)} changed)",
        )
    )
    if no_build:
        return
    own = project.root / "mkdocs.yml"
    from kfpl.docs.pages import site_title

    title = site_title(comp.policy_set, project.title)
    if serve:
        click.echo(f"serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
        serve_site(docs_dir, port=port, config_file=own, title=title)
        return
    _show_mkdocs_warnings()
    started = time.monotonic()
    try:
        out = build_site(docs_dir, strict=True, site_dir=site_dir, config_file=own, title=title)
    except SiteError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    index = out / "index.html"
    took = time.monotonic() - started
    click.echo(
        say(
            f"网站已生成：{out}/（{took:.1f} 秒，严格模式）",
            f"site built in {out}/ ({took:.1f}s, strict)",
        )
    )
    click.echo(
        say(
            f"用浏览器打开 {index}，或用 `kfpl docs --serve` 在本机浏览",
            f"open {index} in a browser, or serve it with `kfpl docs --serve`",
        )
    )


def _show_mkdocs_warnings() -> None:
    """mkdocs logs its warnings (which fail a strict build); print them as they come."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_kfpl", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter("mkdocs %(levelname)s: %(message)s"))
        handler._kfpl = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
