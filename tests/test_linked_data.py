"""Linked data over real HTTP: entity pages, RDF by Accept, dumps with ETag, VoID, connections."""

from __future__ import annotations

import httpx
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import SKOS
from running_server import start_server

from kg.config import Settings


@pytest.mark.parametrize(
    "accept,fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt")]
)
def test_entity_as_rdf(http: httpx.Client, settings: Settings, accept: str, fmt: str) -> None:
    r = http.get("/id/usaid", headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=r.text, format=fmt)
    usaid = URIRef(settings.id_ns + "usaid")
    assert str(graph.value(usaid, SKOS.prefLabel)) == "United States Agency for International Development"
    assert 'rel="alternate"' in r.headers["link"]


def test_entity_html_page(http: httpx.Client) -> None:
    r = http.get("/id/bridge-project", headers={"Accept": "text/html,application/xhtml+xml;q=0.9"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "<h1>From Protocol to Practice: A Bridge to Global Action on Forced Labour</h1>" in page
    assert "Nepal" in page and "Sources and quotes" in page
    assert "Malaysia, Mauritania, Nepal, Niger" in page  # a verbatim quote from source 001
    assert "What links here" in page and "/id/funding-usdol-bridge-project-001" in page
    assert "allocated over US$ 29 million" not in page  # a Better Work quote: not about this entity


def test_entity_format_parameter(http: httpx.Client) -> None:
    r = http.get("/id/C182", params={"format": "ntriples"})
    assert r.headers["content-type"].startswith("application/n-triples")
    assert "Worst Forms of Child Labour Convention" in r.text


def test_unknown_entity_is_404(http: httpx.Client) -> None:
    for accept in ("text/turtle", "text/html"):
        r = http.get("/id/no-such-thing", headers={"Accept": accept})
        assert r.status_code == 404
        assert "no entity" in r.json()["message"]


@pytest.mark.parametrize("server", ["oxigraph"], indirect=True)  # dumps come from the dataset file, whatever the store
@pytest.mark.parametrize(
    "name,fmt",
    [("turtle", "turtle"), ("ntriples", "nt"), ("nquads", "nquads"), ("trig", "trig"), ("jsonld", "json-ld")],
)
def test_dumps_with_etag_and_304(http: httpx.Client, server, name: str, fmt: str) -> None:  # type: ignore[no-untyped-def]
    r = http.get(f"/dumps/dataset.{name}")
    assert r.status_code == 200
    etag = r.headers["etag"]
    assert r.headers["last-modified"]
    data = Dataset()
    data.parse(data=r.content, format=fmt)
    assert sum(1 for _ in data.quads((None, None, None, None))) > 5000
    again = http.get(f"/dumps/dataset.{name}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    since = http.get(f"/dumps/dataset.{name}", headers={"If-Modified-Since": r.headers["last-modified"]})
    assert since.status_code == 304


@pytest.mark.parametrize("server", ["oxigraph"], indirect=True)
def test_nquads_dump_keeps_source_graphs(http: httpx.Client, settings: Settings) -> None:
    data = Dataset()
    data.parse(data=http.get("/dumps/dataset.nquads").content, format="nquads")
    graphs = {str(g.identifier) for g in data.graphs()}
    assert {settings.graph_ns + f"source/00{i}" for i in range(5)} <= graphs
    assert settings.graph_ns + "inferred" in graphs


def test_unknown_dump_is_404(http: httpx.Client) -> None:
    assert http.get("/dumps/dataset.xlsx").status_code == 404


def test_void(http: httpx.Client) -> None:
    r = http.get("/.well-known/void", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=r.text, format="turtle")
    void = "http://rdfs.org/ns/void#"
    triples = [int(o) for o in graph.objects(None, URIRef(void + "triples"))]
    assert max(triples) > 5000
    dumps = {str(o) for o in graph.objects(None, URIRef(void + "dataDump"))}
    assert any(d.endswith("/dumps/dataset.nquads") for d in dumps)
    assert any(str(o).endswith("/sparql") for o in graph.objects(None, URIRef(void + "sparqlEndpoint")))
    assert len(list(graph.objects(None, URIRef(void + "exampleResource")))) >= 3


def test_connections_usaid_to_forced_labour(http: httpx.Client, settings: Settings) -> None:
    r = http.get("/connections", params={"from": "usaid", "to": "forced-labour", "hops": 2})
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert paths, "USAID funds the Myanmar forced labour project (source 000)"
    assert all(p["length"] <= 2 for p in paths)
    [myanmar] = [p for p in paths if any(h["subject"] == settings.id_ns + "myanmar-forced-labour" for h in p["hops"])]
    assert myanmar["length"] == 2
    assert [h["object"] for h in myanmar["hops"]][-1] == settings.id_ns + "forced-labour"
    assert all(h["source"] for h in myanmar["hops"])
    assert "United States Agency for International Development" in myanmar["sentence"]
    # the derived hop (funded by, from the funding fact) says how it was derived
    [derived] = [h for h in myanmar["hops"] if h["graph"].endswith("/graph/inferred")]
    [derivation] = derived["derivations"]
    assert derivation["ruleLabel"] == "funding makes a funder"
    assert any("funder → United States Agency for International Development" in p for p in derivation["premises"])
    assert derived["statement"].startswith(settings.base_iri + "statement/")
    assert "derived by rule “funding makes a funder” from:" in myanmar["sentence"]


def test_connections_to_sdg_marks_derived_hops(http: httpx.Client) -> None:
    r = http.get("/connections", params={"from": "usaid", "to": "sdg:8.7", "hops": 3})
    hops = [h for p in r.json()["paths"] for h in p["hops"]]
    assert any(h["graph"].endswith("/graph/inferred") for h in hops)
    assert any(h["graph"].endswith("/graph/source/000") for h in hops)


@pytest.mark.parametrize(
    "params,status",
    [
        ({"from": "usaid"}, 422),
        ({"from": "usaid", "to": "nothing-here"}, 404),
        ({"from": "usaid", "to": "forced-labour", "hops": 9}, 422),
        ({"from": "bad iri!", "to": "usaid"}, 422),
    ],
)
def test_connections_bad_input(http: httpx.Client, params: dict[str, object], status: int) -> None:
    r = http.get("/connections", params=params)
    assert r.status_code == status
    assert r.json()["message"]


def test_the_request_limits_come_from_the_settings(settings: Settings, dataset: Dataset) -> None:
    limits = {"max_hops": 2, "max_paths": 1, "max_statements": 3, "max_query_chars": 200}
    running = start_server(settings.with_overrides(**limits), dataset)
    try:
        with httpx.Client(base_url=running.url, timeout=30) as client:
            ask = {"from": "usaid", "to": "forced-labour"}
            r = client.get("/connections", params=ask | {"hops": 3})
            assert r.status_code == 422 and "KG_MAX_HOPS" in r.json()["message"]
            r = client.get("/connections", params=ask | {"hops": 2, "limit": 2})
            assert r.status_code == 422 and "KG_MAX_PATHS" in r.json()["message"]
            r = client.get("/connections", params=ask | {"hops": 2, "limit": 1})
            assert r.status_code == 200 and len(r.json()["paths"]) == 1
            r = client.get("/statements", params={"subject": "usaid", "limit": 4})
            assert r.status_code == 422 and "KG_MAX_STATEMENTS" in r.json()["message"]
            r = client.get("/statements", params={"subject": "usaid", "limit": 3})
            assert r.status_code == 200 and r.json()["count"] == 3
            r = client.get("/explore", params=ask | {"hops": 3}, headers={"Accept": "text/html"})
            assert r.status_code == 422 and "KG_MAX_HOPS" in r.text
            form = client.get("/explore", headers={"Accept": "text/html"}).text  # its default 3 lowered to 2
            assert 'value="2" selected' in form
            assert '<option value="2"' in form and '<option value="3"' not in form  # the form offers the limit
            short = "SELECT ?s WHERE { ?s a kg:Project } LIMIT 1"
            assert client.get("/sparql", params={"query": short}).status_code == 200
            r = client.get("/sparql", params={"query": short + " " * 200})
            assert r.status_code == 400 and "KG_MAX_QUERY_CHARS" in r.json()["message"]
    finally:
        running.stop()
        running.service.close()
