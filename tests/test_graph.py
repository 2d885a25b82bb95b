"""Building the dataset: one named graph per file, all-or-nothing parsing, derived triples apart."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.build import graph as kg_graph
from kg.config import Settings
from kg.errors import DataError
from kg.terms import ORG, SCHEMA, SDG


def copy_project(tmp_path: Path, settings: Settings) -> Settings:
    """ontology/ and data/ copied into tmp_path, and settings pointing at the copy."""
    shutil.copytree(settings.ontology_dir, tmp_path / "ontology")
    shutil.copytree(settings.data_dir, tmp_path / "data")
    return settings.with_overrides(ontology_dir=tmp_path / "ontology", data_dir=tmp_path / "data")


def break_line(path: Path, marker: str, replacement: str) -> int:
    """Replace ``marker`` on the first line holding it; return that (1-based) line number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for number, line in enumerate(lines, start=1):
        if marker in line:
            lines[number - 1] = line.replace(marker, replacement, 1)
            path.write_text("".join(lines), encoding="utf-8")
            return number
    raise AssertionError(f"{marker!r} not found in {path}")


def ground(graph: Graph) -> set[tuple]:
    return {t for t in graph if not any(isinstance(x, BNode) for x in t)}


def plain(graph: Graph, settings: Settings) -> Graph:
    """A graph without the statement nodes the build adds (kg.build.evidence)."""
    out = Graph()
    for s, p, o in graph:
        if not str(s).startswith(settings.base_iri + "statement/"):
            out.add((s, p, o))
    return out


def without_shorthand(graph: Graph, settings: Settings) -> Graph:
    """A parsed file without the kg:supports curation shorthand, which never reaches the dataset."""
    supports = URIRef(settings.ontology_ns + "supports")
    out = Graph()
    patterns = {o for o in graph.objects(None, supports) if isinstance(o, BNode)}
    for s, p, o in graph:
        if p != supports and s not in patterns:
            out.add((s, p, o))
    return out


@pytest.fixture(scope="module")
def names(settings: Settings) -> kg_graph.GraphNames:
    return kg_graph.graph_names(settings)


def kg(settings: Settings, local: str) -> URIRef:
    return URIRef(settings.ontology_ns + local)


def ident(settings: Settings, local: str) -> URIRef:
    return URIRef(settings.id_ns + local)


# ---------------------------------------------------------------- named graphs


def test_each_source_file_lands_in_its_own_named_graph(
    dataset: Dataset, settings: Settings, names: kg_graph.GraphNames
) -> None:
    files = sorted((settings.data_dir / "sources").glob("*.ttl"))
    assert len(files) >= 5
    assert sorted(names.sources) == [p.stem for p in files]
    for path in files:
        iri = names.sources[path.stem]
        assert iri == URIRef(f"{settings.graph_ns}source/{path.stem}")
        parsed = without_shorthand(kg_graph.parse_file(path, settings), settings)
        in_dataset = plain(dataset.graph(iri), settings)
        assert len(in_dataset) == len(parsed), path
        assert ground(in_dataset) == ground(parsed), path


def test_ontology_and_reference_graphs_hold_exactly_their_files(
    dataset: Dataset, settings: Settings, names: kg_graph.GraphNames
) -> None:
    ontology = kg_graph.parse_file(settings.ontology_dir / "kg.ttl", settings)
    assert ground(plain(dataset.graph(names.ontology), settings)) == ground(ontology)
    reference = Graph()
    for path in sorted((settings.data_dir / "reference").glob("*.ttl")):
        reference += without_shorthand(kg_graph.parse_file(path, settings), settings)
    assert len(plain(dataset.graph(names.reference), settings)) == len(reference)
    assert ground(plain(dataset.graph(names.reference), settings)) == ground(reference)


def test_the_dataset_has_exactly_the_expected_graphs(dataset: Dataset, names: kg_graph.GraphNames) -> None:
    non_empty = {g.identifier for g in dataset.graphs() if len(g)}
    assert non_empty == set(names.all)
    assert len(dataset.default_graph) == 0


def test_a_fact_is_in_the_graph_of_the_source_that_states_it(
    dataset: Dataset, settings: Settings, names: kg_graph.GraphNames
) -> None:
    """Provenance by graph: each evidence's oa:hasSource is the document of the graph it sits in."""
    oa_has_source = URIRef("http://www.w3.org/ns/oa#hasSource")
    checked = 0
    for sid, iri in names.sources.items():
        sources = set(dataset.graph(iri).objects(None, oa_has_source))
        assert sources == {ident(settings, f"source-{sid}")}, sid
        checked += 1
    assert checked == len(names.sources)


# ---------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    ("relative", "marker", "replacement", "why"),
    [
        ("data/sources/002.ttl", "oa:exact", "oa:exact @@@", "objectList expected"),
        ("data/sources/004.ttl", "oa:hasSource", "nope:hasSource", 'Prefix "nope:" not bound'),
        ("data/reference/countries.ttl", "skos:notation", "skos:notation ;;;", ""),
        ("ontology/kg.ttl", "rdfs:isDefinedBy <ontology>", 'rdfs:isDefinedBy "unterminated', ""),
    ],
)
def test_a_syntax_error_names_file_and_line(
    tmp_path: Path, settings: Settings, relative: str, marker: str, replacement: str, why: str
) -> None:
    copy = copy_project(tmp_path, settings)
    path = tmp_path / relative
    line = break_line(path, marker, replacement)
    with pytest.raises(DataError) as caught:
        kg_graph.build(copy)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: Turtle syntax error"), message
    assert why in message


def test_a_syntax_error_on_the_last_line_names_that_line(tmp_path: Path, settings: Settings) -> None:
    copy = copy_project(tmp_path, settings)
    path = copy.data_dir / "sources" / "000.ttl"
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(text + "\nid:broken kg:note @@@ .\n", encoding="utf-8")
    last = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(DataError, match=re.escape(f"{path}:{last}:")):
        kg_graph.build(copy)


def test_a_missing_file_is_a_data_error(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(DataError, match="file not found"):
        kg_graph.parse_file(tmp_path / "absent.ttl", settings)


def test_a_data_folder_without_files_is_a_data_error(tmp_path: Path, settings: Settings) -> None:
    empty = settings.with_overrides(ontology_dir=tmp_path / "ontology", data_dir=tmp_path / "data")
    with pytest.raises(DataError, match="No data files"):
        kg_graph.build(empty)


# ---------------------------------------------------------------- derived triples (real data)


def asserted_union(dataset: Dataset, names: kg_graph.GraphNames) -> Graph:
    union = Graph()
    for iri in names.asserted:
        union += dataset.graph(iri)
    return union


def test_derived_triples_are_only_in_the_inferred_graph(dataset: Dataset, names: kg_graph.GraphNames) -> None:
    inferred = dataset.graph(names.inferred)
    assert len(inferred) > 100
    for iri in names.asserted:
        graph = dataset.graph(iri)
        overlap = [t for t in inferred if t in graph]
        assert overlap == [], f"{iri} also holds derived triples: {overlap[:3]}"


def test_fundedby_is_never_asserted(dataset: Dataset, settings: Settings, names: kg_graph.GraphNames) -> None:
    funded_by = kg(settings, "fundedBy")
    for iri in names.asserted:
        assert not any(dataset.graph(iri).triples((None, funded_by, None))), iri
    assert any(dataset.graph(names.inferred).triples((None, funded_by, None)))


def test_a_forced_labour_project_contributes_to_target_8_7_by_inference(
    dataset: Dataset, settings: Settings, names: kg_graph.GraphNames
) -> None:
    asserted = asserted_union(dataset, names)
    inferred = dataset.graph(names.inferred)
    contributes = kg(settings, "contributesTo")
    forced_labour = ident(settings, "forced-labour")
    assert (forced_labour, kg(settings, "servesTarget"), SDG["8.7"]) in asserted
    projects = [
        p
        for p in asserted.subjects(kg(settings, "theme"), forced_labour)
        if (p, RDF.type, kg(settings, "Project")) in asserted and (p, contributes, SDG["8.7"]) not in asserted
    ]
    assert ident(settings, "bridge-project") in projects
    for project in projects:
        assert (project, contributes, SDG["8.7"]) in inferred, project
        assert (project, contributes, SDG["8"]) in inferred, project


def test_every_funding_gives_fundedby_rolled_up_to_parent_organisations(
    dataset: Dataset, settings: Settings, names: kg_graph.GraphNames
) -> None:
    inferred = dataset.graph(names.inferred)
    funded_by = kg(settings, "fundedBy")
    fundings = list(dataset.subjects(RDF.type, kg(settings, "Funding")))
    assert len(fundings) > 10
    for funding in fundings:
        funder = dataset.value(funding, SCHEMA.funder)
        item = dataset.value(funding, SCHEMA.fundedItem)
        assert (item, funded_by, funder) in inferred, funding
        for parent in dataset.transitive_objects(funder, ORG.subOrganizationOf):
            assert (item, funded_by, parent) in inferred, (funding, parent)
    # e.g. a USDOL funding makes the US Government a funder of the project
    assert (ident(settings, "honduras-coffee"), funded_by, ident(settings, "usg")) in inferred


def test_sdg_contributions_roll_up_to_targets_and_goals(
    dataset: Dataset, settings: Settings, names: kg_graph.GraphNames
) -> None:
    contributes = kg(settings, "contributesTo")
    inferred = dataset.graph(names.inferred)
    pairs = list(dataset.subject_objects(contributes))
    assert pairs
    for initiative, concept in pairs:
        for broader in dataset.objects(concept, SKOS.broader):
            assert (initiative, contributes, broader) in dataset, (initiative, concept, broader)
    # an indicator asserted in a source rolls up two levels
    shfa = ident(settings, "safety-health-for-all")
    assert (shfa, contributes, SDG.C080801) in asserted_union(dataset, names)
    assert (shfa, contributes, SDG["8.8"]) in inferred
    assert (shfa, contributes, SDG["8"]) in inferred


def test_subclass_types_and_labels_are_derived(
    dataset: Dataset, settings: Settings, names: kg_graph.GraphNames
) -> None:
    inferred = dataset.graph(names.inferred)
    assert (ident(settings, "bridge-project"), RDF.type, kg(settings, "Initiative")) in inferred
    assert (ident(settings, "ilab"), RDF.type, ORG.OrganizationalUnit) in inferred
    assert (ident(settings, "ilab"), ORG.subOrganizationOf, ident(settings, "usdol")) in inferred
    assert (ident(settings, "usdol"), ORG.hasUnit, ident(settings, "ilab")) in inferred
    label = dataset.value(ident(settings, "better-work"), SKOS.prefLabel)
    assert (ident(settings, "better-work"), RDFS.label, label) in inferred


# ---------------------------------------------------------------- derived triples (a tiny dataset)

TINY_PREFIXES = """\
@prefix kg: <ontology#> .
@prefix id: <id/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix sdg: <http://metadata.un.org/sdg/> .
@prefix sdgo: <http://metadata.un.org/sdg/ontology#> .
"""

TINY_REFERENCE = """
id:gov a kg:GovernmentOrganization .
id:dept a kg:GovernmentOrganization ; org:subOrganizationOf id:gov .
id:bureau a kg:Bureau ; org:unitOf id:dept .
id:office a kg:Office ; org:unitOf id:bureau .
id:theme a kg:Theme .
sdg:8 a sdgo:Goal .
sdg:8.7 a sdgo:Target ; skos:broader sdg:8 .
sdg:C080701 a sdgo:Indicator ; skos:broader sdg:8.7 .
"""

TINY_SOURCE = """
id:theme kg:servesTarget sdg:8.7 .
id:project a kg:Project ; kg:theme id:theme .
id:survey a kg:Project ; kg:contributesTo sdg:C080701 .
id:funding a kg:Funding ; schema:funder id:office ; schema:fundedItem id:project .
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> tuple[Dataset, Settings]:
    root = tmp_path_factory.mktemp("tiny")
    shutil.copytree(settings.ontology_dir, root / "ontology")
    (root / "data" / "reference").mkdir(parents=True)
    (root / "data" / "sources").mkdir()
    (root / "data" / "reference" / "tiny.ttl").write_text(TINY_PREFIXES + TINY_REFERENCE, encoding="utf-8")
    (root / "data" / "sources" / "900.ttl").write_text(TINY_PREFIXES + TINY_SOURCE, encoding="utf-8")
    tiny_settings = settings.with_overrides(ontology_dir=root / "ontology", data_dir=root / "data")
    return kg_graph.build(tiny_settings), tiny_settings


def test_funding_by_an_office_rolls_up_to_bureau_department_and_government(
    tiny: tuple[Dataset, Settings],
) -> None:
    dataset, s = tiny
    inferred = dataset.graph(kg_graph.graph_names(s).inferred)
    funded_by = kg(s, "fundedBy")
    funders = set(inferred.objects(ident(s, "project"), funded_by))
    assert funders == {ident(s, n) for n in ("office", "bureau", "dept", "gov")}
    assert (ident(s, "office"), ORG.subOrganizationOf, ident(s, "bureau")) in inferred
    assert (ident(s, "bureau"), ORG.hasUnit, ident(s, "office")) in inferred


def test_theme_and_indicator_roll_up_in_a_tiny_dataset(tiny: tuple[Dataset, Settings]) -> None:
    dataset, s = tiny
    inferred = dataset.graph(kg_graph.graph_names(s).inferred)
    contributes = kg(s, "contributesTo")
    assert set(inferred.objects(ident(s, "project"), contributes)) == {SDG["8.7"], SDG["8"]}
    assert set(inferred.objects(ident(s, "survey"), contributes)) == {SDG["8.7"], SDG["8"]}
    source = dataset.graph(kg_graph.graph_names(s).sources["900"])
    assert not any(source.triples((None, contributes, SDG["8"])))
    assert len(plain(source, s)) == len(kg_graph.parse_file(s.data_dir / "sources" / "900.ttl", s))


def test_rules_reach_a_fixpoint(tiny: tuple[Dataset, Settings]) -> None:
    """Running the rules again over the built dataset derives nothing new."""
    dataset, s = tiny
    inferred = dataset.graph(kg_graph.graph_names(s).inferred)
    before = len(inferred)
    kg_graph.apply_rules(dataset, s)
    assert len(inferred) == before
