"""The SPARQL 1.1 Protocol endpoint at /sparql (query only; updates refused)."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from kg.errors import BadRequest, Forbidden, NotAcceptable, PayloadTooLarge
from kg.linked_data.entity import service_description
from kg.protocol.cache import AnswerKey
from kg.protocol.formats import RDF_FORMATS, Format
from kg.protocol.negotiate import choose_format, negotiate
from kg.protocol.query import check_graphs
from kg.web.responses import answer_once, content_type, result_response

router = APIRouter()

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) anything over the configured limit."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the request body is {declared} bytes; the limit is {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the request body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest(f"the {name!r} parameter was given {len(values)} times; give it once")
    return values[0]


async def _protocol(request: Request, params: dict[str, list[str]], query: str | None) -> Response:
    service = request.app.state.service
    if "update" in params:
        raise Forbidden("this endpoint is read-only: SPARQL updates are not accepted")
    if query is None:
        raise BadRequest(
            "no query: send SPARQL in the 'query' parameter (GET or form POST) or as an application/sparql-query body"
        )
    default_graphs = params.get("default-graph-uri") or None
    named_graphs = params.get("named-graph-uri") or None
    check_graphs(
        (default_graphs or []) + (named_graphs or []), service.graph_iris, "default-graph-uri / named-graph-uri"
    )
    # SPARQLWrapper may repeat these; the first one given wins.
    format_param = next((params[k][0] for k in ("format", "output", "results") if params.get(k)), None)
    # The format for each kind of answer, before the query is parsed (in the worker, within
    # the time limit): refused at once if the client can take neither, by the worker otherwise.
    formats: dict[str, Format] = {}
    refusals: dict[str, str] = {}
    for kind in ("table", "graph"):
        try:
            formats[kind] = choose_format(kind == "graph", request.headers.get("accept"), format_param)
        except NotAcceptable as exc:
            refusals[kind] = str(exc)
    if not formats:
        raise NotAcceptable(refusals["table"])

    async def compute() -> Response:
        result = await run_in_threadpool(
            service.query,
            query,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            from_client=True,
            refused_kinds=refusals,
        )
        return result_response(service, result, formats["graph" if result.kind == "graph" else "table"])

    chosen = tuple(formats[kind].name if kind in formats else "-" for kind in ("table", "graph"))
    key = AnswerKey.of(service.version, "sparql", query, chosen, None, default_graphs, named_graphs)
    return await answer_once(request, key, compute)


@router.get("/sparql", summary="SPARQL query (GET), or the service description when no query is given")
async def sparql_get(request: Request) -> Response:
    params = parse_qs(request.url.query, keep_blank_values=True)
    query = _one(params, "query")
    if query is None and "update" not in params:
        service = request.app.state.service
        fmt = negotiate(
            request.headers.get("accept"),
            [RDF_FORMATS["turtle"], RDF_FORMATS["jsonld"], RDF_FORMATS["xml"], RDF_FORMATS["ntriples"]],
        )
        body = service_description(service, str(request.url_for("sparql_get")), fmt)
        return Response(body, media_type=content_type(fmt))
    return await _protocol(request, params, query)


@router.post("/sparql", summary="SPARQL query (POST, form-encoded or application/sparql-query)")
async def sparql_post(request: Request) -> Response:
    service = request.app.state.service
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await read_body(request, service.settings.max_body_bytes)
    params = parse_qs(request.url.query, keep_blank_values=True)
    if media == FORM:
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise BadRequest("the form body is not UTF-8") from None
        for key, values in form.items():
            params.setdefault(key, []).extend(values)
        return await _protocol(request, params, _one(params, "query"))
    if media == SPARQL_QUERY:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the query body is not UTF-8") from None
        return await _protocol(request, params, text)
    if media == SPARQL_UPDATE:
        raise Forbidden("this endpoint is read-only: SPARQL updates are not accepted")
    raise BadRequest(
        f"unsupported Content-Type {media or '(none)'!r}: POST {FORM} with a 'query' field, or {SPARQL_QUERY}"
    )
