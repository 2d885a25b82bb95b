"""kg.build.evidence: the curation shorthand expanded into statement nodes, file by file."""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF

from kg.build.evidence import FileKind, expand_file, statement_iri
from kg.config import Settings

PREFIXES = """\
@prefix kg: <ontology#> .
@prefix id: <id/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix schema: <https://schema.org/> .
"""


def parse(text: str, settings: Settings) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle", publicID=settings.base_iri)


def supports(added: list, settings: Settings, subject: str, predicate: str) -> set:
    """What the statement nodes of ``subject predicate *`` are derived from."""
    s, p = URIRef(settings.id_ns + subject), URIRef(predicate)
    nodes = {t[0] for t in added if t[1] == RDF.subject and t[2] == s}
    nodes = {n for n in nodes if (n, RDF.predicate, p) in added}
    return {t[2] for t in added if t[0] in nodes and t[1] == PROV.wasDerivedFrom}


def test_one_quote_supports_every_statement_of_its_subject(settings: Settings) -> None:
    g = parse(
        """id:p a kg:Project ; skos:prefLabel "P"@en ; kg:country id:NPL ;
             prov:wasDerivedFrom [ a kg:Evidence ; oa:hasSource id:source-000 ;
                 oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "P works in Nepal" ] ] .""",
        settings,
    )
    added, problems = expand_file(g, Path("x.ttl"), FileKind.SOURCE, settings)
    assert problems == []
    assert sum(1 for t in added if t[1] == RDF.type and t[2] == RDF.Statement) == 3  # type, label, country
    [quote] = set(g.objects(None, PROV.wasDerivedFrom))
    for predicate in (str(RDF.type), "http://www.w3.org/2004/02/skos/core#prefLabel", settings.ontology_ns + "country"):
        assert supports(added, settings, "p", predicate) == {quote}


def test_kg_supports_assigns_each_quote_and_is_dropped(settings: Settings) -> None:
    g = parse(
        """id:p a kg:Project ; kg:country id:NPL, id:PER ;
             prov:wasDerivedFrom
               [ a kg:Evidence ; kg:supports rdf:type, [ kg:country id:NPL ] ; oa:hasSource id:source-000 ;
                 oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "the Nepal quote" ] ],
               [ a kg:Evidence ; kg:supports [ kg:country id:PER ] ; oa:hasSource id:source-000 ;
                 oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "the Peru quote" ] ] .""".replace(
            "rdf:type", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
        ),
        settings,
    )
    added, problems = expand_file(g, Path("x.ttl"), FileKind.SOURCE, settings)
    assert problems == []
    exact = URIRef("http://www.w3.org/ns/oa#exact")

    def quote_of(evidence: object) -> str:
        return str(next(g.objects(next(g.objects(evidence, URIRef("http://www.w3.org/ns/oa#hasSelector"))), exact)))

    by_country = {}
    for t in added:
        if t[1] == RDF.object and str(t[2]).endswith(("/NPL", "/PER")):
            by_country[str(t[2])[-3:]] = {quote_of(e) for s, p, e in added if s == t[0] and p == PROV.wasDerivedFrom}
    assert by_country == {"NPL": {"the Nepal quote"}, "PER": {"the Peru quote"}}
    supports_p = URIRef(settings.ontology_ns + "supports")
    assert not any(g.triples((None, supports_p, None)))  # the shorthand is gone ...
    country = URIRef(settings.ontology_ns + "country")
    assert not any(isinstance(s, BNode) and (s, country, None) in g for s in g.subjects())  # ... its patterns too


def test_reference_statements_derive_from_their_list_unless_quoted(settings: Settings) -> None:
    g = parse(
        """id:reference-test a kg:ReferenceList ; skos:prefLabel "Test list"@en ;
             dcterms:source <https://example.org/> .
           id:NPL skos:notation "NPL" .
           id:forced-labour kg:servesTarget <http://metadata.un.org/sdg/8.7> ;
             prov:wasDerivedFrom [ a kg:Evidence ; oa:hasSource <http://metadata.un.org/sdg/8.7> ;
                 oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "eradicate forced labour" ] ] .""",
        settings,
    )
    added, problems = expand_file(g, Path("ref.ttl"), FileKind.REFERENCE, settings)
    assert problems == []
    assert supports(added, settings, "NPL", "http://www.w3.org/2004/02/skos/core#notation") == {
        URIRef(settings.id_ns + "reference-test")
    }
    [quote] = supports(added, settings, "forced-labour", settings.ontology_ns + "servesTarget")
    assert isinstance(quote, BNode)  # the UN wording, not the list


def test_a_reference_file_must_name_its_provenance(settings: Settings) -> None:
    g = parse('id:NPL skos:notation "NPL" .', settings)
    _added, problems = expand_file(g, Path("ref.ttl"), FileKind.REFERENCE, settings)
    reasons = [p.reason for p in problems]
    assert reasons == [
        "a reference file declares exactly one kg:ReferenceList, found 0",
        "no quote supports this statement",
    ]


def test_ontology_statements_derive_from_the_ontology(settings: Settings) -> None:
    g = parse("<ontology> a owl:Ontology . kg:Thing a owl:Class .", settings)
    added, problems = expand_file(g, Path("kg.ttl"), FileKind.ONTOLOGY, settings)
    assert problems == []
    ontology = URIRef(settings.base_iri + "ontology")
    thing = [t[0] for t in added if t[1] == RDF.subject and t[2] == URIRef(settings.ontology_ns + "Thing")]
    assert [t[2] for t in added if t[0] in thing and t[1] == PROV.wasDerivedFrom] == [ontology]
    assert (thing[0], RDF.object, OWL.Class) in added


def test_statement_iris_name_the_triple_whatever_the_file(settings: Settings) -> None:
    s, p = URIRef(settings.id_ns + "p"), URIRef(settings.ontology_ns + "country")
    npl, per = URIRef(settings.id_ns + "NPL"), URIRef(settings.id_ns + "PER")
    assert statement_iri(settings, (s, p, npl)) == statement_iri(settings, (s, p, npl))
    assert statement_iri(settings, (s, p, npl)) != statement_iri(settings, (s, p, per))
    assert str(statement_iri(settings, (s, p, npl))).startswith(settings.base_iri + "statement/")
    # a blank-node value (an amount) is named by its content, so two files naming the same amount agree
    one = parse('id:f schema:amount [ schema:value 5 ; schema:currency "USD" ] .', settings)
    two = parse('id:f schema:amount [ schema:currency "USD" ; schema:value 5 ] .', settings)
    amount = URIRef("https://schema.org/amount")
    f = URIRef(settings.id_ns + "f")
    assert statement_iri(settings, (f, amount, one.value(f, amount)), one) == statement_iri(
        settings, (f, amount, two.value(f, amount)), two
    )
    assert statement_iri(settings, (s, p, Literal("x")), one) != statement_iri(settings, (s, p, Literal("y")), one)
