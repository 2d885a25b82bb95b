"""Jinja templates, shared by the HTML views."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"

environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def local_link(value: str, id_ns: str) -> str:
    """An IRI this service mints (entities, statements, rules) as a path on this server; others unchanged."""
    base = id_ns[: -len("id/")] if id_ns.endswith("id/") else id_ns
    if value.startswith(id_ns):
        return "/id/" + value[len(id_ns) :]
    for served in ("statement/", "rule/"):
        if value.startswith(base + served):
            return "/" + value[len(base) :]
    return value


def render(request: Request, name: str, **context: Any) -> str:
    service = request.app.state.service
    context.setdefault("id_ns", service.settings.id_ns)
    return environment.get_template(name).render(request=request, local_link=local_link, **context)
