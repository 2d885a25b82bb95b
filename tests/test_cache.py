"""Answers kept for repeated requests: the cache itself, and ETag / 304 / X-Cache over real HTTP."""

from __future__ import annotations

import httpx
import pytest
from rdflib import Dataset, Literal, URIRef
from running_server import start_server

from kg.config import Settings
from kg.protocol.cache import ENTRY_OVERHEAD, Answer, AnswerCache, AnswerKey

SPARQL_JSON = {"Accept": "application/sparql-results+json"}
LABELS = "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label } ORDER BY ?s LIMIT 10"
one_store = pytest.mark.parametrize("server", ["oxigraph"], indirect=True)


def key(text: str = "SELECT * {}", **changes: object) -> AnswerKey:
    given: dict[str, object] = {"version": "v1", "route": "sparql", "text": text, "formats": ("json", "turtle")}
    return AnswerKey.of(**(given | changes))  # type: ignore[arg-type]


def answer(size: int) -> Answer:
    return Answer(b"x" * size, "application/json")


# ---------------------------------------------------------------- the cache


def test_every_part_of_a_request_changes_its_key_and_tag() -> None:
    base = key()
    variants = [
        key(version="v2"),
        key(route="funders-of-target"),
        key("SELECT * { ?s ?p ?o }"),
        key(formats=("csv", "turtle")),
        key(bindings={"x": URIRef("https://kg.example.org/id/usdol")}),
        key(bindings={"x": Literal("usdol")}),
        key(default_graphs=["https://kg.example.org/graph/source/000"]),
        key(named_graphs=["https://kg.example.org/graph/source/000"]),
        key(default_graphs=[]),
    ]
    assert len({base, *variants}) == len(variants) + 1
    assert len({k.etag for k in [base, *variants]}) == len(variants) + 1
    assert key().etag == base.etag and base.etag.startswith('"v1-') and base.etag.endswith('"')


def test_the_least_recently_used_answer_makes_room() -> None:
    cache = AnswerCache(budget=3 * (100 + ENTRY_OVERHEAD))
    for name in "abc":
        assert cache.put(key(name), answer(100))
    assert cache.get(key("a")) is not None  # a is now the most recent
    assert cache.put(key("d"), answer(100))
    assert cache.get(key("b")) is None and cache.get(key("a")) is not None
    assert len(cache) == 3 and cache.used <= cache.budget
    assert (cache.hits, cache.misses) == (2, 1)


def test_an_answer_over_the_budget_is_not_kept_and_keeps_the_others() -> None:
    cache = AnswerCache(budget=1000)
    cache.put(key("a"), answer(10))
    assert not cache.put(key("big"), answer(1000))
    assert cache.get(key("a")) is not None and cache.get(key("big")) is None
    assert not AnswerCache(budget=0).put(key("a"), answer(1))


def test_putting_a_key_again_replaces_it_without_counting_it_twice() -> None:
    cache = AnswerCache(budget=10_000)
    cache.put(key("a"), answer(100))
    cache.put(key("a"), answer(200))
    assert len(cache) == 1 and cache.used == 200 + ENTRY_OVERHEAD
    assert cache.get(key("a")) == answer(200)


# ---------------------------------------------------------------- over HTTP


def queries_run(http: httpx.Client) -> int:
    return int(http.get("/health").json()["queries"])


def test_a_repeated_query_is_answered_from_the_cache(http: httpx.Client) -> None:
    text = LABELS.replace("LIMIT 10", "LIMIT 7")  # a text no other test sends first
    first = http.get("/sparql", params={"query": text}, headers=SPARQL_JSON)
    assert first.status_code == 200 and first.headers["x-cache"] == "miss"
    before = queries_run(http)
    again = http.get("/sparql", params={"query": text}, headers=SPARQL_JSON)
    assert again.status_code == 200 and again.headers["x-cache"] == "hit"
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["x-result-count"] == "7"
    assert queries_run(http) == before  # no query ran


@one_store
def test_if_none_match_is_a_304_without_a_query(http: httpx.Client) -> None:
    first = http.get("/queries/projects-of-funder", params={"funder": "usdol"})
    tag = first.headers["etag"]
    before = queries_run(http)
    r = http.get("/queries/projects-of-funder", params={"funder": "usdol"}, headers={"If-None-Match": tag})
    assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == tag
    assert queries_run(http) == before
    # Other values, another format: other answers, other tags.
    usaid = http.get("/queries/projects-of-funder", params={"funder": "usaid"})
    csv = http.get("/queries/projects-of-funder", params={"funder": "usdol", "format": "csv"})
    assert len({tag, usaid.headers["etag"], csv.headers["etag"]}) == 3
    assert csv.headers["content-type"].startswith("text/csv") and usaid.json()["rows"] != first.json()["rows"]
    r = http.get("/queries/projects-of-funder", params={"funder": "usaid"}, headers={"If-None-Match": tag})
    assert r.status_code == 200 and "Accept" in r.headers["vary"]
    # A tag is only ever a 200's: a wildcard or a made-up one answers the request as it is.
    r = http.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p }"}, headers={"If-None-Match": "*"})
    assert r.status_code == 400


@one_store
def test_each_format_is_kept_apart(http: httpx.Client) -> None:
    text = LABELS.replace("LIMIT 10", "LIMIT 6")
    as_json = http.get("/sparql", params={"query": text}, headers=SPARQL_JSON)
    as_csv = http.get("/sparql", params={"query": text}, headers={"Accept": "text/csv"})
    again = http.get("/sparql", params={"query": text}, headers={"Accept": "text/csv"})
    assert as_csv.headers["x-cache"] == "miss" and again.headers["x-cache"] == "hit"
    assert again.headers["content-type"].startswith("text/csv") and again.text == as_csv.text
    assert as_json.headers["etag"] != as_csv.headers["etag"]


@one_store
def test_a_truncated_answer_is_never_kept(http: httpx.Client, settings: Settings) -> None:
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    for _ in range(2):
        r = http.get("/sparql", params={"query": text}, headers=SPARQL_JSON)
        assert r.status_code == 200 and r.headers["x-result-truncated"] == "true"
        assert r.headers["x-cache"] == "miss" and len(r.json()["results"]["bindings"]) == settings.max_rows


@one_store
def test_an_error_is_never_kept(http: httpx.Client) -> None:
    for _ in range(2):
        r = http.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p }"})
        assert r.status_code == 400 and "etag" not in r.headers and "x-cache" not in r.headers


def test_without_a_budget_nothing_is_kept(settings: Settings, dataset: Dataset) -> None:
    running = start_server(settings.with_overrides(cache_bytes=0), dataset)
    try:
        with httpx.Client(base_url=running.url, timeout=30) as client:
            for _ in range(2):
                r = client.get("/sparql", params={"query": LABELS}, headers=SPARQL_JSON)
                assert r.status_code == 200 and r.headers["x-cache"] == "miss" and "etag" in r.headers
            assert client.get("/health").json()["cache"]["answers"] == 0
    finally:
        running.stop()
        running.service.close()
