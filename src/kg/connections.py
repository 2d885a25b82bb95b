"""How two entities are connected: simple paths between them, each hop with its label and source.

A dedicated operation rather than one SPARQL query: SPARQL property paths
cannot return the path itself. The graph of links between entities is small
(thousands of edges), so it is indexed once at start and searched breadth-first
with bounds on hops, paths and work, which keeps every request short.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass

from rdflib import Dataset, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS

from kg.config import Settings
from kg.graph import graph_names
from kg.namespaces import SDG

#: Links that say nothing about how two entities relate.
SKIPPED = {RDF.type, PROV.wasDerivedFrom, SKOS.inScheme, RDFS.seeAlso, RDFS.isDefinedBy, OWL.sameAs}
MAX_HOPS = 4
MAX_PATHS = 50
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

    def describe_path(self, path: list[Hop]) -> dict[str, object]:
        hops = [
            {
                "subject": h.subject,
                "subjectLabel": self.label(h.subject),
                "predicate": h.predicate,
                "predicateLabel": self.predicate_label(h.predicate),
                "object": h.object,
                "objectLabel": self.label(h.object),
                "graph": h.graph,
                "source": self.sources.get(h.graph, h.graph.rsplit("/", 1)[-1]),
            }
            for h in path
        ]
        sentence = "; ".join(f"{h['subjectLabel']} — {h['predicateLabel']} → {h['objectLabel']}" for h in hops)
        return {"length": len(hops), "hops": hops, "sentence": sentence}
