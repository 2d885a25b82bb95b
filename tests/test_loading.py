"""Starting the service and loading stores: refuse invalid data, load idempotently, all or nothing."""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fake_endpoint import FakeEndpoint, Reply
from rdflib import Dataset

from kg.build import graph as kg_graph
from kg.config import Settings
from kg.errors import InvalidData, KgError
from kg.loading import load
from kg.rq import internal_query
from kg.service import Service
from kg.store import load as remote_load
from kg.store.binding import fill_update
from kg.store.load import STAGING_SUFFIX, load_into_endpoint

FORM = "application/x-www-form-urlencoded"


def broken_copy(tmp_path: Path, settings: Settings) -> Settings:
    """The project's files with one fact that breaks a shape (a funding with no funder)."""
    shutil.copytree(settings.ontology_dir, tmp_path / "ontology")
    shutil.copytree(settings.data_dir, tmp_path / "data")
    source = tmp_path / "data" / "sources" / "000.ttl"
    source.write_text(
        source.read_text(encoding="utf-8") + "\nid:funding-broken a kg:Funding ; schema:fundedItem id:better-work .\n",
        encoding="utf-8",
    )
    return settings.with_overrides(
        ontology_dir=tmp_path / "ontology", data_dir=tmp_path / "data", cache_dir=tmp_path / "cache"
    )


def test_service_refuses_to_start_on_invalid_data(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(InvalidData) as caught:
        Service(broken_copy(tmp_path, settings))
    message = str(caught.value)
    assert "will not start" in message
    assert "id:funding-broken" in message and "schema:funder" in message


def test_load_refuses_invalid_data(tmp_path: Path, settings: Settings) -> None:
    broken = broken_copy(tmp_path, settings).with_overrides(store="oxigraph", store_path=tmp_path / "store")
    with pytest.raises(InvalidData):
        load(broken)
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").iterdir())


def test_on_disk_store_loads_once(tmp_path: Path, settings: Settings) -> None:
    disk = settings.with_overrides(store="oxigraph", store_path=tmp_path / "store", cache_dir=tmp_path / "cache")
    first = load(disk)
    second = load(disk)
    assert first.loaded and not second.loaded
    assert first.triples == second.triples > 5000


# ---------------------------------------------------------------- an external endpoint (Virtuoso)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from virtuoso_server import start

    instance = start(tmp_path_factory.mktemp("virtuoso-load"))
    yield instance
    instance.stop()


def graph_counts(endpoint: str) -> dict[str, int]:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    r = httpx.get(endpoint, params={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=60)
    rows = r.json()["results"]["bindings"]
    return {b["g"]["value"]: int(b["n"]["value"]) for b in rows if "kg.example.org" in b["g"]["value"]}


@pytest.fixture()
def nquads(tmp_path: Path, dataset: Dataset) -> Path:
    path = tmp_path / "dataset.nq"
    path.write_bytes(kg_graph.to_nquads(dataset))
    return path


def test_endpoint_load_is_idempotent(virtuoso, settings: Settings, nquads: Path) -> None:  # type: ignore[no-untyped-def]
    remote = settings.with_overrides(
        store="sparql", endpoint=virtuoso.sparql_endpoint, graph_store=virtuoso.graph_store
    )
    first = load_into_endpoint(remote, nquads)
    counts = graph_counts(virtuoso.sparql_endpoint)
    second = load_into_endpoint(remote, nquads)
    assert first == second > 5000
    assert graph_counts(virtuoso.sparql_endpoint) == counts
    assert not [g for g in counts if g.endswith(STAGING_SUFFIX)]
    assert counts[settings.graph_ns + "source/002"] > 1000


def test_failed_endpoint_load_leaves_the_store_as_it_was(  # type: ignore[no-untyped-def]
    virtuoso, settings: Settings, nquads: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = settings.with_overrides(
        store="sparql", endpoint=virtuoso.sparql_endpoint, graph_store=virtuoso.graph_store
    )
    load_into_endpoint(remote, nquads)
    before = graph_counts(virtuoso.sparql_endpoint)
    # A changed dataset (half of it) whose third graph upload fails, after two graphs were staged.
    lines = nquads.read_text(encoding="utf-8").splitlines()
    changed = tmp_path / "changed.nq"
    changed.write_text("\n".join(lines[: len(lines) // 2]) + "\n", encoding="utf-8")
    real_request = remote_load._request
    uploads: list[str] = []

    def failing_request(
        url: str, data: bytes, content_type: str, method: str = "POST", options: remote_load.Options | None = None
    ) -> bytes:
        if method == "PUT":
            uploads.append(url)
            if len(uploads) == 3:
                raise KgError("simulated failure of the third upload")
        return real_request(url, data, content_type, method, options)

    monkeypatch.setattr(remote_load, "_request", failing_request)
    with pytest.raises(KgError, match="third upload"):
        load_into_endpoint(remote, changed)
    assert len(uploads) == 3
    after = graph_counts(virtuoso.sparql_endpoint)
    assert after == before
    assert not [g for g in after if g.endswith(STAGING_SUFFIX)]


TIMED_OUT = Reply(500, b"Virtuoso S1T00 Error SR171: Transaction timed out")


def refusing(times: int, refusal: Reply = TIMED_OUT) -> FakeEndpoint:
    """An endpoint that refuses the first ``times`` requests, then answers "done"."""
    engine = FakeEndpoint()
    engine.reply = lambda _form: refusal if len(engine.requests) <= times else Reply(200, b"done")
    return engine


def test_a_transaction_timeout_is_tried_again() -> None:
    with refusing(2) as engine:
        body = remote_load._request(engine.url, b"update=DROP+SILENT+GRAPH+%3Curn%3Ax%3E", FORM, waits=(0, 0, 0))
    assert body == b"done"
    assert len(engine.requests) == 3


def test_a_lasting_refusal_ends_the_load_after_the_last_attempt() -> None:
    with refusing(10) as engine, pytest.raises(KgError, match=r"SR171.*tried 3 times.*MaxQueryExecutionTime"):
        remote_load._request(engine.url, b"update=x", FORM, waits=(0, 0))
    assert len(engine.requests) == 3


def test_any_other_error_ends_the_load_at_once() -> None:
    syntax_error = Reply(400, b"Virtuoso 37000 Error SP030: SPARQL compiler: syntax error")
    with refusing(1, syntax_error) as engine, pytest.raises(KgError, match="SP030"):
        remote_load._request(engine.url, b"update=x", FORM, waits=(0, 0, 0))
    assert len(engine.requests) == 1


USER, PASSWORD = "kg-loader", "s3cret-Pa55"


def counting_endpoint() -> FakeEndpoint:
    """An endpoint that takes every update and counts one triple in any graph (as the tiny dataset has)."""
    one = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "1"}}]}}
    return FakeEndpoint(lambda form: Reply(200, json.dumps(one).encode()) if "query" in form else Reply(200, b""))


@pytest.fixture()
def tiny(tmp_path: Path) -> Path:
    """A dataset of one triple in one named graph."""
    path = tmp_path / "tiny.nq"
    path.write_text('<urn:s> <urn:p> "US$ 29 million" <https://kg.example.org/graph/source/000> .\n', encoding="utf-8")
    return path


def test_a_load_sends_the_credentials_with_every_request(settings: Settings, tiny: Path) -> None:
    with counting_endpoint() as engine:
        remote = settings.with_overrides(
            store="sparql", endpoint=engine.url, endpoint_user=USER, endpoint_password=PASSWORD
        )
        assert load_into_endpoint(remote, tiny) == 1
    basic = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert len(engine.requests) == 8  # per graph (source/000, merged): drop, insert, count; then two moves
    assert [h.get("authorization") for h in engine.headers] == [basic] * 8


def test_a_load_sends_no_credentials_when_none_are_set(settings: Settings, tiny: Path) -> None:
    with counting_endpoint() as engine:
        load_into_endpoint(settings.with_overrides(store="sparql", endpoint=engine.url), tiny)
    assert engine.requests and not [h for h in engine.headers if "authorization" in h]


def test_a_load_sends_its_updates_from_their_templates_with_the_graphs_filled_in(
    settings: Settings, tiny: Path
) -> None:
    with counting_endpoint() as engine:
        load_into_endpoint(settings.with_overrides(store="sparql", endpoint=engine.url), tiny)
    graph = settings.graph_ns + "source/000"
    staging = graph + STAGING_SUFFIX
    updates = [form["update"][0] for form in engine.requests if "update" in form]
    statements = [line for text in updates for line in text.splitlines() if line and not line.startswith("#")]
    assert statements[:4] == [
        f"DROP SILENT GRAPH <{staging}>",
        f"INSERT DATA {{ GRAPH <{staging}> {{",
        '<urn:s> <urn:p> "US$ 29 million" .',
        "} }",
    ]
    assert f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{graph}>" in statements
    assert f"VALUES (?g) {{ (<{staging}>) }}" in engine.queries[0]


@pytest.mark.parametrize("iri", ["urn:x> } ; DROP ALL ; #", "urn:a b", 'urn:x"'])
def test_an_iri_that_could_leave_its_brackets_is_never_written_into_an_update(iri: str) -> None:
    with pytest.raises(KgError, match="not a valid IRI"):
        fill_update(internal_query("drop-graph"), graph=iri)


def test_an_update_template_is_filled_whole_or_not_at_all() -> None:
    with pytest.raises(KgError, match="placeholders"):
        fill_update(internal_query("move-graph"), source="urn:a")
    with pytest.raises(KgError, match="placeholders"):
        fill_update(internal_query("drop-graph"), graph="urn:a", target="urn:b")
    assert fill_update(internal_query("move-graph"), source="urn:a", target="urn:b").endswith(
        "MOVE SILENT GRAPH <urn:a> TO GRAPH <urn:b>\n"
    )


def test_a_changed_shape_means_validating_again(tmp_path: Path, settings: Settings) -> None:
    from kg.build.graph import source_version

    shutil.copytree(settings.ontology_dir, tmp_path / "ontology")
    copy = settings.with_overrides(ontology_dir=tmp_path / "ontology")
    before = source_version(copy)
    shapes = tmp_path / "ontology" / "shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert source_version(copy) != before
