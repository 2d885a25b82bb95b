"""The running service's state: the dataset, the store, the query workers, the catalog.

Created once at start. By default it builds the graph from the files and
refuses to start on data that fails validation; ``prebuilt`` serves a dataset
file as it is (for benchmarks and exports of this project). Every query goes
through :meth:`Service.query`, which runs in a worker process with the
configured time and row limits.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate
from functools import cached_property
from pathlib import Path

from rdflib import Dataset, URIRef
from rdflib.term import Identifier

from kg.build import graph as kg_graph
from kg.catalog import CannedQuery, Catalog, bind_parameters
from kg.config import Settings
from kg.errors import InvalidData, KgError, NotFound
from kg.protocol.cache import AnswerCache
from kg.protocol.executor import QueryRequest, WorkerPool
from kg.protocol.formats import Format, serialise_graph
from kg.results import QueryResult, StoreQuery
from kg.rq import internal_query
from kg.store import OxigraphStore, StoreSpec
from kg.terms import prefixes

MARKER = "kg-dataset-version"


@dataclass
class Dump:
    data: bytes | None
    etag: str
    path: Path | None = None


def file_digest(path: Path) -> str:
    """A version for a prebuilt dataset file: its path, size and modification time.

    Hashing the bytes would take seconds for a multi-gigabyte file at every start.
    """
    stat = path.stat()
    key = f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def prepare_oxigraph_on_disk(path: Path, dataset_file: Path, version: str, *, trusted: bool = False) -> bool:
    """Load the dataset into the on-disk store unless it already holds this version.

    Returns whether it loaded; ``trusted`` as in OxigraphStore.load_file. The store is closed afterwards, so that worker
    processes can open it read-only.
    """
    path.mkdir(parents=True, exist_ok=True)
    marker = path / MARKER
    if marker.exists() and marker.read_text().strip() == version:
        return False
    store = OxigraphStore(path)
    store.clear()
    store.load_file(dataset_file, trusted=trusted)
    del store
    marker.write_text(version + "\n")
    return True


def _has_merged_graph(settings: Settings, merged: str) -> bool:
    """Whether `kg load` wrote its merged default graph to the settings' endpoint."""
    from kg.store.sparql import SparqlEndpointStore

    if not settings.endpoint:
        raise KgError("the sparql store needs an endpoint URL (--endpoint or KG_ENDPOINT)")
    ask = StoreQuery(internal_query("graph-has-triples"), prefixes={}, max_rows=1, bindings={"g": URIRef(merged)})
    answer = SparqlEndpointStore(settings.endpoint, credentials=settings.endpoint_credentials).query(ask)
    return bool(answer.boolean)


class Service:
    """Everything a request handler needs, built once."""

    def __init__(self, settings: Settings, *, dataset: Dataset | None = None, prebuilt: Path | None = None) -> None:
        started = time.perf_counter()
        self.settings = settings
        self.prefixes = prefixes(settings)
        self.catalog = Catalog(settings.queries_dir)
        self._tmp = tempfile.TemporaryDirectory(prefix="kg-")
        self.prebuilt = prebuilt is not None
        self._dataset = dataset
        self._lock = threading.Lock()
        if prebuilt is not None:
            self.dataset_file = prebuilt
            self.version = file_digest(prebuilt)
        elif dataset is not None:
            nquads = kg_graph.to_nquads(dataset)
            self.version = hashlib.sha256(nquads).hexdigest()[:16]
            self.dataset_file = Path(self._tmp.name) / "dataset.nq"
            self.dataset_file.write_bytes(nquads)
        else:
            # Built from the files: validated once per version of them, then cached.
            self.version = kg_graph.source_version(settings)
            self.dataset_file = settings.cache_dir / f"dataset-{self.version}.nq"
            if not self.dataset_file.exists():
                self._dataset = self._validated(settings)
                settings.cache_dir.mkdir(parents=True, exist_ok=True)
                # A name of its own: two commands starting at once (kg query, kg serve) each write theirs.
                partial = self.dataset_file.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
                partial.write_bytes(kg_graph.to_nquads(self._dataset))
                partial.replace(self.dataset_file)
        self.last_modified = formatdate(time.time(), usegmt=True)
        self.pool = WorkerPool(self._store_spec(), settings.workers)
        #: Complete answers by request, for this version of the dataset (kg.protocol.cache).
        self.answers = AnswerCache(settings.cache_bytes)
        self.graph_counts = self._graph_counts()
        self.graph_iris = set(self.graph_counts)
        self.triples = sum(self.graph_counts.values())
        self.names = kg_graph.graph_names(settings)
        self._dumps: dict[str, Dump] = {}
        self.start_seconds = time.perf_counter() - started

    @property
    def dataset(self) -> Dataset | None:
        """The dataset as rdflib graphs (for dumps and kg.linked_data.connections), read on first use."""
        if self.prebuilt:
            return None
        with self._lock:
            if self._dataset is None:
                dataset = kg_graph.new_dataset(self.settings)
                dataset.parse(str(self.dataset_file), format="nquads")
                self._dataset = dataset
        return self._dataset

    @staticmethod
    def _validated(settings: Settings) -> Dataset:
        from kg.build.validate import validate

        report, dataset = validate(settings)
        if not report.ok or dataset is None:
            lines = "\n".join(report.lines()[:50])
            raise InvalidData(
                f"the data does not validate, so the service will not start:\n{lines}\n{report.summary()}"
            )
        return dataset

    def _store_spec(self) -> StoreSpec:
        s = self.settings
        if s.store == "oxigraph" and s.store_path is not None:
            prepare_oxigraph_on_disk(s.store_path, self.dataset_file, self.version, trusted=not self.prebuilt)
            return StoreSpec(kind="oxigraph", path=s.store_path)
        if s.store in ("oxigraph", "memory"):
            return StoreSpec(kind=s.store, nquads=self.dataset_file, trusted=not self.prebuilt)
        if s.store == "sparql":
            names = kg_graph.graph_names(s)
            credentials = s.endpoint_credentials
            if self.prebuilt or not _has_merged_graph(s, str(names.merged)):
                # A prebuilt file's graphs, or data loaded by other tools: let the endpoint's dataset stand.
                return StoreSpec(kind="sparql", endpoint=s.endpoint, credentials=credentials)
            return StoreSpec(
                kind="sparql",
                endpoint=s.endpoint,
                graphs=tuple(str(g) for g in names.all),
                merged=str(names.merged),
                credentials=credentials,
            )
        raise KgError(f"unknown store {s.store!r}: expected oxigraph, memory or sparql")

    def _graph_counts(self) -> dict[str, int]:
        """Triples per named graph; kept beside an on-disk store, which counting would rescan at every start."""
        saved = self.settings.store_path / f"kg-graph-counts-{self.version}.json" if self.settings.store_path else None
        if saved is not None and self.settings.store == "oxigraph" and saved.exists():
            return {str(k): int(v) for k, v in json.loads(saved.read_text()).items()}
        result = self.query(
            internal_query("graph-counts"), max_rows=100_000, timeout=max(60.0, self.settings.query_timeout)
        )
        counts = {}
        for graph, count in result.rows:
            if (
                graph is not None
                and str(graph).startswith(self.settings.graph_ns)
                and not str(graph).endswith("/merged")
            ):
                counts[str(graph)] = int(count)  # type: ignore[arg-type]
        if saved is not None and self.settings.store == "oxigraph":
            saved.write_text(json.dumps(counts))
        return counts

    @cached_property
    def entity_count(self) -> int:
        rows = self.query(internal_query("entity-count")).rows
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0  # type: ignore[arg-type]

    def query(
        self,
        text: str,
        *,
        bindings: dict[str, Identifier] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        max_rows: int | None = None,
        timeout: float | None = None,
        from_client: bool = False,
        refused_kinds: dict[str, str] | None = None,
    ) -> QueryResult:
        """Run a query in a worker with the limits; blocking (call it from a thread).

        ``from_client``: the text is a client's, checked in the worker before it
        runs (kg.protocol.query.check_query); ``refused_kinds`` the result kinds the
        client cannot take.
        """
        query = StoreQuery(
            text=text,
            prefixes=self.prefixes,
            max_rows=max_rows or self.settings.max_rows,
            bindings=bindings or {},
            default_graphs=default_graphs,
            named_graphs=named_graphs,
        )
        request = QueryRequest(
            query=query,
            vet_against=frozenset(self.graph_iris) if from_client else None,
            refused_kinds=refused_kinds or {},
            max_chars=self.settings.max_query_chars,
        )
        return self.pool.run(request, timeout or self.settings.query_timeout)

    def run_canned(self, query: CannedQuery, given: dict[str, str]) -> tuple[dict[str, Identifier], QueryResult]:
        """A canned query with a client's parameter values, typed and bound (InvalidParameter if wrong)."""
        bindings = bind_parameters(query, given, self.prefixes)
        return bindings, self.query(query.text, bindings=bindings)

    def internal(self, name: str, **bindings: Identifier) -> QueryResult:
        return self.query(internal_query(name), bindings=bindings)

    def dump(self, fmt: Format) -> Dump:
        """The whole dataset in one format, computed once and cached with its ETag."""
        if fmt.name not in self._dumps:
            etag = f'"{self.version}-{fmt.name}"'
            dataset = self.dataset
            if dataset is not None:
                data = self.dataset_file.read_bytes() if fmt.name == "nquads" else serialise_graph(dataset, fmt)
                self._dumps[fmt.name] = Dump(data, etag)
            elif self.dataset_file.suffix.lower().lstrip(".") in (fmt.extension, fmt.name):
                self._dumps[fmt.name] = Dump(None, etag, path=self.dataset_file)
            else:
                raise NotFound(
                    f"this service runs on a prebuilt dataset; only its own file is a dump: "
                    f"dataset.{'nquads' if self.dataset_file.suffix == '.nq' else 'trig'}"
                )
        return self._dumps[fmt.name]

    def close(self) -> None:
        self.pool.close()
        self._tmp.cleanup()

    def __enter__(self) -> Service:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
