"""Turning results into HTTP responses: one place for formats and limit headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import Response

from kg.errors import BadRequest
from kg.protocol.cache import Answer, AnswerKey
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


#: The headers a kept answer goes out with again (the body's length is computed anew).
KEPT_HEADERS = ("x-result-count", "x-result-truncated", "x-result-limit", "link", "vary")


def if_none_match(request: Request) -> list[str]:
    return [tag.strip() for tag in request.headers.get("if-none-match", "").split(",") if tag.strip()]


async def answer_once(request: Request, key: AnswerKey, compute: Callable[[], Awaitable[Response]]) -> Response:
    """The answer to a request the dataset fully decides: 304 if the client has it, kept bytes if we do.

    The entity tag comes from the request alone, so a matching ``If-None-Match``
    costs no query. Only complete answers are kept: a truncated one is answered
    again each time (so it always says it is truncated), and an error is never kept.
    """
    service = request.app.state.service
    etag = key.etag
    if etag in if_none_match(request):
        return Response(status_code=304, headers={"ETag": etag, "Vary": "Accept"})
    kept = service.answers.get(key)
    if kept is not None:
        headers = {**kept.headers, "ETag": etag, "Vary": "Accept", "X-Cache": "hit"}
        return Response(kept.body, media_type=kept.media_type, headers=headers)
    response = await compute()
    if response.status_code != 200:
        return response
    response.headers["ETag"] = etag
    if "accept" not in response.headers.get("vary", "").lower():
        response.headers.append("Vary", "Accept")  # the format, and so the tag, follows Accept
    response.headers["X-Cache"] = "miss"
    if "x-result-truncated" not in response.headers:
        headers = {k: v for k, v in response.headers.items() if k in KEPT_HEADERS}
        service.answers.put(key, Answer(bytes(response.body), str(response.media_type), headers))
    return response


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
