"""An external SPARQL 1.1 endpoint as a store (Virtuoso, Fuseki, GraphDB, QLever ...).

Queries go through SPARQLWrapper. Parameters are bound with a trailing
``VALUES`` block built from validated RDF terms (SPARQL has no other way to
send bindings over the protocol); the service's predefined prefixes are sent
as ``PREFIX`` lines, from configuration, never from user input.
"""

from __future__ import annotations

import json
import re
from urllib.error import HTTPError, URLError

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Variable
from SPARQLWrapper import JSON, N3, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from kg.config import Credentials
from kg.errors import BadRequest, UpstreamError, UpstreamTimeout
from kg.results import QueryResult, QueryShape, StoreQuery
from kg.rq import internal_query
from kg.store.binding import bind_values

_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)


def _term(binding: dict[str, str]) -> Identifier:
    kind = binding["type"]
    if kind == "uri":
        return URIRef(binding["value"])
    if kind == "bnode":
        return BNode(binding["value"])
    if kind == "typed-literal":  # SPARQL 1.0 JSON, as Virtuoso still sends
        return Literal(binding["value"], datatype=URIRef(binding["datatype"]))
    if "xml:lang" in binding:
        return Literal(binding["value"], lang=binding["xml:lang"])
    if "datatype" in binding:
        return Literal(binding["value"], datatype=URIRef(binding["datatype"]))
    return Literal(binding["value"])


class SparqlEndpointStore:
    """A store that forwards queries to a SPARQL endpoint.

    Engines differ in what a query's default graph is when the request names
    none (Virtuoso: every graph, system graphs included, duplicates kept). So,
    unless the query or the request names its dataset, each request names it:
    the default graph is ``merged`` (the deduplicated merge `kg load` writes)
    and the named graphs are the project's ``graphs``. With ``credentials``,
    every request carries them (HTTP Basic, as ``kg load`` sends them).
    """

    def __init__(
        self,
        endpoint: str,
        *,
        graphs: tuple[str, ...] = (),
        merged: str | None = None,
        credentials: Credentials | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.graphs = graphs
        self.merged = merged
        self.credentials = credentials

    def __len__(self) -> int:
        result = self.query(StoreQuery(internal_query("count-quads"), prefixes={}, max_rows=1))
        return int(result.rows[0][0]) if result.rows else 0  # type: ignore[arg-type]

    def query(self, query: StoreQuery) -> QueryResult:
        text, prefixes, bindings, max_rows = query.text, query.prefixes, query.bindings, query.max_rows
        default_graphs, named_graphs = query.default_graphs, query.named_graphs
        declared = {m.group(1) for m in re.finditer(r"PREFIX\s+([A-Za-z0-9_-]*):", text, re.I)}
        header = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items() if p not in declared)
        shape = query.shape or _shape(text)
        capped = f"{text}\nLIMIT {max_rows + 1}" if shape is not None and _may_cap(shape) else text
        full = header + (bind_values(capped, bindings) if bindings else capped)
        sparql = SPARQLWrapper(self.endpoint)
        sparql.setMethod("POST")
        sparql.setQuery(full)
        if self.credentials is not None:
            sparql.setCredentials(self.credentials.user, self.credentials.password)  # HTTP Basic, the default
        has_dataset = shape is not None and shape.has_dataset
        if not default_graphs and not named_graphs and not has_dataset and self.merged:
            default_graphs, named_graphs = [self.merged], list(self.graphs)
        for graph in default_graphs or []:
            sparql.addDefaultGraph(graph)
        for graph in named_graphs or []:
            sparql.addNamedGraph(graph)
        # No engine-side timeout parameter: Virtuoso answers a timed-out query with
        # partial results and a 200. The worker pool's limit stops the request instead.
        kind = shape.form.removesuffix("Query").upper() if shape is not None else _form_keyword(text)
        sparql.setReturnFormat(N3 if kind in ("CONSTRUCT", "DESCRIBE") else JSON)
        try:
            response = sparql.query()
            raw = response.response.read()
        except QueryBadFormed as exc:  # the engine's 400: the query is the client's
            raise BadRequest(f"the SPARQL endpoint refused the query: {exc}") from None
        except SPARQLWrapperException as exc:  # the engine's 401, 404, 414, 500: not the client's doing
            raise UpstreamError(f"the SPARQL endpoint {self.endpoint} failed on the query: {exc}") from None
        except TimeoutError:
            raise UpstreamTimeout(f"the SPARQL endpoint {self.endpoint} did not answer in time") from None
        except (HTTPError, URLError, OSError) as exc:
            raise UpstreamError(f"the SPARQL endpoint {self.endpoint} could not be reached: {exc}") from None
        if response.response.headers.get("X-SQL-State") == "S1TAT":
            raise UpstreamTimeout(f"the SPARQL endpoint {self.endpoint} stopped the query at its own time limit")
        if kind in ("CONSTRUCT", "DESCRIBE"):
            answer = Graph()
            content_type = response.response.headers.get("content-type", "text/turtle")
            answer.parse(data=raw, format="nt" if "n-triples" in content_type else "turtle")
            return QueryResult.graph(answer, max_rows)  # type: ignore[arg-type]

        document = json.loads(raw)
        if "boolean" in document:
            return QueryResult(kind="ask", boolean=bool(document["boolean"]))
        names = document["head"]["vars"]
        rows = (tuple(_term(row[v]) if v in row else None for v in names) for row in document["results"]["bindings"])
        result = QueryResult.table([Variable(v) for v in names], rows, max_rows)
        if response.response.headers.get("X-SPARQL-MaxRows"):
            result.truncated = True  # the engine capped the result on its side
        return result


def _shape(text: str) -> QueryShape | None:
    """The shape of a query no check has parsed (the service's own): parsed here, once.

    None if rdflib cannot parse it: it is sent as it is, and the engine says what it makes of it.
    """
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return QueryShape.of(parseQuery(text)[1])
    except Exception:
        return None


def _form_keyword(text: str) -> str:
    """A query's form by its first keyword, comments left out: SELECT, ASK, CONSTRUCT or DESCRIBE."""
    form = _FORM.search(re.sub(r"#[^\n]*", "", text))
    return form.group(1).upper() if form else "SELECT"


def _may_cap(shape: QueryShape) -> bool:
    """Whether the forwarded query gets ``LIMIT max_rows + 1``.

    A SELECT without LIMIT, ORDER BY or trailing VALUES gets it appended, so
    the engine stops at one row more than the service returns (one more, so
    the answer can still say it was truncated). Virtuoso otherwise computes
    and sends every row: 58,073 of them, 15 MB, 3.8 s, for a ``SELECT *`` of
    which 10,000 are kept. Other forms are not capped: a CONSTRUCT's LIMIT
    counts solutions, not triples. Nor is an ordered SELECT: Virtuoso refuses
    ORDER BY with a LIMIT above its MaxSortedTopRows (10,000 by default,
    SR353), and sorts every row anyway.
    """
    return shape.form == "SelectQuery" and not (shape.has_limit or shape.has_order_by or shape.has_values)
