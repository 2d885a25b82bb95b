"""Pages for people: home, search, a form per canned query, the SPARQL editor, the connection explorer.

Every page is server-rendered HTML that works without JavaScript (forms are
plain GET forms, so a result's URL can be shared); small scripts add
autocomplete and the editor. YASGUI comes from the npm registry (package.json,
installed by ``make setup``) and is served from ``/vendor/yasgui/``, never
from a CDN. HTML error pages go to browsers navigating to a page
(``Sec-Fetch-Dest: document``); every other client keeps the JSON errors.
"""

from __future__ import annotations

import inspect
import logging
import re
import textwrap
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from rdflib import Literal, URIRef
from rdflib.term import Identifier
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.catalog import CannedQuery, Parameter, bind_parameters, resolve_iri
from kg.config import PROJECT_ROOT
from kg.errors import KgError, NotFound
from kg.linked_data.connections import DEFAULT_HOPS, DEFAULT_PATHS, MAX_HOPS, connection_index
from kg.linked_data.facts import HEDGE_WORDS, fact_labels
from kg.results import QueryResult
from kg.terms import humanise as words_of
from kg.terms import local_name, short_name
from kg.web import views_queries
from kg.web.responses import wants_html
from kg.web.templating import environment, local_link, render

router = APIRouter()

#: Where ``npm ci`` puts YASGUI's build (see package.json and the Makefile's setup target).
YASGUI_BUILD = PROJECT_ROOT / "node_modules" / "@zazuko" / "yasgui" / "build"
VENDOR_FILES = {
    "yasgui.min.js": "text/javascript; charset=utf-8",
    "yasgui.min.css": "text/css; charset=utf-8",
    "yasgui.min.js.map": "application/json",
}

#: Columns that are numbers a bar chart can show (counts and amounts).
CHART_COLUMNS = ("amount", "minAmount", "count", "entities", "facts", "quotes", "triples", "value")
MAX_BARS = 30
#: Columns whose text names a bar (besides every ``…Label`` column).
LABEL_COLUMNS = ("label", "title", "measure", "type", "role", "counted", "aspect", "start", "end", "asOf", "year")
MAX_TABLE_ROWS = 1000

DOWNLOADS = ("turtle", "trig", "nquads", "ntriples", "jsonld")

# ---------------------------------------------------------------- helpers


def is_number(term: Identifier | None) -> bool:
    if not isinstance(term, Literal):
        return False
    value = term.toPython()
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def number(term: Identifier | None) -> float | None:
    if not is_number(term):
        return None
    return float(term.toPython())  # type: ignore[union-attr]


def hedge_prefix(hedge: Identifier | None, column: str) -> str:
    """How a number is hedged in words ("over ", "up to ", "about "): by its kg:hedge, else by its column."""
    if isinstance(hedge, URIRef):
        return HEDGE_WORDS.get(local_name(str(hedge)), "")
    return {"minAmount": "over ", "maxAmount": "up to "}.get(column, "")


def format_number(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}"


def graph_source(graph: str, sources: dict[str, dict[str, str]]) -> dict[str, str]:
    """The source document a graph stands for, or what else the graph is (reference data, derived)."""
    name = graph.rstrip("/").rsplit("/", 1)[-1]
    if "/source/" in graph:
        found = sources.get(name)
        if found:
            return found
        return {"number": name, "title": f"Source {name}", "href": "", "kind": "source"}
    if name == "inferred":
        return {"number": "", "title": "derived by a rule", "href": "", "kind": "inferred"}
    if name == "reference":
        return {"number": "", "title": "reference data", "href": "", "kind": "reference"}
    return {"number": "", "title": name, "href": "", "kind": name}


# ---------------------------------------------------------------- state computed once


@dataclass
class PagesState:
    """What the pages reuse: source documents, class labels, cached statistics."""

    sources: dict[str, dict[str, str]] = field(default_factory=dict)  # "000" -> number, title, href, iri
    sources_by_iri: dict[str, dict[str, str]] = field(default_factory=dict)
    class_labels: dict[str, str] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)


def state(request_or_app: Request | FastAPI) -> PagesState:
    app = request_or_app.app if isinstance(request_or_app, Request) else request_or_app
    found = getattr(app.state, "pages", None)
    if found is None:
        found = PagesState()
        app.state.pages = found
    return found


def _load_state(app: FastAPI) -> None:
    """Source titles and class labels, read once (the dataset does not change while serving)."""
    service = app.state.service
    pages = state(app)
    try:
        result = service.query(
            "SELECT ?source ?title ?number WHERE { ?source a kg:SourceDocument ; dcterms:identifier ?number . "
            "OPTIONAL { ?source dcterms:title ?title } } ORDER BY ?number"
        )
        for r in result.records():
            iri = str(r["source"])
            number = str(r["number"])
            pages.sources[number] = {
                "number": number,
                "title": str(r.get("title", f"Source {number}")),
                "href": local_link(iri, service.settings.id_ns),
                "iri": iri,
                "kind": "source",
            }
        pages.sources_by_iri = {s["iri"]: s for s in pages.sources.values()}
        labels = service.query("SELECT ?class ?label WHERE { ?class a owl:Class ; rdfs:label ?label }")
        for r in labels.records():
            pages.class_labels.setdefault(str(r["class"]), str(r["label"]))
    except Exception:  # the pages still render, with plainer names; the API does not depend on this
        logging.getLogger("kg").warning("pages: could not read source titles and class labels", exc_info=True)


async def cached_query(request: Request, name: str) -> QueryResult:
    """A parameterless canned query's result, computed once per process."""
    pages = state(request)
    if name not in pages.cache:
        service = request.app.state.service
        query = service.catalog.get(name)
        pages.cache[name] = await run_in_threadpool(service.query, query.text)
    return pages.cache[name]


def type_label(request: Request, iri: str) -> str:
    return state(request).class_labels.get(iri) or local_name(iri)


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(render(request, template, **context), status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    titles = {400: "Bad request", 403: "Not allowed", 404: "Not found", 406: "Not acceptable", 422: "Invalid value"}
    title = titles.get(status, "Something went wrong" if status >= 500 else "Error")
    return page(request, "error.html", status=status, status_code=status, title=title, message=message)


# ---------------------------------------------------------------- home and search


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def home(request: Request) -> HTMLResponse:
    service = request.app.state.service
    classes, per_source = await cached_query(request, "stats-classes"), await cached_query(request, "stats-sources")
    pages = state(request)
    counts = [
        {
            "iri": str(r["class"]),
            "label": str(r["label"]),
            "count": int(r["entities"]),  # type: ignore[call-overload]
            "editor": "/sparql-editor?" + urlencode({"query": class_listing(str(r["class"]), service.prefixes)}),
        }
        for r in classes.records()
    ]
    by_source: dict[str, dict[str, Any]] = {}
    for r in per_source.records():
        iri = str(r["source"])
        entry = by_source.setdefault(
            iri,
            {
                "iri": iri,
                "href": local_link(iri, service.settings.id_ns),
                "title": str(r.get("title", local_name(iri))),
                "facts": 0,
                "classes": [],
            },
        )
        facts = int(r["facts"])  # type: ignore[call-overload]
        entry["facts"] += facts
        entry["classes"].append({"label": type_label(request, str(r["class"])), "count": facts})
    return page(
        request,
        "home.html",
        counts=counts,
        sources=list(by_source.values()),
        source_count=len(pages.sources) or len(by_source),
        triples=service.triples,
        queries=[q for q in service.catalog if not q.name.startswith("stats-")],
        stats_queries=[q for q in service.catalog if q.name.startswith("stats-")],
        downloads=DOWNLOADS,
    )


def class_listing(class_iri: str, prefixes: dict[str, str]) -> str:
    name = short_name(class_iri, prefixes)
    term = name if name != class_iri else f"<{class_iri}>"
    return (
        f"# Every entity of the class {name}, with its label\n"
        f"SELECT ?entity ?label WHERE {{\n  ?entity a {term} .\n"
        "  OPTIONAL { ?entity skos:prefLabel ?label }\n}\nORDER BY ?label ?entity\nLIMIT 500"
    )


async def run_search(request: Request, text: str) -> list[dict[str, Any]]:
    """Entities whose label or alias contains the text, one entry per entity (the canned query ``search``)."""
    service = request.app.state.service
    try:
        query = service.catalog.get("search")
    except NotFound:
        return []
    bindings = bind_parameters(query, {"text": text}, service.prefixes)
    result = await run_in_threadpool(service.query, query.text, bindings=bindings)
    found: dict[str, dict[str, Any]] = {}
    for r in result.records():
        iri = str(r["entity"])
        entry = found.setdefault(
            iri,
            {
                "iri": iri,
                "href": local_link(iri, service.settings.id_ns),
                "label": str(r.get("label") or r.get("matched") or local_name(iri)),
                "type": type_label(request, str(r["type"])) if "type" in r else "",
                "matched": [],
            },
        )
        matched = str(r.get("matched", ""))
        if matched and matched != entry["label"] and matched not in entry["matched"]:
            entry["matched"].append(matched)
    return list(found.values())


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
async def search(request: Request, q: str = "") -> HTMLResponse:
    text = q.strip()
    results = await run_search(request, text) if text else []
    return page(request, "search.html", q=text, results=results)


# ---------------------------------------------------------------- canned queries


def editor_text(query: CannedQuery, prefixes: dict[str, str]) -> str:
    """The query as the SPARQL editor should get it: PREFIX lines it needs, parameters bound by VALUES.

    The service predefines its prefixes, but an editor checks syntax on its
    own, so the text declares the ones it uses. Required parameters take their
    example and others their default, bound by a VALUES block at the top of
    the WHERE clause (so FILTERs and BINDs see them, as with the API's
    bindings); optional ones are left there as comments.
    """
    lines = query.text.rstrip().splitlines()
    head = 0
    while head < len(lines) and (lines[head].startswith("#") or not lines[head].strip()):
        head += 1
    body = "\n".join(lines[head:])
    about = [f"# {query.title}", *("# " + line for line in textwrap.wrap(query.description, 88))]
    used = {p for p in prefixes if re.search(rf"(?<![\w:<#]){re.escape(p)}:", body)}
    given = {p.name: p.example for p in query.params if p.required and p.example and not p.default}
    complete = all(p.example or p.default for p in query.params if p.required)
    bound = bind_parameters(query, given, prefixes) if complete else {}
    values = [f"VALUES ?{name} {{ {sparql_term(term, prefixes, used)} }}" for name, term in bound.items()]
    hints = []
    for p in query.params:
        if p.name not in bound and p.example and complete:
            try:
                example = bind_parameters(query, {**given, p.name: p.example}, prefixes)[p.name]
            except KgError:
                continue
            hints.append(f"# VALUES ?{p.name} {{ {sparql_term(example, prefixes, used)} }}  # optional")
    declarations = [f"PREFIX {p}: <{prefixes[p]}>" for p in sorted(used)]
    where = re.search(r"\bWHERE\s*\{[^\n]*\n?", body, flags=re.IGNORECASE)
    if (values or hints) and where:
        block = "".join(f"  {line}\n" for line in ["# Parameters, bound as the API binds them:", *values, *hints])
        body = body[: where.end()] + ("" if body[where.end() - 1] == "\n" else "\n") + block + body[where.end() :]
    parts = ["\n".join(about), "\n".join(declarations), body]
    return "\n\n".join(part for part in parts if part) + "\n"


def sparql_term(term: Identifier, prefixes: dict[str, str], used: set[str]) -> str:
    """A term in SPARQL syntax, as a prefixed name where one reads well (adding its prefix to ``used``)."""
    if isinstance(term, URIRef):
        name = short_name(str(term), prefixes)
        if name == str(term):
            return f"<{term}>"
        if ":" not in name:
            name = "id:" + name
        used.add(name.split(":", 1)[0])
        return name
    return term.n3()


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


@router.get("/queries", include_in_schema=False)
async def queries_page(request: Request) -> Response:
    """HTML for browsers; everyone else gets the JSON of ``GET /queries`` (views_queries)."""
    if not wants_html(request):
        return await views_queries.list_queries(request)
    service = request.app.state.service
    return page(request, "queries.html", queries=list(service.catalog))


async def allowed_types(request: Request, cls: str | None) -> list[str]:
    """The asserted classes of the entities of ``cls``: what an entity picker keeps from the search."""
    if not cls:
        return []
    service = request.app.state.service
    key = f"types:{cls}"
    pages = state(request)
    if key not in pages.cache:
        try:
            iri = resolve_iri(cls, service.prefixes)
            result = await run_in_threadpool(
                service.query,
                "SELECT DISTINCT ?cls ?type WHERE { ?entity a ?cls . GRAPH ?g { ?entity a ?type } "
                "FILTER(?g != graph:inferred && ?type != skos:Concept) }",
                bindings={"cls": iri},
            )
            pages.cache[key] = sorted({str(r["type"]) for r in result.records() if "type" in r})
        except (KgError, ValueError):
            pages.cache[key] = []
    return pages.cache[key]


@dataclass
class Field:
    param: Parameter
    value: str
    types: list[str]

    @property
    def id(self) -> str:
        return f"param-{self.param.name}"


@router.get("/queries/{name}/form", response_class=HTMLResponse, include_in_schema=False)
async def query_form(request: Request, name: str) -> HTMLResponse:
    service = request.app.state.service
    try:
        query = service.catalog.get(name)
    except NotFound as exc:
        return error_page(request, 404, str(exc))
    given = {k: v for k, v in request.query_params.items() if k != "format"}
    fields = [Field(p, given.get(p.name, ""), await allowed_types(request, p.cls)) for p in query.params]
    run = bool(request.query_params) or not any(p.required for p in query.params)
    context: dict[str, Any] = {"query": query, "fields": fields, "ran": False, "error": None}
    status = 200
    if run:
        try:
            bindings = bind_parameters(query, given, service.prefixes)
            result = await run_in_threadpool(service.query, query.text, bindings=bindings)
        except KgError as exc:
            status = exc.status
            context["error"] = str(exc)
        else:
            shown = {k: v for k, v in given.items() if v}
            suffix = ("?" + urlencode(shown)) if shown else ""
            amp = "&" if shown else "?"
            context.update(
                ran=True,
                table=result_table(request, result),
                chart=bar_chart(request, result),
                share=str(request.url),
                csv=f"/queries/{name}{suffix}{amp}format=csv",
                json=f"/queries/{name}{suffix}{amp}format=json",
                api=f"/queries/{name}{suffix}",
            )
    return page(request, "form.html", status=status, **context)


# ---------------------------------------------------------------- result tables and charts


def cell(request: Request, term: Identifier | None, label: Identifier | None = None) -> dict[str, Any]:
    service = request.app.state.service
    if term is None:
        return {"text": "", "href": None, "numeric": False}
    if isinstance(term, URIRef):
        iri = str(term)
        title = iri
        if label is not None:
            text = str(label)
        else:
            text = short_name(iri, service.prefixes)
            source = state(request).sources_by_iri.get(iri)
            if source:
                text, title = f"source {source['number']}", source["title"]
        return {"text": text, "href": local_link(iri, service.settings.id_ns), "title": title, "numeric": False}
    if is_number(term):
        return {"text": format_number(number(term) or 0.0), "href": None, "numeric": True}
    return {"text": str(term), "href": None, "numeric": False}


def result_table(request: Request, result: QueryResult) -> dict[str, Any]:
    """Columns and cells for the HTML table.

    An IRI column shows its ``…Label`` column as link text (and the label
    column is not repeated); columns empty in every row are left out.
    """
    names = [str(v) for v in result.variables]
    label_of = {n: f"{n}Label" for n in names if f"{n}Label" in names}
    if "label" in names:
        for candidate in ("entity", "class", "instrument", "source"):
            if candidate in names and candidate not in label_of:
                label_of[candidate] = "label"
                break
    if "title" in names and "source" in names and "source" not in label_of:
        label_of["source"] = "title"
    index = {n: i for i, n in enumerate(names)}
    hidden = set(label_of.values())
    shown = [n for n in names if n not in hidden]
    if result.rows:
        shown = [n for n in shown if any(r[index[n]] is not None for r in result.rows)]
    empty = [n for n in names if n not in hidden and n not in shown]
    rows = []
    for row in result.rows[:MAX_TABLE_ROWS]:
        rows.append([cell(request, row[index[n]], row[index[label_of[n]]] if n in label_of else None) for n in shown])
    columns = []
    for i, n in enumerate(shown):
        longest = max((len(r[i]["text"]) for r in rows), default=0)
        numeric = any(r[i]["numeric"] for r in rows)
        width = "long" if longest > 90 else "wide" if longest > 28 else ""
        columns.append({"name": n, "numeric": numeric, "width": width})
    for r in rows:
        for i, c in enumerate(r):
            c["width"] = columns[i]["width"]
    return {
        "columns": columns,
        "rows": rows,
        "empty": empty,
        "count": result.size,
        "shown": len(rows),
        "truncated": result.truncated,
        "limit": result.limit,
        "kind": result.kind,
        "boolean": result.boolean,
    }


def bar_chart(request: Request, result: QueryResult) -> dict[str, Any] | None:
    """An inline SVG bar chart of the first count or amount column, when there are two values or more."""
    if result.kind != "select":
        return None
    names = [str(v) for v in result.variables]
    index = {n: i for i, n in enumerate(names)}
    column = next(
        (c for c in CHART_COLUMNS if c in index and sum(is_number(r[index[c]]) for r in result.rows) >= 1), None
    )
    if column is None:
        return None
    # an amount the source bounds ("over", "up to") is in minAmount or maxAmount instead
    bounds = [b for b in ("minAmount", "maxAmount") if column == "amount" and b in index]
    describing = [n for n in names if n.endswith("Label") or n in LABEL_COLUMNS]
    bars: list[dict[str, Any]] = []
    for row in result.rows:
        value, taken = number(row[index[column]]), column
        for bound in bounds:
            if value is None:
                value, taken = number(row[index[bound]]), bound
        if value is None:
            continue
        texts = {n: str(row[index[n]]) for n in describing if isinstance(row[index[n]], Literal)}
        if "start" in texts and "end" in texts:
            texts["start"] = texts["start"] if texts["start"] == texts["end"] else f"{texts['start']}-{texts['end']}"
            del texts["end"]
        parts = list(texts.values())
        if not parts:
            first = next((t for t in row if isinstance(t, URIRef)), None)
            parts = [short_name(str(first), request.app.state.service.prefixes)] if first is not None else ["row"]
        text = " · ".join(dict.fromkeys(parts))
        hedge = hedge_prefix(row[index["hedge"]] if "hedge" in index else None, taken)
        bars.append({"label": text, "value": value, "shown": hedge + format_number(value)})
    if len(bars) < 2:
        return None
    bars = bars[:MAX_BARS]
    top = max(b["value"] for b in bars) or 1.0
    step = 40
    for i, b in enumerate(bars):
        b["y"] = i * step
        b["pct"] = max(0.3, 78 * b["value"] / top)
        b["short"] = b["label"] if len(b["label"]) <= 72 else b["label"][:70] + "…"
    title = column if not bounds else "amount (or the bound a source gives: over, up to)"
    return {
        "column": title,
        "bars": bars,
        "height": step * len(bars),
        "cut": len(bars) < sum(1 for r in result.rows if r[index[column]] is not None),
    }


# ---------------------------------------------------------------- SPARQL editor


@router.get("/sparql-editor", response_class=HTMLResponse, include_in_schema=False)
async def sparql_editor(request: Request) -> HTMLResponse:
    service = request.app.state.service
    return page(
        request,
        "editor.html",
        queries=list(service.catalog),
        yasgui=(YASGUI_BUILD / "yasgui.min.js").is_file(),
        kg_ns=service.settings.ontology_ns,
        initial=request.query_params.get("query", ""),
    )


@router.get("/vendor/yasgui/{filename}", include_in_schema=False)
async def vendor_yasgui(filename: str) -> Response:
    path = YASGUI_BUILD / filename
    if filename not in VENDOR_FILES or not path.is_file():
        raise NotFound(f"no file {filename!r} under /vendor/yasgui/ (run `make setup` to install YASGUI with npm)")
    return FileResponse(path, media_type=VENDOR_FILES[filename], headers={"Cache-Control": "public, max-age=86400"})


# ---------------------------------------------------------------- connection explorer


async def resolve_entity(request: Request, value: str) -> tuple[URIRef | None, str | None]:
    """The entity a person typed (id, prefixed name, IRI, or a name the search finds), or why not."""
    service = request.app.state.service
    index = connection_index(service)
    if index is None:
        return None, "connections are indexed only when the service builds the graph from its files"
    value = value.strip()
    try:
        iri = resolve_iri(value, service.prefixes)
    except ValueError:
        iri = None
    if iri is not None and iri in index:
        return iri, None
    found = await run_search(request, value) if len(value) >= 2 else []
    for entry in found:
        candidate = URIRef(entry["iri"])
        if candidate in index:
            return candidate, None
    return None, f"no entity called {value!r} is linked to anything in this dataset"


@router.get("/explore", response_class=HTMLResponse, include_in_schema=False)
async def explore(request: Request, hops: int = DEFAULT_HOPS) -> HTMLResponse:
    service = request.app.state.service
    source = request.query_params.get("from", "").strip()
    target = request.query_params.get("to", "").strip()
    hops = min(max(hops, 1), MAX_HOPS)
    context: dict[str, Any] = {"source": source, "target": target, "hops": hops, "paths": None, "errors": []}
    index = connection_index(service)
    status = 200
    if index is None:
        context["errors"].append("Connections are indexed only when the service builds the graph from its files.")
    elif source and target:
        start, error_from = await resolve_entity(request, source)
        end, error_to = await resolve_entity(request, target)
        context["errors"] = [e for e in (error_from, error_to) if e]
        if start is not None and end is not None:
            found = await run_in_threadpool(index.paths, start, end, hops, DEFAULT_PATHS)
            names = await run_in_threadpool(fact_labels, service, sorted(index.unlabelled(found)))
            pages = state(request)
            paths = []
            for path in found:
                described = index.describe_path(path, names)
                paths.append(path_view(request, str(start), described, pages.sources))
            context.update(
                paths=paths,
                start={
                    "iri": str(start),
                    "label": index.label(str(start)),
                    "href": local_link(str(start), service.settings.id_ns),
                },
                end={
                    "iri": str(end),
                    "label": index.label(str(end)),
                    "href": local_link(str(end), service.settings.id_ns),
                },
                json="/connections?" + urlencode({"from": source, "to": target, "hops": hops}),
            )
        else:
            status = 404
    return page(request, "explore.html", status=status, **context)


def path_view(
    request: Request, start: str, described: dict[str, Any], sources: dict[str, dict[str, str]]
) -> dict[str, Any]:
    """One path as nodes and steps for the diagram and the sentences."""
    id_ns = request.app.state.service.settings.id_ns
    node = start
    nodes = []
    steps = []
    first = described["hops"][0]
    nodes.append(
        {
            "iri": node,
            "label": first["subjectLabel"] if first["subject"] == node else first["objectLabel"],
            "href": local_link(node, id_ns),
        }
    )
    for hop in described["hops"]:
        forward = hop["subject"] == node
        node = hop["object"] if forward else hop["subject"]
        label = hop["objectLabel"] if forward else hop["subjectLabel"]
        nodes.append({"iri": node, "label": label, "href": local_link(node, id_ns)})
        steps.append(
            {
                **hop,
                "forward": forward,
                "subjectHref": local_link(hop["subject"], id_ns),
                "objectHref": local_link(hop["object"], id_ns),
                "stated": graph_source(hop["graph"], sources),
                "statementHref": local_link(str(hop["statement"]), id_ns) if hop.get("statement") else None,
            }
        )
    box_h, gap, width = 40, 56, 640
    for i, n in enumerate(nodes):
        n["y"] = i * (box_h + gap)
        n["short"] = n["label"] if len(n["label"]) <= 70 else n["label"][:68] + "…"
    for i, s in enumerate(steps):
        s["y1"] = nodes[i]["y"] + box_h
        s["y2"] = nodes[i + 1]["y"]
        s["short"] = s["predicateLabel"] if len(s["predicateLabel"]) <= 30 else s["predicateLabel"][:28] + "…"
        s["source_short"] = f"source {s['stated']['number']}" if s["stated"]["number"] else s["stated"]["title"]
    return {
        "nodes": nodes,
        "steps": steps,
        "length": described["length"],
        "sentence": described["sentence"],
        "box_h": box_h,
        "width": width,
        "height": nodes[-1]["y"] + box_h + 2,
    }


# ---------------------------------------------------------------- entity pages (template helpers)

#: How an entity page groups its links: by the property's IRI (namespace-free local names).
GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("Funding", ("fundedBy", "funder", "fundedItem", "contributionType")),
    ("Places", ("country", "region", "location", "areaServed")),
    ("Themes", ("theme",)),
    ("SDGs", ("contributesTo", "servesTarget")),
    (
        "Partners and organisations",
        ("hasPartner", "implementedBy", "subOrganizationOf", "unitOf", "hasUnit", "hasSubOrganization", "memberOf"),
    ),
    ("ILO instruments", ("concernsInstrument", "instrument", "instrumentCategory", "supplements")),
    ("Programmes and related initiatives", ("isPartOf", "hasPart", "relation")),
    ("Broader and narrower", ("broader", "narrower", "inScheme")),
]
IDENTITY = {
    "prefLabel",
    "label",
    "altLabel",
    "notation",
    "type",
    "exactMatch",
    "closeMatch",
    "sameAs",
    "homepage",
    "url",
    "identifier",
    "seeAlso",
    "isDefinedBy",
}
#: What the page calls the entities that point to this one, by the property they use.
INCOMING_TITLES = {
    "country": "Initiatives, organisations and facts in this country",
    "region": "In this region",
    "theme": "Initiatives on this theme",
    "contributesTo": "Initiatives contributing to it",
    "servesTarget": "Themes serving it",
    "fundedBy": "Initiatives it funds (directly or through its units)",
    "hasPartner": "Partner in",
    "implementedBy": "Implements",
    "isPartOf": "Parts",
    "relation": "Related initiatives",
    "unitOf": "Units",
    "subOrganizationOf": "Units and sub-organisations",
    "hasSubOrganization": "Part of",
    "hasUnit": "Part of",
    "concernsInstrument": "Initiatives concerning it",
    "broader": "Narrower concepts",
    "narrower": "Broader concepts",
    "about": "Figures and results about it",
    "instrumentCategory": "Instruments in this category",
    "supplements": "Supplemented by",
}
FACT_TITLES = {
    "Funding": "Funding statements",
    "Contribution": "Contributions",
    "Ratification": "Ratifications",
    "RatificationCount": "Ratification counts",
    "Figure": "Figures and results",
}


def entity_view(page: Any, request: Request) -> dict[str, Any]:
    """The entity page's data grouped for reading: links by kind, facts with their quotes, sources."""
    service = request.app.state.service
    pages = state(request)
    id_ns = service.settings.id_ns
    sources = pages.sources

    def source_of(graph: str) -> dict[str, str]:
        return graph_source(graph, sources)

    identity: dict[str, list[dict[str, Any]]] = {}
    grouped: dict[str, dict[tuple[str, str], dict[str, Any]]] = {title: {} for title, _ in GROUPS}
    details: dict[tuple[str, str], dict[str, Any]] = {}
    for s in page.statements:
        name = local_name(s["p"])
        o = s["o"]
        is_iri = o.startswith(("http://", "https://", "urn:"))
        item = {
            "property": s.get("pLabel") or humanise(name),
            "value": o,
            "label": s.get("oLabel") or (short_name(o, service.prefixes) if is_iri else o),
            "href": local_link(o, id_ns) if is_iri else None,
            "sources": [],
            "quotes": [],
            "rules": [],
        }
        if name in IDENTITY:
            if name in ("type", "label", "prefLabel"):
                continue
            bucket = identity.setdefault(item["property"], [])
            if all(x["value"] != o for x in bucket):
                bucket.append(item)
            continue
        title = next((t for t, names in GROUPS if name in names), None)
        target = grouped[title] if title else details
        key = (s["p"], o)
        entry = target.setdefault(key, item)
        stated = source_of(s["g"])
        if stated not in entry["sources"]:
            entry["sources"].append(stated)
        support = page.support.get((s["p"], o, s["g"]))
        if support:
            entry["statement"] = local_link(support["statement"], id_ns)
            for q in support["quotes"]:
                quote = {"text": q["text"], "source": sources.get(q["source"].rsplit("-", 1)[-1]) or stated}
                if all(x["text"] != q["text"] for x in entry["quotes"]):
                    entry["quotes"].append(quote)
            for r in support["rules"]:
                rule = {"label": r["label"], "href": local_link(r["rule"], id_ns)}
                if rule not in entry["rules"]:
                    entry["rules"].append(rule)

    incoming_ids = {i["s"] for i in page.incoming}
    quotes_by_fact: dict[str, list[dict[str, Any]]] = {}
    quoted_labels: dict[str, str] = {}
    own_quotes: dict[str, dict[str, Any]] = {}
    for q in page.quotes:
        if q["fact"] != page.iri and q["fact"] not in incoming_ids:
            continue  # a quote about something else
        number = q["source"].rsplit("-", 1)[-1]
        src = sources.get(number) or {
            "number": number,
            "title": q.get("sourceTitle", number),
            "href": local_link(q["source"], id_ns),
        }
        quote = {"text": q["quote"], "source": src}
        if q["fact"] == page.iri:
            own = own_quotes.setdefault(src["number"], {"source": src, "quotes": []})
            if q["quote"] not in own["quotes"]:
                own["quotes"].append(q["quote"])
        else:
            found = quotes_by_fact.setdefault(q["fact"], [])
            if quote not in found:
                found.append(quote)
            if q.get("factLabel"):
                quoted_labels.setdefault(q["fact"], q["factLabel"])

    facts: dict[str, dict[str, dict[str, Any]]] = {}
    linked: dict[str, dict[str, dict[str, Any]]] = {}
    for i in page.incoming:
        kind = local_name(i.get("sType", "")) if i.get("sType") else ""
        pname = local_name(i["p"])
        if kind in FACT_TITLES:
            entry = facts.setdefault(FACT_TITLES[kind], {}).setdefault(
                i["s"],
                {
                    "iri": i["s"],
                    "href": local_link(i["s"], id_ns),
                    "label": i.get("sLabel")
                    or page.fact_labels.get(i["s"])
                    or quoted_labels.get(i["s"])
                    or humanise(local_name(i["s"])),
                    "role": i.get("pLabel") or humanise(pname),
                    "quotes": quotes_by_fact.get(i["s"], []),
                    "sources": [],
                },
            )
        else:
            title = INCOMING_TITLES.get(pname) or f"Linked by “{i.get('pLabel') or humanise(pname)}”"
            entry = linked.setdefault(title, {}).setdefault(
                i["s"],
                {
                    "iri": i["s"],
                    "href": local_link(i["s"], id_ns),
                    "label": i.get("sLabel") or humanise(local_name(i["s"])),
                    "type": pages.class_labels.get(i.get("sType", ""), ""),
                    "sources": [],
                },
            )
        stated = source_of(i["g"])
        if stated not in entry["sources"]:
            entry["sources"].append(stated)

    def order(source: dict[str, str]) -> tuple[bool, str, str]:
        return (source.get("kind") != "source", source.get("number", ""), source.get("title", ""))

    every = [*details.values(), *(i for items in grouped.values() for i in items.values())]
    every += [i for items in [*facts.values(), *linked.values()] for i in items.values()]
    for item in every:
        item["sources"].sort(key=order)

    graphs = {s["g"] for s in page.statements} | {i["g"] for i in page.incoming}
    mentioned = [source_of(g) for g in sorted(graphs) if "/source/" in g]
    for number, own in own_quotes.items():
        if all(m.get("number") != number for m in mentioned):
            mentioned.append(own["source"])
    return {
        "identity": identity,
        "groups": [(title, list(items.values())) for title, items in grouped.items() if items],
        "details": list(details.values()),
        "facts": [(t, list(facts[t].values())) for t in FACT_TITLES.values() if t in facts],
        "linked": sorted(((t, list(v.values())) for t, v in linked.items()), key=lambda tv: -len(tv[1])),
        "own_quotes": own_quotes,
        "sources": sorted(mentioned, key=lambda m: m.get("number", "")),
        "types": [t for t in page.types if t.get("label")] or page.types,
    }


def humanise(name: str) -> str:
    """A term's name as a heading: ``subOrganizationOf`` -> ``Sub organization of``."""
    return words_of(name).capitalize() if name else name


# ---------------------------------------------------------------- installing


def _html_errors(app: FastAPI) -> None:
    """Browsers navigating to a page get HTML errors; API clients keep the JSON ones."""
    for exc_class in (KgError, StarletteHTTPException, RequestValidationError, Exception):
        original = app.exception_handlers.get(exc_class)
        if original is None:
            continue
        app.add_exception_handler(exc_class, _wrap(original))


def _wrap(original: Callable[[Request, Any], Any]) -> Callable[[Request, Any], Awaitable[Response]]:
    async def handler(request: Request, exc: Exception) -> Response:
        response = original(request, exc)
        if inspect.isawaitable(response):
            response = await response
        if request.headers.get("sec-fetch-dest") == "document" and request.method == "GET":
            message = getattr(exc, "detail", None) or str(exc) or "An unexpected error happened."
            if response.status_code >= 500:
                message = "An unexpected error happened; it has been logged."
            return error_page(request, response.status_code, str(message))
        return response

    return handler


def install(app: FastAPI) -> None:
    """Add the pages (before the JSON routes they share a path with) and the HTML error pages."""
    app.include_router(router)
    _html_errors(app)
    _load_state(app)
    environment.globals["entity_view"] = entity_view


__all__ = ["install", "router"]
