"""Canned queries: typed API operations (``GET /queries/{name}?param=...``), their list, a form per query.

Each canned query (queries/*.rq) is its own GET operation with typed
parameters in /docs. The format is chosen before the query runs, so a bad
one costs nothing. The form page runs the same query through the same
service call (Service.run_canned) and shows a table and a chart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from kg.catalog import CannedQuery, Parameter, bind_parameters
from kg.errors import KgError
from kg.protocol.cache import AnswerKey
from kg.protocol.formats import RESULT_FORMATS, Format, plain_csv, serialise_table
from kg.results import QueryResult
from kg.terms import json_value
from kg.web.errors import html_errors
from kg.web.lookup import picker_types
from kg.web.pages import PageData, page_response
from kg.web.present.charts import bar_chart
from kg.web.present.tables import result_table
from kg.web.responses import JSON, answer_once, content_type, limit_headers, pick_format, wants_html
from kg.web.site import site_of

router = APIRouter()

JSON_ROWS = Format("rows", JSON.media_type, "json", "json")
CSV = RESULT_FORMATS["csv"]
SPARQL_JSON = RESULT_FORMATS["json"]
QUERY_FORMATS = [JSON_ROWS, SPARQL_JSON, CSV]
_BY_NAME = {"json": JSON_ROWS, "csv": CSV, "sparql-json": SPARQL_JSON}


def given_parameters(request: Request) -> dict[str, str]:
    """The query string's parameter values; ``format`` chooses the response, it is not a parameter."""
    return {k: v for k, v in request.query_params.items() if k != "format"}


def rows_json(query: CannedQuery, params: dict[str, str], result: QueryResult) -> dict[str, Any]:
    return {
        "query": query.name,
        "title": query.title,
        "parameters": params,
        "columns": [str(v) for v in result.variables],
        "rows": [{k: json_value(v) for k, v in r.items()} for r in result.records()],
        "count": result.size,
        "truncated": result.truncated,
        "limit": result.limit,
    }


def respond(query: CannedQuery, params: dict[str, str], result: QueryResult, fmt: Format) -> Response:
    headers = limit_headers(result)
    if fmt is JSON_ROWS:
        return JSONResponse(rows_json(query, params, result), headers=headers)
    body = plain_csv(result).encode("utf-8") if fmt is CSV else serialise_table(result, fmt)
    return Response(body, media_type=content_type(fmt), headers=headers)


def _openapi_parameter(p: Parameter) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if p.type == "integer":
        schema = {"type": "integer"}
    elif p.type == "year":
        schema = {"type": "string", "pattern": "^[0-9]{4}$"}
    elif p.type == "enum":
        schema = {"type": "string", "enum": list(p.values)}
    if p.default is not None:
        schema["default"] = p.default
    description = p.description
    if p.type == "iri":
        kind = f" (an entity{' of class ' + p.cls if p.cls else ''}: full IRI, prefixed name or short id)"
        description += kind
    out: dict[str, Any] = {
        "name": p.name,
        "in": "query",
        "required": p.required,
        "description": description,
        "schema": schema,
    }
    if p.example:
        out["example"] = p.example
    return out


def _endpoint(query: CannedQuery) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        fmt = pick_format(request, _BY_NAME, QUERY_FORMATS)  # before the query runs: a bad format costs nothing
        service = request.app.state.service
        bindings = bind_parameters(query, given_parameters(request), service.prefixes)

        async def compute() -> Response:
            result = await run_in_threadpool(service.query, query.text, bindings=bindings)
            return respond(query, {k: str(v) for k, v in bindings.items()}, result, fmt)

        key = AnswerKey.of(service.version, query.name, query.text, (fmt.name,), bindings)
        return await answer_once(request, key, compute)

    endpoint.__name__ = f"query_{query.name.replace('-', '_')}"
    return endpoint


def install(app: FastAPI) -> None:
    """One typed GET operation per canned query, so each shows in /docs with its parameters."""
    app.include_router(router)
    service = app.state.service
    for query in service.catalog:
        app.add_api_route(
            f"/queries/{query.name}",
            _endpoint(query),
            methods=["GET"],
            summary=query.title,
            description=query.description,
            tags=["canned queries"],
            openapi_extra={
                "parameters": [
                    *[_openapi_parameter(p) for p in query.params],
                    {
                        "name": "format",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["json", "csv", "sparql-json"]},
                        "description": "overrides Accept",
                    },
                ],
                "responses": {"200": {"content": {f.media_type: {} for f in QUERY_FORMATS}}},
            },
        )


@router.get("/queries", summary="The canned queries and their parameters", tags=["canned queries"])
async def list_queries(request: Request) -> Response:
    """JSON for clients; the page listing them for browsers (the same list)."""
    service = request.app.state.service
    queries = [q.describe() | {"url": f"/queries/{q.name}"} for q in service.catalog]
    if wants_html(request):
        return page_response(request, PageData("queries.html", {"queries": queries}))
    return JSONResponse({"queries": queries})


@router.get("/queries/{name}/form", include_in_schema=False)
@html_errors
async def query_form(request: Request, name: str) -> Response:
    """The form for a query's parameters and, once given (or if none is required), its results."""
    site = site_of(request)
    query = site.service.catalog.get(name)
    given = given_parameters(request)
    fields = [
        {
            "id": f"param-{p.name}",
            "parameter": p.describe(),
            "value": given.get(p.name, ""),
            "types": await picker_types(site, p.cls),
        }
        for p in query.params
    ]
    data: dict[str, Any] = {"query": query.describe(), "fields": fields, "ran": False, "error": None}
    status = 200
    if request.query_params or not any(p.required for p in query.params):
        try:
            _, result = await run_in_threadpool(site.service.run_canned, query, given)
        except KgError as exc:
            status = exc.status
            data["error"] = str(exc)
        else:
            shown = {k: v for k, v in given.items() if v}
            suffix = ("?" + urlencode(shown)) if shown else ""
            amp = "&" if shown else "?"
            data.update(
                ran=True,
                table=result_table(site, result),
                chart=bar_chart(result, site.prefixes),
                csv=f"/queries/{name}{suffix}{amp}format=csv",
                json=f"/queries/{name}{suffix}{amp}format=json",
                api=f"/queries/{name}{suffix}",
            )
    return page_response(request, PageData("form.html", data, status, extra={"share": str(request.url)}))
