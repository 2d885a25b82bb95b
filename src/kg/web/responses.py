"""Turning results into HTTP responses: one place for formats and limit headers."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from kg.errors import BadRequest
from kg.protocol.formats import Format, result_graph, serialise_graph, serialise_table
from kg.protocol.negotiate import negotiate
from kg.results import QueryResult
from kg.service import Service

#: The formats of pages and plain JSON answers, besides the RDF and SPARQL results ones (kg.protocol.formats).
HTML = Format("html", "text/html", "html", "html")
JSON = Format("json", "application/json", "json", "json")

TEXT_TYPES = ("text/", "application/sparql-results+json", "application/ld+json", "application/n-triples")


def content_type(fmt: Format) -> str:
    media = fmt.media_type
    if media.startswith(TEXT_TYPES) or media.endswith(("json", "xml", "trig", "n-quads")):
        return f"{media}; charset=utf-8"
    return media


def limit_headers(result: QueryResult) -> dict[str, str]:
    headers = {"X-Result-Count": str(result.size)}
    if result.truncated:
        headers["X-Result-Truncated"] = "true"
        headers["X-Result-Limit"] = str(result.limit)
    return headers


def result_response(service: Service, result: QueryResult, fmt: Format) -> Response:
    if result.kind == "graph":
        body = serialise_graph(result_graph(result, service.prefixes), fmt)
    else:
        body = serialise_table(result, fmt)
    return Response(body, media_type=content_type(fmt), headers=limit_headers(result))


def wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "format" not in request.query_params


def pick_format(request: Request, by_name: dict[str, Format], offered: list[Format]) -> Format:
    """The ``format`` parameter's format (400 naming the choices if unknown), else the Accept header's (406)."""
    name = request.query_params.get("format")
    if name:
        if name not in by_name:
            raise BadRequest(f"unknown format {name!r}; use {', '.join(by_name)}")
        return by_name[name]
    return negotiate(request.headers.get("accept"), offered)
