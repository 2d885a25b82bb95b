"""Parameter values stay values: bound in a VALUES block, never able to change the query."""

from __future__ import annotations

import httpx
import pytest
from rdflib import Literal, URIRef

from kg.errors import BadRequest
from kg.store.binding import bind_values, term_syntax

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
