"""GET /connections: the paths between two entities, each hop with its predicate and source."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from kg.catalog import resolve_iri
from kg.errors import InvalidParameter, NotFound
from kg.linked_data.connections import (
    DEFAULT_HOPS,
    DEFAULT_PATHS,
    MAX_HOPS,
    MAX_PATHS,
    ConnectionIndex,
    connection_index,
)
from kg.linked_data.facts import fact_labels
from kg.service import Service

router = APIRouter()


def _index(service: Service) -> ConnectionIndex:
    index = connection_index(service)
    if index is None:
        raise NotFound("connections are indexed only when the service builds the graph from its files")
    return index


def _entity(request: Request, name: str, value: str):  # type: ignore[no-untyped-def]
    service = request.app.state.service
    index = _index(service)
    try:
        iri = resolve_iri(value, service.prefixes)
    except ValueError:
        raise InvalidParameter(f"parameter {name!r}: {value!r} is not an IRI, prefixed name or short id") from None
    if iri not in index:
        raise NotFound(f"parameter {name!r}: no entity {iri} is linked to anything in this dataset")
    return iri


@router.get("/connections", summary="How two entities are connected", tags=["canned queries"])
async def connections(
    request: Request,
    source: Annotated[
        str, Query(alias="from", description="start entity: short id, prefixed name or IRI", examples=["usaid"])
    ],
    target: Annotated[str, Query(alias="to", description="end entity", examples=["forced-labour"])],
    hops: Annotated[int, Query(ge=1, le=MAX_HOPS, description="longest path, in statements")] = DEFAULT_HOPS,
    limit: Annotated[int, Query(ge=1, le=MAX_PATHS, description="most paths returned")] = DEFAULT_PATHS,
) -> JSONResponse:
    service = request.app.state.service
    start = _entity(request, "from", source)
    end = _entity(request, "to", target)
    index = _index(service)
    paths = await run_in_threadpool(index.paths, start, end, hops, limit)
    # fact nodes on the way (a funding a derived hop rests on) are named by what they say
    names = await run_in_threadpool(fact_labels, service, sorted(index.unlabelled(paths)))
    return JSONResponse(
        {
            "from": {"iri": str(start), "label": index.label(str(start))},
            "to": {"iri": str(end), "label": index.label(str(end))},
            "maxHops": hops,
            "paths": [index.describe_path(p, names) for p in paths],
        }
    )
