"""A page is data and a template: the view computes the data, the same data is HTML or JSON.

A page view returns :class:`PageData` (a template name, a status and a plain
dict); :func:`page_response` renders it for people, or sends the dict as
JSON to a client that asks for it (``?format=json`` or ``Accept:
application/json``). Templates only present what the view computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from kg.errors import NotAcceptable
from kg.web.templating import render


@dataclass
class PageData:
    template: str
    data: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    #: Presentation-only values (the request URL to share, layout numbers) kept out of the JSON.
    extra: dict[str, Any] = field(default_factory=dict)


def wants_json(request: Request) -> bool:
    """``?format=json``, or an Accept header that names JSON and not HTML."""
    name = request.query_params.get("format")
    if name:
        if name not in ("json", "html"):
            raise NotAcceptable(f"unknown format {name!r} for this page; use html or json")
        return name == "json"
    accept = request.headers.get("accept", "")
    return "json" in accept and "text/html" not in accept


def page_response(request: Request, page: PageData) -> Response:
    headers = {"Vary": "Accept"}
    if wants_json(request):
        return JSONResponse(page.data, status_code=page.status, headers=headers)
    body = render(request, page.template, **page.data, **page.extra)
    return HTMLResponse(body, status_code=page.status, headers=headers)
