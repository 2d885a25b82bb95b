"""Derivation rules that explain themselves: every derived statement says which rule made it, from what.

A rule is a SPARQL CONSTRUCT in ``ontology/rules/NN-name.rq`` with a ``#+``
header (``label``, ``description``). Its WHERE clause is a basic graph
pattern, optionally with FILTER and BIND, so that every solution names the
triples it matched: those are the premises. Rules run in rounds over the
asserted statements (the plain triples, without the provenance around them)
and what earlier rounds derived, until a round derives nothing new.

Each new triple lands in ``graph/inferred`` with its statement node and, for
every solution that produced it in the round it first appeared, a
``kg:Derivation`` (PROV-O)::

    <statement/…> a rdf:Statement ; rdf:subject … ; rdf:predicate … ; rdf:object … ;
        prov:wasGeneratedBy <derivation/…> .
    <derivation/…> a kg:Derivation ; prov:used <statement/premise-1>, <statement/premise-2> ;
        prov:qualifiedAssociation <rule/theme-sdg/association> .
    <rule/theme-sdg/association> a prov:Association ; prov:agent id:kg-build ; prov:hadPlan <rule/theme-sdg> .

Premises are statements too (kg.build.evidence gives each asserted triple its
node, with its quotes), so a derivation can be followed down to the words of
the documents; and each derived statement is ``prov:wasDerivedFrom`` the
stated statements it finally rests on, for queries that need its grounds in
one hop. Recording only the round in which a statement first appears
keeps justifications well-founded: a premise was always there before its
conclusion, so no statement is ever justified by itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS
from rdflib.paths import Path as PropertyPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.evaluate import evalPart
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query, QueryContext
from rdflib.term import Node

from kg.build.evidence import Triple, statement_iri, statement_node
from kg.config import PROJECT_ROOT, Settings
from kg.errors import DataError
from kg.headers import read_header
from kg.terms import prefixes

MAX_ROUNDS = 12
Pattern = tuple[Node, Node, Node]

#: Algebra nodes a rule's WHERE may use: they keep every solution's matched triples visible.
_ALLOWED = {"Project", "Filter", "Extend", "Join", "BGP", "ToMultiSet"}


@dataclass(frozen=True)
class Rule:
    """One rule file: its name, words for people, and its patterns."""

    name: str
    path: Path
    label: str
    description: str
    query: Query
    premises: tuple[Pattern, ...]
    conclusions: tuple[Pattern, ...]
    #: (predicate, object or None) of every triple pattern the rule reads, FILTERs included;
    #: None when some predicate is a variable, so that any new triple may matter.
    watches: frozenset[tuple[Node, Node | None]] | None = None

    def affected_by(self, triples: set[Triple]) -> bool:
        """Whether new triples could give this rule new solutions (semi-naive evaluation)."""
        if self.watches is None:
            return True
        return any((p, o) in self.watches or (p, None) in self.watches for _s, p, o in triples)

    def iri(self, settings: Settings) -> URIRef:
        return URIRef(f"{settings.base_iri}rule/{self.name}")

    def association(self, settings: Settings) -> URIRef:
        return URIRef(f"{settings.base_iri}rule/{self.name}/association")


def rule_name(path: Path) -> str:
    """``50-theme-sdg.rq`` -> ``theme-sdg``: the order prefix is for the file listing only."""
    stem = path.stem
    head, _, rest = stem.partition("-")
    return rest if head.isdigit() and rest else stem


def _patterns(node: object, path: Path) -> list[Pattern]:
    if not isinstance(node, CompValue):
        raise DataError(f"{path}: unexpected part of a rule's WHERE clause: {node!r}")
    if node.name not in _ALLOWED:
        raise DataError(
            f"{path}: a rule's WHERE may only use triple patterns, FILTER and BIND (found {node.name}), "
            "so that each solution names the premises it matched"
        )
    if node.name == "BGP":
        triples = [tuple(t) for t in node["triples"]]
        for t in triples:
            if isinstance(t[1], PropertyPath):
                raise DataError(f"{path}: property paths hide the premises; write one step (the rounds repeat it)")
        return triples  # type: ignore[return-value]
    if node.name == "Join":
        return _patterns(node["p1"], path) + _patterns(node["p2"], path)
    return _patterns(node["p"], path)


def _predicates(term: object) -> list[URIRef] | None:
    """The IRIs a predicate position can match: itself, or every IRI in a property path; None if a variable."""
    if isinstance(term, URIRef):
        return [term]
    if isinstance(term, CompValue | list):  # a path as parsed, inside a FILTER (not translated)
        inside: list[URIRef] = []
        stack: list[object] = [term]
        while stack:
            current = stack.pop()
            if isinstance(current, URIRef):
                inside.append(current)
            elif isinstance(current, Variable):
                return None
            elif isinstance(current, CompValue):
                stack.extend(current.values())
            elif isinstance(current, list | tuple):
                stack.extend(current)
        return inside or None
    parts = getattr(term, "args", None) or ([term.path] if hasattr(term, "path") else None)  # type: ignore[attr-defined]
    if parts is None and hasattr(term, "arg"):
        parts = [term.arg]  # type: ignore[attr-defined]
    if not parts:
        return None
    out: list[URIRef] = []
    for part in parts:
        found = _predicates(part)
        if found is None:
            return None
        out += found
    return out


def _watches(node: object) -> frozenset[tuple[Node, Node | None]] | None:
    """The predicates (with a constant rdf:type class) of every triple pattern in a query's algebra."""
    found: set[tuple[Node, Node | None]] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, CompValue | dict):
            for key, value in current.items():
                if key == "triples" and isinstance(value, list):
                    for pattern in value:
                        # a triples block inside a FILTER is flat: s p o s p o ...
                        terms = list(pattern)
                        for p, o in zip(terms[1::3], terms[2::3], strict=False):
                            predicates = _predicates(p)
                            if predicates is None:
                                return None
                            for predicate in predicates:
                                found.add((predicate, o if predicate == RDF.type and isinstance(o, URIRef) else None))
                else:
                    stack.append(value)
        elif isinstance(current, list | tuple):
            stack.extend(current)
    return frozenset(found)


def load_rule(path: Path, settings: Settings) -> Rule:
    text = path.read_text(encoding="utf-8")
    header = read_header(text, path)
    for key in ("label", "description"):
        if not str(header.get(key, "")).strip():
            raise DataError(f"{path}: the rule's #+ header needs a {key}")
    try:
        query = prepareQuery(text, initNs=prefixes(settings))
    except Exception as exc:
        raise DataError(f"{path}: rule does not parse: {exc}") from exc
    if query.algebra.name != "ConstructQuery":
        raise DataError(f"{path}: a rule is a CONSTRUCT query")
    return Rule(
        name=rule_name(path),
        path=path,
        label=str(header["label"]).strip(),
        description=" ".join(str(header["description"]).split()),
        query=query,
        premises=tuple(_patterns(query.algebra["p"], path)),
        conclusions=tuple(tuple(t) for t in query.algebra["template"]),  # type: ignore[misc]
        watches=_watches(query.algebra["p"]),
    )


def rule_files(settings: Settings) -> list[Path]:
    return sorted(settings.rules_dir.glob("*.rq"))


def load_rules(settings: Settings) -> list[Rule]:
    rules = [load_rule(p, settings) for p in rule_files(settings)]
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise DataError(f"{settings.rules_dir}: two rule files share a name: {sorted(names)}")
    return rules


def _fill(pattern: Pattern, solution: dict[Variable, Node]) -> Triple | None:
    filled = tuple(solution.get(term) if isinstance(term, Variable) else term for term in pattern)
    return None if any(t is None for t in filled) else filled  # type: ignore[return-value]


def solutions(rule: Rule, graph: Graph) -> Iterator[tuple[list[Triple], list[Triple]]]:
    """Each solution of the rule over ``graph``: (premises matched, conclusions made)."""
    ctx = QueryContext(graph)
    ctx.prologue = rule.query.prologue
    for solution in evalPart(ctx, rule.query.algebra["p"]):
        bound = {v: solution.get(v) for v in solution}  # type: ignore[union-attr]
        premises = [t for t in (_fill(p, bound) for p in rule.premises) if t is not None]
        conclusions = [t for t in (_fill(c, bound) for c in rule.conclusions) if t is not None]
        yield premises, conclusions


def truthy(dataset: Dataset, graphs: list[URIRef], settings: Settings) -> Graph:
    """The plain statements of the asserted graphs: what rules reason over.

    Statement nodes, quotes and the links to them, notes and blank-node
    details stay out, so that rules derive facts about entities only.
    """
    statement_prefix = settings.base_iri + "statement/"
    note = URIRef(settings.ontology_ns + "note")
    work = Graph()
    for iri in graphs:
        for s, p, o in dataset.graph(iri):
            if not isinstance(s, URIRef) or str(s).startswith(statement_prefix):
                continue
            if p in (PROV.wasDerivedFrom, note):
                continue
            work.add((s, p, o))
    return work


def _derivation_iri(settings: Settings, rule: Rule, premises: list[URIRef]) -> URIRef:
    key = rule.name + " " + " ".join(sorted(premises))
    return URIRef(f"{settings.base_iri}derivation/{hashlib.sha256(key.encode()).hexdigest()[:16]}")


def describe_rules(rules: list[Rule], settings: Settings) -> list[Triple]:
    """The rules as resources: label, description, file; the build as the agent that applies them."""
    agent = URIRef(settings.id_ns + "kg-build")
    out: list[Triple] = [
        (agent, RDF.type, PROV.SoftwareAgent),
        (agent, RDFS.label, Literal("kg build (the project's derivation rules)", lang="en")),
    ]
    rule_class = URIRef(settings.ontology_ns + "Rule")
    rule_file = URIRef(settings.ontology_ns + "ruleFile")
    for rule in rules:
        iri, association = rule.iri(settings), rule.association(settings)
        try:
            shown = str(rule.path.resolve().relative_to(PROJECT_ROOT))
        except ValueError:
            shown = rule.path.name
        out += [
            (iri, RDF.type, rule_class),
            (iri, RDF.type, PROV.Plan),
            (iri, RDFS.label, Literal(rule.label, lang="en")),
            (iri, DCTERMS.description, Literal(rule.description, lang="en")),
            (iri, rule_file, Literal(shown)),
            (association, RDF.type, PROV.Association),
            (association, PROV.agent, agent),
            (association, PROV.hadPlan, iri),
        ]
    return out


def _link_grounds(inferred: Graph, premises_of: dict[URIRef, set[URIRef]]) -> None:
    """``prov:wasDerivedFrom`` from each derived statement to the stated statements it finally rests on.

    The derivations say how, one step at a time; this says from what, in one
    hop, so that a query can name a derived link's grounds (a project's theme,
    a source's SDG link) without walking the chain.
    """
    grounds: dict[URIRef, set[URIRef]] = {}

    def of(statement: URIRef) -> set[URIRef]:
        if statement not in grounds:
            grounds[statement] = set()  # premises come from earlier rounds: no cycles, but be safe
            found: set[URIRef] = set()
            for premise in premises_of[statement]:
                found |= of(premise) if premise in premises_of else {premise}
            grounds[statement] = found
        return grounds[statement]

    for statement in premises_of:
        for ground in of(statement):
            inferred.add((statement, PROV.wasDerivedFrom, ground))


def apply_rules(dataset: Dataset, asserted: list[URIRef], inferred_iri: URIRef, settings: Settings) -> Graph:
    """Derive to a fixpoint; write conclusions, their statement nodes and derivations to ``inferred_iri``."""
    rules = load_rules(settings)
    work = truthy(dataset, asserted, settings)
    inferred = dataset.graph(inferred_iri)
    derivation_class = URIRef(settings.ontology_ns + "Derivation")
    for triple in describe_rules(rules, settings):
        inferred.add(triple)
    premises_of: dict[URIRef, set[URIRef]] = {}  # derived statement -> the premises of all its derivations
    fresh: set[Triple] | None = None  # what the last round added; None before the first round
    for _ in range(MAX_ROUNDS):
        new: dict[Triple, list[tuple[Rule, list[Triple]]]] = {}
        for rule in rules:
            if fresh is not None and not rule.affected_by(fresh):
                continue  # nothing it reads changed: it would find only what it found before
            try:
                for premises, conclusions in solutions(rule, work):
                    for conclusion in conclusions:
                        if isinstance(conclusion[0], BNode) or isinstance(conclusion[2], BNode):
                            continue
                        if conclusion not in work:
                            new.setdefault(conclusion, []).append((rule, premises))
            except DataError:
                raise
            except Exception as exc:
                raise DataError(f"{rule.path}: rule failed: {exc}") from exc
        if not new:
            _link_grounds(inferred, premises_of)
            return inferred
        fresh = set(new)
        for conclusion, justifications in new.items():
            work.add(conclusion)
            inferred.add(conclusion)
            statement = statement_iri(settings, conclusion)
            for triple in statement_node(statement, conclusion):
                inferred.add(triple)
            for rule, premises in justifications:
                premise_iris = [statement_iri(settings, p, dataset) for p in premises]
                derivation = _derivation_iri(settings, rule, premise_iris)
                inferred.add((statement, PROV.wasGeneratedBy, derivation))
                inferred.add((derivation, RDF.type, derivation_class))
                inferred.add((derivation, PROV.qualifiedAssociation, rule.association(settings)))
                for premise in premise_iris:
                    inferred.add((derivation, PROV.used, premise))
                premises_of.setdefault(statement, set()).update(premise_iris)
    raise DataError(f"the rules in {settings.rules_dir} did not reach a fixpoint in {MAX_ROUNDS} rounds")
