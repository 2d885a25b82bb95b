"""Descriptions for machines: entity descriptions, VoID, the SPARQL service description."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from kg.errors import NotFound
from kg.linked_data.facts import fact_labels
from kg.protocol.formats import Format, result_graph, serialise_graph

if TYPE_CHECKING:
    from kg.service import Service

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")

DUMP_FORMATS = ("turtle", "ntriples", "nquads", "trig", "jsonld")


def describe(service: Service, iri: URIRef) -> Graph:
    """The entity's statements (and its blank-node details); NotFound if it has none."""
    result = service.internal("describe", entity=iri)
    if not result.triples:
        raise NotFound(f"no entity {iri} in this dataset")
    return result_graph(result, service.prefixes)


@dataclass
class EntityPage:
    """What an entity's HTML page shows, computed from queries."""

    iri: str
    label: str
    types: list[dict[str, str]] = field(default_factory=list)
    statements: list[dict[str, str]] = field(default_factory=list)
    incoming: list[dict[str, str]] = field(default_factory=list)
    quotes: list[dict[str, str]] = field(default_factory=list)
    #: Per statement of the entity, keyed by (predicate, object, graph): its quotes, or the rules that derived it.
    support: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    #: Fact nodes (this one, and those linking here) in words.
    fact_labels: dict[str, str] = field(default_factory=dict)


def entity_page(service: Service, iri: URIRef) -> EntityPage:
    labels = service.internal("labels", entity=iri).records()
    statements = [{k: str(v) for k, v in r.items()} for r in service.internal("statements", entity=iri).records()]
    if not statements:
        raise NotFound(f"no entity {iri} in this dataset")
    incoming = [{k: str(v) for k, v in r.items()} for r in service.internal("incoming", entity=iri).records()]
    facts = fact_labels(service, [str(iri), *(i["s"] for i in incoming)])
    label = next((str(r["label"]) for r in labels if "label" in r), None) or facts.get(str(iri))
    types = {str(r["type"]): str(r.get("typeLabel", "")) for r in labels if "type" in r}
    return EntityPage(
        iri=str(iri),
        label=label or str(iri).rsplit("/", 1)[-1],
        types=[{"iri": t, "label": lbl} for t, lbl in sorted(types.items())],
        statements=statements,
        incoming=incoming,
        quotes=[{k: str(v) for k, v in r.items()} for r in service.internal("quotes", entity=iri).records()],
        support=statement_support(service, iri),
        fact_labels=facts,
    )


def statement_support(service: Service, iri: URIRef) -> dict[tuple[str, str, str], dict[str, Any]]:
    """For each of the entity's statements: its statement IRI, its quotes and sources, or its rules."""
    support: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in service.internal("entity-statement-evidence", entity=iri).records():
        key = (str(row["p"]), str(row["o"]), str(row["g"]))
        entry = support.setdefault(key, {"statement": str(row["statement"]), "quotes": [], "rules": []})
        if "quote" in row:
            quote = {"text": str(row["quote"]), "source": str(row["source"])}
            if quote not in entry["quotes"]:
                entry["quotes"].append(quote)
        if "rule" in row:
            rule = {"rule": str(row["rule"]), "label": str(row["ruleLabel"])}
            if rule not in entry["rules"]:
                entry["rules"].append(rule)
    return support


def service_description(service: Service, endpoint: str, fmt: Format) -> bytes:
    """The SPARQL 1.1 Service Description of /sparql."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    node = URIRef(endpoint)
    g.add((node, RDF.type, SD.Service))
    g.add((node, SD.endpoint, node))
    g.add((node, SD.supportedLanguage, SD.SPARQL11Query))
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ):
        g.add((node, SD.resultFormat, URIRef(f"http://www.w3.org/ns/formats/{name}")))
    g.add((node, SD.feature, SD.UnionDefaultGraph))
    g.add(
        (
            node,
            RDFS.comment,
            Literal(
                f"Read-only. Time limit {service.settings.query_timeout:g} s, "
                f"at most {service.settings.max_rows} rows. "
                "SERVICE, LOAD and FROM outside the dataset are refused. Predefined prefixes: "
                + ", ".join(sorted(service.prefixes)),
                lang="en",
            ),
        )
    )
    dataset = BNode()
    g.add((node, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDFS.comment, Literal("The union of all named graphs.", lang="en")))
    for iri, count in sorted(service.graph_counts.items()):
        named = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(iri)))
        g.add((named, VOID.triples, Literal(count, datatype=XSD.integer)))
    return serialise_graph(g, fmt)


def void_description(service: Service, base_url: str, fmt: Format) -> bytes:
    """VoID: counts, example resources, vocabularies, dumps and the endpoint."""
    g = Graph()
    g.bind("void", VOID)
    g.bind("dcterms", DCTERMS)
    ds = URIRef(service.settings.base_iri + "dataset")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal("kg: ILO development cooperation knowledge graph", lang="en")))
    g.add(
        (
            ds,
            DCTERMS.description,
            Literal(
                "Partners, units, ILO instruments, SDG targets, flagship programmes, projects, funding, "
                "contributions, ratifications and results, each fact with a verbatim quote from its source.",
                lang="en",
            ),
        )
    )
    g.add((ds, VOID.triples, Literal(service.triples, datatype=XSD.integer)))
    g.add((ds, VOID.uriSpace, Literal(service.settings.id_ns)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(base_url + "sparql")))
    for name in DUMP_FORMATS:
        g.add((ds, VOID.dataDump, URIRef(f"{base_url}dumps/dataset.{name}")))
    for vocab in (
        "http://www.w3.org/ns/org#",
        "https://schema.org/",
        "http://www.w3.org/2004/02/skos/core#",
        "http://www.w3.org/ns/prov#",
        "http://purl.org/dc/terms/",
        "http://www.w3.org/ns/oa#",
        "http://metadata.un.org/sdg/ontology#",
        service.settings.ontology_ns,
    ):
        g.add((ds, VOID.vocabulary, URIRef(vocab)))
    for slug in ("usdol", "bridge-project", "better-work", "C182"):
        g.add((ds, VOID.exampleResource, URIRef(service.settings.id_ns + slug)))
    for iri, count in sorted(service.graph_counts.items()):
        part = URIRef(iri)
        g.add((ds, VOID.subset, part))
        g.add((part, RDF.type, VOID.Dataset))
        g.add((part, VOID.triples, Literal(count, datatype=XSD.integer)))
    entities = service.entity_count
    g.add((ds, VOID.entities, Literal(entities, datatype=XSD.integer)))
    return serialise_graph(g, fmt)
