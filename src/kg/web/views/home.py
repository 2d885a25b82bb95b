"""The home page (what the graph holds, by class and by source) and the search page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kg.linked_data.entity import DUMP_FORMATS
from kg.terms import local_name
from kg.web.errors import html_errors
from kg.web.lookup import search_entities
from kg.web.pages import PageData, page_response
from kg.web.present.editor import class_listing
from kg.web.site import Site, site_of

router = APIRouter()


async def home_data(site: Site) -> dict[str, Any]:
    classes, per_source = await site.cached("stats-classes"), await site.cached("stats-sources")
    service = site.service
    counts = [
        {
            "iri": str(r["class"]),
            "label": str(r["label"]),
            "count": int(r["entities"]),  # type: ignore[call-overload]
            "editor": "/sparql-editor?" + urlencode({"query": class_listing(str(r["class"]), site.prefixes)}),
        }
        for r in classes.records()
    ]
    by_source: dict[str, dict[str, Any]] = {}
    for r in per_source.records():
        iri = str(r["source"])
        title = str(r.get("title", local_name(iri)))
        entry = by_source.setdefault(iri, site.entry(iri, title=title, facts=0, classes=[]))
        facts = int(r["facts"])  # type: ignore[call-overload]
        entry["facts"] += facts
        entry["classes"].append({"label": site.type_label(str(r["class"])), "count": facts})
    return {
        "counts": counts,
        "sources": list(by_source.values()),
        "source_count": len(site.sources) or len(by_source),
        "triples": service.triples,
        "queries": [q.describe() for q in service.catalog if not q.name.startswith("stats-")],
        "stats_queries": [q.describe() for q in service.catalog if q.name.startswith("stats-")],
        "downloads": list(DUMP_FORMATS),
    }


@router.get("/", include_in_schema=False)
@html_errors
async def home(request: Request) -> Response:
    return page_response(request, PageData("home.html", await home_data(site_of(request))))


@router.get("/search", include_in_schema=False)
@html_errors
async def search(request: Request, q: str = "") -> Response:
    text = q.strip()
    results = await search_entities(site_of(request), text) if text else []
    return page_response(request, PageData("search.html", {"q": text, "results": results}))
