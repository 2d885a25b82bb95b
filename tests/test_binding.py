"""Parameter values stay values: bound in a VALUES block, never able to change the query."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import pytest
from rdflib import Literal, URIRef

from kg.binding import bind_values, term_syntax
from kg.errors import BadRequest, QueryTimeout
from kg.executor import QueryRequest, WorkerPool
from kg.store import StoreSpec

ATTEMPTS = [
    '"} } DELETE WHERE { ?s ?p ?o } #',
    "x' . ?s ?p ?o } #",
    '\\" } UNION { ?s ?p ?o } #',
    "labor\n} SELECT * WHERE { ?s ?p ?o",
]


def test_values_open_the_where_group() -> None:
    text = "# a comment naming WHERE {\nSELECT ?x WHERE {\n  ?x ?p ?o .\n}"
    bound = bind_values(text, {"x": URIRef("https://kg.example.org/id/usdol")})
    assert bound.startswith(
        "# a comment naming WHERE {\nSELECT ?x WHERE { VALUES (?x) { (<https://kg.example.org/id/usdol>) }"
    )


@pytest.mark.parametrize("iri", ["http://x/> } ; DROP ALL #", "http://x/a b", 'http://x/"', "http://x/{}"])
def test_an_iri_that_could_leave_its_brackets_is_refused(iri: str) -> None:
    with pytest.raises(BadRequest):
        term_syntax(URIRef(iri))


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_a_literal_is_escaped(attempt: str) -> None:
    written = term_syntax(Literal(attempt))
    assert Literal(attempt).n3() == written and written.startswith('"')


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_hostile_text_parameter_is_only_a_value(http: httpx.Client, attempt: str) -> None:
    r = http.get("/queries/search", params={"text": attempt})
    assert r.status_code == 200, r.text
    assert r.json()["rows"] == []  # searched for as text, matching nothing
    count = http.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}).json()
    assert int(count["results"]["bindings"][0]["n"]["value"]) > 5000


@pytest.mark.parametrize("attempt", ["<http://x/> } ; DROP ALL #", "usdol> } UNION { ?s ?p ?o"])
def test_hostile_entity_parameter_is_422(http: httpx.Client, attempt: str) -> None:
    r = http.get("/queries/evidence", params={"entity": attempt})
    assert r.status_code == 422
    assert "entity" in r.json()["message"]


# ---------------------------------------------------------------- errors a worker reports keep their status


class TimedOutEndpoint(BaseHTTPRequestHandler):
    """Answers like Virtuoso when its own time limit cut a query short: 200, partial rows, X-SQL-State S1TAT."""

    def do_POST(self) -> None:
        body = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": []}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("X-SQL-State", "S1TAT")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def timed_out_endpoint() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), TimedOutEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()


def test_an_endpoint_timeout_is_a_timeout_not_a_bad_request(timed_out_endpoint: str) -> None:
    pool = WorkerPool(StoreSpec(kind="sparql", endpoint=timed_out_endpoint), 1)
    try:
        with pytest.raises(QueryTimeout):
            pool.run(QueryRequest(text="SELECT ?n WHERE { ?s ?p ?n }", prefixes={}, max_rows=10), timeout=30)
    finally:
        pool.close()
