"""``kfpl serve``: start the service with uvicorn (loopback unless told otherwise)."""

from __future__ import annotations

import click

from kfpl.cli.lang import lang_option
from kfpl.runtime.bilingual import Text


@click.command("serve")
@click.argument("project", default=".", type=click.Path(file_okay=False))
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default)."
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--review-against", type=click.Path(file_okay=False, exists=True), default=None,
              help="A revised version of the project, for the review charts.")  # fmt: skip
@click.option("--population", type=click.Path(dir_okay=True, exists=True), default=None,
              help="Applications (JSON lines or tables) the review charts run through both versions.")  # fmt: skip
@click.option("--group-by", default=None, metavar="FIELD",
              help="The enterprise field the review charts group by (default: the project file's [impact] group_by).")  # fmt: skip
@click.option("--policy-version", "policy_versions", multiple=True, metavar="NAME=FOLDER",
              help="Another policy version or project a request may name (?version=NAME); repeatable.")  # fmt: skip
@click.option(
    "--root-path", default="", help="URL prefix when served behind a proxy (e.g. /calculator)."
)
@lang_option
def serve_command(
    project: str,
    host: str,
    port: int,
    review_against: str | None,
    population: str | None,
    group_by: str | None,
    policy_versions: tuple[str, ...],
    root_path: str,
    lang: str | None,
) -> None:
    """Serve the calculator (企业端), the drafting studio (起草), review charts and the JSON API.

    PROJECT is a project folder (with kfpl.toml) or a folder of policy files; default:
    the project of the current folder.

    \b
    Example:
      kfpl serve --port 8000
      kfpl serve policies --review-against ../revision \\
          --population examples/population/applications.jsonl
      kfpl serve --policy-version other-city=../other-city
    """
    from kfpl.cli.main import fail, use_lang

    lang = use_lang(lang, (project,))
    try:
        import uvicorn

        from kfpl.serve.app import create_app
    except ImportError as exc:
        fail(
            Text(
                f"`kfpl serve` 需要 `{exc.name}`：`pip install 'kfpl[serve]'`",
                f"`kfpl serve` needs {exc.name}: pip install 'kfpl[serve]'",
            )
        )
    from kfpl.serve.project import ProjectError
    from kfpl.serve.versions import PolicyVersionError, named_version

    if (review_against is None) != (population is None):
        fail(
            Text(
                "`--review-against` 与 `--population` 须同时给出",
                "--review-against and --population go together",
            )
        )
    from kfpl.project import config

    try:
        folder = config.load(project).policies  # a project folder serves its policies
    except config.ProjectError as exc:
        fail(exc.words)
    try:
        versions = dict(named_version(spec) for spec in policy_versions)
    except PolicyVersionError as exc:
        fail(exc.text)
    try:
        app = create_app(
            folder, review_against, population, group_by=group_by, versions=versions, lang=lang
        )
    except ProjectError as exc:
        fail(str(exc), exc.code)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(
            "kfpl: "
            + Text(
                f"正在 {host} 上提供服务：起草页面可以保存政策文件，请置于带身份验证的代理之后",
                f"serving on {host}: the studio can save policy files; "
                "put it behind a proxy with authentication",
            )[lang],
            err=True,
        )
    uvicorn.run(
        app, host=host, port=port, root_path=root_path, proxy_headers=True, log_level="info"
    )
