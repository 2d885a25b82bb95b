"""How two entities are connected: simple paths between them, each hop with its label and source.

A dedicated operation rather than one SPARQL query: SPARQL property paths
cannot return the path itself. The graph of links between entities is small
(thousands of edges), so it is indexed once at start and searched breadth-first
with bounds on hops, paths and work, which keeps every request short. A hop
that a rule derived says which rule, from which premises (kg.build.rules), and
links to its statement for the whole chain down to the quotes.
"""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Dataset, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS

from kg.build.evidence import statement_iri
from kg.build.graph import graph_names
from kg.config import Settings
from kg.terms import SDG, local_name

if TYPE_CHECKING:
    from kg.service import Service

#: Links that say nothing about how two entities relate.
SKIPPED = {RDF.type, PROV.wasDerivedFrom, SKOS.inScheme, RDFS.seeAlso, RDFS.isDefinedBy, OWL.sameAs}
#: What a request that names no hops or path count gets (the limits are Settings.max_hops, max_paths).
DEFAULT_HOPS = 3
DEFAULT_PATHS = 20
#: A walk stops after this many expansions, whatever the limits: the work of one request stays bounded.
MAX_EXPANSIONS = 200_000


@dataclass(frozen=True)
class Hop:
    """One statement on a path, read in the direction it was stated."""

    subject: str
    predicate: str
    object: str
    graph: str


@dataclass(frozen=True)
class Edge:
    neighbour: URIRef
    hop: Hop


class ConnectionIndex:
    """Adjacency of entity-to-entity statements, both directions, with their graphs."""

    def __init__(self, dataset: Dataset, settings: Settings) -> None:
        names = graph_names(settings)
        self.dataset = dataset
        self.settings = settings
        self.inferred = str(names.inferred)
        self.id_ns = settings.id_ns
        self.labels: dict[str, str] = {}
        self.predicate_labels: dict[str, str] = {}
        self.sources: dict[str, str] = {}
        self.adjacency: dict[URIRef, list[Edge]] = defaultdict(list)
        wanted = [*names.sources.values(), names.reference, names.inferred]
        seen: set[tuple[URIRef, URIRef, URIRef]] = set()
        for graph_iri in wanted:
            for s, p, o in dataset.graph(graph_iri):
                if p in SKIPPED or not (self._is_entity(s) and self._is_entity(o)) or s == o:
                    continue
                if (s, p, o) in seen:  # keep the first (asserted) graph that states it
                    continue
                seen.add((s, p, o))  # type: ignore[arg-type]
                hop = Hop(str(s), str(p), str(o), str(graph_iri))
                self.adjacency[s].append(Edge(o, hop))  # type: ignore[index,arg-type]
                self.adjacency[o].append(Edge(s, hop))  # type: ignore[index,arg-type]
        for s, label in dataset.subject_objects(SKOS.prefLabel):
            self.labels.setdefault(str(s), str(label))
        for p, label in dataset.graph(names.ontology).subject_objects(RDFS.label):
            self.predicate_labels[str(p)] = str(label)
        for sid, iri in names.sources.items():
            title = dataset.value(URIRef(f"{settings.id_ns}source-{sid}"), SKOS.prefLabel)
            self.sources[str(iri)] = str(title) if title else sid

    def _is_entity(self, node: object) -> bool:
        return isinstance(node, URIRef) and (str(node).startswith(self.id_ns) or str(node).startswith(str(SDG)))

    def __contains__(self, node: URIRef) -> bool:
        return node in self.adjacency

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or iri.rsplit("/", 1)[-1]

    def predicate_label(self, iri: str) -> str:
        return self.predicate_labels.get(iri) or iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    def paths(self, start: URIRef, end: URIRef, max_hops: int = 3, max_paths: int = 20) -> list[list[Hop]]:
        """Shortest-first simple paths from start to end, at most ``max_hops`` long."""
        found: list[list[Hop]] = []
        queue: deque[tuple[URIRef, list[Hop], frozenset[URIRef]]] = deque([(start, [], frozenset([start]))])
        expansions = 0
        while queue and len(found) < max_paths and expansions < MAX_EXPANSIONS:
            node, path, visited = queue.popleft()
            for edge in self.adjacency.get(node, ()):
                expansions += 1
                if edge.neighbour in visited:
                    continue
                step = [*path, edge.hop]
                if edge.neighbour == end:
                    found.append(step)
                    if len(found) >= max_paths:
                        break
                elif len(step) < max_hops:
                    queue.append((edge.neighbour, step, visited | {edge.neighbour}))
        return found

    def term_label(self, term: object, more: dict[str, str] | None = None) -> str:
        text = str(term)
        if isinstance(term, URIRef) and term == RDF.type:
            return "is a"
        return (more or {}).get(text) or self.labels.get(text) or self.predicate_labels.get(text) or local_name(text)

    def _premises(self, hop: Hop) -> tuple[URIRef, list[tuple[URIRef | None, list[tuple[object, object, object]]]]]:
        """A derived hop's statement and, per derivation, its rule and its premises as triples."""
        triple = (URIRef(hop.subject), URIRef(hop.predicate), URIRef(hop.object))
        statement = statement_iri(self.settings, triple)
        out = []
        for derivation in self.dataset.objects(statement, PROV.wasGeneratedBy):
            association = self.dataset.value(derivation, PROV.qualifiedAssociation)
            rule = self.dataset.value(association, PROV.hadPlan) if association is not None else None
            premises = [
                tuple(self.dataset.value(premise, x) for x in (RDF.subject, RDF.predicate, RDF.object))
                for premise in sorted(self.dataset.objects(derivation, PROV.used), key=str)
            ]
            out.append((rule, premises))
        return statement, out  # type: ignore[return-value]

    def unlabelled(self, paths: list[list[Hop]]) -> set[str]:
        """Entities on these paths (and in their derived hops' premises) that have no name: fact nodes."""
        found: set[str] = set()
        for path in paths:
            for hop in path:
                found |= {hop.subject, hop.object}
                if hop.graph == self.inferred:
                    for _rule, premises in self._premises(hop)[1]:
                        found |= {str(x) for s, _p, o in premises for x in (s, o) if isinstance(x, URIRef)}
        return {iri for iri in found if iri.startswith(self.id_ns) and iri not in self.labels}

    def derivations(self, hop: Hop, more: dict[str, str] | None = None) -> tuple[str, list[dict[str, object]]]:
        """For a derived hop: its statement IRI and, per derivation, the rule and the premises in words."""
        statement, found = self._premises(hop)
        out: list[dict[str, object]] = []
        for rule, premises in found:
            words = [
                f"{self.term_label(s, more)} — {self.term_label(p, more)} → {self.term_label(o, more)}"
                for s, p, o in premises
            ]
            out.append(
                {
                    "rule": str(rule) if rule is not None else None,
                    "ruleLabel": str(self.dataset.value(rule, RDFS.label)) if isinstance(rule, URIRef) else "",
                    "premises": words,
                }
            )
        return str(statement), out

    def describe_path(self, path: list[Hop], more: dict[str, str] | None = None) -> dict[str, object]:
        hops: list[dict[str, object]] = []
        words = []
        for h in path:
            hop: dict[str, object] = {
                "subject": h.subject,
                "subjectLabel": (more or {}).get(h.subject) or self.label(h.subject),
                "predicate": h.predicate,
                "predicateLabel": self.predicate_label(h.predicate),
                "object": h.object,
                "objectLabel": (more or {}).get(h.object) or self.label(h.object),
                "graph": h.graph,
                "source": self.sources.get(h.graph, h.graph.rsplit("/", 1)[-1]),
            }
            said = f"{hop['subjectLabel']} — {hop['predicateLabel']} → {hop['objectLabel']}"
            if h.graph == self.inferred:
                hop["statement"], hop["derivations"] = self.derivations(h, more)
                whys = [
                    f"derived by rule “{d['ruleLabel']}” from: " + " and ".join(d["premises"])  # type: ignore[arg-type]
                    for d in hop["derivations"]  # type: ignore[attr-defined]
                ]
                if whys:
                    said += " (" + "; or ".join(whys) + ")"
            hops.append(hop)
            words.append(said)
        return {"length": len(hops), "hops": hops, "sentence": "; ".join(words)}


_INDEXES: weakref.WeakKeyDictionary[Service, ConnectionIndex] = weakref.WeakKeyDictionary()
_BUILDING = threading.Lock()


def connection_index(service: Service) -> ConnectionIndex | None:
    """The service's index, built on first use; None on a prebuilt dataset (no rdflib copy)."""
    with _BUILDING:
        if service not in _INDEXES:
            dataset = service.dataset
            if dataset is None:
                return None
            _INDEXES[service] = ConnectionIndex(dataset, service.settings)
        return _INDEXES[service]
