"""What every page reuses, read once: the source documents, class labels, cached answers.

The dataset does not change while the service runs, so source titles and
class labels are queried at start (kg.rq ``page-sources``, ``class-labels``)
and parameterless canned queries (the home page's statistics) once per
process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool

from kg.results import QueryResult
from kg.rq import internal_query
from kg.service import Service
from kg.terms import local_name
from kg.web.templating import local_link


@dataclass
class Site:
    """The service, and what the pages look up often: sources by number and IRI, class labels."""

    service: Service
    sources: dict[str, dict[str, str]] = field(default_factory=dict)  # "000" -> number, title, href, iri, kind
    sources_by_iri: dict[str, dict[str, str]] = field(default_factory=dict)
    class_labels: dict[str, str] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def id_ns(self) -> str:
        return self.service.settings.id_ns

    @property
    def prefixes(self) -> dict[str, str]:
        return self.service.prefixes

    def link(self, iri: str) -> str:
        return local_link(iri, self.id_ns)

    def entry(self, iri: str, **about: Any) -> dict[str, Any]:
        """An entity as a page lists it: its IRI, its link on this server, and what the page says of it."""
        return {"iri": iri, "href": self.link(iri), **about}

    def type_label(self, iri: str) -> str:
        return self.class_labels.get(iri) or local_name(iri)

    def graph_source(self, graph: str) -> dict[str, str]:
        """The source document a graph stands for, or what else the graph is (reference data, derived)."""
        name = graph.rstrip("/").rsplit("/", 1)[-1]
        if "/source/" in graph:
            found = self.sources.get(name)
            if found:
                return found
            return {"number": name, "title": f"Source {name}", "href": "", "kind": "source"}
        if name == "inferred":
            return {"number": "", "title": "derived by a rule", "href": "", "kind": "inferred"}
        if name == "reference":
            return {"number": "", "title": "reference data", "href": "", "kind": "reference"}
        return {"number": "", "title": name, "href": "", "kind": name}

    async def cached(self, name: str) -> QueryResult:
        """A parameterless canned query's result, computed once per process."""
        if name not in self.cache:
            self.cache[name] = await run_in_threadpool(self.service.query, self.service.catalog.get(name).text)
        result: QueryResult = self.cache[name]
        return result


def load_site(service: Service) -> Site:
    """Source titles and class labels; the pages still render (with plainer names) if these fail."""
    site = Site(service)
    try:
        for r in service.query(internal_query("page-sources")).records():
            iri, number = str(r["source"]), str(r["number"])
            site.sources[number] = {
                "number": number,
                "title": str(r.get("title", f"Source {number}")),
                "href": site.link(iri),
                "iri": iri,
                "kind": "source",
            }
        site.sources_by_iri = {s["iri"]: s for s in site.sources.values()}
        for r in service.query(internal_query("class-labels")).records():
            site.class_labels.setdefault(str(r["class"]), str(r["label"]))
    except Exception:  # the API does not depend on this
        logging.getLogger("kg").warning("pages: could not read source titles and class labels", exc_info=True)
    return site


def install(app: FastAPI) -> None:
    app.state.site = load_site(app.state.service)


def site_of(request: Request) -> Site:
    site: Site = request.app.state.site
    return site
