"""The external-endpoint store: what it sends the engine, seen by a loopback endpoint."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rdflib import URIRef

from kg.remote import SparqlEndpointStore

EMPTY_ANSWER = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": []}}).encode()


class RecordingEndpoint(BaseHTTPRequestHandler):
    """Keeps the text of every query it is sent and answers each with no rows."""

    queries: list[str]

    def do_POST(self) -> None:
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        self.queries.append(form["query"][0])
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(EMPTY_ANSWER)

    def log_message(self, *args: object) -> None:
        """Quiet: the test reads the queries, not the log."""


@pytest.fixture()
def endpoint() -> Iterator[tuple[SparqlEndpointStore, list[str]]]:
    queries: list[str] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (RecordingEndpoint,), {"queries": queries}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield SparqlEndpointStore(f"http://127.0.0.1:{server.server_address[1]}/sparql"), queries
    server.shutdown()
    server.server_close()


def test_a_select_asks_the_engine_for_one_row_more_than_the_cap(
    endpoint: tuple[SparqlEndpointStore, list[str]],
) -> None:
    store, sent = endpoint
    store.query("SELECT * WHERE { ?s ?p ?o } # all", prefixes={}, max_rows=10)
    assert sent[-1].endswith("# all\nLIMIT 11")


def test_a_bound_select_is_capped_too(endpoint: tuple[SparqlEndpointStore, list[str]]) -> None:
    store, sent = endpoint
    store.query("SELECT * WHERE { ?s ?p ?o }", prefixes={}, bindings={"s": URIRef("urn:x")}, max_rows=10)
    assert "VALUES (?s) { (<urn:x>) }" in sent[-1]
    assert sent[-1].endswith("\nLIMIT 11")


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
    endpoint: tuple[SparqlEndpointStore, list[str]], query: str
) -> None:
    store, sent = endpoint
    store.query(query, prefixes={}, max_rows=10)
    assert sent[-1] == query
