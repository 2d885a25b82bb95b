"""Loading the dataset into an external SPARQL endpoint, all or nothing.

Each named graph is first written to a staging graph (Graph Store Protocol
PUT when a graph-store URL is configured, SPARQL Update ``INSERT DATA``
otherwise) and its size checked; only when every graph is staged are they
moved into place with ``MOVE``. A failure before that drops the staging
graphs and leaves the store as it was. Running it twice gives the same store.
The updates are templates in ``src/kg/rq/`` (``drop-graph``, ``insert-data``,
``move-graph``) filled with checked IRIs (kg.store.binding.fill_update); every
request carries the endpoint's credentials (Settings.endpoint_user and
endpoint_password: HTTP Basic) when they are set.
"""

from __future__ import annotations

import base64
import contextlib
import json
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from kg.build.graph import graph_names
from kg.config import Credentials, Settings
from kg.errors import KgError
from kg.rq import internal_query
from kg.store import rdf_format
from kg.store.binding import bind_values, fill_update

STAGING_SUFFIX = "--kg-staging"
# Waits between attempts of a request the engine refused for the moment (seconds): 31 s in all.
RETRY_WAITS = (1.0, 2.0, 4.0, 8.0, 16.0)
# How engines say "not now" (Virtuoso: "SR171: Transaction timed out", "40001 ... deadlock").
TRANSIENT_MARKS = ("transaction timed out", "sr171", "deadlock", "40001")


def auth_headers(credentials: Credentials | None) -> dict[str, str]:
    """The Authorization header for the endpoint's credentials (HTTP Basic), or none."""
    if credentials is None:
        return {}
    token = base64.b64encode(f"{credentials.user}:{credentials.password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@dataclass(frozen=True)
class Options:
    """How each request of a load is sent: as whom, and how long it may take."""

    credentials: Credentials | None = None
    timeout: float = Settings.load_request_timeout


def _send(url: str, data: bytes, content_type: str, method: str, options: Options) -> bytes:
    headers = {"Content-Type": content_type, **auth_headers(options.credentials)}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=options.timeout) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        raise KgError(f"{method} {url} failed: HTTP {exc.code}: {exc.read()[:500]!r}") from None
    except OSError as exc:
        raise KgError(f"{method} {url} failed: {exc}") from None


def _request(
    url: str,
    data: bytes,
    content_type: str,
    method: str = "POST",
    options: Options | None = None,
    waits: tuple[float, ...] = RETRY_WAITS,
) -> bytes:
    """Send one request, again after a refusal the engine gives for the moment only.

    Every request of a load is safe to repeat: DROP and MOVE are each one
    transaction that happens whole or not at all, and writing the same
    triples into a staging graph twice leaves the same graph. A deadlock
    passes; a transaction timeout may not: Virtuoso counts a MOVE's wait for
    the locks its staging uploads still hold against its query time limit
    (MaxQueryExecutionTime), and with a limit of 1 s every later attempt timed
    out too (measured), while with its default of 60 s the MOVE takes under a
    second. So the last refusal says which setting to raise.
    """
    options = options or Options()
    for wait in waits:
        try:
            return _send(url, data, content_type, method, options)
        except KgError as exc:
            if not any(mark in str(exc).lower() for mark in TRANSIENT_MARKS):
                raise
        time.sleep(wait)
    try:
        return _send(url, data, content_type, method, options)
    except KgError as exc:
        if "timed out" not in str(exc).lower():
            raise
        raise KgError(
            f"{exc} (tried {len(waits) + 1} times): the engine's own time limit stopped the update;"
            " a load needs one above its longest update (Virtuoso: MaxQueryExecutionTime in virtuoso.ini)"
        ) from None


def _update(endpoint: str, text: str, options: Options) -> None:
    body = urllib.parse.urlencode({"update": text}).encode()
    _request(endpoint, body, "application/x-www-form-urlencoded", options=options)


def _count(endpoint: str, graph: str, options: Options) -> int:
    query = bind_values(internal_query("count-quads"), {"g": URIRef(graph)})
    url = endpoint + "?" + urllib.parse.urlencode({"query": query})
    headers = {"Accept": "application/sparql-results+json", **auth_headers(options.credentials)}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=options.timeout) as response:
        document = json.loads(response.read())
    return int(document["results"]["bindings"][0]["n"]["value"])


def graphs_of(path: Path) -> dict[str, list[str]]:
    """The dataset's triples as N-Triples lines, per named graph (default-graph triples are skipped)."""
    graphs: dict[str, list[str]] = defaultdict(list)
    for quad in ox.parse(path=str(path), format=rdf_format(path)):
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs[quad.graph_name.value].append(f"{quad.subject} {quad.predicate} {quad.object} .")
    return graphs


def load_into_endpoint(settings: Settings, path: Path) -> int:
    if not settings.endpoint:
        raise KgError("set the query endpoint (--endpoint or KG_ENDPOINT) to load into a SPARQL store")
    update = settings.update_endpoint or settings.endpoint
    options = Options(settings.endpoint_credentials, settings.load_request_timeout)
    graphs = graphs_of(path)
    # The merge of every graph, which the service names as the default graph (see kg.store.sparql).
    graphs[str(graph_names(settings).merged)] = sorted({line for lines in graphs.values() for line in lines})
    staged: list[str] = []
    try:
        for graph, lines in graphs.items():
            staging = graph + STAGING_SUFFIX
            _update(update, fill_update(internal_query("drop-graph"), graph=staging), options)
            staged.append(staging)
            if settings.graph_store:
                url = settings.graph_store + "?" + urllib.parse.urlencode({"graph": staging})
                body = ("\n".join(lines) + "\n").encode()
                _request(url, body, "application/n-triples", method="PUT", options=options)
            else:  # one request per graph: blank node labels are scoped to a request
                insert = fill_update(internal_query("insert-data"), graph=staging, triples="\n".join(lines))
                _update(update, insert, options)
            found = _count(settings.endpoint, staging, options)
            if found != len(set(lines)):
                raise KgError(f"staging graph {staging} holds {found} triples, expected {len(set(lines))}")
    except Exception:
        for staging in staged:
            with contextlib.suppress(KgError):
                _update(update, fill_update(internal_query("drop-graph"), graph=staging), options)
        raise
    for graph in graphs:
        move = fill_update(internal_query("move-graph"), source=graph + STAGING_SUFFIX, target=graph)
        _update(update, move, options)
    merged = str(graph_names(settings).merged)
    return sum(len(lines) for graph, lines in graphs.items() if graph != merged)
