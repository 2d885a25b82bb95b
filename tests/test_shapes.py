"""Every SHACL node shape accepts its valid fixture and catches each invalid one.

``tests/fixtures/shapes/<ShapeName>/`` holds ``valid.ttl`` and ``invalid-<reason>.ttl``
files. Each fixture is validated together with ``ontology/kg.ttl`` and
``data/reference/*.ttl`` (so classes, subclass links and reference entities
resolve) through :func:`kg.build.validate.shacl_violations`. Only violations whose
focus node is a subject of the fixture count: the reference data alone has
violations of its own (registry entities get their quotes from the sources).

An invalid fixture starts with one or more lines
``# expect: <ConstraintComponent local name> <path as prefixed name, or ->``;
the violations on the fixture's own nodes must be exactly those, raised by
the folder's shape (its own constraints, its property shapes, or the shapes
they reach with ``sh:node``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SH
from rdflib.term import Node

from kg.build import graph as kg_graph
from kg.build.validate import Violation, load_shapes, shacl_violations
from kg.config import Settings
from kg.terms import prefixes

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
FIXTURE_FILES = sorted(FIXTURES.glob("*/*.ttl"))
VALID_FILES = [p for p in FIXTURE_FILES if p.name == "valid.ttl"]
INVALID_FILES = [p for p in FIXTURE_FILES if p.name.startswith("invalid-")]
EXPECT = re.compile(r"^#\s*expect:\s*(\S+)\s+(\S+)\s*$")

#: Constraint components a fixture may name (those the shapes use).
COMPONENTS = {
    f"{name}ConstraintComponent"
    for name in [
        "Class",
        "Datatype",
        "NodeKind",
        "MinCount",
        "MaxCount",
        "MinInclusive",
        "MinLength",
        "Pattern",
        "LanguageIn",
        "UniqueLang",
        "In",
        "HasValue",
        "Node",
        "Or",
        "Xone",
    ]
}


def fixture_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


@dataclass(frozen=True)
class Expected:
    constraint: str  # local name, e.g. MinCountConstraintComponent
    path: str  # prefixed name, or "-" for a node-level constraint


def expectations(path: Path) -> list[Expected]:
    """The ``# expect:`` lines of the comment block a fixture starts with."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = EXPECT.match(line)
        if match:
            found.append(Expected(match.group(1), match.group(2)))
    return found


def local_name(constraint: str) -> str:
    return re.split(r"[:#/]", constraint)[-1]


def describe(violations: list[Violation]) -> str:
    return "\n".join(f"  {v} <- {v.shape}" for v in violations) or "  (none)"


class Context:
    """The shapes, the ontology + reference graph, and terms spelled as kg.build.validate spells them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.prefixes = prefixes(settings)
        self.shapes = load_shapes(settings)
        self.base = Graph()
        files = [settings.ontology_dir / "kg.ttl", *sorted((settings.data_dir / "reference").glob("*.ttl"))]
        for path in files:
            self.base += kg_graph.parse_file(path, settings)
        self.namer = self.new_graph()

    def new_graph(self) -> Graph:
        graph = Graph()
        for prefix, namespace in self.prefixes.items():
            graph.bind(prefix, namespace, override=True)
        return graph

    def data_graph(self, fixture: Graph) -> Graph:
        data = self.new_graph()
        data += self.base
        data += fixture
        return data

    def short(self, node: Node) -> str:
        """A term as ``Violation`` spells it: prefixed against the data graph's bindings."""
        if isinstance(node, URIRef):
            try:
                return self.namer.namespace_manager.normalizeUri(node)
            except Exception:
                return str(node)
        return str(node)

    def expand(self, name: str) -> URIRef:
        prefix, _, local = name.partition(":")
        assert prefix in self.prefixes, f"unknown prefix in {name!r}"
        return URIRef(self.prefixes[prefix] + local)

    def shape(self, folder: str) -> URIRef:
        iri = URIRef(self.settings.base_iri + "shapes#" + folder)
        assert (iri, RDF.type, SH.NodeShape) in self.shapes, f"no sh:NodeShape {folder} in shapes.ttl"
        return iri

    def is_targeted(self, shape: URIRef) -> bool:
        return any(
            (shape, p, None) in self.shapes
            for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
        )

    def own_shapes(self, shape: URIRef) -> set[str]:
        """The node shape, its property shapes and every shape they reach through sh:node.

        A shape without targets (the quote selector) is only ever checked through
        a property shape that points at it with sh:node: that one counts as its own too.
        """
        seen: set[Node] = set()
        todo: list[Node] = [shape]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo += [*self.shapes.objects(current, SH.property), *self.shapes.objects(current, SH.node)]
        if not self.is_targeted(shape):
            seen |= set(self.shapes.subjects(SH.node, shape))
        return {self.short(s) for s in seen}

    def targets(self, shape: URIRef, fixture: Graph) -> set[Node]:
        """The fixture's nodes the shape selects (SHACL targets; subclasses from kg.ttl)."""
        nodes: set[Node] = set()
        for cls in self.shapes.objects(shape, SH.targetClass):
            for sub in self.base.transitive_subjects(RDFS.subClassOf, cls):
                nodes |= set(fixture.subjects(RDF.type, sub))
        for predicate in self.shapes.objects(shape, SH.targetSubjectsOf):
            nodes |= set(fixture.subjects(predicate, None))
        for predicate in self.shapes.objects(shape, SH.targetObjectsOf):
            nodes |= set(fixture.objects(None, predicate))
        return nodes


@dataclass
class Outcome:
    fixture: Graph
    focus: dict[str, Node]  # the fixture's subjects, spelled as Violation.focus spells them
    violations: list[Violation]  # only those on the fixture's own nodes


@pytest.fixture(scope="module")
def context(settings: Settings) -> Context:
    return Context(settings)


@pytest.fixture(scope="module")
def outcomes(context: Context) -> dict[Path, Outcome]:
    """Every fixture validated once (pyshacl over ontology + reference + fixture)."""
    out = {}
    for path in FIXTURE_FILES:
        fixture = kg_graph.parse_file(path, context.settings)
        violations = shacl_violations(context.data_graph(fixture), context.shapes)
        focus = {context.short(s): s for s in set(fixture.subjects())}
        out[path] = Outcome(fixture, focus, [v for v in violations if v.focus in focus])
    return out


# ---------------------------------------------------------------- coverage of the shapes


def test_fixture_folders_cover_every_node_shape(context: Context) -> None:
    namespace = context.settings.base_iri + "shapes#"
    node_shapes = {
        str(s)[len(namespace) :]
        for s in context.shapes.subjects(RDF.type, SH.NodeShape)
        if str(s).startswith(namespace)
    }
    assert len(node_shapes) >= 20
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert sorted(node_shapes - folders) == [], "node shapes without a fixture folder"
    assert sorted(folders - node_shapes) == [], "fixture folders that name no node shape"
    for folder in sorted(folders):
        names = sorted(p.name for p in (FIXTURES / folder).iterdir())
        assert "valid.ttl" in names, f"{folder} has no valid.ttl"
        assert any(n.startswith("invalid-") for n in names), f"{folder} has no invalid-*.ttl"
        stray = [n for n in names if n != "valid.ttl" and not (n.startswith("invalid-") and n.endswith(".ttl"))]
        assert stray == [], f"{folder}: files that are neither valid.ttl nor invalid-*.ttl"


@pytest.mark.parametrize("path", INVALID_FILES, ids=fixture_id)
def test_expect_lines_are_well_formed(path: Path, context: Context) -> None:
    expected = expectations(path)
    assert expected, f"{path} does not start with a '# expect: <component> <path>' line"
    for e in expected:
        assert e.constraint in COMPONENTS, f"{e.constraint} is not a constraint component the shapes use"
        if e.path != "-":
            context.expand(e.path)


# ---------------------------------------------------------------- the fixtures


@pytest.mark.parametrize("path", VALID_FILES, ids=fixture_id)
def test_valid_fixture_conforms(path: Path, context: Context, outcomes: dict[Path, Outcome]) -> None:
    shape = context.shape(path.parent.name)
    outcome = outcomes[path]
    assert outcome.violations == [], f"{path} should conform:\n{describe(outcome.violations)}"
    # ... and it exercises the shape: some node of the fixture is one the shape checks.
    if context.is_targeted(shape):
        assert context.targets(shape, outcome.fixture), f"{path}: no node of the fixture is a target of the shape"
    else:
        paths = [context.shapes.value(p, SH.path) for p in context.shapes.subjects(SH.node, shape)]
        assert any(any(outcome.fixture.objects(None, p)) for p in paths), f"{path}: nothing reaches the shape"


@pytest.mark.parametrize("path", INVALID_FILES, ids=fixture_id)
def test_invalid_fixture_is_caught(path: Path, context: Context, outcomes: dict[Path, Outcome]) -> None:
    shape = context.shape(path.parent.name)
    outcome = outcomes[path]

    def key(v: Violation) -> tuple[str, str]:
        return local_name(v.constraint), v.path or "-"

    def want(e: Expected) -> tuple[str, str]:
        return e.constraint, e.path if e.path == "-" else context.short(context.expand(e.path))

    expected = expectations(path)
    found = {key(v) for v in outcome.violations}
    wanted = {want(e) for e in expected}
    assert found == wanted, f"{path}: expected {sorted(wanted)}, got:\n{describe(outcome.violations)}"

    # The violations come from the folder's shape, not from some other shape ...
    own = context.own_shapes(shape)
    for e in expected:
        matching = [v for v in outcome.violations if key(v) == want(e)]
        assert any(v.shape in own for v in matching), (
            f"{path}: {e.constraint} {e.path} is not raised by {path.parent.name}:\n{describe(matching)}"
        )
    # ... on a node that shape selects.
    if context.is_targeted(shape):
        targets = {context.short(n) for n in context.targets(shape, outcome.fixture)}
        assert any(v.focus in targets and v.shape in own for v in outcome.violations), (
            f"{path}: no violation on a node {path.parent.name} targets"
        )


def test_blank_nodes_in_fixtures_are_matched(outcomes: dict[Path, Outcome]) -> None:
    """Blank-node focus nodes (amounts, evidence, selectors) are matched like IRIs."""
    outcome = outcomes[FIXTURES / "MonetaryAmountShape" / "invalid-both-value-and-min-value.ttl"]
    [violation] = outcome.violations
    assert isinstance(outcome.focus[violation.focus], BNode)


def test_removing_a_quote_from_a_valid_fixture_is_caught(context: Context) -> None:
    """The harness itself can fail: a valid fixture minus its evidence is reported."""
    fixture = kg_graph.parse_file(FIXTURES / "FundingShape" / "valid.ttl", context.settings)
    funding = URIRef(context.settings.id_ns + "funding-test-000")
    fixture.remove((funding, PROV.wasDerivedFrom, None))
    violations = shacl_violations(context.data_graph(fixture), context.shapes)
    mine = [v for v in violations if v.focus == context.short(funding)]
    assert [(local_name(v.constraint), v.path) for v in mine] == [
        ("MinCountConstraintComponent", "prov:wasDerivedFrom")
    ]
    assert mine[0].shape == context.short(URIRef(context.settings.base_iri + "shapes#evidence"))


# ---------------------------------------------------------------- the real data


def test_real_dataset_conforms(dataset: Dataset, settings: Settings) -> None:
    union = kg_graph.union_graph(dataset)
    violations = shacl_violations(union, load_shapes(settings))
    assert violations == [], "\n".join(str(v) for v in violations[:30])
