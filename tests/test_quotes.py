"""Quotes: normalisation as ../shared/seeds/README.md defines it, and every quote found in its source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from kg.build import graph as kg_graph
from kg.build.evidence import FileKind, expand_file
from kg.build.quotes import OA, SourceTexts, check_quotes, normalise
from kg.build.validate import validate_dataset
from kg.config import Settings
from kg.errors import DataError

# ---------------------------------------------------------------- normalise()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a markdown link [text](target) becomes its text
        ("see [Better Work](#) in Haiti", "see Better Work in Haiti"),
        ("[EQUIP](https://www.ilo.org/equip?x=1).", "EQUIP."),
        ("[a](#) and [b](#)", "a and b"),
        ("[](#)x", "x"),
        # a backslash before punctuation is dropped ...
        (r"US\$ 29 million", "US$ 29 million"),
        (r"[ILO Decent Work Country Programme \(DWCP\)](#)", "ILO Decent Work Country Programme (DWCP)"),
        (r"1\. Item \- \* \_ \# \[x\] \! \\", r"1. Item - * _ # [x] ! \ ".strip()),
        # ... but not before a letter, digit or space
        (r"C:\new\path 2\1 a\ b", r"C:\new\path 2\1 a\ b"),
        # bold marks are dropped
        ("**29 million** workers", "29 million workers"),
        ("<b>Better Work</b> Jordan", "Better Work Jordan"),
        # every run of white space, line breaks included, becomes one space
        ("one\ntwo\r\nthree\t four  \n\n five", "one two three four five"),
        ("  padded\n", "padded"),
        # nothing else changes
        ("Workers\u2019 organisations", "Workers\u2019 organisations"),  # curly apostrophe
        ("employ- ment of CHILDREN", "employ- ment of CHILDREN"),
        ("a * b _c_ __d__ *e*", "a * b _c_ __d__ *e*"),
        ("<i>italic</i> &amp; <br>", "<i>italic</i> &amp; <br>"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_normalise_is_idempotent() -> None:
    samples = [r"US\$ [**29** million](#)", "a\n\n b", r"\\ \*", "<b>x</b>  y"]
    for text in samples:
        once = normalise(text)
        assert normalise(once) == once


def test_quote_and_source_are_normalised_the_same_way(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text(
        "Since 2009, USDOL has allocated **over** US\\$ 29\nmillion to [Better Work](#).\n", encoding="utf-8"
    )
    texts = SourceTexts(tmp_path)
    assert normalise("USDOL has allocated over US$ 29 million to Better Work") in texts.text("doc.txt")
    assert normalise("USDOL  has allocated\nover US\\$ 29 million") in texts.text("doc.txt")
    assert normalise("USDOL has allocated over US$ 30 million") not in texts.text("doc.txt")


# ---------------------------------------------------------------- check_quotes() on a tiny graph


KG = "https://kg.example.org/ontology#"
FILE_NAME = URIRef(KG + "fileName")


def tiny_graph(quotes: dict[str, str], *, file_name: str | None = "doc.txt") -> Graph:
    """One source document and one fact per quote."""
    g = Graph()
    source = URIRef("https://kg.example.org/id/source-test")
    if file_name is not None:
        g.add((source, FILE_NAME, Literal(file_name)))
    for name, quote in quotes.items():
        fact = URIRef(f"https://kg.example.org/id/{name}")
        evidence = URIRef(f"https://kg.example.org/id/{name}-evidence")
        selector = URIRef(f"https://kg.example.org/id/{name}-selector")
        g.add((fact, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), evidence))
        g.add((evidence, OA.hasSource, source))
        g.add((evidence, OA.hasSelector, selector))
        g.add((selector, OA.exact, Literal(quote)))
    return g


@pytest.fixture()
def seeds(tmp_path: Path) -> Path:
    (tmp_path / "doc.txt").write_text(
        "The project reached **12,000** workers in\n[Jordan](#) by 2018.\n", encoding="utf-8"
    )
    return tmp_path


def test_check_quotes_accepts_a_verbatim_quote(seeds: Path) -> None:
    graph = tiny_graph({"fact": "reached 12,000 workers in Jordan by 2018"})
    assert check_quotes(graph, SourceTexts(seeds), FILE_NAME) == []


def test_check_quotes_rejects_a_changed_quote(seeds: Path) -> None:
    graph = tiny_graph({"good": "reached 12,000 workers in Jordan", "bad": "reached 13,000 workers in Jordan"})
    [problem] = check_quotes(graph, SourceTexts(seeds), FILE_NAME)
    assert problem.fact.endswith("/bad")
    assert problem.reason == "quote not found in source text"
    assert "13,000" in str(problem)


def test_check_quotes_rejects_a_quote_short_after_normalising(seeds: Path) -> None:
    graph = tiny_graph({"short": "  **workers**   \n  "})  # 19 characters raw, 7 normalised
    [problem] = check_quotes(graph, SourceTexts(seeds), FILE_NAME)
    assert problem.reason == "quote too short to prove anything"


def test_check_quotes_rejects_evidence_without_a_selector(seeds: Path) -> None:
    graph = tiny_graph({})
    graph.add(
        (
            URIRef("https://kg.example.org/id/fact"),
            URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
            URIRef("https://kg.example.org/id/evidence"),
        )
    )
    [problem] = check_quotes(graph, SourceTexts(seeds), FILE_NAME)
    assert "without oa:hasSource or oa:hasSelector" in problem.reason


def test_check_quotes_rejects_a_source_without_a_file_name(seeds: Path) -> None:
    graph = tiny_graph({"fact": "reached 12,000 workers in Jordan"}, file_name=None)
    [problem] = check_quotes(graph, SourceTexts(seeds), FILE_NAME)
    assert problem.reason.startswith("source has no kg:fileName")


def test_a_missing_source_text_is_a_clear_error(seeds: Path) -> None:
    graph = tiny_graph({"fact": "reached 12,000 workers in Jordan"}, file_name="absent.txt")
    with pytest.raises(DataError, match=r"absent\.txt is missing"):
        check_quotes(graph, SourceTexts(seeds), FILE_NAME)


# ---------------------------------------------------------------- the real quotes


def test_every_quote_in_the_dataset_occurs_in_its_source(dataset: Dataset, settings: Settings) -> None:
    union = kg_graph.union_graph(dataset)
    quotes = list(union.objects(None, OA.exact))
    assert len(quotes) > 500
    problems = check_quotes(union, SourceTexts(settings.seeds_dir), URIRef(settings.ontology_ns + "fileName"))
    assert problems == [], "\n".join(str(p) for p in problems[:20])


def copy_project(tmp_path: Path, settings: Settings) -> Settings:
    """ontology/ and data/ copied into tmp_path, and settings pointing at the copy."""
    shutil.copytree(settings.ontology_dir, tmp_path / "ontology")
    shutil.copytree(settings.data_dir, tmp_path / "data")
    return settings.with_overrides(ontology_dir=tmp_path / "ontology", data_dir=tmp_path / "data")


def test_a_tampered_quote_in_a_copy_is_caught(tmp_path: Path, settings: Settings) -> None:
    copy = copy_project(tmp_path, settings)
    path = copy.data_dir / "sources" / "001.ttl"
    original = '"It has ratified fourteen ILO conventions"'
    tampered = '"It has ratified fifteen ILO conventions"'
    text = path.read_text(encoding="utf-8")
    assert text.count(original) == 1, "the quote this test tampers with has moved; pick another"
    path.write_text(text.replace(original, tampered), encoding="utf-8")

    union = kg_graph.union_graph(kg_graph.build(copy))
    problems = check_quotes(union, SourceTexts(copy.seeds_dir), URIRef(copy.ontology_ns + "fileName"))
    assert [(p.quote, p.reason) for p in problems] == [
        ("It has ratified fifteen ILO conventions", "quote not found in source text")
    ]
    assert "source-001" in problems[0].source


def test_missing_seeds_folder_is_reported_not_a_crash(tmp_path: Path, settings: Settings) -> None:
    """validate_dataset names the missing folder as an error (here over the ontology graph alone)."""
    missing = tmp_path / "no-such-seeds"
    dataset = kg_graph.new_dataset(settings)
    ontology = dataset.graph(kg_graph.graph_names(settings).ontology)
    parsed = kg_graph.parse_file(settings.ontology_dir / "kg.ttl", settings)
    statements, _ = expand_file(parsed, settings.ontology_dir / "kg.ttl", FileKind.ONTOLOGY, settings)
    for triple in [*parsed, *statements]:
        ontology.add(triple)
    report = validate_dataset(dataset, settings.with_overrides(seeds_dir=missing))
    assert not report.ok
    assert report.violations == []
    [error] = report.errors
    assert str(missing) in error
    assert "missing" in error
    assert report.lines() == [f"error: {error}"]
    assert report.summary().startswith("INVALID")


def test_source_texts_requires_the_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no-such-seeds"):
        SourceTexts(tmp_path / "no-such-seeds")
