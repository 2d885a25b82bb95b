"""Errors keep their meaning from the store to the client: whose fault it is decides the status.

The external engine is a scriptable loopback endpoint (tests/fake_endpoint.py),
which can fail in ways a real one does only now and then: refuse a query,
fail on it, stop at its own limit, send a broken answer, or be gone.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from fake_endpoint import FakeEndpoint, Reply, empty_answer
from rdflib import Dataset
from running_server import RunningServer

from kg.config import Settings
from kg.errors import BadRequest, InternalError, KgError, Unavailable, UpstreamError, UpstreamTimeout
from kg.protocol.executor import QueryRequest, WorkerPool
from kg.results import StoreQuery
from kg.service import Service
from kg.store import StoreSpec

SELECT = "SELECT ?n WHERE { ?s ?p ?n }"
JSON_TYPE = {"Content-Type": "application/sparql-results+json"}

#: How an engine fails, what kg raises for it, and the status the client sees.
FAILURES: dict[str, tuple[Reply, type[KgError], int, str]] = {
    "engine refuses the query": (
        Reply(400, b"Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error"),
        BadRequest,
        400,
        "refused the query",
    ),
    "engine fails on the query": (
        Reply(500, b"Virtuoso 22023 Error SR353: Sorted TOP clause specifies more then 10001 rows"),
        UpstreamError,
        502,
        "failed on the query",
    ),
    "engine stops at its own limit": (
        Reply(
            200,
            json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": []}}).encode(),
            {**JSON_TYPE, "X-SQL-State": "S1TAT"},
        ),
        UpstreamTimeout,
        504,
        "its own time limit",
    ),
    "engine sends a broken answer": (
        Reply(200, b'{"head": {}}', JSON_TYPE),  # no "vars": our reading of it fails
        InternalError,
        500,
        "has been logged",
    ),
}


def failing(reply: Reply) -> Callable[[dict[str, list[str]]], Reply]:
    """Answers kg's own start-up queries, and fails every other query as ``reply`` says."""

    def answer(form: dict[str, list[str]]) -> Reply:
        query = (form.get("query") or [""])[0]
        return empty_answer(form) if "ASK" in query or "COUNT" in query else reply

    return answer


@pytest.fixture(scope="module")
def engine() -> Iterator[FakeEndpoint]:
    with FakeEndpoint() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def pool(engine: FakeEndpoint) -> Iterator[WorkerPool]:
    workers = WorkerPool(StoreSpec(kind="sparql", endpoint=engine.url), 1)
    yield workers
    workers.close()


@pytest.mark.parametrize("case", FAILURES)
def test_a_worker_raises_the_error_the_store_raised(engine: FakeEndpoint, pool: WorkerPool, case: str) -> None:
    reply, error, _status, said = FAILURES[case]
    engine.reply = failing(reply)
    with pytest.raises(error, match=said):
        pool.run(QueryRequest(StoreQuery(SELECT, prefixes={}, max_rows=10)), timeout=30)
    assert pool.kills == 0, "an error is an answer: the worker stays"


def test_our_own_fault_is_logged_with_the_id_the_client_gets(
    engine: FakeEndpoint, pool: WorkerPool, caplog: pytest.LogCaptureFixture
) -> None:
    engine.reply = failing(FAILURES["engine sends a broken answer"][0])
    with caplog.at_level(logging.ERROR, logger="kg"), pytest.raises(InternalError) as raised:
        pool.run(QueryRequest(StoreQuery(SELECT, prefixes={}, max_rows=10)), timeout=30)
    assert len(raised.value.incident) == 12
    assert raised.value.incident in caplog.text


def test_a_worker_killed_mid_query_is_a_503_and_is_replaced(engine: FakeEndpoint) -> None:
    def slow(form: dict[str, list[str]]) -> Reply:
        time.sleep(3)
        return empty_answer(form)

    engine.reply = slow
    workers = WorkerPool(StoreSpec(kind="sparql", endpoint=engine.url), 1)
    try:
        [worker] = list(workers._idle.queue)  # the one worker, as the query will take it
        threading.Timer(0.5, worker.process.kill).start()
        with pytest.raises(Unavailable, match="restarted"):
            workers.run(QueryRequest(StoreQuery(SELECT, prefixes={}, max_rows=10)), timeout=30)
        engine.reply = empty_answer
        assert workers.run(QueryRequest(StoreQuery(SELECT, prefixes={}, max_rows=10)), timeout=30).kind == "select"
    finally:
        workers.close()


@pytest.fixture(scope="module")
def server(engine: FakeEndpoint, settings: Settings, dataset: Dataset) -> Iterator[RunningServer]:
    engine.reply = empty_answer
    running = RunningServer(Service(settings.with_overrides(store="sparql", endpoint=engine.url), dataset=dataset))
    running.start()
    yield running
    running.stop()
    running.service.close()


@pytest.mark.parametrize("case", FAILURES)
def test_the_client_sees_whose_fault_it_is(engine: FakeEndpoint, server: RunningServer, case: str) -> None:
    reply, error, status, said = FAILURES[case]
    engine.reply = failing(reply)
    response = httpx.get(server.url + "/sparql", params={"query": SELECT}, timeout=30)
    body = response.json()
    assert (response.status_code, body["error"]) == (status, error.__name__), response.text
    assert said in body["message"]
    assert ("incident" in body) == (status == 500)


def test_an_engine_that_is_gone_is_a_bad_gateway_naming_it(settings: Settings, dataset: Dataset) -> None:
    engine = FakeEndpoint()
    running = RunningServer(Service(settings.with_overrides(store="sparql", endpoint=engine.url), dataset=dataset))
    running.start()
    try:
        engine.stop()
        response = httpx.get(running.url + "/sparql", params={"query": SELECT}, timeout=30)
        assert response.status_code == 502, response.text
        assert engine.url in response.json()["message"] and "could not be reached" in response.json()["message"]
        assert httpx.get(running.url + "/health", timeout=5).status_code == 200
    finally:
        running.stop()
        running.service.close()
