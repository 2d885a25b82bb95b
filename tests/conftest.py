"""Shared fixtures: the built dataset and one real server on 127.0.0.1 per test session."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from rdflib import Dataset
from running_server import RunningServer, start_server

from kg.build import graph as kg_graph
from kg.config import Settings
from kg.store import OxigraphStore
from kg.store.load import load_into_endpoint


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(query_timeout=5.0, max_rows=10_000)


@pytest.fixture(scope="session")
def dataset(settings: Settings) -> Dataset:
    return kg_graph.build(settings)


@pytest.fixture(scope="session")
def store(dataset: Dataset) -> OxigraphStore:
    """An in-process Oxigraph store of the dataset, for SPARQL assertions without HTTP."""
    s = OxigraphStore()
    s.load_nquads(kg_graph.to_union_nquads(dataset))
    return s


#: Every store the service can run on; the protocol, linked-data and canned-query
#: tests run once per store.
STORES = ["oxigraph", "oxigraph-disk", "memory", "sparql"]


@pytest.fixture(scope="session", params=STORES)
def server(
    request: pytest.FixtureRequest, settings: Settings, dataset: Dataset, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """The service over real HTTP, on validated data, once per store."""
    kind = request.param
    virtuoso = None
    if kind == "oxigraph-disk":
        store_settings = settings.with_overrides(store="oxigraph", store_path=tmp_path_factory.mktemp("oxigraph"))
    elif kind == "sparql":
        # Virtuoso from Debian's packages, on loopback, with a throwaway database (scripts/virtuoso).
        from virtuoso_server import start as start_virtuoso

        # Its own limit, above the service's, so that the service's limit is the one tested.
        virtuoso = start_virtuoso(tmp_path_factory.mktemp("virtuoso"), max_seconds=10)
        store_settings = settings.with_overrides(
            store="sparql", endpoint=virtuoso.sparql_endpoint, graph_store=virtuoso.graph_store
        )
        nquads = tmp_path_factory.mktemp("load") / "dataset.nq"
        nquads.write_bytes(kg_graph.to_nquads(dataset))
        load_into_endpoint(store_settings, nquads)
    else:
        store_settings = settings.with_overrides(store=kind)
    running = start_server(store_settings, dataset)
    yield running
    running.stop()
    if virtuoso is not None:
        virtuoso.stop()


@pytest.fixture(scope="session")
def base_url(server: RunningServer) -> str:
    return server.url


@pytest.fixture()
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client
