"""Backend-neutral query results: what every store returns, what every renderer reads.

Terms are rdflib terms (picklable, so results cross process boundaries).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any
from typing import Literal as TypingLiteral

from rdflib.term import Identifier, Variable

ResultKind = TypingLiteral["select", "ask", "graph"]
Triple = tuple[Identifier, Identifier, Identifier]


@dataclass(frozen=True)
class QueryShape:
    """What a query's parse says of its form: enough for a store that rewrites the text.

    Read from rdflib's parse tree where the query is checked (kg.protocol.query), and
    handed to the store with the query, so that a store which needs it
    (kg.store.sparql, to add a LIMIT and name the dataset) does not parse the query again.
    """

    form: str  # "SelectQuery", "AskQuery", "ConstructQuery" or "DescribeQuery", as rdflib names them
    has_dataset: bool = False  # FROM / FROM NAMED
    has_limit: bool = False
    has_order_by: bool = False
    has_values: bool = False  # a VALUES block after the WHERE group

    @classmethod
    def of(cls, query: Any) -> QueryShape:
        """The shape of a parsed query: ``rdflib.plugins.sparql.parser.parseQuery(text)[1]``.

        (A parse tree's ``get()`` returns the key itself when absent, so membership is tested.)
        """
        return cls(
            form=query.name,
            has_dataset="datasetClause" in query,
            has_limit="limitoffset" in query and "limit" in query["limitoffset"],
            has_order_by="orderby" in query,
            has_values="valuesClause" in query,
        )


@dataclass(frozen=True)
class StoreQuery:
    """What a store is asked: the text, its prefixes and bound values, the dataset, the row cap.

    One value rather than six arguments, so that every store, the worker pipe
    and the service pass the same thing (picklable: it crosses to a worker).
    """

    text: str
    prefixes: dict[str, str]
    max_rows: int
    bindings: dict[str, Identifier] = field(default_factory=dict)
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    #: The query's shape, when the check that parsed it already knows it (None: the store finds out).
    shape: QueryShape | None = None


@dataclass
class QueryResult:
    """A SELECT table, an ASK boolean, or a CONSTRUCT/DESCRIBE graph; capped at max rows."""

    kind: ResultKind
    variables: list[Variable] = field(default_factory=list)
    rows: list[tuple[Identifier | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] = field(default_factory=list)
    truncated: bool = False
    limit: int | None = None

    @classmethod
    def table(
        cls, variables: list[Variable], rows: Iterable[tuple[Identifier | None, ...]], max_rows: int
    ) -> QueryResult:
        """A SELECT answer of at most ``max_rows`` rows, truncated if ``rows`` had more.

        One row past the cap is read (and dropped) to know; ``rows`` is read
        lazily, so a store converts no more rows than that.
        """
        taken = list(islice(rows, max_rows + 1))
        return cls(
            "select", variables=variables, rows=taken[:max_rows], truncated=len(taken) > max_rows, limit=max_rows
        )

    @classmethod
    def graph(cls, triples: Iterable[Triple], max_rows: int) -> QueryResult:
        """A CONSTRUCT/DESCRIBE answer of at most ``max_rows`` triples, truncated if there were more."""
        taken = list(islice(triples, max_rows + 1))
        return cls("graph", triples=taken[:max_rows], truncated=len(taken) > max_rows, limit=max_rows)

    @property
    def size(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)

    def records(self) -> list[dict[str, Identifier]]:
        """Rows as dicts of bound variables (unbound ones left out)."""
        names = [str(v) for v in self.variables]
        return [{name: value for name, value in zip(names, row, strict=True) if value is not None} for row in self.rows]
