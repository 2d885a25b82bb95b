"""The SPARQL editor page (YASGUI, served from this server), its vendor files and its query examples.

YASGUI comes from the npm registry (package.json, installed by ``make
setup``) and is served from ``/vendor/yasgui/``, never from a CDN; without
it the page is a plain form that posts to /sparql.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from kg.catalog import CannedQuery
from kg.config import PROJECT_ROOT
from kg.errors import NotFound
from kg.web.errors import html_errors
from kg.web.pages import PageData, page_response
from kg.web.present.editor import editor_text

router = APIRouter()

#: Where ``npm ci`` puts YASGUI's build (see package.json and the Makefile's setup target).
YASGUI_BUILD = PROJECT_ROOT / "node_modules" / "@zazuko" / "yasgui" / "build"
VENDOR_FILES = {
    "yasgui.min.js": "text/javascript; charset=utf-8",
    "yasgui.min.css": "text/css; charset=utf-8",
    "yasgui.min.js.map": "application/json",
}


@router.get("/sparql-editor", include_in_schema=False)
@html_errors
async def sparql_editor(request: Request) -> Response:
    service = request.app.state.service
    data = {
        "queries": [q.describe() for q in service.catalog],
        "yasgui": (YASGUI_BUILD / "yasgui.min.js").is_file(),
        "kg_ns": service.settings.ontology_ns,
        "initial": request.query_params.get("query", ""),
    }
    return page_response(request, PageData("editor.html", data))


@router.get("/vendor/yasgui/{filename}", include_in_schema=False)
async def vendor_yasgui(filename: str) -> Response:
    path = YASGUI_BUILD / filename
    if filename not in VENDOR_FILES or not path.is_file():
        raise NotFound(f"no file {filename!r} under /vendor/yasgui/ (run `make setup` to install YASGUI with npm)")
    return FileResponse(path, media_type=VENDOR_FILES[filename], headers={"Cache-Control": "public, max-age=86400"})


def query_summary(query: CannedQuery, prefixes: dict[str, str]) -> dict[str, Any]:
    return {
        **query.describe(),
        "form": f"/queries/{query.name}/form",
        "url": f"/queries/{query.name}",
        "text": query.text,
        "editorText": editor_text(query, prefixes),
    }


@router.get("/api/queries", summary="The canned queries with their SPARQL text (for editors)", tags=["pages"])
async def api_queries(request: Request) -> JSONResponse:
    service = request.app.state.service
    return JSONResponse({"queries": [query_summary(q, service.prefixes) for q in service.catalog]})


@router.get("/api/queries/{name}", summary="One canned query with its SPARQL text", tags=["pages"])
async def api_query(request: Request, name: str) -> JSONResponse:
    service = request.app.state.service
    return JSONResponse(query_summary(service.catalog.get(name), service.prefixes))
