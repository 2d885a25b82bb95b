"""Query results: the row cap every store applies, in one place (kg.results)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib import Literal, URIRef, Variable

from kg.results import QueryResult

N = Variable("n")


def numbered(count: int, *, read: list[int]) -> Iterator[tuple[Literal]]:
    for i in range(count):
        read.append(i)
        yield (Literal(i),)


@pytest.mark.parametrize(("count", "truncated"), [(0, False), (4, False), (5, False), (6, True), (1000, True)])
def test_a_table_keeps_at_most_the_cap_and_says_when_it_cut(count: int, truncated: bool) -> None:
    read: list[int] = []
    result = QueryResult.table([N], numbered(count, read=read), max_rows=5)
    assert result.size == min(count, 5)
    assert result.truncated is truncated and result.limit == 5
    assert [row[0].toPython() for row in result.rows] == list(range(min(count, 5)))  # type: ignore[union-attr]
    assert len(read) == min(count, 6), "rows past the one that shows the cut are never read"


def test_a_graph_keeps_at_most_the_cap_and_says_when_it_cut() -> None:
    triples = [(URIRef(f"urn:s:{i}"), URIRef("urn:p"), Literal(i)) for i in range(3)]
    assert not QueryResult.graph(iter(triples), max_rows=3).truncated
    capped = QueryResult.graph(iter(triples), max_rows=2)
    assert capped.truncated and capped.triples == triples[:2] and capped.kind == "graph"
