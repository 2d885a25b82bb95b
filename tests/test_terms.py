"""Short names for IRIs, one way everywhere (kg.terms)."""

from __future__ import annotations

import pytest

from kg.config import Settings
from kg.terms import local_name, prefixes, short_name

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
