"""Parameter values stay values: bound in a VALUES block, never able to change the query."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.query import ResultRow

from kg.errors import BadRequest
from kg.results import StoreQuery
from kg.store.binding import bind_values, term_syntax
from kg.store.oxigraph import OxigraphStore

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


#: Literals a parameter could carry: the attempts above, and the characters that end or escape a string.
HOSTILE = [
    *(Literal(a) for a in ATTEMPTS),
    Literal("ends in a backslash \\"),
    Literal('\\"'),
    Literal("'''"),
    Literal('"""'),
    Literal('""" } #'),
    Literal("carriage\rreturn"),
    Literal('line\nbreak, then a quote: "'),
    Literal("\u2028line separator\u2029"),
    Literal("x"),
    Literal("} UNION { ?s ?p ?o } #", lang="en"),
]
#: Literals that Oxigraph reads back exactly from term_syntax's text but rdflib's SPARQL parser does not.
PARSER_QUIRKS = [
    Literal("a\ttab"),  # written raw; rdflib's parser turns a tab into spaces
    Literal("\\u0022 not a quote"),  # written "\\u0022"; rdflib decodes \u escapes before parsing, as SPARQL 1.1 says
]
SAYS = URIRef("urn:kg-test:says")
SELECT = "SELECT ?s ?text WHERE { ?s <urn:kg-test:says> ?text . }"
#: The same, with ?text already in a VALUES table: bind_values binds it with a FILTER instead.
SELECT_WITH_VALUES = "SELECT ?s ?text WHERE { ?s <urn:kg-test:says> ?text . VALUES ?text { UNDEF } }"


def subject(i: int) -> URIRef:
    return URIRef(f"urn:kg-test:s{i}")


def near_misses(text: str) -> list[str]:
    """What a wrong escaping would have matched instead: the text cut, unescaped or escaped twice."""
    return [text[:-1], text.replace("\\", ""), text.replace("\\", "\\\\"), text.replace('"', '\\"'), text + " "]


@pytest.fixture(scope="module")
def said() -> Graph:
    """One triple whose object is exactly each hostile literal, beside triples of its near misses."""
    g = Graph()
    for i, literal in enumerate(HOSTILE + PARSER_QUIRKS):
        g.add((subject(i), SAYS, literal))
        for j, miss in enumerate(near_misses(str(literal))):
            if miss != str(literal):
                g.add((URIRef(f"urn:kg-test:miss-{i}-{j}"), SAYS, Literal(miss, lang=literal.language)))
    return g


@pytest.fixture(scope="module")
def said_in_oxigraph(said: Graph) -> OxigraphStore:
    store = OxigraphStore()
    store.load_nquads(said.serialize(format="nt", encoding="utf-8"))
    return store


def algebra_nodes(node: object, found: Counter[str]) -> Counter[str]:
    if isinstance(node, CompValue):
        found[node.name] += 1
        for value in node.values():
            algebra_nodes(value, found)
    elif isinstance(node, list | tuple):
        for value in node:
            algebra_nodes(value, found)
    return found


def values_rows(node: object) -> list[object]:
    if isinstance(node, CompValue):
        rows = list(node["res"]) if node.name == "values" else []
        return rows + [r for value in node.values() for r in values_rows(value)]
    if isinstance(node, list | tuple):
        return [r for value in node for r in values_rows(value)]
    return []


IDS = [repr(str(h))[:30] for h in HOSTILE]


@pytest.mark.parametrize("i", range(len(HOSTILE)), ids=IDS)
def test_a_hostile_literal_matches_exactly_itself(said: Graph, said_in_oxigraph: OxigraphStore, i: int) -> None:
    literal = HOSTILE[i]
    for text in (SELECT, SELECT_WITH_VALUES):
        # kg's own Oxigraph store, which binds through bind_values ...
        answer = said_in_oxigraph.query(StoreQuery(text, prefixes={}, max_rows=100, bindings={"text": literal}))
        assert answer.rows == [(subject(i), literal)], text
        # ... and rdflib, reading the very text bind_values wrote
        rows = [tuple(row) for row in said.query(bind_values(text, {"text": literal})) if isinstance(row, ResultRow)]
        assert rows == [(subject(i), literal)], text


@pytest.mark.parametrize("i", range(len(HOSTILE)), ids=IDS)
def test_a_hostile_literal_leaves_the_query_as_it_was(i: int) -> None:
    """Parsed back, the bound query is the query plus one VALUES row (or one FILTER) holding exactly the value."""
    literal = HOSTILE[i]
    for text, added in [
        (SELECT, {"Join": 1, "ToMultiSet": 1, "values": 1}),
        (SELECT_WITH_VALUES, {"Filter": 1, "RelationalExpression": 1}),
    ]:
        before = prepareQuery(text).algebra
        after = prepareQuery(bind_values(text, {"text": literal})).algebra
        assert after["PV"] == before["PV"] == [Variable("s"), Variable("text")]
        grown = algebra_nodes(after, Counter())
        grown.subtract(algebra_nodes(before, Counter()))
        assert +grown == Counter(added) and -grown == Counter(), f"nodes added or removed: {grown}"
        if text == SELECT:
            assert values_rows(after) == [{Variable("text"): literal}]


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


QUIRK_IDS = [repr(str(q)) for q in PARSER_QUIRKS]


@pytest.mark.parametrize("i", range(len(PARSER_QUIRKS)), ids=QUIRK_IDS)
def test_kgs_store_reads_back_escape_lookalikes(said_in_oxigraph: OxigraphStore, i: int) -> None:
    literal, where = PARSER_QUIRKS[i], subject(len(HOSTILE) + i)
    for text in (SELECT, SELECT_WITH_VALUES):
        answer = said_in_oxigraph.query(StoreQuery(text, prefixes={}, max_rows=100, bindings={"text": literal}))
        assert answer.rows == [(where, literal)], text


@pytest.mark.parametrize("i", range(len(PARSER_QUIRKS)), ids=QUIRK_IDS)
def test_every_sparql_parser_reads_back_the_bound_value(i: int) -> None:
    after = prepareQuery(bind_values(SELECT, {"text": PARSER_QUIRKS[i]})).algebra
    assert values_rows(after) == [{Variable("text"): PARSER_QUIRKS[i]}]


def test_a_literal_whose_datatype_could_leave_its_brackets_is_refused() -> None:
    with pytest.raises(BadRequest):
        term_syntax(Literal("x", datatype=URIRef("http://x/> } UNION { ?s ?p ?o } #")))
