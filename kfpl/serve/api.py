"""The versioned JSON API (``/api/v1``): the same contracts as the command line.

* ``POST /api/v1/evaluate[?version=NAME]``: an application → what ``kfpl eval --format
  json`` prints, under the served policies or another version the server knows;
* ``GET /api/v1/versions``: those versions (kfpl.serve.versions);
* ``GET /api/v1/schema``: what ``kfpl schema`` prints;
* ``GET /api/v1/measures``: what ``kfpl list --format json`` prints;
* ``POST /api/v1/check``: policy text → its diagnostics (parsed and checked, never run);
* ``GET /api/v1/openapi.json``: the OpenAPI 3.1 document of all of them.

Bad input is answered 400 (not JSON) or 422 (JSON the reader refuses) with the message
``kfpl eval`` prints after the file name, and the JSON path of the field.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kfpl.runtime import ApplicationError
from kfpl.runtime.application import loads
from kfpl.serve.language import diagnostics
from kfpl.serve.limits import TimeLimit, within_time
from kfpl.serve.openapi import openapi_document
from kfpl.serve.project import FILE_NAME, Project, ProjectError
from kfpl.serve.versions import UnknownVersion, Versions


class Json(JSONResponse):
    """JSON as the command line writes it: UTF-8 text, Chinese unescaped."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, indent=2).encode("utf-8")


def error(status: int, message: str, path: str | None = None) -> Json:
    body: dict[str, Any] = {"error": message}
    if path is not None:
        body["path"] = path
    return Json(body, status_code=status)


def project_of(request: Request) -> Project:
    project: Project = request.app.state.project
    return project


async def body_text(request: Request) -> str | Json:
    raw = await request.body()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return error(400, f"not UTF-8 text ({exc.reason} at byte {exc.start})")


async def evaluate(request: Request) -> Response:
    text = await body_text(request)
    if isinstance(text, Json):
        return text
    try:
        data = loads(text)
    except ApplicationError as exc:
        return error(400, str(exc))
    versions: Versions = request.app.state.versions
    try:
        program = versions.get(request.query_params.get("version")).program
    except UnknownVersion as exc:
        return error(422, str(exc), "version")
    except ProjectError as exc:
        return error(422, str(exc), "version")
    try:
        outcome = await within_time(program.run, data)
    except ApplicationError as exc:
        return error(422, str(exc), exc.path)
    except TimeLimit as exc:
        return error(503, f"evaluation {exc}")
    return Json(outcome.as_json())


async def schema(request: Request) -> Response:
    from kfpl.schema import application_schema

    return Json(application_schema(project_of(request).policy_set))


async def measures(request: Request) -> Response:
    from kfpl.cli.listing import listing

    return Json(listing(project_of(request).policy_set))


async def check(request: Request) -> Response:
    """``{"file": "measures.kfpl", "text": "…"}`` (the text replaces that file of the
    project, or is added beside it), or the policy text itself as ``text/plain``. The
    diagnostics' words are in ``"lang"`` (or ``?lang=``, else the service's language),
    with both languages under ``translations``."""
    text = await body_text(request)
    if isinstance(text, Json):
        return text
    name = "draft.kfpl"
    asked = None
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return error(400, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            return error(422, 'expected {"text": "<policy text>", "file": "<name>.kfpl"}', "text")
        text = data["text"]
        name = data.get("file", name)
        asked = data.get("lang")
        if not isinstance(name, str) or not FILE_NAME.fullmatch(name):
            return error(422, f"not a policy file name: {name!r}", "file")
    project = project_of(request)
    from kfpl.serve.pages import lang_of

    lang = lang_of(request, asked)
    try:
        comp, found = await within_time(
            diagnostics, project.texts_with(name, text), None, project.sources_dir, lang
        )
    except TimeLimit as exc:
        return error(503, f"check {exc}")
    errors = sum(1 for d in found if d["severity"] == "error")
    return Json(
        {"ok": comp.ok, "errors": errors, "warnings": len(found) - errors, "diagnostics": found}
    )


async def versions(request: Request) -> Response:
    known: Versions = request.app.state.versions
    return Json({"versions": await within_time(known.listing, seconds=120)})


async def openapi(request: Request) -> Response:
    return Json(openapi_document())


routes = [
    Route("/api/v1/evaluate", evaluate, methods=["POST"]),
    Route("/api/v1/schema", schema, methods=["GET"]),
    Route("/api/v1/measures", measures, methods=["GET"]),
    Route("/api/v1/versions", versions, methods=["GET"]),
    Route("/api/v1/check", check, methods=["POST"]),
    Route("/api/v1/openapi.json", openapi, methods=["GET"]),
]
