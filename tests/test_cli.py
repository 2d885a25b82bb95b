"""The real ``kg`` console script, run as a subprocess.

``kg query`` goes through the service as /sparql does: the same checks,
limits and formats, a refusal or a timeout exits 2 with the reason on stderr.

Every command builds the dataset from files, so the runs are started together
(as many at a time as there are CPUs) when the module's first test asks for
one; each test then waits for its own run and checks what it printed.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fake_endpoint import FakeEndpoint
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from kg.build import graph as kg_graph
from kg.catalog import Catalog
from kg.cli import output_formats
from kg.config import Settings
from kg.results import StoreQuery
from kg.store import OxigraphStore
from kg.terms import prefixes

KG = Path(sys.executable).parent / "kg"


@dataclass
class Run:
    args: list[str]
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Done:
    returncode: int
    stdout: bytes
    stderr: str
    seconds: float = 0.0

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8")


def clean_env(settings: Settings | None = None, **overrides: str) -> dict[str, str]:
    """The environment without stray KG_* settings, pointing the CLI at the tests' own settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    if settings is not None:
        env.update(
            KG_BASE_IRI=settings.base_iri,
            KG_DATA_DIR=str(settings.data_dir),
            KG_ONTOLOGY_DIR=str(settings.ontology_dir),
            KG_QUERIES_DIR=str(settings.queries_dir),
            KG_SEEDS_DIR=str(settings.seeds_dir),
        )
    env.update(overrides)
    return env


def run_kg(args: list[str], env: dict[str, str]) -> Done:
    started = time.monotonic()
    completed = subprocess.run([str(KG), *args], capture_output=True, env=env, timeout=120, check=False)
    seconds = time.monotonic() - started
    return Done(completed.returncode, completed.stdout, completed.stderr.decode("utf-8"), seconds)


# ---------------------------------------------------------------- the runs

#: Each format once; the graph selections spread over them (the inferred graph is
#: the smallest, so most formats export that one to keep the run short).
EXPORTS = {
    "turtle": "inferred",
    "ntriples": "asserted",
    "jsonld": "inferred",
    "xml": "inferred",
    "nquads": "inferred",
    "trig": "all",
}
RDFLIB_FORMAT = {
    "turtle": "turtle",
    "ntriples": "nt",
    "jsonld": "json-ld",
    "xml": "xml",
    "nquads": "nquads",
    "trig": "trig",
}

RDF_FORMATS_WITH_GRAPHS = {"nquads": True, "trig": True}

TABLE_QUERY = (
    "SELECT ?programme ?label WHERE { ?programme a kg:FlagshipProgramme ; skos:prefLabel ?label } ORDER BY ?label"
)
JSON_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH graph:inferred { ?s ?p ?o } }"
FUNDINGS = "SELECT ?f WHERE { ?f a kg:Funding }"
CONSTRUCT_QUERY = "CONSTRUCT { ?p skos:prefLabel ?label } WHERE { ?p a kg:FlagshipProgramme ; skos:prefLabel ?label }"
#: A cross product of every triple with every other, twice: it would run for hours.
RUNAWAY = "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z } ORDER BY ?a ?b ?c LIMIT 1"
ENDPOINT_USER, ENDPOINT_PASSWORD = "kg-reader", "s3cret-Pa55"


@dataclass
class Broken:
    data_dir: Path
    ontology_dir: Path
    path: Path
    line: int


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Broken:
    """A copy of ontology/ and data/ with a Turtle syntax error in one source file."""
    root = tmp_path_factory.mktemp("broken")
    shutil.copytree(settings.ontology_dir, root / "ontology")
    shutil.copytree(settings.data_dir, root / "data")
    path = root / "data" / "sources" / "003.ttl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if "oa:exact" in line)
    lines[index] = lines[index].replace("oa:exact", "oa:exact @@@", 1)
    path.write_text("".join(lines), encoding="utf-8")
    return Broken(root / "data", root / "ontology", path, index + 1)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def engine() -> Iterator[FakeEndpoint]:
    """A loopback SPARQL endpoint for ``kg query --store sparql``: it answers every query with nothing."""
    with FakeEndpoint() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def runs(settings: Settings, broken: Broken, workdir: Path, engine: FakeEndpoint) -> Iterator[dict[str, Future[Done]]]:
    credentials = {"KG_ENDPOINT_USER": ENDPOINT_USER, "KG_ENDPOINT_PASSWORD": ENDPOINT_PASSWORD}
    plan: dict[str, Run] = {
        "validate": Run(["validate"]),
        "validate-broken": Run(
            ["validate"], {"KG_DATA_DIR": str(broken.data_dir), "KG_ONTOLOGY_DIR": str(broken.ontology_dir)}
        ),
        "query-table": Run(["query", TABLE_QUERY]),
        "query-json": Run(["query", JSON_QUERY, "--format", "json"]),
        "query-canned": Run(["query", str(settings.queries_dir / "stats-graphs.rq"), "--format", "csv"]),
        "query-csv": Run(["query", TABLE_QUERY, "--format", "csv"]),
        "query-construct": Run(["query", CONSTRUCT_QUERY, "--format", "ntriples"]),
        "query-capped": Run(["query", FUNDINGS, "--max-rows", "3"]),
        "query-update": Run(["query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"]),
        "query-service": Run(["query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"]),
        "query-syntax": Run(["query", "SELECT * WHERE { ?s ?p }"]),
        "query-runaway": Run(["query", RUNAWAY, "--timeout", "1"]),
        "query-sparql": Run(["query", FUNDINGS, "--store", "sparql", "--endpoint", engine.url], credentials),
        "stats": Run(["stats"]),
        "load-in-memory": Run(["load", "--store", "oxigraph"]),
    }
    for fmt, which in EXPORTS.items():
        args = ["export", "--format", fmt, "--graph", which]
        if fmt == "trig":
            args += ["--output", str(workdir / "export.trig")]
        plan[f"export-{fmt}"] = Run(args)
    assert KG.is_file(), f"the kg console script is not installed at {KG}"
    # kg query and kg stats start the service, which validates the files once and keeps the
    # build (var/cache): one run first, so that the others find it rather than all validating.
    warm = run_kg(["query", "ASK {}"], clean_env(settings))
    assert warm.returncode == 0, warm.stderr
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        # slowest first, so the pool finishes them early
        order = sorted(plan, key=lambda name: not name.startswith("validate"))
        futures = {name: pool.submit(run_kg, plan[name].args, clean_env(settings, **plan[name].env)) for name in order}
        yield futures


def result(runs: dict[str, Future[Done]], name: str) -> Done:
    return runs[name].result()


# ---------------------------------------------------------------- validate


SUMMARY = re.compile(
    r"^(valid|INVALID): (\d+) triples, (\d+) statements \((\d+) without evidence\), (\d+) derivations, "
    r"(\d+) shape violations, (\d+) quotes checked, (\d+) quote problems, (\d+) hedge problems, "
    r"(\d+) failed checks, (\d+) errors \(\d+\.\d+ s\)$"
)


def test_validate_passes_on_the_real_data(runs: dict[str, Future[Done]], dataset: Dataset) -> None:
    done = result(runs, "validate")
    assert done.returncode == 0, done.text + done.stderr
    last = done.text.strip().splitlines()[-1]
    match = SUMMARY.match(last)
    assert match, last
    status, triples, statements, unsupported, derivations, violations, quotes, problems, hedges, checks, errors = (
        match.groups()
    )
    assert (status, unsupported, violations, problems, hedges, checks, errors) == ("valid", *"000000")
    assert int(triples) == len(kg_graph.union_graph(dataset))
    exact = URIRef("http://www.w3.org/ns/oa#exact")
    assert int(quotes) == sum(1 for _ in dataset.quads((None, exact, None, None))) > 500
    # every asserted triple has a statement node; every derived one a derivation
    assert int(statements) == len(set(dataset.subjects(RDF.type, RDF.Statement))) > 5000
    derivation = URIRef(Settings().ontology_ns + "Derivation")
    assert int(derivations) == len(set(dataset.subjects(RDF.type, derivation))) > 1000


def test_validate_fails_with_file_and_line_on_a_broken_copy(runs: dict[str, Future[Done]], broken: Broken) -> None:
    done = result(runs, "validate-broken")
    assert done.returncode == 1, done.text + done.stderr
    assert f"error: {broken.path}:{broken.line}: Turtle syntax error" in done.text
    assert done.text.strip().splitlines()[-1].startswith("INVALID: ")
    assert "Traceback" not in done.stderr


def test_a_load_into_memory_says_that_nothing_was_kept(runs: dict[str, Future[Done]]) -> None:
    done = result(runs, "load-in-memory")
    assert done.returncode == 0, done.text + done.stderr
    assert "oxigraph in memory: loaded" in done.text
    assert "nothing was kept" in done.text and "--store-path DIR" in done.text


# ---------------------------------------------------------------- export


def parse_export(fmt: str, data: bytes) -> Dataset:
    parsed = Dataset()
    if RDF_FORMATS_WITH_GRAPHS.get(fmt):
        parsed.parse(data=data, format=RDFLIB_FORMAT[fmt])
    else:
        parsed.default_graph.parse(data=data, format=RDFLIB_FORMAT[fmt])
    return parsed


def expected_graphs(dataset: Dataset, settings: Settings, which: str) -> dict[URIRef, int]:
    names = kg_graph.graph_names(settings)
    chosen = {"asserted": names.asserted, "inferred": [names.inferred], "all": names.all}[which]
    return {iri: len(dataset.graph(iri)) for iri in chosen}


def triples_of(dataset: Dataset, graphs: list[URIRef]) -> int:
    union = Graph()
    for iri in graphs:
        union += dataset.graph(iri)
    return len(union)


@pytest.mark.parametrize("fmt", sorted(EXPORTS))
def test_export_round_trips(
    fmt: str, runs: dict[str, Future[Done]], dataset: Dataset, settings: Settings, workdir: Path
) -> None:
    which = EXPORTS[fmt]
    done = result(runs, f"export-{fmt}")
    assert done.returncode == 0, done.stderr
    if fmt == "trig":
        assert done.stdout == b""
        data = (workdir / "export.trig").read_bytes()
        assert f"wrote {len(data)} bytes" in done.stderr
    else:
        data = done.stdout
    assert data
    parsed = parse_export(fmt, data)
    expected = expected_graphs(dataset, settings, which)
    if RDF_FORMATS_WITH_GRAPHS.get(fmt):
        got = {g.identifier: len(g) for g in parsed.graphs() if len(g)}
        assert got == expected
    else:
        # one graph: the triples of the selected graphs, merged
        assert len(parsed.default_graph) == triples_of(dataset, list(expected))


def test_inferred_export_has_no_source_graph_triples(
    runs: dict[str, Future[Done]], dataset: Dataset, settings: Settings
) -> None:
    names = kg_graph.graph_names(settings)
    formats = [fmt for fmt, which in EXPORTS.items() if which == "inferred"]
    assert "nquads" in formats  # a quad format shows the graph name too
    for fmt in formats:
        parsed = parse_export(fmt, result(runs, f"export-{fmt}").stdout)
        assert {g.identifier for g in parsed.graphs() if len(g)} <= {names.inferred, parsed.default_graph.identifier}
        triples = {(s, p, o) for s, p, o, _ in parsed.quads((None, None, None, None))}
        assert len(triples) == len(dataset.graph(names.inferred))
        for iri in names.asserted:
            graph = dataset.graph(iri)
            assert not [t for t in triples if t in graph], f"{fmt} export of the inferred graph holds triples of {iri}"


def test_asserted_export_has_no_derived_triples(
    runs: dict[str, Future[Done]], dataset: Dataset, settings: Settings
) -> None:
    names = kg_graph.graph_names(settings)
    parsed = parse_export("ntriples", result(runs, "export-ntriples").stdout)
    inferred = dataset.graph(names.inferred)
    fundedby = URIRef(settings.ontology_ns + "fundedBy")
    assert not any(parsed.default_graph.triples((None, fundedby, None)))
    assert not [t for t in inferred if t in parsed.default_graph]


# ---------------------------------------------------------------- query


def test_query_table(runs: dict[str, Future[Done]], store: OxigraphStore, settings: Settings) -> None:
    done = result(runs, "query-table")
    assert done.returncode == 0, done.stderr
    lines = done.text.rstrip("\n").splitlines()
    assert re.match(r"^programme\s+\| label$", lines[0]), lines[0]
    assert set(lines[1]) <= {"-", "+"}
    expected = store.query(StoreQuery(TABLE_QUERY, prefixes=prefixes(settings), max_rows=1000))
    assert len(lines) - 2 == len(expected.rows) >= 5
    assert any(line.startswith("id:better-work ") and line.endswith("| Better Work") for line in lines[2:])


def test_query_json(runs: dict[str, Future[Done]], dataset: Dataset, settings: Settings) -> None:
    """``--format json`` is SPARQL 1.1 JSON, as /sparql gives it."""
    done = result(runs, "query-json")
    assert done.returncode == 0, done.stderr
    inferred = dataset.graph(kg_graph.graph_names(settings).inferred)
    document = json.loads(done.text)
    assert document["head"]["vars"] == ["n"]
    assert [row["n"]["value"] for row in document["results"]["bindings"]] == [str(len(inferred))]


def test_query_csv_from_an_rq_file(runs: dict[str, Future[Done]], dataset: Dataset) -> None:
    """A .rq path (here a canned query, #+ header and all) is read and run; CSV has full IRIs."""
    done = result(runs, "query-canned")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.text)))
    got = {row["graph"]: int(row["triples"]) for row in rows}
    assert got == {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}


def test_query_csv_is_csv(runs: dict[str, Future[Done]], store: OxigraphStore, settings: Settings) -> None:
    done = result(runs, "query-csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.text, newline="")))
    assert rows[0] == ["programme", "label"]
    expected = store.query(StoreQuery(TABLE_QUERY, prefixes=prefixes(settings), max_rows=1000))
    assert rows[1:] == [[str(term) for term in row] for row in expected.rows]
    assert done.stderr == ""


def test_query_construct_as_ntriples(runs: dict[str, Future[Done]], store: OxigraphStore, settings: Settings) -> None:
    done = result(runs, "query-construct")
    assert done.returncode == 0, done.stderr
    graph = Graph().parse(data=done.text, format="nt")
    expected = store.query(StoreQuery(CONSTRUCT_QUERY, prefixes=prefixes(settings), max_rows=1000))
    assert set(graph) == set(expected.triples) and len(graph) >= 5


def test_a_capped_result_says_so_on_stderr(runs: dict[str, Future[Done]]) -> None:
    done = result(runs, "query-capped")
    assert done.returncode == 0, done.stderr
    lines = done.text.rstrip("\n").splitlines()
    assert lines[0].rstrip() == "f" and len(lines) == 2 + 3
    assert "truncated at 3 rows" in done.stderr
    assert "truncated" not in done.text


@pytest.mark.parametrize(
    "name,message",
    [
        ("query-update", "read-only: SPARQL updates are not accepted"),
        ("query-service", "SERVICE is not allowed"),
        ("query-syntax", "SPARQL syntax error at line 1"),
    ],
    ids=["update", "service", "syntax-error"],
)
def test_a_refused_or_bad_query_exits_with_the_reason(runs: dict[str, Future[Done]], name: str, message: str) -> None:
    done = result(runs, name)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == b""


def test_a_runaway_query_is_stopped_at_the_time_limit(runs: dict[str, Future[Done]]) -> None:
    done = result(runs, "query-runaway")
    assert done.returncode == 2
    assert "longer than the 1 s limit" in done.stderr and "--timeout" in done.stderr
    # Start (a worker loading the dataset), the 1 s limit, the kill: seconds, not the hours the query needs.
    assert done.seconds < 30, done.seconds


def test_query_through_an_external_endpoint_with_its_credentials(
    runs: dict[str, Future[Done]], engine: FakeEndpoint
) -> None:
    """``--store sparql --endpoint URL``: the query goes there, with KG_ENDPOINT_USER/PASSWORD on every request."""
    done = result(runs, "query-sparql")
    assert done.returncode == 0, done.stderr
    assert any(query.endswith("?f a kg:Funding }\nLIMIT 10001") for query in engine.queries), engine.queries
    basic = "Basic " + base64.b64encode(f"{ENDPOINT_USER}:{ENDPOINT_PASSWORD}".encode()).decode()
    assert engine.headers and all(h.get("authorization") == basic for h in engine.headers)
    assert ENDPOINT_PASSWORD not in done.stderr


@pytest.mark.parametrize(
    "name,kinds",
    [
        ("table", set()),
        ("csv", {"table"}),
        ("json", {"table", "graph"}),
        ("turtle", {"graph"}),
        ("xml", {"table", "graph"}),
    ],
)
def test_each_format_answers_the_kinds_of_result_it_can_write(name: str, kinds: set[str]) -> None:
    formats, refusals = output_formats(name)
    assert set(formats) == kinds
    assert set(refusals) == ({"table", "graph"} - kinds if name != "table" else set())
    if "graph" in refusals:
        assert "cannot be written as" in refusals["graph"] and "turtle" in refusals["graph"]


# ---------------------------------------------------------------- stats


def test_stats_prints_three_sections(runs: dict[str, Future[Done]], settings: Settings) -> None:
    done = result(runs, "stats")
    assert done.returncode == 0, done.stderr
    catalog = Catalog(settings.queries_dir)
    titles = [catalog.get(name).title for name in ("stats-graphs", "stats-classes", "stats-sources")]
    headings = [line[3:] for line in done.text.splitlines() if line.startswith("## ")]
    assert headings == titles
    sections = re.split(r"^## .*$", done.text, flags=re.MULTILINE)[1:]
    for title, section in zip(titles, sections, strict=True):
        table = [line for line in section.strip().splitlines() if line.strip()]
        assert len(table) >= 3, f"section {title!r} has no rows"
        assert set(table[1]) <= {"-", "+"}, title
    assert "graph:inferred" in sections[0]
    assert "kg:Evidence" in sections[1]


def test_an_unknown_command_is_a_usage_error() -> None:
    done = run_kg(["no-such-command"], clean_env())
    assert done.returncode == 2
    assert "invalid choice" in done.stderr
