"""The external-endpoint store: what it sends the engine, seen by a loopback endpoint.

What it sends: the query shaped (a LIMIT one past the cap where one may be
added), from a single parse of the query; the endpoint's credentials, when set.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
import rdflib.plugins.sparql.parser as rdflib_parser
from fake_endpoint import FakeEndpoint, Reply
from rdflib import Dataset, URIRef

import kg.protocol.query
from kg.config import Credentials, Settings, from_environment
from kg.errors import KgError, UpstreamError
from kg.protocol.executor import QueryRequest, answer
from kg.protocol.query import check_query
from kg.results import QueryShape, StoreQuery
from kg.service import Service
from kg.store import StoreSpec
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


# ---------------------------------------------------------------- a client's query is parsed once


SHAPED = {
    "plain": ("SELECT * WHERE { ?s ?p ?o } # all", "SELECT * WHERE { ?s ?p ?o } # all\nLIMIT 11"),
    "offset": ("SELECT * WHERE { ?s ?p ?o } OFFSET 7", "SELECT * WHERE { ?s ?p ?o } OFFSET 7\nLIMIT 11"),
    "own-limit": ("SELECT * WHERE { ?s ?p ?o } LIMIT 5", "SELECT * WHERE { ?s ?p ?o } LIMIT 5"),
    "own-values": (
        "SELECT * WHERE { ?s ?p ?o } VALUES ?s { <urn:x> }",
        "SELECT * WHERE { ?s ?p ?o } VALUES ?s { <urn:x> }",
    ),
    "ordered": ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s", "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s"),
    "ask": ("ASK { ?s ?p ?o }", "ASK { ?s ?p ?o }"),
    "construct": ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"),
}


def counting_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call of rdflib's query parser, wherever kg calls it from: the texts parsed."""
    parsed: list[str] = []
    real = rdflib_parser.parseQuery

    def parse(text: str):  # type: ignore[no-untyped-def]
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(rdflib_parser, "parseQuery", parse)
    monkeypatch.setattr(kg.protocol.query, "parseQuery", parse)
    return parsed


@pytest.mark.parametrize("checked", [True, False], ids=["a client's, checked", "the service's own"])
@pytest.mark.parametrize("case", SHAPED)
def test_a_query_is_parsed_once_and_shaped_as_before(
    endpoint: tuple[SparqlEndpointStore, FakeEndpoint], monkeypatch: pytest.MonkeyPatch, case: str, checked: bool
) -> None:
    """A client's query: the check parses it and the store shapes it from that parse. The service's
    own queries are not checked: the store parses them itself, to the same shape."""
    store, engine = endpoint
    text, shaped = SHAPED[case]
    parsed = counting_parses(monkeypatch)
    query = StoreQuery(text, prefixes={}, max_rows=10)
    if checked:
        answer(store, QueryRequest(query, vet_against=frozenset()))
    else:
        store.query(query)
    assert parsed == [text]
    assert engine.queries[-1] == shaped


def test_the_check_hands_the_store_the_shape_it_read() -> None:
    checked = check_query("SELECT * FROM <urn:g> WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3", {"urn:g"})
    assert checked.shape == QueryShape("SelectQuery", has_dataset=True, has_limit=True, has_order_by=True)
    assert check_query("DESCRIBE <urn:x>", set()).is_graph


def test_a_query_the_parser_refuses_is_sent_as_it_is(endpoint: tuple[SparqlEndpointStore, FakeEndpoint]) -> None:
    """The engine may know syntax rdflib does not; it says what is wrong (here: the fake says nothing)."""
    store, engine = endpoint
    store.query(StoreQuery("SELECT * WHERE { ?s ?p ?o", prefixes={}, max_rows=10))
    assert engine.queries[-1] == "SELECT * WHERE { ?s ?p ?o"


# ---------------------------------------------------------------- credentials

USER, PASSWORD = "kg-reader", "s3cret-Pa55"
BASIC = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


def test_a_query_carries_the_credentials_when_they_are_set() -> None:
    with FakeEndpoint() as engine:
        SparqlEndpointStore(engine.url, credentials=Credentials(USER, PASSWORD)).query(
            StoreQuery("ASK { ?s ?p ?o }", prefixes={}, max_rows=1)
        )
    assert engine.headers[-1]["authorization"] == BASIC


def test_a_query_carries_no_credentials_when_none_are_set() -> None:
    with FakeEndpoint() as engine:
        SparqlEndpointStore(engine.url).query(StoreQuery("ASK { ?s ?p ?o }", prefixes={}, max_rows=1))
    assert "authorization" not in engine.headers[-1]


def test_credentials_go_from_the_settings_to_every_request_of_the_service(settings: Settings, dataset: Dataset) -> None:
    """From the environment to Settings, to the start-up ASK, to StoreSpec, to the worker's queries."""
    environment = {"KG_ENDPOINT_USER": USER, "KG_ENDPOINT_PASSWORD": PASSWORD}
    assert from_environment(environment).endpoint_credentials == Credentials(USER, PASSWORD)
    with FakeEndpoint() as engine:
        remote = settings.with_overrides(
            store="sparql", endpoint=engine.url, workers=1, endpoint_user=USER, endpoint_password=PASSWORD
        )
        with Service(remote, dataset=dataset) as service:
            service.query("SELECT * WHERE { ?s ?p ?o }", from_client=True)
    assert len(engine.requests) >= 3  # the start-up ASK and count, and the client's query
    assert [h.get("authorization") for h in engine.headers] == [BASIC] * len(engine.requests)


def test_the_password_is_never_shown(settings: Settings) -> None:
    remote = settings.with_overrides(
        endpoint="http://127.0.0.1:9/sparql", endpoint_user=USER, endpoint_password=PASSWORD
    )
    spec = StoreSpec(kind="sparql", endpoint=remote.endpoint, credentials=remote.endpoint_credentials)
    for shown in (repr(remote), repr(spec), repr(remote.endpoint_credentials)):
        assert PASSWORD not in shown and USER in shown
    refusing = FakeEndpoint(lambda _form: Reply(401, b"Unauthorized"))
    with refusing, pytest.raises(UpstreamError) as caught:
        SparqlEndpointStore(refusing.url, credentials=remote.endpoint_credentials).query(
            StoreQuery("ASK { ?s ?p ?o }", prefixes={}, max_rows=1)
        )
    message = str(caught.value)
    assert "nauthorized" in message and PASSWORD not in message


def test_a_user_without_a_password_is_refused(settings: Settings) -> None:
    with pytest.raises(KgError, match="both KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD"):
        _ = settings.with_overrides(endpoint_user=USER).endpoint_credentials
