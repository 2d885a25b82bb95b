"""Serialisers (kg.protocol.formats): what each format writes, read back by a real parser of that format.

The results are built by hand, so every term kind is there: IRIs, plain, language-tagged and typed
literals (with quotes, commas, tabs and line breaks in them), blank nodes and unbound cells. Each
output is parsed with the standard library's parser of its syntax (json, csv, xml.etree) and with
pyoxigraph or rdflib, chosen by the format's own media type, so a wrong media type fails too.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, XSD
from rdflib.term import Identifier, Node

from kg.errors import KgError, NotAcceptable
from kg.protocol.formats import (
    FORMAT_ALIASES,
    RDF_FORMATS,
    RESULT_FORMATS,
    Format,
    canonical_format_name,
    plain_csv,
    result_graph,
    serialise_graph,
    serialise_table,
)
from kg.results import QueryResult

ID = "https://kg.example.org/id/"
KG = "https://kg.example.org/ontology#"
SCHEMA = "https://schema.org/"
SRX = "{http://www.w3.org/2005/sparql-results#}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

HARD_TEXT = 'He said "over US$ 29 million", then\nleft;\ta tab, a comma, a \\ backslash and \u2019 quotes'
NAMES = ["iri", "text", "lang", "number", "node", "missing"]
B1, B2 = BNode("b1"), BNode("b2")
ROWS: list[tuple[Identifier | None, ...]] = [
    (
        URIRef(ID + "usdol"),
        Literal(HARD_TEXT),
        Literal("travail forcé", lang="fr"),
        Literal("29000000", datatype=XSD.integer),
        B1,
        None,
    ),
    (
        URIRef("http://metadata.un.org/sdg/8.7"),
        Literal("x"),
        Literal("Forced labour", lang="en-gb"),
        Literal("2019", datatype=XSD.gYear),
        B2,
        Literal("bound here"),
    ),
    (URIRef(ID + "bridge-project"), None, None, None, B1, None),  # the first row's blank node again
]


def table() -> QueryResult:
    return QueryResult("select", variables=[Variable(n) for n in NAMES], rows=list(ROWS))


def ask(answer: bool) -> QueryResult:
    return QueryResult("ask", boolean=answer)


# ---------------------------------------------------------------- comparing what came back


def as_ox(term: Identifier) -> object:
    """The pyoxigraph term for an rdflib one, written out here so that nothing of kg is trusted."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise AssertionError(f"no pyoxigraph term for {term!r}")


def assert_blank_nodes_kept(nodes: Sequence[object]) -> None:
    """The three rows' ?node: blank nodes, the first and last the same one, the second another."""
    first, second, third = nodes
    assert all(isinstance(n, ox.BlankNode) or (isinstance(n, str) and n) for n in nodes), nodes
    assert first == third and first != second


def check_parsed_by_oxigraph(data: bytes, media_type: str, rows: list[tuple[Identifier | None, ...]] = ROWS) -> None:
    solutions = ox.parse_query_results(data, ox.QueryResultsFormat.from_media_type(media_type))
    assert isinstance(solutions, ox.QuerySolutions)
    assert [v.value for v in solutions.variables] == NAMES
    got = list(solutions)
    assert len(got) == len(rows)
    for solution, row in zip(got, rows, strict=True):
        for name, expected in zip(NAMES, row, strict=True):
            if name == "node":
                continue
            assert solution[name] == (None if expected is None else as_ox(expected)), (name, solution[name])
    assert_blank_nodes_kept([s["node"] for s in got])


# ---------------------------------------------------------------- SPARQL JSON


def json_term(cell: dict[str, str]) -> tuple[str, str, str | None, str | None]:
    return cell["type"], cell["value"], cell.get("xml:lang"), cell.get("datatype")


def test_json_results_keep_every_term_kind() -> None:
    data = serialise_table(table(), RESULT_FORMATS["json"])
    document = json.loads(data)
    assert document["head"]["vars"] == NAMES
    bindings = document["results"]["bindings"]
    assert len(bindings) == 3
    first, second, third = bindings
    assert json_term(first["iri"]) == ("uri", ID + "usdol", None, None)
    assert json_term(first["text"])[:3] == ("literal", HARD_TEXT, None)
    assert first["text"].get("datatype") in (None, str(XSD.string))  # a simple literal, in 1.0 or 1.1 style
    assert json_term(first["lang"]) == ("literal", "travail forcé", "fr", None)
    assert json_term(first["number"]) == ("literal", "29000000", None, str(XSD.integer))
    assert json_term(second["number"]) == ("literal", "2019", None, str(XSD.gYear))
    assert json_term(second["lang"]) == ("literal", "Forced labour", "en-gb", None)
    assert "missing" not in first and json_term(second["missing"])[:2] == ("literal", "bound here")
    assert set(third) == {"iri", "node"}, "unbound variables are left out of a binding"
    assert [b["node"]["type"] for b in bindings] == ["bnode"] * 3
    assert_blank_nodes_kept([b["node"]["value"] for b in bindings])
    assert "truncated" not in document
    check_parsed_by_oxigraph(data, RESULT_FORMATS["json"].media_type)


def test_json_results_say_when_they_were_cut() -> None:
    result = table()
    result.truncated, result.limit = True, 3
    data = serialise_table(result, RESULT_FORMATS["json"])
    document = json.loads(data)
    assert document["truncated"] is True and document["limit"] == 3
    assert len(document["results"]["bindings"]) == 3
    assert document["results"]["bindings"][0]["lang"]["value"] == "travail forcé"
    check_parsed_by_oxigraph(data, RESULT_FORMATS["json"].media_type)  # the extra keys do not stop a client


@pytest.mark.parametrize("answer", [True, False])
def test_json_ask(answer: bool) -> None:
    data = serialise_table(ask(answer), RESULT_FORMATS["json"])
    assert json.loads(data)["boolean"] is answer
    parsed = ox.parse_query_results(data, ox.QueryResultsFormat.from_media_type(RESULT_FORMATS["json"].media_type))
    assert bool(parsed) is answer


# ---------------------------------------------------------------- SPARQL XML


def xml_term(binding: ET.Element) -> tuple[str, str, str | None, str | None]:
    (node,) = list(binding)
    return node.tag.removeprefix(SRX), node.text or "", node.get(XML_LANG), node.get("datatype")


def test_xml_results_keep_every_term_kind() -> None:
    data = serialise_table(table(), RESULT_FORMATS["xml"])
    root = ET.fromstring(data)
    assert root.tag == SRX + "sparql"
    assert [v.get("name") for v in root.iter(SRX + "variable")] == NAMES
    results = root.findall(f"{SRX}results/{SRX}result")
    assert len(results) == 3
    cells = [{b.get("name"): xml_term(b) for b in r.findall(SRX + "binding")} for r in results]
    first, second, third = cells
    assert first["iri"] == ("uri", ID + "usdol", None, None)
    assert first["text"][:3] == ("literal", HARD_TEXT, None)
    assert first["lang"] == ("literal", "travail forcé", "fr", None)
    assert first["number"] == ("literal", "29000000", None, str(XSD.integer))
    assert second["number"] == ("literal", "2019", None, str(XSD.gYear))
    assert second["missing"][:2] == ("literal", "bound here") and "missing" not in first
    assert set(third) == {"iri", "node"}
    assert [c["node"][0] for c in cells] == ["bnode"] * 3
    assert_blank_nodes_kept([c["node"][1] for c in cells])
    check_parsed_by_oxigraph(data, RESULT_FORMATS["xml"].media_type)


@pytest.mark.parametrize("answer", [True, False])
def test_xml_ask(answer: bool) -> None:
    data = serialise_table(ask(answer), RESULT_FORMATS["xml"])
    (boolean,) = ET.fromstring(data).iter(SRX + "boolean")
    assert boolean.text == ("true" if answer else "false")
    parsed = ox.parse_query_results(data, ox.QueryResultsFormat.from_media_type(RESULT_FORMATS["xml"].media_type))
    assert bool(parsed) is answer


# ---------------------------------------------------------------- CSV and TSV


def test_csv_results_are_plain_values() -> None:
    """SPARQL 1.1 CSV: a header of names, then IRIs and lexical forms, blank nodes as _:label, unbound empty."""
    data = serialise_table(table(), RESULT_FORMATS["csv"]).decode("utf-8")
    assert data.endswith("\r\n")  # the CSV spec's line ends
    header, *rows = list(csv.reader(io.StringIO(data, newline="")))
    assert header == NAMES
    assert len(rows) == 3
    first, second, third = rows
    assert first[:4] == [ID + "usdol", HARD_TEXT, "travail forcé", "29000000"]
    assert second[3] == "2019" and second[5] == "bound here" and first[5] == ""
    assert third == [ID + "bridge-project", "", "", "", third[4], ""]
    nodes = [r[4] for r in rows]
    assert all(n.startswith("_:") for n in nodes)
    assert_blank_nodes_kept(nodes)


def test_tsv_results_are_terms_in_turtle_syntax() -> None:
    """SPARQL 1.1 TSV: ?-prefixed names, each cell a term in Turtle syntax, read back here by a Turtle parser."""
    data = serialise_table(table(), RESULT_FORMATS["tsv"]).decode("utf-8")
    lines = data.split("\n")
    assert lines[-1] == "" and len(lines) == 1 + 3 + 1, "one line per row; line breaks in values are escaped"
    assert lines[0].split("\t") == [f"?{n}" for n in NAMES]
    for line, row in zip(lines[1:-1], ROWS, strict=True):
        cells = line.split("\t")
        assert len(cells) == len(NAMES), "tabs in values are escaped"
        for cell, expected in zip(cells, row, strict=True):
            if expected is None:
                assert cell == ""
            elif isinstance(expected, BNode):
                assert cell.startswith("_:")
            else:
                parsed = Graph().parse(data=f"<urn:s> <urn:p> {cell} .", format="turtle")
                assert parsed.value(URIRef("urn:s"), URIRef("urn:p")) == expected, cell


def test_tsv_results_are_read_by_a_sparql_client() -> None:
    one_line = table()
    one_line.rows[0] = (one_line.rows[0][0], Literal(HARD_TEXT.replace("\n", " ")), *one_line.rows[0][2:])
    data = serialise_table(one_line, RESULT_FORMATS["tsv"])
    check_parsed_by_oxigraph(data, RESULT_FORMATS["tsv"].media_type, one_line.rows)


def test_tsv_literal_with_a_line_break_is_read_by_a_sparql_client() -> None:
    check_parsed_by_oxigraph(serialise_table(table(), RESULT_FORMATS["tsv"]), RESULT_FORMATS["tsv"].media_type)


@pytest.mark.parametrize("name", ["csv", "tsv"])
@pytest.mark.parametrize("answer", [True, False])
def test_text_ask(name: str, answer: bool) -> None:
    data = serialise_table(ask(answer), RESULT_FORMATS[name]).decode("utf-8")
    rows = list(csv.reader(io.StringIO(data, newline=""), delimiter="," if name == "csv" else "\t"))
    assert rows == [["_askResult"], ["true" if answer else "false"]]


def test_plain_csv_is_text_without_term_syntax() -> None:
    data = plain_csv(table(), line_end="\n")
    assert "\r" not in data and data.endswith("\n")
    header, *rows = list(csv.reader(io.StringIO(data, newline="")))
    assert header == NAMES
    assert rows[0][:4] == [ID + "usdol", HARD_TEXT, "travail forcé", "29000000"]
    assert rows[2] == [ID + "bridge-project", "", "", "", rows[2][4], ""]
    assert rows[0][4] == rows[2][4] != rows[1][4]


def test_every_result_format_names_a_media_type_a_client_knows() -> None:
    for fmt in RESULT_FORMATS.values():
        assert ox.QueryResultsFormat.from_media_type(fmt.media_type) is not None, fmt


# ---------------------------------------------------------------- RDF graphs


def sample_graph() -> Graph:
    amount = BNode()
    g = Graph()
    g.add((URIRef(ID + "usdol"), RDFS.label, Literal("United States Department of Labor", lang="en")))
    g.add((URIRef(ID + "usdol"), URIRef(SCHEMA + "name"), Literal(HARD_TEXT)))
    g.add((URIRef(ID + "funding-1"), URIRef(SCHEMA + "amount"), amount))
    g.add((amount, URIRef(SCHEMA + "minValue"), Literal(29_000_000)))
    g.add((amount, URIRef(KG + "hedge"), URIRef(ID + "at-least")))
    g.add((URIRef(ID + "funding-1"), URIRef(SCHEMA + "startDate"), Literal("2009", datatype=XSD.gYear)))
    return g


TRIPLE_FORMATS = [f for f in RDF_FORMATS.values() if not f.quads]
QUAD_FORMATS = [f for f in RDF_FORMATS.values() if f.quads]


@pytest.mark.parametrize("fmt", TRIPLE_FORMATS, ids=lambda f: f.name)
def test_a_graph_round_trips(fmt: Format) -> None:
    original = sample_graph()
    result = QueryResult("graph", triples=list(original))
    data = serialise_graph(result_graph(result, {"kg": KG, "id": ID}), fmt)
    back = Graph().parse(data=data, format=fmt.media_type)
    assert isomorphic(back, original), data.decode("utf-8")
    oxigraph = list(ox.parse(data, ox.RdfFormat.from_media_type(fmt.media_type)))  # a second, stricter reader
    assert len(oxigraph) == len(original)


def test_turtle_uses_the_prefixes_it_is_given() -> None:
    result = QueryResult("graph", triples=list(sample_graph()))
    text = serialise_graph(result_graph(result, {"kg": KG, "id": ID}), RDF_FORMATS["turtle"]).decode("utf-8")
    assert f"@prefix kg: <{KG}>" in text and "kg:hedge" in text
    assert f"<{KG}hedge>" not in text


def sample_dataset() -> Dataset:
    ds = Dataset()
    shared = (URIRef(ID + "usdol"), RDFS.label, Literal("USDOL"))
    first = ds.graph(URIRef("https://kg.example.org/graph/source/000"))
    first.add(shared)
    first.add((URIRef(ID + "usdol"), URIRef(SCHEMA + "name"), Literal(HARD_TEXT)))
    second = ds.graph(URIRef("https://kg.example.org/graph/source/001"))
    second.add(shared)
    second.add((URIRef(ID + "ilab"), URIRef("http://www.w3.org/ns/org#unitOf"), URIRef(ID + "usdol")))
    return ds


def named_graphs(ds: Dataset) -> dict[str, set[tuple[Node, Node, Node]]]:
    out: dict[str, set[tuple[Node, Node, Node]]] = {}
    for s, p, o, g in ds.quads((None, None, None, None)):
        name = str(g.identifier if isinstance(g, Graph) else g)
        out.setdefault(name, set()).add((s, p, o))
    return out


@pytest.mark.parametrize("fmt", QUAD_FORMATS, ids=lambda f: f.name)
def test_a_dataset_round_trips_with_its_graph_names(fmt: Format) -> None:
    original = sample_dataset()
    data = serialise_graph(original, fmt)
    back = Dataset()
    back.parse(data=data, format=fmt.media_type)
    assert named_graphs(back) == named_graphs(original)
    quads = list(ox.parse(data, ox.RdfFormat.from_media_type(fmt.media_type)))
    assert {q.graph_name.value for q in quads} == set(named_graphs(original))  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", TRIPLE_FORMATS, ids=lambda f: f.name)
def test_a_dataset_in_a_triple_format_is_the_merge_of_its_graphs(fmt: Format) -> None:
    original = sample_dataset()
    back = Graph().parse(data=serialise_graph(original, fmt), format=fmt.media_type)
    merged = set().union(*named_graphs(original).values())
    assert set(back) == merged and len(back) == 3  # the triple both sources state is there once


@pytest.mark.parametrize("fmt", QUAD_FORMATS, ids=lambda f: f.name)
def test_a_quad_format_needs_a_dataset(fmt: Format) -> None:
    with pytest.raises(NotAcceptable) as raised:
        serialise_graph(sample_graph(), fmt)
    assert isinstance(raised.value, KgError) and raised.value.status == 406


# ---------------------------------------------------------------- format names


def test_every_alias_names_a_format() -> None:
    known = set(RDF_FORMATS) | set(RESULT_FORMATS)
    assert {alias: target for alias, target in FORMAT_ALIASES.items() if target not in known} == {}


@pytest.mark.parametrize("name", [*FORMAT_ALIASES, *RDF_FORMATS, *RESULT_FORMATS])
def test_format_names_are_read_whatever_their_case_and_spaces(name: str) -> None:
    assert canonical_format_name(f"  {name.upper()} ") == canonical_format_name(name)
    assert canonical_format_name(name) in set(RDF_FORMATS) | set(RESULT_FORMATS)


def test_every_rdf_format_names_a_media_type_both_parsers_know() -> None:
    for fmt in RDF_FORMATS.values():
        assert ox.RdfFormat.from_media_type(fmt.media_type) is not None, fmt
        Dataset().parse(data=serialise_graph(sample_dataset(), fmt), format=fmt.media_type)  # rdflib knows it too
