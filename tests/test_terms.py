"""Short names for IRIs, one way everywhere (kg.terms)."""

from __future__ import annotations

import pytest
from rdflib import XSD, Literal, URIRef
from rdflib.term import Identifier

from kg.config import Settings
from kg.terms import json_value, local_name, prefixes, short_name

PREFIXES = prefixes(Settings())


@pytest.mark.parametrize(
    ("iri", "short"),
    [
        ("https://kg.example.org/id/usdol", "usdol"),  # an entity: its short id
        ("https://schema.org/funder", "schema:funder"),  # a term: its prefixed name
        ("http://metadata.un.org/sdg/8.7", "sdg:8.7"),
        ("https://kg.example.org/id/a b", "https://kg.example.org/id/a b"),  # not typeable short: the IRI
        ("urn:x:unknown", "urn:x:unknown"),
    ],
)
def test_short_name_is_what_a_person_types(iri: str, short: str) -> None:
    assert short_name(iri, PREFIXES) == short


def test_local_name_is_the_last_segment() -> None:
    assert local_name("http://www.w3.org/ns/oa#hasSource") == "hasSource"
    assert local_name("https://kg.example.org/ontology/hedge/over/") == "over"


def test_sparql_text_keeps_entities_prefixed() -> None:
    names = prefixes(Settings())
    assert short_name(names["id"] + "usdol", names, bare_ids=False) == "id:usdol"
    assert short_name(names["id"] + "usdol", names) == "usdol"
    assert short_name("http://metadata.un.org/sdg/8.7", names, bare_ids=False) == "sdg:8.7"


@pytest.mark.parametrize(
    ("term", "value"),
    [
        (Literal(25_000_000), 25_000_000),
        (Literal("25000000", datatype=XSD.decimal), 25_000_000),
        (Literal("2.5", datatype=XSD.decimal), 2.5),
        (Literal(True), True),
        (Literal("2019-01-01", datatype=XSD.date), "2019-01-01"),
        (Literal("labour", lang="en"), "labour"),
        (URIRef("https://kg.example.org/id/usdol"), "https://kg.example.org/id/usdol"),
    ],
)
def test_json_values_keep_numbers_numbers(term: Identifier, value: object) -> None:
    got = json_value(term)
    assert got == value and type(got) is type(value)
