"""A query result as an HTML table: cells with links and labels, numbers formatted, empty columns left out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from kg.linked_data.facts import HEDGE_WORDS
from kg.results import QueryResult
from kg.terms import local_name, short_name
from kg.web.site import Site

#: At most this many rows in a page's table (the CSV and JSON downloads have them all).
MAX_TABLE_ROWS = 1000


def is_number(term: Identifier | None) -> bool:
    if not isinstance(term, Literal):
        return False
    value = term.toPython()
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def number(term: Identifier | None) -> float | None:
    if not is_number(term):
        return None
    return float(term.toPython())  # type: ignore[union-attr]


def format_number(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}"


def hedge_prefix(hedge: Identifier | None, column: str) -> str:
    """How a number is hedged in words ("over ", "up to ", "about "): by its kg:hedge, else by its column."""
    if isinstance(hedge, URIRef):
        return HEDGE_WORDS.get(local_name(str(hedge)), "")
    return {"minAmount": "over ", "maxAmount": "up to "}.get(column, "")


def cell(site: Site, term: Identifier | None, label: Identifier | None = None) -> dict[str, Any]:
    if term is None:
        return {"text": "", "href": None, "numeric": False}
    if isinstance(term, URIRef):
        iri = str(term)
        title = iri
        if label is not None:
            text = str(label)
        else:
            text = short_name(iri, site.prefixes)
            source = site.sources_by_iri.get(iri)
            if source:
                text, title = f"source {source['number']}", source["title"]
        return {"text": text, "href": site.link(iri), "title": title, "numeric": False}
    if is_number(term):
        return {"text": format_number(number(term) or 0.0), "href": None, "numeric": True}
    return {"text": str(term), "href": None, "numeric": False}


def label_columns(names: list[str]) -> dict[str, str]:
    """Which column names each IRI column: its ``…Label`` column, else ``label`` or ``title`` for a few."""
    label_of = {n: f"{n}Label" for n in names if f"{n}Label" in names}
    if "label" in names:
        for candidate in ("entity", "class", "instrument", "source"):
            if candidate in names and candidate not in label_of:
                label_of[candidate] = "label"
                break
    if "title" in names and "source" in names and "source" not in label_of:
        label_of["source"] = "title"
    return label_of


def result_table(site: Site, result: QueryResult) -> dict[str, Any]:
    """Columns and cells for the HTML table.

    An IRI column shows its label column as link text (and the label column
    is not repeated); columns empty in every row are left out.
    """
    names = [str(v) for v in result.variables]
    label_of = label_columns(names)
    index = {n: i for i, n in enumerate(names)}
    hidden = set(label_of.values())
    shown = [n for n in names if n not in hidden]
    if result.rows:
        shown = [n for n in shown if any(r[index[n]] is not None for r in result.rows)]
    empty = [n for n in names if n not in hidden and n not in shown]
    rows = []
    for row in result.rows[:MAX_TABLE_ROWS]:
        rows.append([cell(site, row[index[n]], row[index[label_of[n]]] if n in label_of else None) for n in shown])
    columns = []
    for i, n in enumerate(shown):
        longest = max((len(r[i]["text"]) for r in rows), default=0)
        numeric = any(r[i]["numeric"] for r in rows)
        width = "long" if longest > 90 else "wide" if longest > 28 else ""
        columns.append({"name": n, "numeric": numeric, "width": width})
    for r in rows:
        for i, c in enumerate(r):
            c["width"] = columns[i]["width"]
    return {
        "columns": columns,
        "rows": rows,
        "empty": empty,
        "count": result.size,
        "shown": len(rows),
        "truncated": result.truncated,
        "limit": result.limit,
        "kind": result.kind,
        "boolean": result.boolean,
    }
