"""What a client's query may do: checked before any store sees it (in the query worker).

A query is parsed before it runs. Updates, ``LOAD`` among them, are refused
(403); ``SERVICE`` and ``FROM``/``FROM NAMED`` naming a graph outside the dataset are
refused (400) before any store sees the query, so no outbound connection is
attempted and no local file is read.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.config import Settings
from kg.errors import BadRequest, Forbidden
from kg.results import QueryShape

#: The default of Settings.max_query_chars, for callers that have no settings at hand.
MAX_QUERY_CHARS = Settings.max_query_chars


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the checks, with its shape (form, dataset, LIMIT ...) and dataset clauses.

    The shape goes on to the store with the query (StoreQuery.shape): the query is parsed once.
    """

    text: str
    shape: QueryShape
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)

    @property
    def form(self) -> str:
        return self.shape.form

    @property
    def is_graph(self) -> bool:
        return self.form in ("ConstructQuery", "DescribeQuery")


def _walk(node: Any):  # type: ignore[no-untyped-def]
    yield node
    if isinstance(node, CompValue):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple) or hasattr(node, "asList"):
        for item in node:
            yield from _walk(item)


def _is_update(text: str) -> CompValue | None:
    try:
        return parseUpdate(text)
    except Exception:
        return None


def query_variables(text: str) -> set[str]:
    """The names of the variables a query really uses (not in comments, not as part of a longer name)."""
    from rdflib.term import Variable

    try:
        tree = parseQuery(text)
    except Exception as exc:
        raise BadRequest(f"SPARQL syntax error: {exc}") from None
    return {str(node) for node in _walk(tree) if isinstance(node, Variable)}


def check_graphs(graphs: list[str], dataset_graphs: AbstractSet[str], named_by: str) -> None:
    """Refuse (400) a dataset that names a graph outside this one: nothing is ever fetched or read from disk."""
    outside = [g for g in graphs if g not in dataset_graphs]
    if outside:
        raise BadRequest(
            f"{named_by} may only name graphs of this dataset; not {', '.join(outside)}. "
            "The dataset's graphs are listed in the service description (GET /sparql)."
        )


def check_query(text: str, dataset_graphs: AbstractSet[str], max_chars: int = MAX_QUERY_CHARS) -> CheckedQuery:
    """Parse and vet a query; raise BadRequest/Forbidden with a reason a person can act on."""
    if not text or not text.strip():
        raise BadRequest("the query is empty: send SPARQL in the 'query' parameter or the request body")
    if len(text) > max_chars:
        raise BadRequest(f"the query is {len(text)} characters long; the limit is {max_chars} (KG_MAX_QUERY_CHARS)")
    try:
        tree = parseQuery(text)
    except ParseException as exc:
        update = _is_update(text)
        if update is not None:
            if any(isinstance(n, CompValue) and n.name == "Load" for n in _walk(update)):
                raise Forbidden("LOAD is an update, and not allowed: this service never fetches remote data") from None
            raise Forbidden("this endpoint is read-only: SPARQL updates are not accepted") from None
        raise BadRequest(
            f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg} "
            f"(near {exc.line[max(0, exc.col - 20) : exc.col + 20]!r})"
        ) from None
    except Exception as exc:  # the parser raises a few other types on odd input
        raise BadRequest(f"SPARQL syntax error: {exc}") from None
    query = tree[1]
    from_graphs: list[str] = []
    from_named: list[str] = []
    # CompValue.get() returns the key itself when absent, so test membership first.
    clauses = query["datasetClause"] if "datasetClause" in query else []  # noqa: SIM401
    for clause in clauses:
        if "default" in clause:
            from_graphs.append(str(clause["default"]))
        if "named" in clause:
            from_named.append(str(clause["named"]))
    check_graphs(from_graphs + from_named, dataset_graphs, "FROM / FROM NAMED")
    for node in _walk(query):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            raise BadRequest("SERVICE is not allowed: this endpoint never queries other services")
    return CheckedQuery(text=text, shape=QueryShape.of(query), from_graphs=from_graphs, from_named=from_named)
