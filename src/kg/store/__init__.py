"""Stores: one small interface, several backends.

``oxigraph`` (pyoxigraph, the default: fast, in memory or on disk) and
``memory`` (rdflib, the reference implementation). A store answers a query
in-process and without a time limit; :mod:`kg.protocol.executor` runs stores in
killable worker processes to enforce limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kg.config import Credentials
from kg.errors import KgError
from kg.results import QueryResult, StoreQuery
from kg.store.convert import rdf_format, to_oxigraph, to_rdflib
from kg.store.memory import MemoryStore
from kg.store.oxigraph import OxigraphStore

__all__ = [
    "STORE_KINDS",
    "MemoryStore",
    "OxigraphStore",
    "Store",
    "StoreSpec",
    "open_store",
    "rdf_format",
    "to_oxigraph",
    "to_rdflib",
]

STORE_KINDS = ("oxigraph", "memory", "sparql")


class Store(Protocol):
    """What the service needs of a store."""

    def query(self, query: StoreQuery) -> QueryResult: ...

    def __len__(self) -> int: ...


@dataclass(frozen=True)
class StoreSpec:
    """How to open a store; picklable, so a worker process can open its own.

    ``nquads`` is a dataset file (N-Quads or TriG) to load; ``path`` an on-disk
    Oxigraph store (opened read-only); ``endpoint`` an external SPARQL endpoint,
    with ``credentials`` if it wants them (its repr leaves the password out).
    ``trusted``: the file is this project's own validated build (loaded without
    checking every IRI again).
    """

    kind: str
    nquads: Path | None = None
    path: Path | None = None
    endpoint: str | None = None
    graphs: tuple[str, ...] = ()
    merged: str | None = None
    credentials: Credentials | None = None
    trusted: bool = False


def open_store(spec: StoreSpec) -> Store:
    """Open the store a spec describes (in a worker process), loading its file if it has one."""
    if spec.kind == "oxigraph":
        if spec.path is not None:
            return OxigraphStore(spec.path, read_only=True)
        oxigraph = OxigraphStore()
        if spec.nquads is not None:
            oxigraph.load_file(spec.nquads, trusted=spec.trusted)
        return oxigraph
    if spec.kind == "memory":
        memory = MemoryStore()
        if spec.nquads is not None:
            memory.load_file(spec.nquads)
        return memory
    if spec.kind == "sparql":
        from kg.store.sparql import SparqlEndpointStore

        if not spec.endpoint:
            raise KgError("the sparql store needs an endpoint URL (--endpoint or KG_ENDPOINT)")
        return SparqlEndpointStore(spec.endpoint, graphs=spec.graphs, merged=spec.merged, credentials=spec.credentials)
    raise KgError(f"unknown store {spec.kind!r}: expected one of {', '.join(STORE_KINDS)}")
