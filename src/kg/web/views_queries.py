"""Canned queries as typed API operations: GET /queries, GET /queries/{name}?param=..."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from rdflib import Literal, URIRef
from rdflib.term import Identifier
from starlette.concurrency import run_in_threadpool

from kg.catalog import CannedQuery, Parameter, bind_parameters
from kg.protocol.formats import RESULT_FORMATS, Format, plain_csv, serialise_table
from kg.results import QueryResult
from kg.web.responses import JSON, content_type, limit_headers, pick_format

router = APIRouter()

JSON_ROWS = Format("rows", JSON.media_type, "json", "json")
CSV = RESULT_FORMATS["csv"]
SPARQL_JSON = RESULT_FORMATS["json"]
QUERY_FORMATS = [JSON_ROWS, SPARQL_JSON, CSV]
_BY_NAME = {"json": JSON_ROWS, "csv": CSV, "sparql-json": SPARQL_JSON}


def plain(value: Identifier) -> Any:
    """A term as a JSON value: numbers as numbers, everything else as its text."""
    if isinstance(value, Literal):
        python = value.toPython()
        if isinstance(python, bool | int | float):
            return python
        if hasattr(python, "is_finite"):  # Decimal
            return float(python) if python != int(python) else int(python)
        return str(value)
    return str(value)


def rows_json(query: CannedQuery, params: dict[str, str], result: QueryResult) -> dict[str, Any]:
    return {
        "query": query.name,
        "title": query.title,
        "parameters": params,
        "columns": [str(v) for v in result.variables],
        "rows": [{k: plain(v) for k, v in r.items()} for r in result.records()],
        "count": result.size,
        "truncated": result.truncated,
        "limit": result.limit,
    }


def rows_csv(result: QueryResult) -> bytes:
    return plain_csv(result).encode("utf-8")


async def run_canned(request: Request, query: CannedQuery) -> tuple[dict[str, str], QueryResult]:
    service = request.app.state.service
    given = {k: v for k, v in request.query_params.items() if k != "format"}
    bindings = bind_parameters(query, given, service.prefixes)
    result = await run_in_threadpool(service.query, query.text, bindings=bindings)
    shown = {k: str(v) for k, v in bindings.items()}
    return shown, result


def respond(query: CannedQuery, params: dict[str, str], result: QueryResult, fmt: Format) -> Response:
    headers = limit_headers(result)
    if fmt is JSON_ROWS:
        return JSONResponse(rows_json(query, params, result), headers=headers)
    body = rows_csv(result) if fmt is CSV else serialise_table(result, fmt)
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
        params, result = await run_canned(request, query)
        return respond(query, params, result, fmt)

    endpoint.__name__ = f"query_{query.name.replace('-', '_')}"
    return endpoint


def install(app: FastAPI) -> None:
    """One typed GET operation per canned query, so each shows in /docs with its parameters."""
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
async def list_queries(request: Request) -> JSONResponse:
    service = request.app.state.service
    return JSONResponse({"queries": [q.describe() | {"url": f"/queries/{q.name}"} for q in service.catalog]})


__all__ = ["URIRef", "install", "router"]
