"""Finding entities from what a person typed: the search, a name resolved to one entity, picker classes."""

from __future__ import annotations

from typing import Any

from rdflib import URIRef
from starlette.concurrency import run_in_threadpool

from kg.catalog import resolve_iri
from kg.errors import KgError, NotFound
from kg.linked_data.connections import ConnectionIndex
from kg.rq import internal_query
from kg.terms import local_name
from kg.web.site import Site

#: A name shorter than this is not searched for when resolving an entity (too many matches to mean one).
MIN_SEARCH_LENGTH = 2


async def search_entities(site: Site, text: str) -> list[dict[str, Any]]:
    """Entities whose label or alias contains the text, one entry per entity (the canned query ``search``)."""
    try:
        query = site.service.catalog.get("search")
    except NotFound:
        return []
    _, result = await run_in_threadpool(site.service.run_canned, query, {"text": text})
    found: dict[str, dict[str, Any]] = {}
    for r in result.records():
        iri = str(r["entity"])
        label = str(r.get("label") or r.get("matched") or local_name(iri))
        kind = site.type_label(str(r["type"])) if "type" in r else ""
        entry = found.setdefault(iri, site.entry(iri, label=label, type=kind, matched=[]))
        matched = str(r.get("matched", ""))
        if matched and matched != entry["label"] and matched not in entry["matched"]:
            entry["matched"].append(matched)
    return list(found.values())


async def resolve_entity(site: Site, index: ConnectionIndex, value: str) -> tuple[URIRef | None, str | None]:
    """The linked entity a person typed (id, prefixed name, IRI, or a name the search finds), or why not."""
    value = value.strip()
    try:
        iri: URIRef | None = resolve_iri(value, site.prefixes)
    except KgError:
        iri = None
    if iri is not None and iri in index:
        return iri, None
    found = await search_entities(site, value) if len(value) >= MIN_SEARCH_LENGTH else []
    for entry in found:
        candidate = URIRef(entry["iri"])
        if candidate in index:
            return candidate, None
    return None, f"no entity called {value!r} is linked to anything in this dataset"


async def picker_types(site: Site, cls: str | None) -> list[str]:
    """The asserted classes of the entities of ``cls``: what an entity picker keeps from the search."""
    if not cls:
        return []
    key = f"types:{cls}"
    if key not in site.cache:
        try:
            iri = resolve_iri(cls, site.prefixes)
            text = internal_query("types-of-class")
            result = await run_in_threadpool(site.service.query, text, bindings={"cls": iri})
            site.cache[key] = sorted({str(r["type"]) for r in result.records() if "type" in r})
        except KgError:
            site.cache[key] = []
    types: list[str] = site.cache[key]
    return types
