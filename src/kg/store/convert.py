"""RDF terms between pyoxigraph and rdflib, and dataset file formats by extension."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from kg.errors import KgError


def rdf_format(path: Path) -> ox.RdfFormat:
    """The Oxigraph format of a dataset file, from its extension."""
    suffix = path.suffix.lower()
    if suffix in (".nq", ".nquads"):
        return ox.RdfFormat.N_QUADS
    if suffix == ".trig":
        return ox.RdfFormat.TRIG
    if suffix in (".nt", ".ntriples"):
        return ox.RdfFormat.N_TRIPLES
    if suffix == ".ttl":
        return ox.RdfFormat.TURTLE
    raise KgError(f"{path}: unknown dataset format; use .nq, .trig, .nt or .ttl")


def to_rdflib(term: object) -> Identifier:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise KgError(f"unsupported term {term!r}")


def to_oxigraph(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise KgError(f"unsupported term {term!r}")
