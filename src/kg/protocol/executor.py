"""Run queries in killable worker processes, so that a time limit really stops the work.

Neither rdflib nor pyoxigraph can interrupt a running query. Each worker is a
separate process holding its own store (loaded from the dataset's N-Quads, or
opening the on-disk Oxigraph store read-only); the server sends it a query
and waits at most the time limit. A worker that overruns is killed, which
frees its CPU at once, and a fresh one takes its place. Workers also refuse
every outbound network connection, whatever a query asks.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import queue
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import urlsplit

from kg.errors import InternalError, KgError, NotAcceptable, QueryTimeout, Unavailable
from kg.protocol.query import MAX_QUERY_CHARS, check_query
from kg.results import QueryResult, StoreQuery
from kg.store import Store, StoreSpec, open_store

_CONTEXT = mp.get_context("spawn")
log = logging.getLogger("kg")


@dataclass(frozen=True)
class QueryRequest:
    """Everything a worker needs to answer one query."""

    query: StoreQuery
    #: For a client's query: the dataset's graphs, and the worker checks the query
    #: (kg.protocol.query.check_query) before it runs. Parsing a long query takes seconds, so it
    #: happens here, within the time limit and off the server's event loop.
    vet_against: frozenset[str] | None = None
    #: Result kinds ("table", "graph") the client cannot take, with the refusal to give.
    refused_kinds: dict[str, str] = field(default_factory=dict)
    #: The longest client query the check accepts (Settings.max_query_chars).
    max_chars: int = MAX_QUERY_CHARS


def answer(store: Store, request: QueryRequest) -> QueryResult:
    """What a worker does with one request: check a client's query, then run it on the store.

    The check parses the query; its shape (form, LIMIT, ORDER BY, trailing VALUES,
    dataset) goes to the store with it, so a store that rewrites the text
    (kg.store.sparql) does not parse it a second time.
    """
    query = request.query
    if request.vet_against is not None:
        checked = check_query(query.text, request.vet_against, request.max_chars)
        refusal = request.refused_kinds.get("graph" if checked.is_graph else "table")
        if refusal is not None:
            raise NotAcceptable(refusal)
        query = replace(query, shape=checked.shape)
    return store.query(query)


def _endpoint_address(endpoint: str | None) -> tuple[str, int] | None:
    if not endpoint:
        return None
    url = urlsplit(endpoint)
    port = url.port or (443 if url.scheme == "https" else 80)
    return (url.hostname or "", port)


def _refuse_network(allowed: tuple[str, int] | None = None) -> None:
    """Make every socket connection in this process fail, but to the configured SPARQL endpoint."""

    original = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        if self.family == socket.AF_UNIX or (allowed is not None and _same_address(address, allowed)):
            original(self, address)
            return
        raise PermissionError("kg query workers make no network connections")

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]


def _same_address(address: Any, allowed: tuple[str, int]) -> bool:
    if not isinstance(address, tuple) or len(address) < 2:
        return False
    host, port = address[0], address[1]
    if port != allowed[1]:
        return False
    try:
        resolved = {info[4][0] for info in socket.getaddrinfo(allowed[0], allowed[1])}
    except OSError:
        return False
    return host in resolved or host == allowed[0]


def _worker_main(spec: StoreSpec, conn: Connection) -> None:
    _refuse_network(_endpoint_address(spec.endpoint))
    try:
        store = open_store(spec)
    except Exception as exc:  # report and exit: the pool surfaces the message
        conn.send(("fatal", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            request: QueryRequest | None = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        try:
            conn.send(("ok", answer(store, request)))
        except KgError as exc:  # sent as it is: its type is its meaning (kg.errors)
            conn.send(("error", exc))
        except Exception as exc:  # a fault of ours: logged here with its traceback, the client gets the id
            fault = InternalError(f"the store failed on this query ({type(exc).__name__}); it has been logged")
            log.exception("query worker: %s; query:\n%s", fault, request.query.text[:2000])
            conn.send(("error", fault))


class Worker:
    """One worker process and its pipe."""

    def __init__(self, spec: StoreSpec, start_timeout: float) -> None:
        parent, child = _CONTEXT.Pipe()
        self.conn = parent
        self.process = _CONTEXT.Process(target=_worker_main, args=(spec, child), daemon=True)
        self.process.start()
        child.close()
        if not parent.poll(start_timeout):
            self.kill()
            raise KgError(f"query worker did not start within {start_timeout} s")
        try:
            status = parent.recv()
        except EOFError:
            self.kill()
            raise KgError("query worker exited while starting") from None
        if status[0] != "ready":
            self.kill()
            raise KgError(f"query worker failed to open the store: {status[1]}")

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(BrokenPipeError, OSError):
            self.conn.send(None)
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.kill()


class WorkerPool:
    """A fixed number of workers; ``run`` blocks a thread, never the event loop."""

    def __init__(self, spec: StoreSpec, size: int, *, start_timeout: float = 60.0) -> None:
        self.spec = spec
        self.start_timeout = start_timeout
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self.kills = 0
        self.runs = 0  # queries handed to a worker: /health shows it, tests see what ran
        self.size = size
        with ThreadPoolExecutor(max_workers=size) as starting:
            for worker in starting.map(lambda _: Worker(spec, start_timeout), range(size)):
                self._idle.put(worker)

    def run(self, request: QueryRequest, timeout: float) -> QueryResult:
        """Answer ``request`` within ``timeout`` seconds (waiting for a worker included)."""
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout(
                f"the server is busy: no query worker became free within the {timeout:g} s limit"
            ) from None
        remaining = max(0.0, deadline - time.monotonic())
        with self._lock:
            self.runs += 1
        try:
            worker.conn.send(request)
            if not worker.conn.poll(remaining):
                self._replace(worker)
                raise QueryTimeout(
                    f"the query ran longer than the {timeout:g} s limit and was stopped; "
                    "narrow it (LIMIT, more specific patterns) or ask for a higher limit"
                )
            reply = worker.conn.recv()
        except (EOFError, BrokenPipeError, OSError):
            self._replace(worker)
            raise Unavailable("the query worker died; it has been restarted: try again") from None
        self._idle.put(worker)
        if reply[0] == "ok":
            return reply[1]
        error = reply[1]
        if isinstance(error, InternalError):
            log.error("query worker reported %s", error)
        raise error

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        with self._lock:
            self.kills += 1
            if self._closed:
                return
        self._idle.put(Worker(self.spec, self.start_timeout))

    def close(self) -> None:
        with self._lock:
            self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            worker.stop()
