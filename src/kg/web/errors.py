"""Every error becomes a clear message with the right status, mapped in one place.

Each exception is turned into one body (``error``, ``status``, ``message``,
and ``incident`` for our own faults); that body goes out as JSON to API
clients and scripts, or as the HTML error page to a person: a browser
navigating to any URL (``Sec-Fetch-Dest: document``), or anyone on a page
for people (a view marked with :func:`html_errors`) who did not ask for JSON.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.errors import InternalError, KgError
from kg.web.templating import render

log = logging.getLogger("kg")

View = TypeVar("View", bound=Callable[..., Any])

TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    406: "Not acceptable",
    413: "Too large",
    422: "Invalid value",
}


def html_errors(view: View) -> View:
    """Mark a view as a page for people: its errors are HTML pages unless the client asks for JSON."""
    view.html_errors = True  # type: ignore[attr-defined]
    return view


def error_body(status: int, kind: str, message: str) -> dict[str, Any]:
    return {"error": kind, "status": status, "message": message}


def wants_error_page(request: Request) -> bool:
    if request.method != "GET":
        return False
    if request.headers.get("sec-fetch-dest") == "document":
        return True
    on_a_page = getattr(request.scope.get("endpoint"), "html_errors", False)
    asked_json = request.query_params.get("format") == "json" or (
        "json" in request.headers.get("accept", "") and "text/html" not in request.headers.get("accept", "")
    )
    return bool(on_a_page) and not asked_json


def error_response(request: Request, body: dict[str, Any]) -> Response:
    """The one way an error leaves the service: the HTML page for people, JSON for the rest."""
    status = int(body["status"])
    if not wants_error_page(request):
        return JSONResponse(body, status_code=status)
    message = str(body["message"])
    if status >= 500:
        message = "An unexpected error happened; it has been logged."
        if "incident" in body:
            message += f" Incident {body['incident']}."
    title = TITLES.get(status, "Something went wrong" if status >= 500 else "Error")
    page = render(request, "error.html", status_code=status, title=title, message=message)
    return HTMLResponse(page, status_code=status)


def fault_body(fault: InternalError) -> dict[str, Any]:
    """Our own fault: the client gets the incident id, the log has it beside the details."""
    return error_body(500, "InternalError", str(fault)) | {"incident": fault.incident}


def install(app: FastAPI) -> None:
    @app.exception_handler(KgError)
    async def kg_error(request: Request, exc: KgError) -> Response:
        if isinstance(exc, InternalError):
            return error_response(request, fault_body(exc))  # logged where it happened (kg.protocol.executor)
        return error_response(request, error_body(exc.status, type(exc).__name__, str(exc)))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "body"))
            parts.append(f"{where}: {err.get('msg')}")
        return error_response(request, error_body(422, "InvalidParameter", "; ".join(parts)))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, error_body(exc.status_code, "HTTPError", str(exc.detail)))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        fault = InternalError(f"an unexpected error happened ({type(exc).__name__}); it has been logged")
        log.error("%s at %s %s", fault, request.method, request.url.path, exc_info=exc)
        return error_response(request, fault_body(fault))
