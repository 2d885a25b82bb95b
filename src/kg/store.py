"""Stores: one small interface, several backends.

``oxigraph`` (pyoxigraph, the default: fast, in memory or on disk) and
``memory`` (rdflib, the reference implementation). A store answers a query
in-process and without a time limit; :mod:`kg.executor` runs stores in
killable worker processes to enforce limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Identifier, Variable

from kg.binding import bind_values
from kg.errors import BadRequest, KgError
from kg.results import QueryResult

STORE_KINDS = ("oxigraph", "memory", "sparql")

#: Merge every named graph into the default graph (see OxigraphStore).
MERGE_INTO_DEFAULT = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


class Store(Protocol):
    """What the service needs of a store."""

    def query(
        self,
        text: str,
        *,
        prefixes: dict[str, str],
        bindings: dict[str, Identifier] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        max_rows: int,
    ) -> QueryResult: ...

    def __len__(self) -> int: ...


@dataclass(frozen=True)
class StoreSpec:
    """How to open a store; picklable, so a worker process can open its own.

    ``nquads`` is a dataset file (N-Quads or TriG) to load; ``path`` an on-disk
    Oxigraph store (opened read-only); ``endpoint`` an external SPARQL endpoint.
    """

    kind: str
    nquads: Path | None = None
    path: Path | None = None
    endpoint: str | None = None
    graphs: tuple[str, ...] = ()
    merged: str | None = None


def rdf_format(path: Path) -> ox.RdfFormat:
    """The Oxigraph format of a dataset file, from its extension."""
    suffix = path.suffix.lower()
    if suffix in (".nq", ".nquads"):
        return ox.RdfFormat.N_QUADS
    if suffix == ".trig":
        return ox.RdfFormat.TRIG
    if suffix in (".nt", ".ntriples"):
        return ox.RdfFormat.N_TRIPLES
    if suffix == ".ttl":
        return ox.RdfFormat.TURTLE
    raise KgError(f"{path}: unknown dataset format; use .nq, .trig, .nt or .ttl")


# ---------------------------------------------------------------- term conversion


def to_rdflib(term: object) -> Identifier:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise KgError(f"unsupported term {term!r}")


def to_oxigraph(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise KgError(f"unsupported term {term!r}")


# ---------------------------------------------------------------- oxigraph


class OxigraphStore:
    """pyoxigraph: in memory, or persistent on disk at ``path``.

    Its default graph must hold the merge of the named graphs (see
    ``kg.graph.to_union_nquads``): queries read the default graph as it is.
    """

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        if path is None:
            self._store = ox.Store()
        elif read_only:
            self._store = ox.Store.read_only(str(path))
        else:
            self._store = ox.Store(str(path))

    def load_nquads(self, data: bytes) -> None:
        """Load N-Quads whose default graph already holds the merge (kg.graph.to_union_nquads)."""
        self._store.bulk_load(data, format=ox.RdfFormat.N_QUADS)

    def load_file(self, path: Path, *, merge_default: bool = True) -> None:
        """Bulk-load a dataset file, then merge its named graphs into the default graph."""
        self._store.bulk_load(path=str(path), format=rdf_format(path))
        if merge_default:
            self._store.update(MERGE_INTO_DEFAULT)
        self._store.flush()

    def flush(self) -> None:
        self._store.flush()

    def clear(self) -> None:
        self._store.clear()

    def __len__(self) -> int:
        return len(self._store)

    def query(
        self,
        text: str,
        *,
        prefixes: dict[str, str],
        bindings: dict[str, Identifier] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        max_rows: int,
    ) -> QueryResult:
        options: dict[str, Any] = {"prefixes": prefixes}
        if default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        if bindings:
            text = bind_values(text, bindings)
        try:
            answer = self._store.query(text, **options)
        except SyntaxError as exc:
            raise BadRequest(f"SPARQL syntax error: {exc}") from exc
        except ValueError as exc:  # Oxigraph's word for a query it cannot evaluate (an OSError is ours)
            raise BadRequest(f"query failed: {exc}") from exc
        return _collect_oxigraph(answer, max_rows)


def _collect_oxigraph(answer: object, max_rows: int) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [Variable(v.value) for v in answer.variables]
        result = QueryResult(kind="select", variables=variables, limit=max_rows)
        for solution in answer:
            if len(result.rows) >= max_rows:
                result.truncated = True
                break
            result.rows.append(tuple(None if solution[v] is None else to_rdflib(solution[v]) for v in answer.variables))
        return result
    result = QueryResult(kind="graph", limit=max_rows)
    for triple in answer:  # type: ignore[attr-defined]
        if len(result.triples) >= max_rows:
            result.truncated = True
            break
        result.triples.append((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return result


# ---------------------------------------------------------------- rdflib


class MemoryStore:
    """rdflib's in-memory dataset: slow, but the reference implementation."""

    def __init__(self) -> None:
        import rdflib.plugins.sparql as rdflib_sparql

        # Never dereference FROM / FROM NAMED IRIs (rdflib's default would fetch them).
        rdflib_sparql.SPARQL_LOAD_GRAPHS = False
        self._dataset = Dataset(default_union=True)

    def load_nquads(self, data: bytes) -> None:
        self._dataset.parse(data=data, format="nquads")

    def load_file(self, path: Path) -> None:
        fmt = {".nq": "nquads", ".nquads": "nquads", ".trig": "trig", ".nt": "nt", ".ttl": "turtle"}.get(
            path.suffix.lower()
        )
        if fmt is None:
            raise KgError(f"{path}: unknown dataset format; use .nq, .trig, .nt or .ttl")
        self._dataset.parse(str(path), format=fmt)

    def clear(self) -> None:
        self._dataset = Dataset(default_union=True)

    def __len__(self) -> int:
        return sum(1 for _ in self._dataset.quads((None, None, None, None)))

    def _view(self, default_graphs: list[str] | None, named_graphs: list[str] | None) -> Dataset:
        if not default_graphs and not named_graphs:
            return self._dataset
        view = Dataset(default_union=False)
        if default_graphs:
            default = view.default_context
            for iri in default_graphs:
                for triple in self._dataset.graph(URIRef(iri)):
                    default.add(triple)
        else:
            for s, p, o, _ in self._dataset.quads((None, None, None, None)):
                view.default_context.add((s, p, o))
        for iri in named_graphs or [
            str(g.identifier) for g in self._dataset.graphs() if isinstance(g.identifier, URIRef)
        ]:
            target = view.graph(URIRef(iri))
            for triple in self._dataset.graph(URIRef(iri)):
                target.add(triple)
        return view

    def query(
        self,
        text: str,
        *,
        prefixes: dict[str, str],
        bindings: dict[str, Identifier] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        max_rows: int,
    ) -> QueryResult:
        dataset = self._view(default_graphs, named_graphs)
        try:  # parsing and translating: what fails here is the query's (rdflib raises many types)
            prepared = prepareQuery(text, initNs=prefixes)
        except Exception as exc:
            raise BadRequest(f"query failed: {exc}") from exc
        # What fails while evaluating is a store fault: the worker reports it as ours (500, logged).
        answer = dataset.query(prepared, initBindings=bindings or {})
        if answer.type == "ASK":
            return QueryResult(kind="ask", boolean=bool(answer.askAnswer))
        if answer.type == "SELECT":
            variables = list(answer.vars or [])
            result = QueryResult(kind="select", variables=variables, limit=max_rows)
            for row in answer:
                if len(result.rows) >= max_rows:
                    result.truncated = True
                    break
                result.rows.append(tuple(row))  # type: ignore[arg-type]
            return result
        result = QueryResult(kind="graph", limit=max_rows)
        graph = answer.graph if answer.graph is not None else Graph()
        for triple in graph:
            if len(result.triples) >= max_rows:
                result.truncated = True
                break
            result.triples.append(triple)  # type: ignore[arg-type]
        return result


def open_store(spec: StoreSpec) -> Store:
    """Open the store a spec describes (in a worker process), loading its file if it has one."""
    if spec.kind == "oxigraph":
        if spec.path is not None:
            return OxigraphStore(spec.path, read_only=True)
        oxigraph = OxigraphStore()
        if spec.nquads is not None:
            oxigraph.load_file(spec.nquads)
        return oxigraph
    if spec.kind == "memory":
        memory = MemoryStore()
        if spec.nquads is not None:
            memory.load_file(spec.nquads)
        return memory
    if spec.kind == "sparql":
        from kg.remote import SparqlEndpointStore

        if not spec.endpoint:
            raise KgError("the sparql store needs an endpoint URL (--endpoint or KG_ENDPOINT)")
        return SparqlEndpointStore(spec.endpoint, graphs=spec.graphs, merged=spec.merged)
    raise KgError(f"unknown store {spec.kind!r}: expected one of {', '.join(STORE_KINDS)}")
