"""The running service's state: the validated dataset, the query workers, the catalog.

Created once at start. It refuses to start on data that fails validation;
afterwards every query goes through :meth:`Service.query`, which runs in a
worker process with the configured time and row limits.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from dataclasses import dataclass
from email.utils import formatdate
from functools import cache
from pathlib import Path

from rdflib import Dataset, URIRef
from rdflib.term import Identifier

from kg import graph as kg_graph
from kg.catalog import Catalog
from kg.config import Settings
from kg.connections import ConnectionIndex
from kg.errors import KgError
from kg.executor import QueryRequest, WorkerPool
from kg.formats import Format, serialise_graph
from kg.namespaces import prefixes
from kg.results import QueryResult
from kg.store import StoreSpec
from kg.validate import validate

RQ_DIR = Path(__file__).parent / "rq"


@cache
def internal_query(name: str) -> str:
    """The text of one of the service's own queries (``src/kg/rq/*.rq``)."""
    return (RQ_DIR / f"{name}.rq").read_text(encoding="utf-8")


class InvalidData(KgError):
    """The data failed validation; the service will not start on it."""


@dataclass
class Dump:
    data: bytes
    etag: str


class Service:
    """Everything a request handler needs, built once."""

    def __init__(self, settings: Settings, *, dataset: Dataset | None = None) -> None:
        started = time.perf_counter()
        self.settings = settings
        if dataset is None:
            report, dataset = validate(settings)
            if not report.ok or dataset is None:
                lines = "\n".join(report.lines()[:50])
                raise InvalidData(
                    f"the data does not validate, so the service will not start:\n{lines}\n{report.summary()}"
                )
        self.dataset = dataset
        self.names = kg_graph.graph_names(settings)
        self.graph_iris = {str(g) for g in self.names.all}
        self.prefixes = prefixes(settings)
        self.catalog = Catalog(settings.queries_dir)
        self.nquads = kg_graph.to_nquads(dataset)
        self.version = hashlib.sha256(self.nquads).hexdigest()[:16]
        self.last_modified = formatdate(time.time(), usegmt=True)
        self.triples = sum(1 for _ in dataset.quads((None, None, None, None)))
        self._tmp = tempfile.TemporaryDirectory(prefix="kg-")
        nquads_path = Path(self._tmp.name) / "dataset.nq"
        nquads_path.write_bytes(kg_graph.to_union_nquads(dataset) if settings.store == "oxigraph" else self.nquads)
        spec = StoreSpec(kind=settings.store, nquads=nquads_path)
        self.pool = WorkerPool(spec, settings.workers)
        self._dumps: dict[str, Dump] = {}
        self.connections = ConnectionIndex(dataset, settings)
        self.start_seconds = time.perf_counter() - started

    def query(
        self,
        text: str,
        *,
        bindings: dict[str, Identifier] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        max_rows: int | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        """Run a query in a worker with the limits; blocking (call it from a thread)."""
        request = QueryRequest(
            text=text,
            prefixes=self.prefixes,
            max_rows=max_rows or self.settings.max_rows,
            bindings=bindings or {},
            default_graphs=default_graphs,
            named_graphs=named_graphs,
        )
        return self.pool.run(request, timeout or self.settings.query_timeout)

    def internal(self, name: str, **bindings: Identifier) -> QueryResult:
        return self.query(internal_query(name), bindings=bindings)

    def dump(self, fmt: Format) -> Dump:
        """The whole dataset in one format, computed once and cached with its ETag."""
        if fmt.name not in self._dumps:
            data = self.nquads if fmt.name == "nquads" else serialise_graph(self.dataset, fmt)
            self._dumps[fmt.name] = Dump(data, f'"{self.version}-{fmt.name}"')
        return self._dumps[fmt.name]

    def entity_iri(self, slug: str) -> URIRef:
        return URIRef(self.settings.id_ns + slug)

    def close(self) -> None:
        self.pool.close()
        self._tmp.cleanup()
