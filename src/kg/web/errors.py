"""Every error becomes a clear JSON message with the right status: mapped in one place."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.errors import KgError

log = logging.getLogger("kg")


def error_body(status: int, kind: str, message: str) -> dict[str, object]:
    return {"error": kind, "status": status, "message": message}


def install(app: FastAPI) -> None:
    @app.exception_handler(KgError)
    async def kg_error(_request: Request, exc: KgError) -> JSONResponse:
        return JSONResponse(error_body(exc.status, type(exc).__name__, str(exc)), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "body"))
            parts.append(f"{where}: {err.get('msg')}")
        return JSONResponse(error_body(422, "InvalidParameter", "; ".join(parts)), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(error_body(exc.status_code, "HTTPError", str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return JSONResponse(
            error_body(500, "InternalError", "an unexpected error happened; it has been logged"), status_code=500
        )
