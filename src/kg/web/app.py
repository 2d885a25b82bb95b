"""The FastAPI application: routes, CORS, errors; built around one Service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from kg import __version__
from kg.service import Service
from kg.web import errors, site
from kg.web.views import editor, entities, explore, home, queries, sparql, statements

STATIC = Path(__file__).parent / "static"


def create_app(service: Service) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        service.close()

    app = FastAPI(
        title="kg: ILO development cooperation knowledge graph",
        version=__version__,
        description="SPARQL 1.1 endpoint, canned relationship queries, linked data and dumps. Read-only.",
        lifespan=lifespan,
    )
    app.state.service = service
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type", "If-None-Match"],
        expose_headers=["X-Result-Truncated", "X-Result-Limit", "X-Result-Count", "ETag", "Link"],
        max_age=3600,
    )
    errors.install(app)
    site.install(app)
    for view in (home, editor, sparql, explore, statements, entities):
        app.include_router(view.router)
    queries.install(app)  # its router, and one typed operation per canned query
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/health", summary="Liveness and what is loaded")
    async def health(request: Request) -> JSONResponse:
        svc = request.app.state.service
        return JSONResponse(
            {
                "status": "ok",
                "triples": svc.triples,
                "store": svc.settings.store,
                "workers": svc.pool.size,
                "queries": svc.pool.runs,
                "worker_restarts": svc.pool.kills,
                "cache": {
                    "answers": len(svc.answers),
                    "bytes": svc.answers.used,
                    "budget": svc.answers.budget,
                    "hits": svc.answers.hits,
                    "misses": svc.answers.misses,
                },
                "version": svc.version,
                "start_seconds": round(svc.start_seconds, 3),
            }
        )

    return app
