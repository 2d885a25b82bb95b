"""kg.validate: the report a person reads, for syntax errors, shape violations and quotes.

These run the whole pipeline (build, rules, SHACL, quote check) on a small
project in a temporary folder: the real ontology, shapes and reference data,
plus one source file written by the test, checked against a small seeds folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kg.config import Settings
from kg.validate import Report, validate

PREFIXES = """\
@prefix kg: <ontology#> .
@prefix id: <id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
"""

SOURCE_DOCUMENT = """
id:source-900 a kg:SourceDocument ;
    skos:prefLabel "A test document"@en ;
    dcterms:title "A test document"@en ;
    dcterms:identifier "900" ;
    kg:fileName "900_test.txt" .
"""

SEED_TEXT = (
    "In 2019 the Government of Testland contributed US\\$ 5 million\nto the ILO as a **voluntary** contribution.\n"
)


def contribution(contribution_type: str = "id:voluntary", quote: str = "contributed US$ 5 million to the ILO") -> str:
    return f"""
id:contribution-test-2019-voluntary-900 a kg:Contribution ;
    schema:funder id:usg ;
    schema:fundedItem id:ilo ;
    kg:contributionType {contribution_type} ;
    schema:amount [ a schema:MonetaryAmount ; schema:value 5000000 ; schema:currency "USD" ] ;
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
    assert report.quotes_checked == 1
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
