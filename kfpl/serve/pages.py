"""The HTML pages: the calculator (企业端), the drafting studio (起草) and the review.

Server-rendered with Jinja2 (autoescape on: policy text, facts typed by a visitor and
diagnostics are all untrusted); the studio adds one small script, and nothing is
fetched from outside at run time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from kfpl.cli.explain import STATUS
from kfpl.project.sources import SourceError, clause_text
from kfpl.runtime import ApplicationError, Outcome
from kfpl.runtime.money import ZERO, money
from kfpl.serve import forms
from kfpl.serve.limits import TimeLimit, within_time
from kfpl.serve.project import Project, SaveError, digest
from kfpl.serve.words import word

ENV = Environment(
    loader=PackageLoader("kfpl.serve", "templates"),
    autoescape=select_autoescape(["html", "j2"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def lang_of(request: Request, asked: object = None) -> str:
    """The page's language: ``?lang=`` (or ``asked``, a request body's ``lang``), else
    the service's default (``kfpl serve --lang``, else the project's, else the locale)."""
    chosen = asked if asked is not None else request.query_params.get("lang")
    if chosen in ("zh", "en"):
        return str(chosen)
    return str(getattr(request.app.state, "lang", "zh"))


def page(
    request: Request,
    template: str,
    status: int = 200,
    keep: list[tuple[str, str]] | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render a page; the language switch keeps the query (or ``keep``, for a page
    answering a form) and changes only ``lang``."""
    lang = lang_of(request)
    other = "en" if lang == "zh" else "zh"
    kept = keep if keep is not None else list(request.query_params.multi_items())
    params = [(k, v) for k, v in kept if k != "lang"] + [("lang", other)]
    html = ENV.get_template(template).render(
        lang=lang,
        t=lambda key: word(key, lang),
        base=base_of(request),
        switch_url=f"{base_of(request)}{route_path(request)}?{urlencode(params)}",
        path=route_path(request),
        **context,
    )
    return HTMLResponse(html, status_code=status)


def base_of(request: Request) -> str:
    """The URL prefix the service is mounted under (``--root-path``, behind a proxy)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def route_path(request: Request) -> str:
    path = str(request.scope["path"])
    base = base_of(request)
    return path[len(base) :] if base and path.startswith(base + "/") else path


def project_of(request: Request) -> Project:
    project: Project = request.app.state.project
    return project


# --------------------------------------------------------------------------- calculator


def source_text(project: Project, source: str) -> str | None:
    doc, _, clause = source.partition(" ")
    try:
        return clause_text(doc, clause, project.folder)
    except (SourceError, OSError, ValueError):
        return None


def result_view(project: Project, outcome: Outcome, lang: str) -> dict[str, Any]:
    zh = lang == "zh"
    claims = []
    for r in outcome.results:
        status = STATUS[r.status][0 if zh else 1]
        if r.paid and r.amount < 0:
            status = "收回已拨付资金" if zh else "clawed back"
        amount = r.amount if r.paid else ZERO
        claims.append(
            {
                "id": r.claim.id,
                "measure": r.meta.id,
                "title": r.meta.zh if zh else r.meta.en,
                "status": r.status,
                "status_text": status,
                "paid": r.paid,
                "amount": money(amount, lang),
                "amount_value": f"{amount:.2f}",
                "up_to": word("up_to", lang) if r.ceiling and r.paid else "",
                "source": r.meta.source,
                "original": source_text(project, r.meta.source),
                "steps": [
                    {
                        "text": s.zh if zh else s.en,
                        "ok": s.ok,
                        "depth": s.depth,
                        "source": s.source,
                    }
                    for s in r.steps
                ],
            }
        )
    return {
        "claims": claims,
        "rules": [{"text": d.zh if zh else d.en, "source": d.source} for d in outcome.decisions],
        "total": money(outcome.total, lang),
        "total_value": f"{outcome.total:.2f}",
        "json": json.dumps(outcome.as_json(), ensure_ascii=False, indent=2),
    }


async def calculator(request: Request) -> Response:
    project = project_of(request)
    ps = project.policy_set
    lang = lang_of(request)
    values: dict[str, str] = {}
    if request.method == "POST":
        submitted = await request.form()
        values = {k: v for k, v in submitted.multi_items() if isinstance(v, str)}
        chosen = [v for k, v in submitted.multi_items() if k == "m" and isinstance(v, str)]
    else:
        query = request.query_params
        chosen = forms.expand(ps, query.getlist("m"), query.getlist("g"))
    form = forms.build_form(ps, chosen)
    context: dict[str, Any] = {
        "form": form,
        "groups": forms.groups(ps),
        "by_policy": [
            (policy.title.get(lang) if policy.title else pid, ms)
            for pid, policy in ps.policies.items()
            if (ms := [m for m in ps.measures.values() if ps.owner.get(m.id) == pid])
        ],
        "chosen": [m.id for m in form.measures],
        "values": values,
        "years": ps.effective_years(),
        "history_rows": range(forms.HISTORY_ROWS),
        "list_rows": range(forms.LIST_ROWS),
        "result": None,
        "problem": None,
    }
    if request.method == "POST" and form.measures:
        reading = forms.read_form(form, values)
        try:
            outcome = await within_time(project.program.run, reading.application)
        except ApplicationError as exc:
            context["problem"] = {"message": str(exc), "field": reading.field_of(exc.path)}
            return page(
                request, "calculator.html.j2", 422, keep=[("m", m) for m in chosen], **context
            )
        except TimeLimit as exc:
            context["problem"] = {"message": str(exc), "field": None}
            return page(
                request, "calculator.html.j2", 503, keep=[("m", m) for m in chosen], **context
            )
        context["result"] = result_view(project, outcome, lang)
    return page(request, "calculator.html.j2", keep=[("m", m.id) for m in form.measures], **context)


# --------------------------------------------------------------------------- studio


async def studio(request: Request) -> Response:
    project = project_of(request)
    files = sorted(project.state.texts)
    name = request.query_params.get("file") or files[0]
    if name not in project.state.texts:
        return page(request, "message.html.j2", 404, message=f"{name}: no such policy file")
    text = project.state.texts[name]
    return page(request, "studio.html.j2", files=files, file=name, text=text, saved=digest(text))


def same_origin(request: Request) -> bool:
    """A write must come from the studio's own page: a JSON body (which a form on
    another site cannot send without the browser asking first) and, when the browser
    says where the request comes from, this host."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return origin.rstrip("/").split("://", 1)[-1] == request.headers.get("host", "")


async def read_json(request: Request) -> dict[str, Any] | JSONResponse:
    try:
        data = json.loads((await request.body()).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return JSONResponse({"error": "expected a JSON object"}, status_code=400)
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("text"), str)
        or not isinstance(data.get("file"), str)
    ):
        return JSONResponse({"error": 'expected {"file": …, "text": …}'}, status_code=422)
    return data


async def studio_preview(request: Request) -> Response:
    from kfpl.serve.studio import preview

    data = await read_json(request)
    if isinstance(data, JSONResponse):
        return data
    project = project_of(request)
    lang = lang_of(request, data.get("lang"))
    try:
        project.path_for(data["file"])
    except SaveError as exc:
        return JSONResponse({"error": exc.message}, status_code=exc.status)
    line = data.get("line")
    line = line if isinstance(line, int) else 1
    try:
        result = await within_time(preview, project, data["file"], data["text"], line, lang)
    except TimeLimit as exc:
        return JSONResponse({"error": f"preview {exc}"}, status_code=503)
    html = ENV.get_template("studio_panel.html.j2").render(
        lang=lang, t=lambda key: word(key, lang), p=result
    )
    return JSONResponse(
        {
            "ok": result.ok,
            "errors": sum(1 for d in result.diagnostics if d["severity"] == "error"),
            "measure": result.measure.id if result.measure else None,
            "html": html,
        }
    )


MAX_COMPLETIONS = 40


def assist(project: Project, file: str, text: str, line: int, column: int) -> dict[str, Any]:
    """Completion and hover at the cursor (0-based line and character column), from the
    language service of ``kfpl lsp``, the text checked with the project's other files."""
    from kfpl.language import service

    texts = service.Project(project.texts_with(file, text), project.sources_dir)
    prefix = service.prefix_at(text, line, column)
    items = service.complete(file, line, column, texts) if prefix else []
    found = service.hover(file, line, column, texts)
    return {
        "prefix": prefix,
        "completions": [
            {"label": c.label, "kind": c.kind, "detail": c.detail}
            for c in items[:MAX_COMPLETIONS]
            if c.label != prefix
        ],
        "hover": found.markdown if found is not None else None,
        "word": found.word.text if found is not None else None,
    }


async def studio_assist(request: Request) -> Response:
    data = await read_json(request)
    if isinstance(data, JSONResponse):
        return data
    project = project_of(request)
    try:
        project.path_for(data["file"])
    except SaveError as exc:
        return JSONResponse({"error": exc.message}, status_code=exc.status)
    line, column = data.get("line"), data.get("column")
    if not isinstance(line, int) or not isinstance(column, int) or line < 0 or column < 0:
        return JSONResponse({"error": "line and column: 0-based integers"}, status_code=422)
    try:
        answer = await within_time(assist, project, data["file"], data["text"], line, column)
    except TimeLimit as exc:
        return JSONResponse({"error": f"assist {exc}"}, status_code=503)
    return JSONResponse(answer)


async def studio_save(request: Request) -> Response:
    if not same_origin(request):
        return JSONResponse(
            {"error": "saving needs a JSON request from the studio page"}, status_code=403
        )
    data = await read_json(request)
    if isinstance(data, JSONResponse):
        return data
    base = data.get("base")
    try:
        loaded = await within_time(
            project_of(request).save,
            data["file"],
            data["text"],
            base if isinstance(base, str) else None,
        )
    except SaveError as exc:
        return JSONResponse({"error": exc.message}, status_code=exc.status)
    return JSONResponse({"saved": data["file"], "base": digest(loaded.texts[data["file"]])})


# --------------------------------------------------------------------------- review


async def review(request: Request) -> Response:
    lang = lang_of(request)
    charts = request.app.state.review
    view = await within_time(charts.view, lang, seconds=120) if charts is not None else None
    return page(request, "review.html.j2", view=view)


async def review_chart(request: Request) -> Response:
    charts = request.app.state.review
    lang = request.path_params["lang"]
    name = request.path_params["name"]
    if charts is None or lang not in ("zh", "en"):
        return Response(status_code=404)
    view = await within_time(charts.view, lang, seconds=120)
    svg = view["svgs"].get(name)
    if svg is None:
        return Response(status_code=404)
    return Response(svg, media_type="image/svg+xml")


async def home(request: Request) -> Response:
    query = f"?lang={lang_of(request)}" if lang_of(request) == "en" else ""
    return RedirectResponse(f"{base_of(request)}/calc{query}", status_code=307)


routes = [
    Route("/", home),
    Route("/calc", calculator, methods=["GET", "POST"]),
    Route("/studio", studio),
    Route("/studio/preview", studio_preview, methods=["POST"]),
    Route("/studio/save", studio_save, methods=["POST"]),
    Route("/studio/assist", studio_assist, methods=["POST"]),
    Route("/review", review),
    Route("/review/{lang}/{name}.svg", review_chart),
]


def static_dir() -> Path:
    return Path(__file__).parent / "static"
