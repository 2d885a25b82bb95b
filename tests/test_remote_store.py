"""The external-endpoint store: what it sends the engine, seen by a loopback endpoint."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_endpoint import FakeEndpoint
from rdflib import URIRef

from kg.results import StoreQuery
from kg.store.sparql import SparqlEndpointStore


@pytest.fixture()
def endpoint() -> Iterator[tuple[SparqlEndpointStore, FakeEndpoint]]:
    with FakeEndpoint() as engine:
        yield SparqlEndpointStore(engine.url), engine


def test_a_select_asks_the_engine_for_one_row_more_than_the_cap(
    endpoint: tuple[SparqlEndpointStore, FakeEndpoint],
) -> None:
    store, engine = endpoint
    store.query(StoreQuery("SELECT * WHERE { ?s ?p ?o } # all", prefixes={}, max_rows=10))
    assert engine.queries[-1].endswith("# all\nLIMIT 11")


def test_a_bound_select_is_capped_too(endpoint: tuple[SparqlEndpointStore, FakeEndpoint]) -> None:
    store, engine = endpoint
    store.query(StoreQuery("SELECT * WHERE { ?s ?p ?o }", prefixes={}, max_rows=10, bindings={"s": URIRef("urn:x")}))
    assert "VALUES (?s) { (<urn:x>) }" in engine.queries[-1]
    assert engine.queries[-1].endswith("\nLIMIT 11")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
        "SELECT * WHERE { ?s ?p ?o } VALUES ?s { <urn:x> }",
        "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s",
        "ASK { ?s ?p ?o }",
    ],
    ids=["own-limit", "own-values", "ordered", "ask"],
)
def test_a_query_with_its_own_limit_values_or_order_is_sent_as_written(
    endpoint: tuple[SparqlEndpointStore, FakeEndpoint], query: str
) -> None:
    store, engine = endpoint
    store.query(StoreQuery(query, prefixes={}, max_rows=10))
    assert engine.queries[-1] == query
