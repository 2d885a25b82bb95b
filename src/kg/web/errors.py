"""Every error becomes a clear JSON message with the right status: mapped in one place."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.errors import InternalError, KgError

log = logging.getLogger("kg")


def error_body(status: int, kind: str, message: str) -> dict[str, object]:
    return {"error": kind, "status": status, "message": message}


def fault_response(fault: InternalError) -> JSONResponse:
    """Our own fault: the client gets the incident id, the log has it beside the details."""
    body = error_body(500, "InternalError", str(fault)) | {"incident": fault.incident}
    return JSONResponse(body, status_code=500)


def install(app: FastAPI) -> None:
    @app.exception_handler(KgError)
    async def kg_error(_request: Request, exc: KgError) -> JSONResponse:
        if isinstance(exc, InternalError):
            return fault_response(exc)  # logged where it happened (kg.protocol.executor)
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
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        fault = InternalError(f"an unexpected error happened ({type(exc).__name__}); it has been logged")
        log.error("%s at %s %s", fault, request.method, request.url.path, exc_info=exc)
        return fault_response(fault)
