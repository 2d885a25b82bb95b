"""kg.build.validate: the report a person reads, for syntax errors, shape violations and quotes.

These run the whole pipeline (build, rules, SHACL, quote check) on a small
project in a temporary folder: the real ontology, shapes and reference data,
plus one source file written by the test, checked against a small seeds folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef
from rdflib.namespace import PROV, RDF

from kg.build import graph as kg_graph
from kg.build.validate import Report, run_checks, validate
from kg.config import Settings
from kg.terms import OA

PREFIXES = """\
@prefix kg: <ontology#> .
@prefix id: <id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
"""

SOURCE_DOCUMENT = """
id:reference-test-source a kg:ReferenceList ;
    skos:prefLabel "The test's source document"@en ;
    dcterms:source <https://example.org/test> .

id:source-900 a kg:SourceDocument ;
    skos:prefLabel "A test document"@en ;
    dcterms:title "A test document"@en ;
    dcterms:identifier "900" ;
    kg:fileName "900_test.txt" .
"""

SEED_TEXT = (
    "In 2019 the Government of Testland contributed US\\$ 5 million\nto the ILO as a **voluntary** contribution.\n"
    "The Testland Project works in Nepal. It also works in Peru, where some 2,600 workers were trained.\n"
    "Over 40 factories joined.\n"
)


def contribution(contribution_type: str = "id:voluntary", quote: str = "contributed US$ 5 million to the ILO") -> str:
    return f"""
id:contribution-test-2019-voluntary-900 a kg:Contribution ;
    schema:funder id:usg ;
    schema:fundedItem id:ilo ;
    kg:contributionType {contribution_type} ;
    schema:amount [ a schema:MonetaryAmount ; schema:value 5000000 ; schema:currency "USD" ; kg:hedge id:exact ] ;
    schema:startDate "2019"^^xsd:gYear ;
    prov:wasDerivedFrom [ a kg:Evidence ; oa:hasSource id:source-900 ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{quote}" ] ] .
"""


def small_project(tmp_path: Path, settings: Settings, source: str) -> Settings:
    """Real ontology and reference data, one source file, one seed text."""
    shutil.copytree(settings.ontology_dir, tmp_path / "ontology")
    shutil.copytree(settings.data_dir / "reference", tmp_path / "data" / "reference")
    (tmp_path / "data" / "reference" / "test-source.ttl").write_text(PREFIXES + SOURCE_DOCUMENT, encoding="utf-8")
    (tmp_path / "data" / "sources").mkdir()
    (tmp_path / "data" / "sources" / "900.ttl").write_text(PREFIXES + source, encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "900_test.txt").write_text(SEED_TEXT, encoding="utf-8")
    return settings.with_overrides(
        ontology_dir=tmp_path / "ontology", data_dir=tmp_path / "data", seeds_dir=tmp_path / "seeds"
    )


CONTRIBUTION = "id:contribution-test-2019-voluntary-900"


def about_the_test_fact(report: Report) -> list:
    """Violations on the test's own fact (the reference data alone lacks the sources' quotes)."""
    return [v for v in report.violations if v.focus == CONTRIBUTION]


def test_a_good_fact_passes(tmp_path: Path, settings: Settings) -> None:
    report, dataset = validate(small_project(tmp_path, settings, contribution()))
    assert dataset is not None
    assert report.errors == []
    assert about_the_test_fact(report) == []
    assert report.quote_problems == []
    assert report.evidence_problems == [] and report.hedge_problems == [] and report.check_failures == []
    # the test's quote, and the reference data's own (the UN wording of SDG targets)
    files = (settings.data_dir / "reference").glob("*.ttl")
    reference = sum(p.read_text(encoding="utf-8").count("oa:exact") for p in files)
    assert report.quotes_checked == 1 + reference
    assert report.triples == len({(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))})


def test_a_shape_violation_is_reported_in_words(tmp_path: Path, settings: Settings) -> None:
    source = contribution("id:grant") + (
        '\nid:grant a skos:Concept ; skos:prefLabel "Grant"@en ; skos:inScheme id:contribution-types .\n'
    )
    report, dataset = validate(small_project(tmp_path, settings, source))
    assert dataset is not None
    assert not report.ok
    [violation] = about_the_test_fact(report)
    assert violation.path == "kg:contributionType"
    assert violation.constraint == "sh:InConstraintComponent"
    assert violation.severity == "sh:Violation"
    assert "id:assessed, id:voluntary, id:total" in violation.message
    assert str(violation) == f"{CONTRIBUTION} kg:contributionType: {violation.message} [sh:InConstraintComponent]"
    assert f"shape violation: {violation}" in report.lines()
    assert report.summary().startswith("INVALID: ")


def test_a_quote_not_in_the_source_is_reported(tmp_path: Path, settings: Settings) -> None:
    report, _ = validate(small_project(tmp_path, settings, contribution(quote="contributed US$ 6 million to the ILO")))
    assert not report.ok
    [problem] = report.quote_problems
    assert problem.reason == "quote not found in source text"
    assert problem.fact.endswith("contribution-test-2019-voluntary-900")
    assert any(line.startswith("quote problem: ") and "US$ 6 million" in line for line in report.lines())


def test_a_syntax_error_gives_file_line_and_no_dataset(tmp_path: Path, settings: Settings) -> None:
    small = small_project(tmp_path, settings, contribution() + "\nid:broken kg:note @@@ .\n")
    path = small.data_dir / "sources" / "900.ttl"
    line = len(path.read_text(encoding="utf-8").splitlines())
    report, dataset = validate(small)
    assert dataset is None  # nothing half-loads
    [error] = report.errors
    assert error.startswith(f"{path}:{line}: Turtle syntax error"), error
    assert report.violations == [] and report.quote_problems == []
    assert not report.ok
    assert report.lines() == [f"error: {error}"]
    assert "1 errors" in report.summary()


def test_a_syntax_error_in_the_shapes_is_reported(tmp_path: Path, settings: Settings) -> None:
    small = small_project(tmp_path, settings, contribution())
    shapes = small.ontology_dir / "shapes.ttl"
    lines = shapes.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, text in enumerate(lines, start=1) if "sh:targetClass kg:Funding" in text)
    lines[number - 1] = lines[number - 1].replace("sh:targetClass", "sh:targetClass @@@")
    shapes.write_text("".join(lines), encoding="utf-8")
    report, dataset = validate(small)
    assert dataset is not None
    assert not report.ok
    [error] = report.errors
    assert error.startswith(f"{shapes}:{number}: Turtle syntax error")


def test_a_missing_seed_text_is_reported(tmp_path: Path, settings: Settings) -> None:
    small = small_project(tmp_path, settings, contribution())
    (small.seeds_dir / "900_test.txt").unlink()
    report, _ = validate(small)
    assert not report.ok
    [error] = report.errors
    assert "900_test.txt is missing" in error


# ---------------------------------------------------------------- evidence per statement and hedges

PROJECT = "id:testland-project"

#: One source file with a fact of each kind of problem, validated once for the tests below.
PROBLEMS = f"""
{PROJECT} a kg:Project ;
    skos:prefLabel "Testland Project"@en ;
    kg:country id:NPL, id:PER ;
    kg:theme id:forced-labour ;
    prov:wasDerivedFrom [ a kg:Evidence ; oa:hasSource id:source-900 ;
            kg:supports rdf:type, skos:prefLabel, [ kg:country id:NPL ] ;
            oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "The Testland Project works in Nepal." ] ] ,
        [ a kg:Evidence ; oa:hasSource id:source-900 ;
            kg:supports [ kg:country id:PER ], kg:implementedBy ;
            oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "It also works in Peru" ] ] .

id:figure-900-workers a kg:Figure ;
    kg:measure "workers trained" ; schema:value 2600 ; kg:hedge id:exact ; schema:unitText "workers" ;
    kg:about {PROJECT} ; kg:figureKind id:result ;
    prov:wasDerivedFrom [ a kg:Evidence ; oa:hasSource id:source-900 ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "some 2,600 workers were trained" ] ] .

id:figure-900-factories a kg:Figure ;
    kg:measure "factories that joined" ; schema:value 40 ; kg:hedge id:approximately ; schema:unitText "factories" ;
    kg:about {PROJECT} ; kg:figureKind id:result ;
    prov:wasDerivedFrom [ a kg:Evidence ; oa:hasSource id:source-900 ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "Over 40 factories joined." ] ] .

id:figure-900-two-quotes a kg:Figure ;
    kg:measure "workers trained" ; schema:minValue 40 ; kg:hedge id:at-least ; schema:unitText "workers" ;
    kg:about {PROJECT} ; kg:figureKind id:result ;
    prov:wasDerivedFrom [ a kg:Evidence ; oa:hasSource id:source-900 ;
            oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "Over 40 factories joined." ] ] ,
        [ a kg:Evidence ; oa:hasSource id:source-900 ;
            oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "It also works in Peru" ] ] .
"""


@pytest.fixture(scope="module")
def problems(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> tuple[Report, Dataset | None, Settings]:
    small = small_project(tmp_path_factory.mktemp("problems"), settings, contribution() + PROBLEMS)
    report, dataset = validate(small)
    return report, dataset, small


def test_a_statement_no_quote_supports_names_file_subject_and_predicate(problems: tuple) -> None:
    report, _dataset, _small = problems
    assert not report.ok
    unsupported = [
        p for p in report.evidence_problems if p.reason == "no quote supports this statement" and p.subject == PROJECT
    ]
    # kg:theme is stated but neither quote says it supports it
    assert [(p.subject, p.predicate, p.object) for p in unsupported] == [(PROJECT, "kg:theme", "id:forced-labour")]
    assert unsupported[0].file.endswith("data/sources/900.ttl")
    line = f"unsupported statement: {unsupported[0]}"
    assert line in report.lines()
    assert line.endswith(f"900.ttl: {PROJECT} kg:theme id:forced-labour: no quote supports this statement")


def test_several_quotes_must_say_what_each_supports(problems: tuple) -> None:
    report, _dataset, _small = problems
    said = [p for p in report.evidence_problems if p.subject == "id:figure-900-two-quotes"]
    [first] = [p for p in said if "without kg:supports" in p.reason]
    assert "has 2 quotes in this file, 2 without kg:supports" in first.reason
    # ... and until they do, none of its statements counts as supported
    assert {p.predicate for p in said if p is not first} >= {"kg:measure", "schema:minValue", "rdf:type"}


def test_kg_supports_naming_what_the_subject_does_not_state_is_reported(problems: tuple) -> None:
    report, _dataset, _small = problems
    named = [(p.subject, p.predicate, p.reason) for p in report.evidence_problems if p.predicate == "kg:implementedBy"]
    assert named == [(PROJECT, "kg:implementedBy", "kg:supports names a property the subject has no value for here")]


def test_each_quote_supports_only_the_statements_it_names(problems: tuple) -> None:
    _report, dataset, small = problems
    assert dataset is not None
    project = URIRef(small.id_ns + "testland-project")
    quotes: dict[str, set[str]] = {}
    for st in dataset.subjects(RDF.subject, project):
        obj = dataset.value(st, RDF.object)
        for evidence in dataset.objects(st, PROV.wasDerivedFrom):
            for selector in dataset.objects(evidence, OA.hasSelector):
                quotes.setdefault(str(obj).rsplit("/", 1)[-1], set()).add(str(dataset.value(selector, OA.exact)))
    assert quotes["NPL"] == {"The Testland Project works in Nepal."}
    assert quotes["PER"] == {"It also works in Peru"}
    assert "forced-labour" not in quotes
    # the shorthand never reaches the dataset
    assert not any(dataset.quads((None, URIRef(small.ontology_ns + "supports"), None, None)))


def test_a_hedged_number_stored_as_exact_is_reported(problems: tuple) -> None:
    report, _dataset, _small = problems
    [problem] = [h for h in report.hedge_problems if h.node == "id:figure-900-workers"]
    assert "stored as exact, but the quote hedges 2600 as approximately" in problem.reason
    assert f"hedge problem: {problem}" in report.lines()


def test_a_hedge_the_quotes_do_not_express_is_reported(problems: tuple) -> None:
    report, _dataset, _small = problems
    [problem] = [h for h in report.hedge_problems if h.node == "id:figure-900-factories"]
    assert problem.reason.startswith("kg:hedge approximately, but no supporting quote says")


def test_the_sparql_checks_find_a_statement_whose_evidence_is_gone(settings: Settings, dataset: Dataset) -> None:
    """The checks kg validate runs on Oxigraph: clean on the real data, and they catch a missing link."""
    failures, statements, derivations = run_checks(dataset, settings)
    assert failures == [] and statements > 5000 and derivations > 1000
    damaged = kg_graph.new_dataset(settings)
    victim = next(iter(dataset.graph(kg_graph.graph_names(settings).sources["001"]).subjects(RDF.type, RDF.Statement)))
    derivation = next(iter(dataset.subjects(RDF.type, URIRef(settings.ontology_ns + "Derivation"))))
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if (s == victim and p == PROV.wasDerivedFrom) or (s == derivation and p == PROV.used):
            continue
        damaged.graph(g).add((s, p, o))
    failures, _, _ = run_checks(damaged, settings)
    assert any(f.startswith("check-unsupported-statements") for f in failures), failures
    assert any(f.startswith("check-unjustified-derivations") for f in failures), failures
