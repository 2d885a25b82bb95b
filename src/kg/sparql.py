"""The SPARQL 1.1 Protocol's rules: what a query may do, and which format answers it.

A query is parsed before it runs. Updates are refused (403); ``SERVICE``,
``LOAD`` and ``FROM``/``FROM NAMED`` naming a graph outside the dataset are
refused (400) before any store sees the query, so no outbound connection is
attempted and no local file is read.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.errors import BadRequest, Forbidden, NotAcceptable
from kg.formats import RDF_FORMATS, RESULT_FORMATS, Format, canonical_format_name

MAX_QUERY_CHARS = 100_000


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the checks, with its form and dataset clauses."""

    text: str
    form: str
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)

    @property
    def is_graph(self) -> bool:
        return self.form in ("ConstructQuery", "DescribeQuery")


def _walk(node: Any):  # type: ignore[no-untyped-def]
    yield node
    if isinstance(node, CompValue):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple) or hasattr(node, "asList"):
        for item in node:
            yield from _walk(item)


def _is_update(text: str) -> CompValue | None:
    try:
        return parseUpdate(text)
    except Exception:
        return None


def check_query(text: str, dataset_graphs: AbstractSet[str]) -> CheckedQuery:
    """Parse and vet a query; raise BadRequest/Forbidden with a reason a person can act on."""
    if not text or not text.strip():
        raise BadRequest("the query is empty: send SPARQL in the 'query' parameter or the request body")
    if len(text) > MAX_QUERY_CHARS:
        raise BadRequest(f"the query is longer than {MAX_QUERY_CHARS} characters")
    try:
        tree = parseQuery(text)
    except ParseException as exc:
        update = _is_update(text)
        if update is not None:
            if any(isinstance(n, CompValue) and n.name == "Load" for n in _walk(update)):
                raise BadRequest("LOAD is not allowed: this service never fetches remote data") from None
            raise Forbidden("this endpoint is read-only: SPARQL updates are not accepted") from None
        raise BadRequest(
            f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg} "
            f"(near {exc.line[max(0, exc.col - 20) : exc.col + 20]!r})"
        ) from None
    except Exception as exc:  # the parser raises a few other types on odd input
        raise BadRequest(f"SPARQL syntax error: {exc}") from None
    query = tree[1]
    from_graphs: list[str] = []
    from_named: list[str] = []
    # CompValue.get() returns the key itself when absent, so test membership first.
    clauses = query["datasetClause"] if "datasetClause" in query else []  # noqa: SIM401
    for clause in clauses:
        if "default" in clause:
            from_graphs.append(str(clause["default"]))
        if "named" in clause:
            from_named.append(str(clause["named"]))
    outside = [g for g in from_graphs + from_named if g not in dataset_graphs]
    if outside:
        raise BadRequest(
            f"FROM / FROM NAMED may only name graphs of this dataset; not {', '.join(outside)}. "
            "The dataset's graphs are listed in the service description (GET /sparql)."
        )
    for node in _walk(query):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            raise BadRequest("SERVICE is not allowed: this endpoint never queries other services")
    return CheckedQuery(text=text, form=query.name, from_graphs=from_graphs, from_named=from_named)


# ---------------------------------------------------------------- content negotiation


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q-values, best first (stable for equal q)."""
    if not header:
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float, int]] = []
    for index, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            if param.lower().startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranges.append((media, q, index))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(m, q) for m, q, _ in ranges]


def _matches(media_range: str, media_type: str) -> bool:
    if media_range in ("*/*", "*"):
        return True
    if media_range.endswith("/*"):
        return media_type.startswith(media_range[:-1])
    return media_range == media_type


def negotiate(accept: str | None, offered: list[Format]) -> Format:
    """The first offered format the Accept header takes, by q-value; 406 if none."""
    ranges = parse_accept(accept)
    for media_range, q in ranges:
        if q <= 0:
            continue
        for fmt in offered:
            if _matches(media_range, fmt.media_type) and not any(r == fmt.media_type and rq <= 0 for r, rq in ranges):
                return fmt
    names = ", ".join(f.media_type for f in offered)
    raise NotAcceptable(f"none of the accepted media types ({accept}) can be produced; available: {names}")


#: Extra media types clients send for the same formats.
_EXTRA_TYPES = {
    "application/json": ("json", "jsonld"),
    "application/xml": ("xml", "xml"),
    "text/xml": ("xml", "xml"),
    "text/plain": ("tsv", "ntriples"),
    "application/x-turtle": (None, "turtle"),
}


def offered_formats(is_graph: bool) -> list[Format]:
    table = RDF_FORMATS if is_graph else RESULT_FORMATS
    formats = [f for f in table.values() if not f.quads]
    extra: list[Format] = []
    for media_type, (table_name, graph_name) in _EXTRA_TYPES.items():
        name = graph_name if is_graph else table_name
        if name is not None:
            base = table[name]
            extra.append(Format(base.name, media_type, base.extension, base.rdflib_name))
    return formats + extra


def choose_format(is_graph: bool, accept: str | None, format_param: str | None) -> Format:
    """A ``format`` parameter wins over Accept; SPARQLWrapper's ``output``/``results`` also count."""
    table = RDF_FORMATS if is_graph else RESULT_FORMATS
    if format_param:
        name = canonical_format_name(format_param)
        if "/" in name:
            return negotiate(name, offered_formats(is_graph))
        if name in table and not table[name].quads:
            return table[name]
        if not is_graph and name in ("turtle", "ntriples", "jsonld"):
            # SPARQLWrapper sends one format name for every query form
            return RESULT_FORMATS["json"]
        if is_graph and name in ("csv", "tsv"):
            raise NotAcceptable(f"a graph result cannot be given as {name}")
        if is_graph and name == "json":
            return RDF_FORMATS["jsonld"]
        raise NotAcceptable(
            f"unknown format {format_param!r}; use one of {', '.join(n for n, f in table.items() if not f.quads)}"
        )
    return negotiate(accept, offered_formats(is_graph))
