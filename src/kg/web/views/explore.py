"""How two entities are connected: ``GET /connections`` (JSON) and the explorer page that draws the paths.

Both walk the same connection index (kg.linked_data.connections), with the
same hop and path limits; the page also finds an entity by a name the
search knows, and draws each path with the source of every step.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from rdflib import URIRef
from starlette.concurrency import run_in_threadpool

from kg.catalog import resolve_iri, within
from kg.errors import NotFound
from kg.linked_data.connections import DEFAULT_HOPS, DEFAULT_PATHS, ConnectionIndex, connection_index
from kg.linked_data.facts import fact_labels
from kg.service import Service
from kg.web.errors import html_errors
from kg.web.lookup import resolve_entity
from kg.web.pages import PageData, page_response
from kg.web.present.paths import path_view
from kg.web.site import Site, site_of

router = APIRouter()

NOT_INDEXED = "connections are indexed only when the service builds the graph from its files"

Hops = Annotated[int, Query(ge=1, description="longest path, in statements (at most KG_MAX_HOPS, 4 by default)")]


def asked(value: int | None, default: int, name: str, most: int, setting: str) -> int:
    """A count the client gave (422 over its limit), or the default, lowered to the limit if need be."""
    return min(default, most) if value is None else within(name, value, most, setting)


def _index(service: Service) -> ConnectionIndex:
    index = connection_index(service)
    if index is None:
        raise NotFound(NOT_INDEXED)
    return index


def _linked(index: ConnectionIndex, name: str, value: str, prefixes: dict[str, str]) -> URIRef:
    iri = resolve_iri(value, prefixes, name)
    if iri not in index:
        raise NotFound(f"parameter {name!r}: no entity {iri} is linked to anything in this dataset")
    return iri


async def found_paths(
    service: Service, index: ConnectionIndex, start: URIRef, end: URIRef, hops: int, limit: int
) -> list[dict[str, Any]]:
    """The paths described in words; fact nodes on the way (a funding a hop rests on) named by what they say."""
    paths = await run_in_threadpool(index.paths, start, end, hops, limit)
    names = await run_in_threadpool(fact_labels, service, sorted(index.unlabelled(paths)))
    return [index.describe_path(p, names) for p in paths]


def _end(index: ConnectionIndex, iri: URIRef) -> dict[str, str]:
    return {"iri": str(iri), "label": index.label(str(iri))}


@router.get("/connections", summary="How two entities are connected", tags=["canned queries"])
async def connections(
    request: Request,
    source: Annotated[
        str, Query(alias="from", description="start entity: short id, prefixed name or IRI", examples=["usaid"])
    ],
    target: Annotated[str, Query(alias="to", description="end entity", examples=["forced-labour"])],
    hops: Hops | None = None,
    limit: Annotated[
        int | None, Query(ge=1, description="most paths returned (at most KG_MAX_PATHS, 50 by default)")
    ] = (None),
) -> JSONResponse:
    service = request.app.state.service
    hops = asked(hops, DEFAULT_HOPS, "hops", service.settings.max_hops, "KG_MAX_HOPS")
    limit = asked(limit, DEFAULT_PATHS, "limit", service.settings.max_paths, "KG_MAX_PATHS")
    index = _index(service)
    start = _linked(index, "from", source, service.prefixes)
    end = _linked(index, "to", target, service.prefixes)
    paths = await found_paths(service, index, start, end, hops, limit)
    return JSONResponse({"from": _end(index, start), "to": _end(index, end), "maxHops": hops, "paths": paths})


async def explore_data(site: Site, source: str, target: str, hops: int) -> tuple[dict[str, Any], int]:
    data: dict[str, Any] = {"source": source, "target": target, "hops": hops, "paths": None, "errors": []}
    data["max_hops"] = site.service.settings.max_hops  # the form offers what the limit allows
    index = connection_index(site.service)
    if index is None:
        return data | {"errors": [NOT_INDEXED[0].upper() + NOT_INDEXED[1:] + "."]}, 200
    if not (source and target):
        return data, 200
    start, error_from = await resolve_entity(site, index, source)
    end, error_to = await resolve_entity(site, index, target)
    data["errors"] = [e for e in (error_from, error_to) if e]
    if start is None or end is None:
        return data, 404
    paths = min(DEFAULT_PATHS, site.service.settings.max_paths)
    described = await found_paths(site.service, index, start, end, hops, paths)
    data.update(
        paths=[path_view(site, str(start), d) for d in described],
        start=_end(index, start) | {"href": site.link(str(start))},
        end=_end(index, end) | {"href": site.link(str(end))},
        json="/connections?" + urlencode({"from": source, "to": target, "hops": hops}),
    )
    return data, 200


@router.get("/explore", include_in_schema=False)
@html_errors
async def explore(request: Request, hops: Hops | None = None) -> Response:
    source = request.query_params.get("from", "").strip()
    target = request.query_params.get("to", "").strip()
    site = site_of(request)
    hops = asked(hops, DEFAULT_HOPS, "hops", site.service.settings.max_hops, "KG_MAX_HOPS")
    data, status = await explore_data(site, source, target, hops)
    return page_response(request, PageData("explore.html", data, status))
