"""`kg serve`: build and validate, then run uvicorn on the configured host and port."""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

from kg.config import Settings
from kg.errors import KgError
from kg.service import Service
from kg.web.app import create_app


def serve(settings: Settings, prebuilt: Path | None = None) -> int:
    try:
        service = Service(settings, prebuilt=prebuilt)
    except KgError as exc:
        print(f"kg: {exc}", file=sys.stderr)
        return 1
    print(
        f"kg: {service.triples} triples valid, {service.pool.size} {settings.store} query workers ready "
        f"in {service.start_seconds:.1f} s; serving on http://{settings.host}:{settings.port}/",
        file=sys.stderr,
    )
    uvicorn.run(create_app(service), host=settings.host, port=settings.port, log_level="info")
    return 0
