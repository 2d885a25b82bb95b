"""rdflib's in-memory Dataset: the reference store of the design card, slow at scale."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.sparql import prepareQuery

from kg.errors import BadRequest, KgError
from kg.results import QueryResult, StoreQuery


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
        """The dataset a request names (SPARQL 1.1 Protocol 2.1.4, as FROM / FROM NAMED would).

        Neither given: the store's own dataset. Either given: the default graph is the merge
        of ``default_graphs`` (empty if none) and the named graphs are ``named_graphs`` (none if none).
        """
        if default_graphs is None and named_graphs is None:
            return self._dataset
        view = Dataset(default_union=False)
        default = view.default_context
        for iri in default_graphs or []:
            for triple in self._dataset.graph(URIRef(iri)):
                default.add(triple)
        for iri in named_graphs or []:
            target = view.graph(URIRef(iri))
            for triple in self._dataset.graph(URIRef(iri)):
                target.add(triple)
        return view

    def query(self, query: StoreQuery) -> QueryResult:
        text, prefixes, bindings, max_rows = query.text, query.prefixes, query.bindings, query.max_rows
        default_graphs, named_graphs = query.default_graphs, query.named_graphs
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
            return QueryResult.table(list(answer.vars or []), (tuple(row) for row in answer), max_rows)  # type: ignore[arg-type]
        return QueryResult.graph(answer.graph if answer.graph is not None else Graph(), max_rows)  # type: ignore[arg-type]
