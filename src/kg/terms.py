"""Namespaces and the standard prefix map, derived from the settings' base IRI."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from rdflib import Literal, Namespace
from rdflib.term import Identifier

from kg.config import Settings

SDG = Namespace("http://metadata.un.org/sdg/")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")

STANDARD_PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "oa": "http://www.w3.org/ns/oa#",
    "frapo": "http://purl.org/cerif/frapo/",
    "sdg": "http://metadata.un.org/sdg/",
    "sdgo": "http://metadata.un.org/sdg/ontology#",
    "wd": "http://www.wikidata.org/entity/",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
}


def prefixes(settings: Settings) -> dict[str, str]:
    """The prefixes every query may use without declaring them (like Wikidata's service)."""
    return {
        **STANDARD_PREFIXES,
        "kg": settings.ontology_ns,
        "id": settings.id_ns,
        "graph": settings.graph_ns,
        "source": settings.graph_ns + "source/",
        "statement": settings.base_iri + "statement/",
        "derivation": settings.base_iri + "derivation/",
        "rule": settings.base_iri + "rule/",
    }


def kg_ns(settings: Settings) -> Namespace:
    return Namespace(settings.ontology_ns)


def id_ns(settings: Settings) -> Namespace:
    return Namespace(settings.id_ns)


def local_name(iri: str) -> str:
    """The last segment of an IRI, after its last ``#`` or ``/``."""
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def short_name(iri: str, prefixes: dict[str, str], *, bare_ids: bool = True) -> str:
    """What a person types for an IRI: the short id for entities, else a prefixed name, else the IRI.

    ``bare_ids=False`` keeps entities prefixed (``id:usdol``), as SPARQL text needs them.
    """
    id_ns = prefixes.get("id", "")
    if bare_ids and id_ns and iri.startswith(id_ns) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", iri[len(id_ns) :]):
        return iri[len(id_ns) :]
    best = ""
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and len(ns) > len(best):
            local = iri[len(ns) :]
            if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]*", local) and not local.endswith("."):
                best = ns
                name = f"{prefix}:{local}"
    return name if best else iri


def humanise(name: str) -> str:
    """``subOrganizationOf`` -> ``sub organization of``: a readable fallback for terms without a label."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).replace("-", " ").replace("_", " ").lower()


def json_value(term: Identifier) -> Any:
    """A term as a plain JSON value: numbers (and booleans) as numbers, everything else as its text.

    A decimal stays exact when it is whole (an amount of 25000000 is the
    integer 25000000); other decimals become floats, as JSON has no decimals.
    """
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool | int | float):
            return value
        if isinstance(value, Decimal) and value.is_finite():
            return int(value) if value == int(value) else float(value)
    return str(term)
