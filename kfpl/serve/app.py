"""The ASGI application: ``create_app(project_folder)``.

Run it with ``kfpl serve`` (uvicorn, loopback by default) or under any ASGI server:
``uvicorn --factory 'kfpl.serve.app:from_environment'`` reads the project folder from
``KFPL_PROJECT``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from kfpl.serve import api, pages
from kfpl.serve.limits import MAX_BODY, BodyLimit
from kfpl.serve.project import Project
from kfpl.serve.review import ReviewCharts
from kfpl.serve.versions import Versions, declared_revision, named_version


def create_app(
    project: str | Path | Project,
    review_against: str | Path | None = None,
    population: str | Path | None = None,
    max_body: int = MAX_BODY,
    group_by: str | None = None,
    versions: dict[str, Path] | None = None,
    lang: str = "zh",
) -> Starlette:
    """The service for ``project``; ``versions`` are further policy versions or projects a
    request may name (``?version=NAME``), as ``kfpl serve --policy-version`` gives them."""
    served = project if isinstance(project, Project) else Project(project)
    app = Starlette(
        routes=[
            *api.routes,
            *pages.routes,
            Mount("/static", StaticFiles(directory=pages.static_dir()), name="static"),
        ],
        middleware=[Middleware(BodyLimit, limit=max_body)],
    )
    app.state.project = served
    app.state.lang = lang  # the pages' language when a request names none
    others = [Path(review_against)] if review_against is not None else []
    revision = declared_revision(served.folder)
    if revision is not None:
        others.append(revision)
    app.state.versions = Versions(served, others, versions)
    app.state.review = (
        ReviewCharts(served, Path(review_against), Path(population), group_by)
        if review_against is not None and population is not None
        else None
    )
    return app


def from_environment() -> Any:
    """``KFPL_VERSIONS``: ``NAME=FOLDER`` entries separated by the path separator (``:``)."""
    specs = [s for s in os.environ.get("KFPL_VERSIONS", "").split(os.pathsep) if s]
    return create_app(
        os.environ.get("KFPL_PROJECT", "policies"),
        os.environ.get("KFPL_REVIEW_AGAINST"),
        os.environ.get("KFPL_POPULATION"),
        group_by=os.environ.get("KFPL_GROUP_BY"),
        versions=dict(named_version(spec) for spec in specs),
    )
