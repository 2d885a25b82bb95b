"""An inline SVG bar chart of a result's first count or amount column, hedges in words."""

from __future__ import annotations

from typing import Any

from rdflib import Literal, URIRef

from kg.results import QueryResult
from kg.terms import short_name
from kg.web.present.tables import format_number, hedge_prefix, is_number, number

#: Columns that are numbers a bar chart can show (counts and amounts).
CHART_COLUMNS = ("amount", "minAmount", "count", "entities", "facts", "quotes", "triples", "value")
#: Columns whose text names a bar (besides every ``…Label`` column).
LABEL_COLUMNS = ("label", "title", "measure", "type", "role", "counted", "aspect", "start", "end", "asOf", "year")
MAX_BARS = 30
BAR_STEP = 40


def bar_chart(result: QueryResult, prefixes: dict[str, str]) -> dict[str, Any] | None:
    """The bars, when there are two values or more; an amount a source only bounds shows its bound."""
    if result.kind != "select":
        return None
    names = [str(v) for v in result.variables]
    index = {n: i for i, n in enumerate(names)}
    column = next(
        (c for c in CHART_COLUMNS if c in index and sum(is_number(r[index[c]]) for r in result.rows) >= 1), None
    )
    if column is None:
        return None
    # an amount the source bounds ("over", "up to") is in minAmount or maxAmount instead
    bounds = [b for b in ("minAmount", "maxAmount") if column == "amount" and b in index]
    describing = [n for n in names if n.endswith("Label") or n in LABEL_COLUMNS]
    bars: list[dict[str, Any]] = []
    for row in result.rows:
        value, taken = number(row[index[column]]), column
        for bound in bounds:
            if value is None:
                value, taken = number(row[index[bound]]), bound
        if value is None:
            continue
        texts = {n: str(row[index[n]]) for n in describing if isinstance(row[index[n]], Literal)}
        if "start" in texts and "end" in texts:
            texts["start"] = texts["start"] if texts["start"] == texts["end"] else f"{texts['start']}-{texts['end']}"
            del texts["end"]
        parts = list(texts.values())
        if not parts:
            first = next((t for t in row if isinstance(t, URIRef)), None)
            parts = [short_name(str(first), prefixes)] if first is not None else ["row"]
        text = " · ".join(dict.fromkeys(parts))
        hedge = hedge_prefix(row[index["hedge"]] if "hedge" in index else None, taken)
        bars.append({"label": text, "value": value, "shown": hedge + format_number(value)})
    if len(bars) < 2:
        return None
    bars = bars[:MAX_BARS]
    top = max(b["value"] for b in bars) or 1.0
    for i, b in enumerate(bars):
        b["y"] = i * BAR_STEP
        b["pct"] = max(0.3, 78 * b["value"] / top)
        b["short"] = b["label"] if len(b["label"]) <= 72 else b["label"][:70] + "…"
    title = column if not bounds else "amount (or the bound a source gives: over, up to)"
    return {
        "column": title,
        "bars": bars,
        "height": BAR_STEP * len(bars),
        "cut": len(bars) < sum(1 for r in result.rows if r[index[column]] is not None),
    }
