"""Canned queries (kg.catalog): ``#+`` headers read from .rq files, typed parameters, their errors.

Query files are written into a temporary folder, so every header a curator could get wrong is
tried; the project's own queries/ are read too, and each of their examples and defaults must bind.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.catalog import PARAM_TYPES, CannedQuery, Catalog, bind_parameters, load_query, resolve_iri
from kg.config import Settings
from kg.errors import DataError, InvalidParameter, KgError, NotFound
from kg.terms import prefixes

SETTINGS = Settings()
PREFIXES = prefixes(SETTINGS)
ID = SETTINGS.id_ns
SDG = "http://metadata.un.org/sdg/"

FULL = """\
#+ title: Projects of a funder
#+ description: >-
#+   The initiatives a funder funds,
#+   over two lines.
#+ params:
#+   funder:
#+     type: iri
#+     class: org:Organization
#+     required: true
#+     example: usdos
#+     description: The funding organisation
#+   since:
#+     type: year
#+     default: 2015
#+   top:
#+     type: integer
#+     example: 10
#+   kind:
#+     type: enum
#+     values: [assessed, voluntary, 2022]
#+   text: {description: free text}

SELECT ?funder ?since ?top ?kind ?text WHERE { ?funder ?p ?o }
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def full(tmp_path: Path) -> CannedQuery:
    return load_query(write(tmp_path, "projects", FULL))


# ---------------------------------------------------------------- reading headers


def test_a_header_becomes_a_canned_query(full: CannedQuery) -> None:
    assert (full.name, full.title) == ("projects", "Projects of a funder")
    assert full.description == "The initiatives a funder funds, over two lines."
    assert full.text == FULL and full.path.name == "projects.rq"
    assert [p.name for p in full.params] == ["funder", "since", "top", "kind", "text"], "in the header's order"
    funder = full.param("funder")
    assert (funder.type, funder.required, funder.example, funder.cls) == ("iri", True, "usdos", "org:Organization")
    assert full.param("since").default == "2015", "YAML numbers are kept as the text they were"
    assert full.param("top").example == "10"
    assert full.param("kind").values == ("assessed", "voluntary", "2022")
    text = full.param("text")
    assert (text.type, text.required, text.default, text.example) == ("string", False, None, None)
    assert {p.type for p in full.params} <= set(PARAM_TYPES)


def test_an_unknown_parameter_name_is_a_key_error(full: CannedQuery) -> None:
    with pytest.raises(KeyError):
        full.param("nope")


def test_describe_is_the_json_of_the_listing(full: CannedQuery) -> None:
    described = json.loads(json.dumps(full.describe()))  # it is served as JSON
    assert (described["name"], described["title"]) == ("projects", "Projects of a funder")
    assert described["description"] == full.description
    params = {p["name"]: p for p in described["parameters"]}
    assert list(params) == ["funder", "since", "top", "kind", "text"]
    assert params["funder"] == {
        "name": "funder",
        "type": "iri",
        "required": True,
        "description": "The funding organisation",
        "example": "usdos",
        "class": "org:Organization",
    }
    assert params["since"] == {"name": "since", "type": "year", "required": False, "default": "2015"}
    assert params["kind"]["values"] == ["assessed", "voluntary", "2022"]
    assert params["text"] == {"name": "text", "type": "string", "required": False, "description": "free text"}


BAD_HEADERS = {
    "no title": "#+ description: no title\nSELECT * WHERE { ?s ?p ?o }\n",
    "not YAML": "#+ title: [unclosed\nSELECT * WHERE { ?s ?p ?o }\n",
    "not a mapping": "#+ - a list\nSELECT * WHERE { ?s ?p ?o }\n",
    "upper-case name": "#+ title: t\n#+ params:\n#+   Funder: {type: iri}\nSELECT ?Funder WHERE { ?Funder ?p ?o }\n",
    "spec not a mapping": "#+ title: t\n#+ params:\n#+   funder: iri\nSELECT ?funder WHERE { ?funder ?p ?o }\n",
    "unknown type": "#+ title: t\n#+ params:\n#+   n: {type: float}\nSELECT ?n WHERE { ?s ?p ?n }\n",
    "enum without values": "#+ title: t\n#+ params:\n#+   k: {type: enum}\nSELECT ?k WHERE { ?s ?p ?k }\n",
    "no such variable": "#+ title: t\n#+ params:\n#+   funder: {type: iri}\nSELECT ?f WHERE { ?f ?p ?o }\n",
}


@pytest.mark.parametrize("text", BAD_HEADERS.values(), ids=BAD_HEADERS)
def test_a_bad_header_is_a_data_error_naming_the_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "broken-query", text)
    with pytest.raises(DataError) as raised:
        load_query(path)
    assert "broken-query.rq" in str(raised.value)
    assert raised.value.status == 500  # the project's files are wrong, not the request
    with pytest.raises(DataError):
        Catalog(tmp_path)  # one bad file stops the catalog: the service does not start on it


UNUSED_BUT_ACCEPTED = {
    "a longer variable": "#+ title: t\n#+ params:\n#+   type: {type: string}\n"
    "SELECT ?typeConcept WHERE { ?s a ?typeConcept }\n",
    "only in a comment": "#+ title: t\n#+ params:\n#+   funder: {type: iri}\n"
    "# ?funder is not used\nSELECT ?s WHERE { ?s ?p ?o }\n",
}


@pytest.mark.parametrize("text", UNUSED_BUT_ACCEPTED.values(), ids=UNUSED_BUT_ACCEPTED)
def test_a_parameter_the_query_does_not_use_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(DataError):
        load_query(write(tmp_path, "unused", text))


def test_the_catalog_reads_every_query_file_in_name_order() -> None:
    catalog = Catalog(SETTINGS.queries_dir)
    names = [q.name for q in catalog]
    assert names == sorted(p.stem for p in SETTINGS.queries_dir.glob("*.rq"))
    for query in catalog:
        assert query.title.strip() and query.description.strip(), f"{query.name}: every query says what it does"
        for p in query.params:
            assert p.description.strip(), f"{query.name}: parameter {p.name} says what it takes"
        assert catalog.get(query.name) is query


def test_an_unknown_query_is_not_found_naming_the_known_ones(tmp_path: Path) -> None:
    write(tmp_path, "alpha", "#+ title: A\nSELECT * WHERE { ?s ?p ?o }\n")
    write(tmp_path, "beta", "#+ title: B\nSELECT * WHERE { ?s ?p ?o }\n")
    catalog = Catalog(tmp_path)
    with pytest.raises(NotFound) as raised:
        catalog.get("gamma")
    assert raised.value.status == 404
    assert "gamma" in str(raised.value) and "alpha, beta" in str(raised.value)


def test_files_other_than_rq_are_not_queries(tmp_path: Path) -> None:
    write(tmp_path, "alpha", "#+ title: A\nSELECT * WHERE { ?s ?p ?o }\n")
    (tmp_path / "notes.md").write_text("#+ title: not a query\n", encoding="utf-8")
    assert [q.name for q in Catalog(tmp_path)] == ["alpha"]


# ---------------------------------------------------------------- the project's queries bind their own values


REAL = list(Catalog(SETTINGS.queries_dir))


@pytest.mark.parametrize("query", REAL, ids=[q.name for q in REAL])
def test_every_example_and_default_of_the_project_binds(query: CannedQuery) -> None:
    required = {p.name: p.example or p.default or "" for p in query.params if p.required}
    for p in query.params:
        for value in (p.example, p.default):
            if value is not None:
                bound = bind_parameters(query, required | {p.name: value}, PREFIXES)
                assert p.name in bound, (query.name, p.name, value)
        if p.type == "enum":
            assert p.example in (None, *p.values) and p.default in (None, *p.values), (query.name, p.name)
        assert p.required or p.default is not None or p.example is not None or p.type == "enum", (
            f"{query.name}: {p.name} has neither an example nor a default"
        )


# ---------------------------------------------------------------- binding: kinds and errors


def bind(full: CannedQuery, **given: str) -> dict[str, object]:
    return dict(bind_parameters(full, {"funder": "usdos", **given}, PREFIXES))


def test_each_kind_becomes_its_rdf_term(full: CannedQuery) -> None:
    bound = bind(full, since="2019", top="-3", kind="voluntary", text='say "hi" }')
    assert bound["funder"] == URIRef(ID + "usdos")
    assert bound["since"] == Literal("2019", datatype=XSD.gYear)
    assert bound["top"] == Literal(-3, datatype=XSD.integer)
    assert bound["kind"] == Literal("voluntary") and bound["text"] == Literal('say "hi" }')


def test_defaults_fill_what_is_left_out_or_empty(full: CannedQuery) -> None:
    assert bind(full)["since"] == Literal("2015", datatype=XSD.gYear)
    assert bind(full, since="")["since"] == Literal("2015", datatype=XSD.gYear)
    assert set(bind(full)) == {"funder", "since"}, "optional parameters without a default are not bound"


def test_a_year_and_an_integer_may_come_with_spaces(full: CannedQuery) -> None:
    bound = bind(full, since=" 2019 ", top=" 12 ")
    assert bound["since"] == Literal("2019", datatype=XSD.gYear)
    assert bound["top"] == Literal(12, datatype=XSD.integer)


WRONG = [
    ({"since": "19"}, "since", "four-digit year"),
    ({"since": "2019-01"}, "since", "four-digit year"),
    ({"top": "4.5"}, "top", "not an integer"),
    ({"top": "ten"}, "top", "not an integer"),
    ({"kind": "donated"}, "kind", "assessed, voluntary, 2022"),
    ({"text": "x" * 501}, "text", "longer than 500"),
    ({"funder": "not an id!"}, "funder", "for example usdos"),
    ({"funder": ""}, "funder", "required"),
    ({"colour": "red"}, "colour", "this query takes: funder, since, top, kind, text"),
]


@pytest.mark.parametrize(("given", "named", "says"), WRONG, ids=[f"{n}: {s}" for _, n, s in WRONG])
def test_a_wrong_value_is_invalid_parameter_naming_it(
    full: CannedQuery, given: dict[str, str], named: str, says: str
) -> None:
    with pytest.raises(InvalidParameter) as raised:
        bind(full, **given)
    assert isinstance(raised.value, KgError) and raised.value.status == 422
    assert named in str(raised.value) and says in str(raised.value)


def test_a_missing_required_parameter_names_it_with_its_example(full: CannedQuery) -> None:
    with pytest.raises(InvalidParameter) as raised:
        bind_parameters(full, {}, PREFIXES)
    assert str(raised.value) == "parameter 'funder' is required (iri, for example usdos)"


def test_the_longest_string_allowed(full: CannedQuery) -> None:
    assert bind(full, text="x" * 500)["text"] == Literal("x" * 500)


# ---------------------------------------------------------------- resolving IRIs


@pytest.mark.parametrize(
    ("value", "iri"),
    [
        ("usdol", ID + "usdol"),
        ("NPL", ID + "NPL"),
        ("bridge-project", ID + "bridge-project"),
        ("v1.2_x", ID + "v1.2_x"),
        ("  usdol  ", ID + "usdol"),
        ("sdg:8.7", SDG + "8.7"),
        ("kg:Project", SETTINGS.ontology_ns + "Project"),
        ("source:000", SETTINGS.graph_ns + "source/000"),
        ("id:usdol", ID + "usdol"),
        ("https://schema.org/funder", "https://schema.org/funder"),
        ("<https://schema.org/funder>", "https://schema.org/funder"),
        ("http://metadata.un.org/sdg/8.7", SDG + "8.7"),
    ],
)
def test_ids_prefixed_names_and_full_iris_resolve(value: str, iri: str) -> None:
    resolved = resolve_iri(value, PREFIXES)
    assert resolved == URIRef(iri) and isinstance(resolved, URIRef)


@pytest.mark.parametrize(
    "junk", ["not an id!", "", "   ", "nosuchprefix:x", "kg:a b", "sdg:8.7}", "-leading-dash", "a/b", '"x"', "<usdol"]
)
def test_anything_else_is_invalid_parameter_naming_it(junk: str) -> None:
    with pytest.raises(InvalidParameter) as raised:
        resolve_iri(junk, PREFIXES, "entity", ", for example usdol")
    message = str(raised.value)
    assert message.startswith("parameter 'entity': ") and message.endswith(", for example usdol")
    assert repr(junk) in message


def test_without_a_parameter_name_the_message_is_about_the_value() -> None:
    with pytest.raises(InvalidParameter) as raised:
        resolve_iri("not an id!", PREFIXES)
    assert str(raised.value) == "'not an id!' is not an IRI, prefixed name or short id"


@pytest.mark.parametrize("iri", ["http://x/a b", "http://x/>} #", 'http://x/"'])
def test_a_full_iri_that_is_not_one_is_invalid_parameter(iri: str) -> None:
    with pytest.raises(InvalidParameter):
        resolve_iri(iri, PREFIXES, "entity")
