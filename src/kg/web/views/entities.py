"""Linked data: every minted IRI resolves; dumps with ETag; VoID."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from rdflib import URIRef
from starlette.concurrency import run_in_threadpool

from kg.errors import NotFound
from kg.linked_data.entity import DUMP_FORMATS, describe, entity_page, void_description
from kg.protocol.formats import RDF_FORMATS, result_graph, serialise_graph
from kg.protocol.negotiate import choose_format, negotiate
from kg.rq import internal_query
from kg.web.present.entity import entity_view
from kg.web.responses import HTML, content_type
from kg.web.site import site_of
from kg.web.templating import render

router = APIRouter()

ENTITY_FORMATS = [RDF_FORMATS[n] for n in ("turtle", "jsonld", "ntriples", "xml")]


def _alternates(url: str) -> str:
    return ", ".join(f'<{url}?format={f.name}>; rel="alternate"; type="{f.media_type}"' for f in ENTITY_FORMATS)


@router.get("/id/{slug:path}", summary="An entity: HTML for browsers, RDF by Accept or ?format=")
async def entity(request: Request, slug: str) -> Response:
    service = request.app.state.service
    iri = URIRef(service.settings.id_ns + slug)
    format_param = request.query_params.get("format")
    if format_param == "html":
        fmt = HTML
    elif format_param:
        fmt = choose_format(True, None, format_param)
    else:
        fmt = negotiate(
            request.headers.get("accept"),
            [*ENTITY_FORMATS, HTML]
            if "text/html" not in request.headers.get("accept", "")
            else [HTML, *ENTITY_FORMATS],
        )
    headers = {"Link": _alternates(str(request.url.remove_query_params("format"))), "Vary": "Accept"}
    if fmt is HTML:
        page = await run_in_threadpool(entity_page, service, iri)
        view = entity_view(site_of(request), page)
        return HTMLResponse(render(request, "entity.html", page=page, view=view), headers=headers)
    graph = await run_in_threadpool(describe, service, iri)
    return Response(serialise_graph(graph, fmt), media_type=content_type(fmt), headers=headers)


@router.get("/ontology", summary="The kg ontology")
async def ontology(request: Request) -> Response:
    service = request.app.state.service
    fmt = choose_format(True, request.headers.get("accept"), request.query_params.get("format"))
    result = await run_in_threadpool(service.query, internal_query("ontology"))
    return Response(serialise_graph(result_graph(result, service.prefixes), fmt), media_type=content_type(fmt))


@router.get("/dumps/dataset.{name}", summary="The whole dataset (turtle, ntriples, nquads, trig, jsonld)")
async def dump(request: Request, name: str) -> Response:
    service = request.app.state.service
    if name not in DUMP_FORMATS:
        raise NotFound(f"no dump named dataset.{name}; available: " + ", ".join(f"dataset.{n}" for n in DUMP_FORMATS))
    fmt = RDF_FORMATS[name]
    headers = {"Last-Modified": service.last_modified, "Cache-Control": "public, max-age=3600"}
    etag = f'"{service.version}-{fmt.name}"'
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers={**headers, "ETag": etag})
    if request.headers.get("if-modified-since") == service.last_modified and "if-none-match" not in request.headers:
        return Response(status_code=304, headers={**headers, "ETag": etag})
    dumped = await run_in_threadpool(service.dump, fmt)
    headers["ETag"] = dumped.etag
    headers["Content-Disposition"] = f'inline; filename="kg-dataset.{fmt.extension}"'
    if dumped.path is not None:
        return FileResponse(dumped.path, media_type=content_type(fmt), headers=headers)
    return Response(dumped.data, media_type=content_type(fmt), headers=headers)


@router.get("/.well-known/void", summary="VoID description of the dataset")
async def void(request: Request) -> Response:
    service = request.app.state.service
    fmt = choose_format(True, request.headers.get("accept"), request.query_params.get("format"))
    body = await run_in_threadpool(void_description, service, str(request.base_url), fmt)
    return Response(body, media_type=content_type(fmt))
