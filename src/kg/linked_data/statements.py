"""Statements with their evidence and justifications: what GET /statements answers, in data and in words.

A statement is stated (a source, reference or ontology graph describes it,
with the quotes that support it) or derived (graph/inferred describes it,
with the rule and premises of each derivation). A derived statement's
premises are statements too, explained the same way, down to the quotes:
"Project X contributes to Target 8.7, derived by rule *theme serves target*
from: Project X theme Forced labour (source 000: "...") and Forced labour
serves Target 8.7 (the UN text of target 8.7: "...")".

Lookups are batched: one query per level of the explanation, whatever the
number of statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Identifier

from kg.linked_data.facts import fact_labels
from kg.results import QueryResult
from kg.rq import internal_query
from kg.store.binding import bind_many
from kg.terms import humanise, json_value, local_name

if TYPE_CHECKING:
    from kg.service import Service

MAX_DEPTH = 6
BATCH = 400


@dataclass
class Evidence:
    """One thing that supports a statement in one graph: a quote, a reference list or the ontology."""

    graph: str
    kind: str
    source: str = ""
    source_label: str = ""
    source_date: str = ""
    quote: str = ""
    authority: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"graph": self.graph, "kind": self.kind}
        if self.kind == "quote":
            out |= {"source": self.source, "sourceTitle": self.source_label, "quote": self.quote}
            if self.source_date:
                out["sourceDate"] = self.source_date
        else:
            out |= {"support": self.source, "label": self.source_label}
            if self.authority:
                out["authority"] = self.authority
        return out


@dataclass
class Justification:
    """One derivation of a statement: the rule and the premises it used."""

    derivation: str
    rule: str
    rule_label: str
    rule_description: str
    rule_file: str
    premises: list[Statement] = field(default_factory=list)


@dataclass
class Statement:
    """A triple as the dataset describes it: where, stated or derived, and why."""

    iri: str
    subject: Identifier
    predicate: Identifier
    object: Identifier
    value: dict[str, Identifier] = field(default_factory=dict)  # a blank-node object's properties
    graphs: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    justifications: list[Justification] = field(default_factory=list)

    derived: bool = False

    @property
    def status(self) -> str:
        return "derived" if self.derived or self.justifications else "stated"


class Explainer:
    """Fetches evidence, derivations and labels for statements through the service's query path."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.inferred = str(service.names.inferred)
        self.labels: dict[str, str] = {}
        self.short: dict[str, str] = {}

    def _run(self, name: str, variable: str, terms: list[Identifier]) -> list[dict[str, Identifier]]:
        rows: list[dict[str, Identifier]] = []
        for start in range(0, len(terms), BATCH):
            chunk = terms[start : start + BATCH]
            result: QueryResult = self.service.query(bind_many(internal_query(name), variable, chunk))
            rows += result.records()
        return rows

    def find(
        self,
        subject: URIRef | None,
        predicate: URIRef | None,
        obj: URIRef | None,
        limit: int,
        statement: URIRef | None = None,
    ) -> tuple[list[Statement], bool]:
        """Statements matching the pattern (None = any), at most ``limit``; and whether there were more."""
        given = (("subject", subject), ("predicate", predicate), ("object", obj), ("statement", statement))
        bindings: dict[str, Identifier] = {k: v for k, v in given if v is not None}
        result = self.service.query(internal_query("statements-find"), bindings=bindings)
        found: dict[str, Statement] = {}
        for row in result.records():
            iri = str(row["statement"])
            if iri not in found:
                if len(found) >= limit:
                    return list(found.values()), True
                found[iri] = Statement(iri, row["subject"], row["predicate"], row["object"])
            item = found[iri]
            graph = str(row["g"])
            if graph not in item.graphs:
                item.graphs.append(graph)
            item.derived = item.derived or graph == self.inferred
            if "valueProperty" in row:
                item.value[str(row["valueProperty"])] = row["value"]
        return list(found.values()), result.truncated

    def explain(self, statements: list[Statement], depth: int = MAX_DEPTH) -> None:
        """Fill in evidence and justifications, recursively through premises, one batch per level."""
        level = statements
        seen: dict[str, Statement] = {s.iri: s for s in statements}
        for _ in range(depth + 1):
            if not level:
                break
            self._evidence(level)
            derived = [s for s in level if self.inferred in s.graphs or not s.evidence]
            premises = self._derivations(derived, seen)
            level = premises
        self._label([s for s in seen.values()])

    def _evidence(self, statements: list[Statement]) -> None:
        by_iri = {s.iri: s for s in statements}
        for row in self._run("statement-evidence", "statement", [URIRef(i) for i in by_iri]):
            statement = by_iri[str(row["statement"])]
            graph = str(row["g"])
            if graph not in statement.graphs:
                statement.graphs.append(graph)
            kind = str(row["kind"])
            source = str(row.get("source") or row.get("support") or "")
            if isinstance(row.get("support"), BNode) and kind != "quote":
                continue
            item = next(
                (
                    e
                    for e in statement.evidence
                    if e.graph == graph
                    and e.kind == kind
                    and e.source == source
                    and e.quote == str(row.get("quote", ""))
                ),
                None,
            )
            if item is None:
                item = Evidence(
                    graph=graph,
                    kind=kind,
                    source=source,
                    source_label=str(row.get("sourceLabel", "")),
                    source_date=str(row.get("sourceDate", "")),
                    quote=str(row.get("quote", "")),
                )
                statement.evidence.append(item)
            if "authority" in row and str(row["authority"]) not in item.authority:
                item.authority.append(str(row["authority"]))

    def _derivations(self, statements: list[Statement], seen: dict[str, Statement]) -> list[Statement]:
        by_iri = {s.iri: s for s in statements}
        if not by_iri:
            return []
        new: list[Statement] = []
        for row in self._run("statement-derivations", "statement", [URIRef(i) for i in by_iri]):
            statement = by_iri[str(row["statement"])]
            statement.derived = True
            if self.inferred not in statement.graphs:
                statement.graphs.append(self.inferred)
            derivation = str(row["derivation"])
            justification = next((j for j in statement.justifications if j.derivation == derivation), None)
            if justification is None:
                justification = Justification(
                    derivation=derivation,
                    rule=str(row["rule"]),
                    rule_label=str(row["ruleLabel"]),
                    rule_description=str(row["ruleDescription"]),
                    rule_file=str(row["ruleFile"]),
                )
                statement.justifications.append(justification)
            iri = str(row["premise"])
            premise = seen.get(iri)
            if premise is None:
                premise = Statement(iri, row["premiseSubject"], row["premisePredicate"], row["premiseObject"])
                seen[iri] = premise
                new.append(premise)
            if all(p.iri != iri for p in justification.premises):
                justification.premises.append(premise)
        return new

    def _label(self, statements: list[Statement]) -> None:
        terms: set[URIRef] = set()
        for s in statements:
            terms |= {t for t in (s.subject, s.predicate, s.object) if isinstance(t, URIRef)}
            terms |= {t for t in s.value.values() if isinstance(t, URIRef)}
        wanted = sorted(t for t in terms if str(t) not in self.labels)
        best: dict[str, tuple[int, bool]] = {}
        for row in self._run("labels-of", "x", list(wanted)) if wanted else []:
            iri = str(row["x"])
            if "label" in row:
                rank = (int(row["rank"]), not _english(row["label"]))  # type: ignore[call-overload]
                if iri not in best or rank < best[iri]:
                    best[iri] = rank
                    self.labels[iri] = str(row["label"])
            if "short" in row:
                self.short.setdefault(iri, str(row["short"]))
        unnamed = [
            str(t) for t in wanted if str(t) not in self.labels and str(t).startswith(self.service.settings.id_ns)
        ]
        self.labels.update(fact_labels(self.service, unnamed))

    def label(self, term: Identifier) -> str:
        if isinstance(term, URIRef):
            if term == RDF.type:
                return "is a"
            return self.labels.get(str(term)) or humanise(local_name(str(term)))
        if isinstance(term, Literal):
            return str(term)
        return "[…]"


def _english(label: Identifier) -> bool:
    return isinstance(label, Literal) and label.language in (None, "en")


# ---------------------------------------------------------------- in words and as data


def value_words(statement: Statement, explainer: Explainer) -> str:
    """The object in words: its label, or an amount's properties ("minValue 29000000, currency USD")."""
    if statement.value:
        parts = [f"{humanise(local_name(p))} {explainer.label(v)}" for p, v in sorted(statement.value.items())]
        return "[" + ", ".join(p for p in parts if not p.startswith("type ")) + "]"
    return explainer.label(statement.object)


def sentence(statement: Statement, explainer: Explainer) -> str:
    """The statement as "subject — predicate → object", with labels."""
    subject, predicate = explainer.label(statement.subject), explainer.label(statement.predicate)
    return f"{subject} — {predicate} → {value_words(statement, explainer)}"


def source_words(evidence: Evidence) -> str:
    """Where a quote is from: "source 000", or "the UN text of Target 8.7" for an SDG target's official wording."""
    if evidence.kind == "quote":
        number = evidence.source.rsplit("-", 1)[-1]
        if number.isdigit():
            title = f"source {number}"
        else:
            title = "the UN text of " + (evidence.source_label.split(":", 1)[0] or evidence.source)
        return f'{title}: "{evidence.quote}"'
    return evidence.source_label or evidence.kind


def explanation(statement: Statement, explainer: Explainer, depth: int = 0) -> str:
    """Why the dataset holds a statement, in one paragraph of words."""
    if statement.evidence:
        return "stated (" + "; ".join(source_words(e) for e in statement.evidence) + ")"
    if not statement.justifications or depth > MAX_DEPTH:
        return "derived" if statement.justifications else "stated"
    parts = []
    for j in statement.justifications:
        premises = " and ".join(
            f"{sentence(p, explainer)} ({explanation(p, explainer, depth + 1)})" for p in j.premises
        )
        parts.append(f"derived by rule “{j.rule_label}” from: {premises}")
    return "; or ".join(parts)


def as_json(statement: Statement, explainer: Explainer, depth: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {
        "statement": statement.iri,
        "subject": _term_json(statement.subject, explainer),
        "predicate": _term_json(statement.predicate, explainer),
        "object": _term_json(statement.object, explainer),
        "sentence": sentence(statement, explainer),
        "status": statement.status,
        "graphs": statement.graphs,
        "evidence": [e.as_json() for e in statement.evidence],
    }
    if statement.value:
        out["object"]["value"] = {local_name(p): json_value(v) for p, v in sorted(statement.value.items())}
    if statement.justifications:
        out["justifications"] = [
            {
                "derivation": j.derivation,
                "rule": j.rule,
                "ruleLabel": j.rule_label,
                "ruleDescription": j.rule_description,
                "ruleFile": j.rule_file,
                "premises": [as_json(p, explainer, depth + 1) for p in j.premises] if depth < MAX_DEPTH else [],
            }
            for j in statement.justifications
        ]
    if depth == 0:
        out["explanation"] = explanation(statement, explainer)
    return out


def _term_json(term: Identifier, explainer: Explainer) -> dict[str, Any]:
    if isinstance(term, URIRef):
        return {"iri": str(term), "label": explainer.label(term)}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"value": str(term)}
        if term.language:
            out["language"] = term.language
        elif term.datatype:
            out["datatype"] = str(term.datatype)
        return out
    return {"blank": True}
