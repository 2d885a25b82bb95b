"""`kg load`: write the dataset into the configured store.

The real data is validated before anything is written. Loading is
idempotent: an on-disk Oxigraph store is replaced as a whole (and skipped
when it already holds this version); an external endpoint gets each graph
uploaded to a staging graph first and moved into place only when every
upload succeeded, so a failed load leaves the store as it was.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kg.build import graph as kg_graph
from kg.config import Settings
from kg.errors import KgError
from kg.service import Service, file_digest, prepare_oxigraph_on_disk
from kg.store import MemoryStore, OxigraphStore


@dataclass
class LoadReport:
    store: str
    triples: int
    seconds: float
    loaded: bool
    kept: bool = True

    def __str__(self) -> str:
        if not self.loaded:
            return f"{self.store}: already holds this dataset ({self.triples} quads); nothing loaded"
        rate = self.triples / self.seconds if self.seconds else 0
        done = f"{self.store}: loaded {self.triples} quads in {self.seconds:.2f} s ({rate:,.0f} quads/s)"
        if not self.kept:
            done += (
                "; a trial load only: an in-memory store ends with this process, so nothing was kept"
                " (kg serve loads its own at start; --store oxigraph --store-path DIR keeps one on disk)"
            )
        return done


def dataset_file(settings: Settings, prebuilt: Path | None, workdir: Path) -> tuple[Path, str]:
    """The file to load and its version: a prebuilt file, or the validated real data."""
    if prebuilt is not None:
        return prebuilt, file_digest(prebuilt)
    dataset = Service._validated(settings)
    data = kg_graph.to_nquads(dataset)
    path = workdir / "dataset.nq"
    path.write_bytes(data)
    return path, kg_graph.source_version(settings)


def count_quads(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip() and not line.startswith(b"#"))


def load(settings: Settings, prebuilt: Path | None = None) -> LoadReport:
    with tempfile.TemporaryDirectory(prefix="kg-load-") as tmp:
        path, version = dataset_file(settings, prebuilt, Path(tmp))
        started = time.perf_counter()
        if settings.store == "oxigraph" and settings.store_path is not None:
            loaded = prepare_oxigraph_on_disk(settings.store_path, path, version, trusted=prebuilt is None)
            seconds = time.perf_counter() - started
            return LoadReport(f"oxigraph at {settings.store_path}", count_quads(path), seconds, loaded)
        if settings.store == "oxigraph":
            OxigraphStore().load_file(path, trusted=prebuilt is None)
            seconds = time.perf_counter() - started
            return LoadReport("oxigraph in memory", count_quads(path), seconds, loaded=True, kept=False)
        if settings.store == "memory":
            MemoryStore().load_file(path)
            seconds = time.perf_counter() - started
            return LoadReport("rdflib in memory", count_quads(path), seconds, loaded=True, kept=False)
        if settings.store == "sparql":
            from kg.store.load import load_into_endpoint

            triples = load_into_endpoint(settings, path)
            return LoadReport(f"SPARQL endpoint {settings.endpoint}", triples, time.perf_counter() - started, True)
        raise KgError(f"unknown store {settings.store!r}")
