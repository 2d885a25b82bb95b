"""The ontology declares and documents every kg: term the data uses; shapes cover every class."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from kg.build import graph as kg_graph
from kg.build import rules
from kg.build.validate import load_shapes
from kg.config import PROJECT_ROOT, Settings

DECLARATION_TYPES = {OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property}
CLASS_TYPES = {OWL.Class, RDFS.Class}


@pytest.fixture(scope="module")
def ontology(settings: Settings) -> Graph:
    return kg_graph.parse_file(settings.ontology_dir / "kg.ttl", settings)


def kg_terms_used(dataset: Dataset, settings: Settings) -> tuple[set[URIRef], set[URIRef]]:
    """kg: predicates and kg: classes (rdf:type objects) in every graph but the ontology's own."""
    ns = settings.ontology_ns
    ontology_graph = kg_graph.graph_names(settings).ontology
    predicates: set[URIRef] = set()
    classes: set[URIRef] = set()
    for _, p, o, g in dataset.quads((None, None, None, None)):
        if g == ontology_graph:
            continue
        if isinstance(p, URIRef) and str(p).startswith(ns):
            predicates.add(p)
        if p == RDF.type and isinstance(o, URIRef) and str(o).startswith(ns):
            classes.add(o)
    return predicates, classes


def declared(ontology: Graph, term: URIRef, kinds: set[URIRef]) -> bool:
    return any((term, RDF.type, kind) in ontology for kind in kinds)


def test_every_kg_term_the_data_uses_is_declared(dataset: Dataset, settings: Settings, ontology: Graph) -> None:
    predicates, classes = kg_terms_used(dataset, settings)
    assert len(predicates) > 10 and len(classes) > 10, "the scan found too little to be meaningful"
    property_types = {OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property}
    undeclared_properties = sorted(str(p) for p in predicates if not declared(ontology, p, property_types))
    undeclared_classes = sorted(str(c) for c in classes if not declared(ontology, c, CLASS_TYPES))
    assert undeclared_properties == [], "properties used in the data but not declared in ontology/kg.ttl"
    assert undeclared_classes == [], "classes used in the data but not declared in ontology/kg.ttl"


def test_every_kg_object_term_the_data_uses_is_declared(dataset: Dataset, settings: Settings, ontology: Graph) -> None:
    """kg: IRIs in object position (other than rdf:type) are declared terms too, not typos."""
    ns = settings.ontology_ns
    used = {o for o in dataset.objects() if isinstance(o, URIRef) and str(o).startswith(ns)}
    assert sorted(str(o) for o in used if not declared(ontology, o, DECLARATION_TYPES)) == []


def test_every_kg_term_in_the_shapes_and_rules_is_declared(settings: Settings, ontology: Graph) -> None:
    ns = settings.ontology_ns
    shapes = load_shapes(settings)
    in_shapes = {t for triple in shapes for t in triple if isinstance(t, URIRef) and str(t).startswith(ns)}
    assert sorted(str(t) for t in in_shapes if not declared(ontology, t, DECLARATION_TYPES)) == []
    in_rules = set()
    for path in rules.rule_files(settings):
        in_rules |= set(re.findall(r"\bkg:([A-Za-z][A-Za-z0-9_]*)", path.read_text(encoding="utf-8")))
    assert in_rules, "the rules use kg: terms"
    assert sorted(t for t in in_rules if not declared(ontology, URIRef(ns + t), DECLARATION_TYPES)) == []


def test_every_kg_term_is_documented(settings: Settings, ontology: Graph) -> None:
    ns = settings.ontology_ns
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(ns)}
    assert len(terms) > 30
    defined_by = URIRef(settings.base_iri + "ontology")
    assert (defined_by, RDF.type, OWL.Ontology) in ontology
    problems = []
    for term in sorted(terms):
        if not declared(ontology, term, DECLARATION_TYPES):
            problems.append(f"{term}: no owl:Class/owl:ObjectProperty/owl:DatatypeProperty type")
        for predicate in (RDFS.label, SKOS.definition):
            values = list(ontology.objects(term, predicate))
            if not values:
                problems.append(f"{term}: no {predicate}")
            elif not all(isinstance(v, Literal) and v.language == "en" and str(v).strip() for v in values):
                problems.append(f"{term}: {predicate} is not a non-empty @en string")
        if (term, RDFS.isDefinedBy, defined_by) not in ontology:
            problems.append(f"{term}: no rdfs:isDefinedBy <ontology>")
    assert problems == []


def test_every_kg_class_the_data_uses_is_targeted_by_a_shape(
    dataset: Dataset, settings: Settings, ontology: Graph
) -> None:
    _, classes = kg_terms_used(dataset, settings)
    shapes = load_shapes(settings)
    targeted = set(shapes.objects(None, SH.targetClass))
    assert targeted
    untargeted = []
    for cls in sorted(classes):
        supers = set(ontology.transitive_objects(cls, RDFS.subClassOf))  # includes cls itself
        if not supers & targeted:
            untargeted.append(str(cls))
    assert untargeted == [], "kg classes in the data that no shape targets (directly or via a superclass)"


def test_every_ontology_class_is_targeted_by_a_shape(settings: Settings, ontology: Graph) -> None:
    """Not just those in use today: a new class without a shape would validate nothing."""
    shapes = load_shapes(settings)
    targeted = set(shapes.objects(None, SH.targetClass))
    ns = settings.ontology_ns
    classes = sorted(str(c) for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(ns))
    assert classes
    untargeted = [c for c in classes if not set(ontology.transitive_objects(URIRef(c), RDFS.subClassOf)) & targeted]
    assert untargeted == []


# ---------------------------------------------------------------- schema.org over https only

HTTP_SCHEMA = "http://schema.org/"
HTTPS_SCHEMA = "https://schema.org/"


def text_files() -> list[Path]:
    roots = ["ontology", "data", "queries", "src/kg", "docs"]
    suffixes = {".ttl", ".rq", ".py", ".md", ".html", ".json", ".jsonld", ".trig", ".nq"}
    files = []
    for root in roots:
        files += [p for p in (PROJECT_ROOT / root).rglob("*") if p.is_file() and p.suffix in suffixes]
    return sorted(files)


def test_no_http_schema_org_in_any_file() -> None:
    files = text_files()
    assert any(p.suffix == ".ttl" for p in files) and any(p.suffix == ".rq" for p in files)
    offenders = [str(p) for p in files if HTTP_SCHEMA in p.read_text(encoding="utf-8", errors="replace")]
    assert offenders == [], "http://schema.org/ used; the project uses https://schema.org/ only"


def test_no_http_schema_org_term_in_the_dataset(dataset: Dataset) -> None:
    terms = {t for quad in dataset.quads((None, None, None, None)) for t in quad[:3] if isinstance(t, URIRef)}
    assert any(str(t).startswith(HTTPS_SCHEMA) for t in terms)
    assert sorted(str(t) for t in terms if str(t).startswith(HTTP_SCHEMA)) == []
    bound = {str(ns) for _, ns in dataset.namespaces()}
    assert HTTP_SCHEMA not in bound
    assert HTTPS_SCHEMA in bound
