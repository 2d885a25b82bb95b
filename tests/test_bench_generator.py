"""bench/generate.py: deterministic, the right size, valid N-Quads in the project's shape (10k only, fast)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.terms import prefixes

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "bench" / "generate.py"
BASE = "https://kg.example.org/"
SIZE = 10_000


def generate(out: Path, hash_seed: str) -> Path:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    subprocess.run(
        [sys.executable, str(GENERATOR), "--triples", "10k", "--out", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("bench") / "10k.nq", "1")


@pytest.fixture(scope="module")
def store(generated: Path) -> ox.Store:
    s = ox.Store()
    s.bulk_load(path=str(generated), format=ox.RdfFormat.N_QUADS)
    return s


def ask(store: ox.Store, text: str) -> bool:
    return bool(store.query(text, prefixes=prefixes(Settings()), use_default_graph_as_union=True))


def test_same_arguments_give_the_same_bytes(generated: Path, tmp_path: Path) -> None:
    again = generate(tmp_path / "again.nq", "2")  # another hash seed: no set ordering may leak into the output
    assert again.read_bytes() == generated.read_bytes()


def test_size_within_two_percent_and_no_duplicate_quads(generated: Path, store: ox.Store) -> None:
    lines = generated.read_bytes().count(b"\n")
    assert abs(lines - SIZE) <= SIZE * 0.02
    assert len(store) == lines  # every line parsed, none a duplicate


def test_named_graphs(store: ox.Store) -> None:
    graphs = {g.value for g in store.named_graphs()}
    for name in ("ontology", "reference", "inferred"):
        assert f"{BASE}graph/{name}" in graphs
    sources = {g for g in graphs if g.startswith(f"{BASE}graph/source/")}
    assert len(sources) >= 3
    assert not any(q.graph_name == ox.DefaultGraph() for q in store)
    ontology = list(ox.parse(path=str(ROOT / "ontology" / "kg.ttl"), format=ox.RdfFormat.TURTLE, base_iri=BASE))
    in_file = list(store.quads_for_pattern(None, None, None, ox.NamedNode(f"{BASE}graph/ontology")))
    assert len(in_file) == len({(q.subject, q.predicate, q.object) for q in ontology})


@pytest.mark.parametrize(
    "entity",
    [
        "id:usg", "id:usdol", "id:usdos", "id:usaid", "id:ilab", "id:drl", "id:ocft", "id:NPL", "id:USA",
        "id:better-work", "id:P029", "id:C182", "id:forced-labour", "id:bridge-project", "sdg:8.7",
    ],
)  # fmt: skip
def test_canned_query_example_entities_exist(store: ox.Store, entity: str) -> None:
    assert ask(store, f"ASK {{ {entity} ?p ?o }}")


def test_the_shape_the_canned_queries_expect(store: ox.Store) -> None:
    # A funding whose funder is a unit (bureau or office) of a department, with an amount and a quote.
    assert ask(
        store,
        """ASK { ?f a kg:Funding ; schema:funder ?unit ; schema:fundedItem ?project ;
                    schema:amount/schema:value ?amount ;
                    prov:wasDerivedFrom [ a kg:Evidence ; oa:hasSource ?doc ; oa:hasSelector/oa:exact ?quote ] .
                ?unit org:unitOf+ ?dept . ?dept a kg:GovernmentOrganization ; org:subOrganizationOf id:usg .
                ?doc a kg:SourceDocument . ?project a kg:Project }""",
    )
    # Funding by an office of the State Department rolls up to the department (derived graph).
    assert ask(store, "ASK { GRAPH graph:inferred { ?p kg:fundedBy id:usdos } }")
    # Projects in Nepal, on forced labour, under a programme, contributing (derived) to SDG 8.7.
    assert ask(store, "ASK { ?p a kg:Project ; kg:country id:NPL ; skos:prefLabel ?l }")
    assert ask(store, "ASK { ?p kg:theme id:forced-labour ; dcterms:isPartOf ?programme }")
    assert ask(store, "ASK { GRAPH graph:inferred { ?p kg:contributesTo sdg:8.7 } }")
    assert ask(store, "ASK { ?p kg:concernsInstrument id:P029 }")
    assert ask(store, "ASK { ?fig a kg:Figure ; kg:measure ?m ; kg:about ?x ; kg:figureKind ?k }")
    assert ask(store, "ASK { GRAPH source:005 { id:ilab org:unitOf id:usdol } }")


def test_inferred_graph_is_what_the_rules_derive(store: ox.Store) -> None:
    """The derived graph equals the fixpoint of ontology/rules/*.rq over the asserted graphs, nothing more."""
    inferred = ox.NamedNode(f"{BASE}graph/inferred")
    asserted = ox.Store()
    asserted.bulk_extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in store if q.graph_name != inferred
    )
    names = prefixes(Settings())
    rules = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "ontology" / "rules").glob("*.rq"))]
    derived: set[ox.Triple] = set()
    for _ in range(20):
        added = 0
        for rule in rules:
            for t in list(asserted.query(rule, prefixes=names)):
                quad = ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                if quad not in asserted:
                    asserted.add(quad)
                    derived.add(t)
                    added += 1
        if not added:
            break
    in_file = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, inferred)}
    assert in_file == derived
