"""Evidence per statement: every asserted triple gets an ``rdf:Statement`` node saying what supports it.

Curators write a fact and its quotes once, in plain Turtle (docs/DATA.md): a
subject's ``prov:wasDerivedFrom`` quotes support its statements in that file;
with more than one quote, each says which with ``kg:supports``. This module
expands a parsed file into what the dataset holds: the plain ("truthy")
triples stay for simple SPARQL, and beside each one a statement node in the
same named graph,

    <{base}statement/{hash}> a rdf:Statement ;
        rdf:subject s ; rdf:predicate p ; rdf:object o ;
        prov:wasDerivedFrom <the kg:Evidence that supports it> .

Reference files and the ontology have their own provenance: their statements
derive from the file's ``kg:ReferenceList`` (ISO codes, the UN SDG texts,
NORMLEX ...) or from the ontology, unless a quote supports them. The
statement IRI depends only on the triple, so a triple two documents state is
one statement with evidence in two graphs, and derivations (kg.build.rules) point
at premises by the same IRIs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF
from rdflib.term import Node

from kg.config import Settings

Triple = tuple[Node, Node, Node]


class FileKind(Enum):
    """What a data file is, which decides where its statements' provenance comes from."""

    SOURCE = "source"
    REFERENCE = "reference"
    ONTOLOGY = "ontology"


@dataclass(frozen=True)
class EvidenceProblem:
    """A statement no quote supports, or a ``kg:supports`` that names nothing: file, subject, predicate."""

    file: str
    subject: str
    predicate: str
    object: str
    reason: str

    def __str__(self) -> str:
        statement = " ".join(part for part in (self.subject, self.predicate, self.object) if part)
        return f"{self.file}: {statement}: {self.reason}"


def statement_ns(settings: Settings) -> str:
    return settings.base_iri + "statement/"


def _canonical(node: Node, graph: Graph, depth: int = 0) -> str:
    """A text that is the same for equal terms, blank-node values (amounts) compared by content."""
    if isinstance(node, BNode):
        if depth > 4:
            return "[...]"
        parts = sorted(f"{p.n3()} {_canonical(o, graph, depth + 1)}" for p, o in graph.predicate_objects(node))
        return "[" + " ; ".join(parts) + "]"
    return node.n3()


def statement_iri(settings: Settings, triple: Triple, graph: Graph | None = None) -> URIRef:
    """The statement's IRI: a hash of the triple (blank-node objects by their content)."""
    s, p, o = triple
    key = f"{s.n3()} {p.n3()} {_canonical(o, graph) if graph is not None else o.n3()}"
    return URIRef(statement_ns(settings) + hashlib.sha256(key.encode()).hexdigest()[:16])


def statement_node(iri: URIRef, triple: Triple) -> list[Triple]:
    s, p, o = triple
    return [(iri, RDF.type, RDF.Statement), (iri, RDF.subject, s), (iri, RDF.predicate, p), (iri, RDF.object, o)]


class FileExpansion:
    """One parsed data file: its statements, who supports each, and what is wrong."""

    def __init__(self, graph: Graph, path: Path, kind: FileKind, settings: Settings) -> None:
        self.graph = graph
        self.file = _display(path)
        self.kind = kind
        self.settings = settings
        self.kg = settings.ontology_ns
        self.evidence_class = URIRef(self.kg + "Evidence")
        self.supports = URIRef(self.kg + "supports")
        self.note = URIRef(self.kg + "note")
        self.problems: list[EvidenceProblem] = []
        self.evidence_nodes = set(graph.subjects(RDF.type, self.evidence_class))
        self.patterns: set[Node] = set()

    def _problem(self, s: Node, p: Node | None, o: Node | None, reason: str) -> None:
        short = self._short
        self.problems.append(
            EvidenceProblem(self.file, short(s), short(p) if p is not None else "", short(o) if o else "", reason)
        )

    def _short(self, node: Node) -> str:
        if isinstance(node, URIRef):
            try:
                return self.graph.namespace_manager.normalizeUri(node)
            except Exception:
                return node.n3()
        if isinstance(node, BNode):
            return "[...]"
        if isinstance(node, Literal):
            text = str(node)
            return '"' + (text if len(text) <= 40 else text[:37] + "...") + '"'
        return str(node)

    def _is_statement(self, s: Node, p: Node, o: Node) -> bool:
        """Triples that are facts, as opposed to the provenance around them."""
        if not isinstance(s, URIRef) or s in self.evidence_nodes:
            return False
        if p in (self.note, self.supports):
            return False
        return not (p == PROV.wasDerivedFrom and o in self.evidence_nodes)

    def statements_by_subject(self) -> dict[URIRef, list[Triple]]:
        by_subject: dict[URIRef, list[Triple]] = {}
        for s, p, o in self.graph:
            if self._is_statement(s, p, o):
                by_subject.setdefault(s, []).append((s, p, o))  # type: ignore[arg-type]
        return by_subject

    def _quotes_of(self, subject: URIRef) -> list[Node]:
        return [e for e in self.graph.objects(subject, PROV.wasDerivedFrom) if e in self.evidence_nodes]

    def _supported(self, subject: URIRef, statements: list[Triple]) -> dict[Triple, list[Node]]:
        """Which quotes support which of the subject's statements, by the curation rules."""
        support: dict[Triple, list[Node]] = {t: [] for t in statements}
        quotes = self._quotes_of(subject)
        told = [q for q in quotes if (q, self.supports, None) in self.graph]
        if len(quotes) == 1 and not told:
            for t in statements:
                support[t].append(quotes[0])
            return support
        if len(quotes) > 1 and len(told) < len(quotes):
            self._problem(
                subject,
                None,
                None,
                f"has {len(quotes)} quotes in this file, {len(quotes) - len(told)} without kg:supports: "
                "say with kg:supports which of its statements each quote supports",
            )
        for quote in told:
            for named in self.graph.objects(quote, self.supports):
                if isinstance(named, BNode):
                    self.patterns.add(named)
                    pairs = list(self.graph.predicate_objects(named))
                    for p, o in pairs:
                        if (subject, p, o) in support:
                            support[(subject, p, o)].append(quote)
                        else:
                            self._problem(subject, p, o, "kg:supports names a statement the subject does not make here")
                    if not pairs:
                        self._problem(subject, self.supports, None, "kg:supports [ ] names no statement")
                elif isinstance(named, URIRef):
                    matched = [t for t in statements if t[1] == named]
                    for t in matched:
                        support[t].append(quote)
                    if not matched:
                        self._problem(
                            subject, named, None, "kg:supports names a property the subject has no value for here"
                        )
                else:
                    self._problem(subject, self.supports, named, "kg:supports takes a property or [ property value ]")
        return support

    def _file_provenance(self) -> Node | None:
        if self.kind is FileKind.ONTOLOGY:
            ontologies = list(self.graph.subjects(RDF.type, OWL.Ontology))
            return ontologies[0] if ontologies else None
        lists = list(self.graph.subjects(RDF.type, URIRef(self.kg + "ReferenceList")))
        if len(lists) != 1:
            self.problems.append(
                EvidenceProblem(
                    self.file, "", "", "", f"a reference file declares exactly one kg:ReferenceList, found {len(lists)}"
                )
            )
            return None
        return lists[0]

    def expand(self) -> list[Triple]:
        """The statement nodes to add to the file's graph; removes the ``kg:supports`` shorthand from it."""
        fallback = None if self.kind is FileKind.SOURCE else self._file_provenance()
        added: list[Triple] = []
        for subject, statements in sorted(self.statements_by_subject().items(), key=lambda item: item[0].n3()):
            has_quotes = bool(self._quotes_of(subject))
            support = self._supported(subject, statements) if has_quotes or self.kind is FileKind.SOURCE else {}
            for triple in sorted(statements, key=lambda t: (t[1].n3(), t[2].n3())):
                iri = statement_iri(self.settings, triple, self.graph)
                added += statement_node(iri, triple)
                quotes = support.get(triple, [])
                if quotes:
                    added += [(iri, PROV.wasDerivedFrom, q) for q in quotes]
                elif fallback is not None and self.kind is not FileKind.SOURCE:
                    added.append((iri, PROV.wasDerivedFrom, fallback))
                else:
                    self._problem(*triple, reason="no quote supports this statement")
        self._drop_shorthand()
        return added

    def _drop_shorthand(self) -> None:
        for triple in list(self.graph.triples((None, self.supports, None))):
            self.graph.remove(triple)
        for pattern in self.patterns:
            self.graph.remove((pattern, None, None))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def expand_file(
    graph: Graph, path: Path, kind: FileKind, settings: Settings
) -> tuple[list[Triple], list[EvidenceProblem]]:
    """Statement nodes for every statement of one parsed file, and the problems found."""
    expansion = FileExpansion(graph, path, kind, settings)
    added = expansion.expand()
    return added, expansion.problems


def add_all(graph: Graph, triples: Iterable[Triple]) -> None:
    for triple in triples:
        graph.add(triple)
