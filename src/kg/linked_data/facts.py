"""Fact nodes in words: "USDOL funds Better Work, over US$ 29 million, since 2009".

Funding, contribution, ratification, count and figure nodes have no name of
their own; pages and answers label them by what they say, with the number
exactly as hedged as its source ("over", "up to", "about") and only the
dates the source gives.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.term import Identifier

from kg.rq import internal_query
from kg.store.binding import bind_many
from kg.terms import local_name

if TYPE_CHECKING:
    from kg.service import Service

HEDGE_WORDS = {"exact": "", "at-least": "over ", "at-most": "up to ", "approximately": "about "}
CURRENCY = {"USD": "US$ ", "EUR": "EUR "}
UNITS = {"percent": "%", "per cent": "%"}


def number_words(value: Decimal) -> str:
    """29000000 -> "29 million", 83600000 -> "83.6 million", 15000 -> "15,000"."""
    for size, word in ((Decimal(10**9), "billion"), (Decimal(10**6), "million")):
        if abs(value) >= size:
            scaled = (value / size).normalize()
            return f"{scaled:f} {word}"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():f}"


def _decimal(term: Identifier | None) -> Decimal | None:
    if term is None:
        return None
    try:
        return Decimal(str(term))
    except InvalidOperation:
        return None


def amount_words(row: dict[str, Identifier]) -> str:
    """The number with its hedge, currency or unit: "over US$ 29 million", "about 49%"."""
    hedge = local_name(str(row["hedge"])) if "hedge" in row else ""
    value = _decimal(row.get("value") or row.get("minValue") or row.get("maxValue") or row.get("count"))
    if value is None:
        return ""
    words = number_words(value)
    currency = str(row.get("currency", ""))
    unit = str(row.get("unit", ""))
    if currency:
        words = CURRENCY.get(currency, currency + " ") + words
    elif unit in UNITS:
        words += UNITS[unit]
    elif unit and unit not in ("USD", "EUR"):
        words += " " + unit
    elif unit:
        words = CURRENCY.get(unit, unit + " ") + words
    prefix = HEDGE_WORDS.get(hedge)
    if prefix is None:
        prefix = "over " if "minValue" in row else "up to " if "maxValue" in row else ""
    return prefix + words


def period_words(row: dict[str, Identifier]) -> str:
    start, end = row.get("start"), row.get("end")
    if start is not None and end is not None:
        return f"in {start}" if str(start) == str(end) else f"{start}\N{EN DASH}{end}"
    if start is not None:
        return f"since {start}"
    if end is not None:
        return f"until {end}"
    if "since" in row:
        return f"since {row['since']}"
    if "asOf" in row:
        return f"as of {row['asOf']}"
    return ""


def _name(row: dict[str, Identifier], key: str) -> str:
    return str(row.get(f"{key}Short") or row.get(f"{key}Label") or "")


def fact_words(row: dict[str, Identifier]) -> str:
    """One fact node in words, from a row of fact-descriptions.rq."""
    kind = local_name(str(row["kind"]))
    amount, period = amount_words(row), period_words(row)
    if kind == "Funding":
        head = f"{_name(row, 'funder')} funds {_name(row, 'item')}"
    elif kind == "Contribution":
        kind_words = str(row.get("typeLabel", "contribution")).lower()
        head = f"{_name(row, 'funder')}: {kind_words} to {_name(row, 'item')}"
    elif kind == "Ratification":
        head = f"{row.get('countryLabel', '')} ratified {row.get('instrumentCode', '')}".strip()
        return f"{head} {period.replace('since ', 'in ')}".strip() if period else head
    elif kind == "RatificationCount":
        what = f"ratifications of {row['instrumentCode']}" if "instrumentCode" in row else "conventions ratified"
        who = f" by {row['countryLabel']}" if "countryLabel" in row else ""
        new = "new " if "since" in row else ""
        head = f"{amount} {new}{what}{who}"
        amount = ""
    else:
        head = f"{row.get('measure', '')}: {amount}".strip(": ")
        amount = ""
    return ", ".join(part for part in (head, amount, period) if part)


def fact_labels(service: Service, facts: list[str]) -> dict[str, str]:
    """Labels in words for the given fact IRIs (those that are facts; others are left out)."""
    if not facts:
        return {}
    text = bind_many(internal_query("fact-descriptions"), "fact", [URIRef(f) for f in sorted(set(facts))])
    rows: dict[str, dict[str, Identifier]] = {}
    for row in service.query(text).records():
        merged = rows.setdefault(str(row["fact"]), {})
        for key, value in row.items():
            merged.setdefault(key, value)
    return {fact: fact_words(row) for fact, row in rows.items()}
