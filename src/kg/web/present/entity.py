"""An entity page's data grouped for reading: links by kind, facts with their quotes, sources.

kg.linked_data.entity queries what the page shows (EntityPage); this groups
it the way a person reads an entity: identity, what the sources say by
theme, facts with their quotes, what links here. The view gives the
template this dict; the template only lays it out.
"""

from __future__ import annotations

from typing import Any

from kg.linked_data.entity import EntityPage
from kg.terms import humanise as words_of
from kg.terms import local_name, short_name
from kg.web.site import Site

#: How an entity page groups its links: by the property's IRI (namespace-free local names).
GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("Funding", ("fundedBy", "funder", "fundedItem", "contributionType")),
    ("Places", ("country", "region", "location", "areaServed")),
    ("Themes", ("theme",)),
    ("SDGs", ("contributesTo", "servesTarget")),
    (
        "Partners and organisations",
        ("hasPartner", "implementedBy", "subOrganizationOf", "unitOf", "hasUnit", "hasSubOrganization", "memberOf"),
    ),
    ("ILO instruments", ("concernsInstrument", "instrument", "instrumentCategory", "supplements")),
    ("Programmes and related initiatives", ("isPartOf", "hasPart", "relation")),
    ("Broader and narrower", ("broader", "narrower", "inScheme")),
]
IDENTITY = {
    "prefLabel",
    "label",
    "altLabel",
    "notation",
    "type",
    "exactMatch",
    "closeMatch",
    "sameAs",
    "homepage",
    "url",
    "identifier",
    "seeAlso",
    "isDefinedBy",
}
#: What the page calls the entities that point to this one, by the property they use.
INCOMING_TITLES = {
    "country": "Initiatives, organisations and facts in this country",
    "region": "In this region",
    "theme": "Initiatives on this theme",
    "contributesTo": "Initiatives contributing to it",
    "servesTarget": "Themes serving it",
    "fundedBy": "Initiatives it funds (directly or through its units)",
    "hasPartner": "Partner in",
    "implementedBy": "Implements",
    "isPartOf": "Parts",
    "relation": "Related initiatives",
    "unitOf": "Units",
    "subOrganizationOf": "Units and sub-organisations",
    "hasSubOrganization": "Part of",
    "hasUnit": "Part of",
    "concernsInstrument": "Initiatives concerning it",
    "broader": "Narrower concepts",
    "narrower": "Broader concepts",
    "about": "Figures and results about it",
    "instrumentCategory": "Instruments in this category",
    "supplements": "Supplemented by",
}
FACT_TITLES = {
    "Funding": "Funding statements",
    "Contribution": "Contributions",
    "Ratification": "Ratifications",
    "RatificationCount": "Ratification counts",
    "Figure": "Figures and results",
}


def entity_view(site: Site, page: EntityPage) -> dict[str, Any]:
    """The entity page's data grouped for reading: links by kind, facts with their quotes, sources."""
    sources = site.sources
    source_of = site.graph_source

    identity: dict[str, list[dict[str, Any]]] = {}
    grouped: dict[str, dict[tuple[str, str], dict[str, Any]]] = {title: {} for title, _ in GROUPS}
    details: dict[tuple[str, str], dict[str, Any]] = {}
    for s in page.statements:
        name = local_name(s["p"])
        o = s["o"]
        is_iri = o.startswith(("http://", "https://", "urn:"))
        item: dict[str, Any] = {
            "property": s.get("pLabel") or humanise(name),
            "value": o,
            "label": s.get("oLabel") or (short_name(o, site.prefixes) if is_iri else o),
            "href": site.link(o) if is_iri else None,
            "sources": [],
            "quotes": [],
            "rules": [],
        }
        if name in IDENTITY:
            if name in ("type", "label", "prefLabel"):
                continue
            bucket = identity.setdefault(item["property"], [])
            if all(x["value"] != o for x in bucket):
                bucket.append(item)
            continue
        title = next((t for t, names in GROUPS if name in names), None)
        target = grouped[title] if title else details
        key = (s["p"], o)
        entry = target.setdefault(key, item)
        stated = source_of(s["g"])
        if stated not in entry["sources"]:
            entry["sources"].append(stated)
        support = page.support.get((s["p"], o, s["g"]))
        if support:
            entry["statement"] = site.link(support["statement"])
            for q in support["quotes"]:
                quote = {"text": q["text"], "source": sources.get(q["source"].rsplit("-", 1)[-1]) or stated}
                if all(x["text"] != q["text"] for x in entry["quotes"]):
                    entry["quotes"].append(quote)
            for r in support["rules"]:
                rule = {"label": r["label"], "href": site.link(r["rule"])}
                if rule not in entry["rules"]:
                    entry["rules"].append(rule)

    incoming_ids = {i["s"] for i in page.incoming}
    quotes_by_fact: dict[str, list[dict[str, Any]]] = {}
    quoted_labels: dict[str, str] = {}
    own_quotes: dict[str, dict[str, Any]] = {}
    for q in page.quotes:
        if q["fact"] != page.iri and q["fact"] not in incoming_ids:
            continue  # a quote about something else
        number = q["source"].rsplit("-", 1)[-1]
        src = sources.get(number) or {
            "number": number,
            "title": q.get("sourceTitle", number),
            "href": site.link(q["source"]),
        }
        quote = {"text": q["quote"], "source": src}
        if q["fact"] == page.iri:
            own = own_quotes.setdefault(src["number"], {"source": src, "quotes": []})
            if q["quote"] not in own["quotes"]:
                own["quotes"].append(q["quote"])
        else:
            found = quotes_by_fact.setdefault(q["fact"], [])
            if quote not in found:
                found.append(quote)
            if q.get("factLabel"):
                quoted_labels.setdefault(q["fact"], q["factLabel"])

    facts: dict[str, dict[str, dict[str, Any]]] = {}
    linked: dict[str, dict[str, dict[str, Any]]] = {}
    for i in page.incoming:
        kind = local_name(i.get("sType", "")) if i.get("sType") else ""
        pname = local_name(i["p"])
        if kind in FACT_TITLES:
            entry = facts.setdefault(FACT_TITLES[kind], {}).setdefault(
                i["s"],
                {
                    "iri": i["s"],
                    "href": site.link(i["s"]),
                    "label": i.get("sLabel")
                    or page.fact_labels.get(i["s"])
                    or quoted_labels.get(i["s"])
                    or humanise(local_name(i["s"])),
                    "role": i.get("pLabel") or humanise(pname),
                    "quotes": quotes_by_fact.get(i["s"], []),
                    "sources": [],
                },
            )
        else:
            title = INCOMING_TITLES.get(pname) or f"Linked by “{i.get('pLabel') or humanise(pname)}”"
            entry = linked.setdefault(title, {}).setdefault(
                i["s"],
                {
                    "iri": i["s"],
                    "href": site.link(i["s"]),
                    "label": i.get("sLabel") or humanise(local_name(i["s"])),
                    "type": site.class_labels.get(i.get("sType", ""), ""),
                    "sources": [],
                },
            )
        stated = source_of(i["g"])
        if stated not in entry["sources"]:
            entry["sources"].append(stated)

    def order(source: dict[str, str]) -> tuple[bool, str, str]:
        return (source.get("kind") != "source", source.get("number", ""), source.get("title", ""))

    every = [*details.values(), *(i for items in grouped.values() for i in items.values())]
    every += [i for items in [*facts.values(), *linked.values()] for i in items.values()]
    for item in every:
        item["sources"].sort(key=order)

    graphs = {s["g"] for s in page.statements} | {i["g"] for i in page.incoming}
    mentioned = [source_of(g) for g in sorted(graphs) if "/source/" in g]
    for number, own in own_quotes.items():
        if all(m.get("number") != number for m in mentioned):
            mentioned.append(own["source"])
    return {
        "identity": identity,
        "groups": [(title, list(items.values())) for title, items in grouped.items() if items],
        "details": list(details.values()),
        "facts": [(t, list(facts[t].values())) for t in FACT_TITLES.values() if t in facts],
        "linked": sorted(((t, list(v.values())) for t, v in linked.items()), key=lambda tv: -len(tv[1])),
        "own_quotes": own_quotes,
        "sources": sorted(mentioned, key=lambda m: m.get("number", "")),
        "types": [t for t in page.types if t.get("label")] or page.types,
    }


def humanise(name: str) -> str:
    """A term's name as a heading: ``subOrganizationOf`` -> ``Sub organization of``."""
    return words_of(name).capitalize() if name else name
