"""Hedge check: every number is exactly as hedged as the words that state it.

A figure, amount or count carries ``kg:hedge`` (exact, at least, at most,
approximately; data/reference/schemes.ttl). This check reads the quotes that
support the number and catches the two ways a value can say more than its
text: a hedged number stored as exact ("some 2.6 million" with ``id:exact``),
and a hedge the quotes do not contain (``id:at-least`` with no "over", "more
than" ... in any quote). It also checks that the hedge agrees with the value
property: ``schema:minValue`` is "at least", ``schema:maxValue`` "at most".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF
from rdflib.term import Node

from kg.config import Settings
from kg.terms import OA, SCHEMA

#: Words that hedge a number, by the hedge they express.
HEDGE_WORDS: dict[str, tuple[str, ...]] = {
    "approximately": (
        "about",
        "around",
        "some",
        "approximately",
        "approx.",
        "nearly",
        "almost",
        "roughly",
        "an estimated",
        "estimated",
        "close to",
        "circa",
    ),
    "at-least": ("over", "more than", "at least", "exceeding", "in excess of", "upwards of", "above"),
    "at-most": ("up to", "less than", "at most", "fewer than", "no more than", "a maximum of"),
}

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}
_SCALE = {"thousand": Decimal(1000), "million": Decimal(10**6), "billion": Decimal(10**9)}
_NUMBER = r"(\d[\d,]*(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")(?:\s+(thousand|million|billion))?"
_CURRENCY = r"(?:US\$|USD|EUR|€|\$)?\s*"
VALUE_PROPERTIES = (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue)


@dataclass(frozen=True)
class HedgeProblem:
    """A number whose hedge does not match its value property or its quotes."""

    node: str
    reason: str

    def __str__(self) -> str:
        return f"{self.node}: {self.reason}"


def hedged_numbers(quote: str, hedge: str) -> list[Decimal]:
    """The numbers a quote puts right after one of ``hedge``'s words ("some 2.6 million" -> 2600000)."""
    found = []
    for word in HEDGE_WORDS[hedge]:
        pattern = r"(?<![\w])" + re.escape(word) + r"\s+" + _CURRENCY + _NUMBER
        for match in re.finditer(pattern, quote, flags=re.IGNORECASE):
            found.append(_number(match.group(1), match.group(2)))
    return [n for n in found if n is not None]


def _number(digits: str, scale: str | None) -> Decimal | None:
    word = digits.lower()
    try:
        base = Decimal(_NUMBER_WORDS[word]) if word in _NUMBER_WORDS else Decimal(digits.replace(",", ""))
    except InvalidOperation:
        return None
    return base * _SCALE[scale.lower()] if scale else base


def has_hedge_word(quote: str, hedge: str) -> bool:
    return any(re.search(r"(?<![\w])" + re.escape(w) + r"(?![\w])", quote, re.IGNORECASE) for w in HEDGE_WORDS[hedge])


class HedgeCheck:
    """The check over one graph (a file with the reference data, or the whole dataset's union)."""

    def __init__(self, graph: Graph, settings: Settings) -> None:
        self.graph = graph
        self.kg = settings.ontology_ns
        self.hedge = URIRef(self.kg + "hedge")
        self.count = URIRef(self.kg + "count")
        self.id_ns = settings.id_ns

    def valued_nodes(self) -> list[Node]:
        g = self.graph
        nodes: set[Node] = set(g.objects(None, SCHEMA.amount))
        nodes |= set(g.subjects(RDF.type, URIRef(self.kg + "Figure")))
        nodes |= set(g.subjects(RDF.type, URIRef(self.kg + "RatificationCount")))
        return sorted(nodes, key=lambda n: n.n3())

    def _owner(self, node: Node) -> Node:
        """The fact a value belongs to: the node itself, or the funding whose schema:amount it is."""
        if isinstance(node, BNode):
            owner = self.graph.value(None, SCHEMA.amount, node)
            if owner is not None:
                return owner
        return node

    def quotes(self, node: Node) -> list[str]:
        """The quotes that support the number: of its value statements, else of the fact."""
        g = self.graph
        owner = self._owner(node)
        evidence: set[Node] = set()
        for st in g.subjects(RDF.subject, owner):
            if g.value(st, RDF.predicate) in (*VALUE_PROPERTIES, SCHEMA.amount, self.count):
                evidence |= set(g.objects(st, PROV.wasDerivedFrom))
        if not evidence:
            evidence = set(g.objects(owner, PROV.wasDerivedFrom))
        return [str(q) for e in evidence for sel in g.objects(e, OA.hasSelector) for q in g.objects(sel, OA.exact)]

    def values(self, node: Node) -> list[tuple[URIRef, Decimal]]:
        out = []
        for prop in (*VALUE_PROPERTIES, self.count):
            for value in self.graph.objects(node, prop):
                if isinstance(value, Literal):
                    try:
                        out.append((prop, Decimal(str(value))))
                    except InvalidOperation:
                        continue
        return out

    def problems(self) -> list[HedgeProblem]:
        found: list[HedgeProblem] = []
        for node in self.valued_nodes():
            name = self._name(node)
            hedges = [h for h in self.graph.objects(node, self.hedge) if isinstance(h, URIRef)]
            if len(hedges) != 1:
                found.append(HedgeProblem(name, f"needs exactly one kg:hedge, has {len(hedges)}"))
                continue
            hedge = str(hedges[0]).removeprefix(self.id_ns)
            if hedge not in ("exact", *HEDGE_WORDS):
                found.append(
                    HedgeProblem(name, f"kg:hedge {hedge} is not one of exact, at-least, at-most, approximately")
                )
                continue
            found += self._check(node, name, hedge)
        return found

    def _check(self, node: Node, name: str, hedge: str) -> list[HedgeProblem]:
        props = {p for p, _ in self.values(node)}
        expected = {SCHEMA.minValue: "at-least", SCHEMA.maxValue: "at-most"}
        out = []
        for prop, must in expected.items():
            if prop in props and hedge != must:
                out.append(HedgeProblem(name, f"has {prop.n3(self.graph.namespace_manager)} but kg:hedge {hedge}"))
        if hedge in ("exact", "approximately") and not ({SCHEMA.value, self.count} & props):
            out.append(HedgeProblem(name, f"kg:hedge {hedge} goes with schema:value (or kg:count)"))
        quotes = self.quotes(node)
        if hedge != "exact" and quotes and not any(has_hedge_word(q, hedge) for q in quotes):
            words = ", ".join(f'"{w}"' for w in HEDGE_WORDS[hedge][:4])
            out.append(HedgeProblem(name, f"kg:hedge {hedge}, but no supporting quote says {words} or the like"))
        if hedge == "exact":
            numbers = {v for _, v in self.values(node)}
            for other in HEDGE_WORDS:
                for quote in quotes:
                    hit = numbers & set(hedged_numbers(quote, other))
                    if hit:
                        out.append(
                            HedgeProblem(
                                name, f"stored as exact, but the quote hedges {min(hit)} as {other}: {quote[:80]!r}"
                            )
                        )
        return out

    def _name(self, node: Node) -> str:
        owner = self._owner(node)
        label = owner.n3(self.graph.namespace_manager) if isinstance(owner, URIRef) else "[...]"
        return label + (" amount" if owner is not node else "")


def check_hedges(graph: Graph, settings: Settings) -> list[HedgeProblem]:
    """Every figure, amount and count: one kg:hedge, agreeing with its value property and its quotes."""
    return HedgeCheck(graph, settings).problems()
