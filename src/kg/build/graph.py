"""Build the dataset: ontology + reference data + one named graph per source + derived graph.

Files are parsed against the one base IRI from the settings, each into its
named graph. Everything is parsed before anything is returned, so a syntax
error in one file leaves nothing half-loaded; the error names file and line.
Every asserted triple gets a statement node with the evidence that supports
it (kg.build.evidence). Derived triples come from the CONSTRUCT rules in
``ontology/rules/*.rq``, applied until nothing new appears, and land in their
own graph with the rule and premises that justify each one (kg.build.rules).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from kg.build import rules
from kg.build.evidence import EvidenceProblem, FileKind, add_all, expand_file
from kg.config import Settings
from kg.errors import DataError
from kg.terms import prefixes


@dataclass(frozen=True)
class GraphFile:
    """A data file and the named graph it is loaded into."""

    path: Path
    graph: URIRef
    kind: FileKind = FileKind.SOURCE


@dataclass(frozen=True)
class GraphNames:
    """The IRIs of the dataset's named graphs."""

    ontology: URIRef
    reference: URIRef
    inferred: URIRef
    sources: dict[str, URIRef]
    merged: URIRef

    @property
    def asserted(self) -> list[URIRef]:
        return [self.ontology, self.reference, *self.sources.values()]

    @property
    def all(self) -> list[URIRef]:
        return [*self.asserted, self.inferred]


def graph_names(settings: Settings) -> GraphNames:
    source_ids = sorted(p.stem for p in (settings.data_dir / "sources").glob("*.ttl"))
    ns = settings.graph_ns
    return GraphNames(
        ontology=URIRef(ns + "ontology"),
        reference=URIRef(ns + "reference"),
        inferred=URIRef(ns + "inferred"),
        merged=URIRef(ns + "merged"),
        sources={sid: URIRef(f"{ns}source/{sid}") for sid in source_ids},
    )


def data_files(settings: Settings) -> list[GraphFile]:
    """Every file that makes up the asserted graphs, in a stable order."""
    names = graph_names(settings)
    files = [GraphFile(p, names.ontology, FileKind.ONTOLOGY) for p in sorted(settings.ontology_dir.glob("kg.ttl"))]
    files += [
        GraphFile(p, names.reference, FileKind.REFERENCE)
        for p in sorted((settings.data_dir / "reference").glob("*.ttl"))
    ]
    files += [
        GraphFile(settings.data_dir / "sources" / f"{sid}.ttl", iri, FileKind.SOURCE)
        for sid, iri in names.sources.items()
    ]
    if not files:
        raise DataError(f"No data files found under {settings.ontology_dir} and {settings.data_dir}.")
    return files


def _parse_error(path: Path, exc: Exception) -> DataError:
    if isinstance(exc, BadSyntax):
        # rdflib miscounts lines after a string with escaped quotes; count them in the text up to the error.
        text, at = getattr(exc, "_str", None), getattr(exc, "_i", None)
        line = text.count(b"\n", 0, at) + 1 if isinstance(text, bytes) and isinstance(at, int) else exc.lines + 1
        return DataError(f"{path}:{line}: Turtle syntax error: {exc._why}")
    return DataError(f"{path}: cannot be parsed: {exc}")


def parse_file(path: Path, settings: Settings) -> Graph:
    """One Turtle file parsed against the base IRI; errors name file and line."""
    graph = Graph()
    try:
        graph.parse(path, format="turtle", publicID=settings.base_iri)
    except FileNotFoundError as exc:
        raise DataError(f"{path}: file not found") from exc
    except Exception as exc:  # rdflib raises several types for bad syntax
        raise _parse_error(path, exc) from exc
    return graph


def new_dataset(settings: Settings) -> Dataset:
    dataset = Dataset(default_union=True)
    for prefix, iri in prefixes(settings).items():
        dataset.bind(prefix, iri, override=True, replace=True)
    return dataset


def load_asserted(settings: Settings) -> tuple[Dataset, list[EvidenceProblem]]:
    """All asserted graphs with a statement node per statement (kg.build.evidence), and what lacks evidence.

    A file that cannot be parsed is a DataError: nothing half-loads.
    """
    parsed = [(f, parse_file(f.path, settings)) for f in data_files(settings)]
    dataset = new_dataset(settings)
    problems: list[EvidenceProblem] = []
    for graph_file, graph in parsed:
        statements, found = expand_file(graph, graph_file.path, graph_file.kind, settings)
        problems += found
        target = dataset.graph(graph_file.graph)
        add_all(target, graph)
        add_all(target, statements)
    return dataset, problems


def apply_rules(dataset: Dataset, settings: Settings) -> Graph:
    """Derive into graph/inferred, each derived statement with its justification (kg.build.rules)."""
    names = graph_names(settings)
    return rules.apply_rules(dataset, names.asserted, names.inferred, settings)


def build_with_problems(settings: Settings) -> tuple[Dataset, list[EvidenceProblem]]:
    """The full dataset, and every asserted statement that no evidence supports (file, subject, predicate)."""
    dataset, problems = load_asserted(settings)
    apply_rules(dataset, settings)
    return dataset, problems


def build(settings: Settings) -> Dataset:
    """The full dataset: asserted graphs plus the derived graph."""
    return build_with_problems(settings)[0]


def union_graph(dataset: Dataset) -> Graph:
    """All triples of all graphs in one plain graph (what SHACL validates)."""
    graph = Graph()
    for prefix, namespace in dataset.namespaces():
        graph.bind(prefix, namespace, override=True)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def to_nquads(dataset: Dataset) -> bytes:
    """The dataset as N-Quads, the form stores and worker processes load."""
    data = dataset.serialize(format="nquads", encoding="utf-8")
    return data


def to_union_nquads(dataset: Dataset) -> bytes:
    """N-Quads with the named graphs plus their merge as the default graph.

    Oxigraph's union-default-graph option yields a solution per quad, so a
    triple stated by two sources would come back twice; a materialised merge
    gives the set semantics of an RDF merge. The merge is made from the N-Quads
    lines themselves (a quad less its graph name is a triple; blank-node labels
    are the dataset's own), which is several times faster than an rdflib merge.
    """
    if len(dataset.default_graph):  # a line without a graph name would lose its object below
        raise DataError("the dataset's default graph must be empty: every triple belongs to a named graph")
    quads = to_nquads(dataset)
    merged: dict[bytes, None] = {}
    for line in quads.splitlines():
        if line.endswith(b"> ."):
            merged.setdefault(line.rsplit(b" ", 2)[0] + b" .", None)
    return quads + b"\n".join(merged) + b"\n"


def select_graphs(dataset: Dataset, settings: Settings, which: str) -> Dataset:
    """A dataset with only the asserted graphs, only the inferred graph, or all."""
    names = graph_names(settings)
    wanted = {"asserted": names.asserted, "inferred": [names.inferred], "all": names.all}.get(which)
    if wanted is None:
        raise DataError(f"unknown graph selection {which!r}: expected asserted, inferred or all")
    selected = new_dataset(settings)
    for iri in wanted:
        target = selected.graph(iri)
        for triple in dataset.graph(iri):
            target.add(triple)
    return selected


def source_version(settings: Settings) -> str:
    """A stable fingerprint of everything a validated build depends on (blank node ids vary between builds).

    The data, the rules, the shapes and the source texts the quotes are checked
    against: a change to any of them means validating again.
    """
    digest = hashlib.sha256(settings.base_iri.encode())
    seeds = sorted(settings.seeds_dir.glob("*.txt")) if settings.seeds_dir.is_dir() else []
    shapes = [settings.shapes_file] if settings.shapes_file.exists() else []
    for path in [*(f.path for f in data_files(settings)), *rules.rule_files(settings), *shapes, *seeds]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
