"""GET /statements: each matching statement with its graph, stated or derived, its quotes or its justification."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from rdflib import Literal, URIRef, Variable
from starlette.concurrency import run_in_threadpool

from kg.catalog import resolve_iri, within
from kg.config import PROJECT_ROOT
from kg.errors import NotFound
from kg.linked_data.statements import Explainer, Statement, as_json, explanation, value_words
from kg.protocol.formats import RESULT_FORMATS, Format, by_name, plain_csv
from kg.results import QueryResult
from kg.rq import internal_query
from kg.service import Service
from kg.web.responses import HTML, JSON, content_type, pick_format, wants_html
from kg.web.templating import render

router = APIRouter()

CSV = RESULT_FORMATS["csv"]
CSV_COLUMNS = ("statement", "subject", "predicate", "object", "status", "graphs", "sources", "quotes", "explanation")


def resolve(name: str, value: str | None, service: Service) -> URIRef | None:
    """A parameter as an IRI: full IRI, prefixed name or short id (a bare predicate name is a kg: term)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if name == "predicate" and ":" not in text and not text.startswith("<"):
        text = "kg:" + text
    return resolve_iri(text, service.prefixes, name)


def choose(request: Request, formats: tuple[Format, ...] = (JSON, CSV, HTML)) -> Format:
    """The response format, chosen before any query runs: HTML first for browsers, JSON for the rest."""
    offered = sorted(formats, key=lambda f: f is not HTML) if wants_html(request) else list(formats)
    return pick_format(request, by_name(*formats), offered)


def lookup(
    service: Service,
    subject: URIRef | None,
    predicate: URIRef | None,
    obj: URIRef | None,
    limit: int,
    statement: URIRef | None = None,
) -> tuple[Explainer, list[Statement], bool]:
    explainer = Explainer(service)
    found, more = explainer.find(subject, predicate, obj, limit, statement)
    explainer.explain(found)
    return explainer, found, more


def csv_body(explainer: Explainer, statements: list[Statement]) -> bytes:
    rows = []
    for s in statements:
        sources = sorted({e.source_label or e.source for e in s.evidence})
        quotes = [e.quote for e in s.evidence if e.quote]
        cells = (
            s.iri,
            str(s.subject),
            str(s.predicate),
            str(s.object) if not s.value else value_words(s, explainer),
            s.status,
            " ".join(s.graphs),
            " | ".join(sources),
            " | ".join(quotes),
            explanation(s, explainer),
        )
        rows.append(tuple(Literal(c) for c in cells))
    table = QueryResult(kind="select", variables=[Variable(c) for c in CSV_COLUMNS], rows=rows)  # type: ignore[arg-type]
    return plain_csv(table).encode("utf-8")


@router.get(
    "/statements",
    summary="Statements with their evidence: graph, stated or derived, quotes, justification",
    description=(
        "Every statement matching the pattern: the graph(s) that state it, whether it is stated by a source "
        "(with its quotes) or reference list, or derived (with the rule and the premises of each derivation, "
        "recursively, down to the quotes). Subject, predicate and object take short ids (usdol), prefixed names "
        "(sdg:8.7, kg:theme) or IRIs; a bare predicate name is a kg: term. Any of the three may be left out. "
        "JSON by default, CSV and HTML by Accept or format."
    ),
    tags=["linked data"],
    responses={
        200: {"content": {"application/json": {}, "text/csv": {}, "text/html": {}}},
        422: {"description": "a parameter is not an IRI, prefixed name or short id"},
    },
)
async def statements(
    request: Request,
    subject: str | None = Query(None, description="the subject: short id, prefixed name or IRI"),
    predicate: str | None = Query(None, description="the predicate: kg: name (theme), prefixed name or IRI"),
    object: str | None = Query(None, description="the object: short id, prefixed name or IRI"),
    limit: int = Query(50, ge=1, description="at most this many statements (up to KG_MAX_STATEMENTS, 200 by default)"),
    format: str | None = Query(None, description="json, csv or html (overrides Accept)"),
) -> Response:
    service: Service = request.app.state.service
    within("limit", limit, service.settings.max_statements, "KG_MAX_STATEMENTS")
    fmt = choose(request)
    pattern = {
        "subject": resolve("subject", subject, service),
        "predicate": resolve("predicate", predicate, service),
        "object": resolve("object", object, service),
    }
    return await respond(request, fmt, pattern, limit)


async def respond(
    request: Request, fmt: Format, pattern: dict[str, URIRef | None], limit: int, statement: URIRef | None = None
) -> Response:
    service: Service = request.app.state.service
    explainer, found, more = await run_in_threadpool(
        lookup, service, pattern["subject"], pattern["predicate"], pattern["object"], limit, statement
    )
    headers = {"X-Result-Count": str(len(found)), "Vary": "Accept"}
    if more:
        headers["X-Result-Truncated"] = "true"
        headers["X-Result-Limit"] = str(limit)
    if fmt is CSV:
        return Response(csv_body(explainer, found), media_type=content_type(CSV), headers=headers)
    body: dict[str, Any] = {
        "pattern": {k: str(v) if v else None for k, v in pattern.items()},
        "count": len(found),
        "truncated": more,
        "limit": limit,
        "statements": [as_json(s, explainer) for s in found],
    }
    if fmt is HTML:
        page = render(request, "statements.html", result=body, pattern=pattern, given=request.query_params)
        return HTMLResponse(page, headers=headers)
    return JSONResponse(body, headers=headers)


@router.get(
    "/statement/{key}",
    summary="One statement (the IRI {base}statement/{key}): its graphs, evidence and justification",
    tags=["linked data"],
    responses={200: {"content": {"application/json": {}, "text/csv": {}, "text/html": {}}}, 404: {}},
)
async def one_statement(request: Request, key: str) -> Response:
    service: Service = request.app.state.service
    if not re.fullmatch(r"[0-9a-f]{16}", key):
        raise NotFound(f"no statement {key!r}: statement keys are 16 hexadecimal digits")
    fmt = choose(request)
    iri = URIRef(f"{service.settings.base_iri}statement/{key}")
    response = await respond(request, fmt, {"subject": None, "predicate": None, "object": None}, 1, iri)
    if response.headers.get("X-Result-Count") == "0":
        raise NotFound(f"no statement {iri} in this dataset")
    return response


@router.get(
    "/rule/{name}",
    summary="A derivation rule: what it derives, its SPARQL, how many derivations applied it",
    tags=["linked data"],
    responses={200: {"content": {"application/json": {}, "text/html": {}}}, 404: {}, 406: {}},
)
async def rule(request: Request, name: str) -> Response:
    service: Service = request.app.state.service
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name):
        raise NotFound(f"no rule {name!r}: rule names are letters, digits and hyphens (theme-sdg)")
    fmt = choose(request, (JSON, HTML))
    iri = URIRef(f"{service.settings.base_iri}rule/{name}")
    result = await run_in_threadpool(service.query, internal_query("rule"), bindings={"rule": iri})
    rows = result.records()
    if not rows:
        raise NotFound(f"no rule {name!r} in this dataset")
    row = rows[0]
    path = PROJECT_ROOT / str(row["file"])
    body = {
        "rule": str(iri),
        "label": str(row["label"]),
        "description": str(row["description"]),
        "file": str(row["file"]),
        "derivations": int(row["derivations"]),  # type: ignore[call-overload]
        "sparql": path.read_text(encoding="utf-8") if path.is_file() else None,
    }
    if fmt is HTML:
        return HTMLResponse(render(request, "rule.html", rule=body))
    return JSONResponse(body)
