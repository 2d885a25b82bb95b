"""The one-pass load (kg.store.merged_reader): the same store as loading, then merging with a query.

Each file is loaded twice: by ``OxigraphStore.load_file`` on disk (the merge
streamed in beside the quads) and by a plain ``bulk_load`` followed by
``rq/merge-into-default.rq`` (the reference). The two stores must hold the
same quads in every graph, the default graph included (blank nodes compared
by structure with RDFC-1.0 canonicalisation, as the two loads label them
differently).
"""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset

from kg.build import graph as kg_graph
from kg.rq import internal_query
from kg.store import OxigraphStore
from kg.store import oxigraph as oxigraph_store
from kg.store.merged_reader import MergedNQuadsReader
from kg.store.oxigraph import BUFFER_BYTES

G1, G2 = "<http://example.org/g1>", "<http://example.org/g2>"
QUADS = f"""<http://example.org/a> <http://example.org/p> <http://example.org/b> {G1} .
<http://example.org/a> <http://example.org/p> <http://example.org/b> {G2} .
<http://example.org/a> <http://example.org/addr> _:x {G1} .
_:x <http://example.org/city> "Gen\\"eva <http://example.org/g1> ." {G2} .
<http://example.org/a> <http://example.org/said> "a b c"@en {G1} .
<http://example.org/a> <http://example.org/n> "1 2"^^<http://www.w3.org/2001/XMLSchema#string> {G2} .
<http://example.org/a> <http://example.org/in> <http://example.org/c> _:graph .
"""


def reference(path: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    store.update(internal_query("merge-into-default"))
    return store


def canonical(store: ox.Store) -> set[ox.Quad]:
    """Every quad, default graph included, with blank nodes labelled by structure (RDFC-1.0)."""
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def assert_same_store(path: Path) -> None:
    loaded = OxigraphStore(path.parent / "store")  # on disk, where load_file streams the merge in
    loaded.load_file(path)
    ours, expected = loaded._store, reference(path)
    assert len(ours) == len(expected)
    assert canonical(ours) == canonical(expected)


def read_all(reader: MergedNQuadsReader) -> bytes:
    chunks = []
    buffer = bytearray(BUFFER_BYTES)
    while size := reader.readinto(buffer):
        chunks.append(bytes(buffer[:size]))
    return b"".join(chunks)


def test_every_quad_line_is_merged_and_nothing_else_is_added(tmp_path: Path) -> None:
    path = tmp_path / "quads.nq"
    path.write_text(QUADS, encoding="utf-8")
    with MergedNQuadsReader(path) as reader:
        text = read_all(reader).decode()
        assert reader.complete and reader.lines == reader.merged == 7
    added = text[len(QUADS) :].splitlines()
    # each line less its graph name; the literal that holds an IRI and " ." keeps it
    assert added == [line.rsplit(" ", 2)[0] + " ." for line in QUADS.splitlines()]
    assert '_:x <http://example.org/city> "Gen\\"eva <http://example.org/g1> ." .' in added
    assert_same_store(path)


def test_a_blank_node_keeps_its_links_across_blocks(tmp_path: Path) -> None:
    # Oxigraph relabels blank nodes per bulk_load call: the blocks must reach it as one stream.
    path = tmp_path / "quads.nq"
    path.write_text(QUADS, encoding="utf-8")
    loaded = OxigraphStore()
    with MergedNQuadsReader(path, block_bytes=40) as reader:
        loaded._store.bulk_load(io.BufferedReader(reader, 16), format=ox.RdfFormat.N_QUADS)
        assert reader.complete
    joined = list(
        loaded._store.query(
            "SELECT * WHERE { <http://example.org/a> <http://example.org/addr>/<http://example.org/city> ?c }"
        )
    )
    assert len(joined) == 1
    assert len(loaded._store) == len(reference(path))


@pytest.mark.parametrize(
    "extra",
    [
        "<http://example.org/t> <http://example.org/p> <http://example.org/o> .\n",  # a triple: its object is no graph
        "<http://example.org/t> <http://example.org/p>   <http://example.org/o> .\n",  # the same, odd spacing
        "# a comment\n",
        "\n\n",
        "<http://example.org/t> <http://example.org/p> <http://example.org/o> <http://example.org/g\\u0031> .\n",
    ],
    ids=["triple", "spaced-triple", "comment", "blank-lines", "escaped-graph-iri"],
)
def test_lines_it_does_not_read_as_quads_are_loaded_whole_and_merged_by_the_query(tmp_path: Path, extra: str) -> None:
    path = tmp_path / "mixed.nq"
    path.write_text(QUADS + extra, encoding="utf-8")
    with MergedNQuadsReader(path) as reader:
        read_all(reader)
        assert not reader.complete
    assert_same_store(path)


def test_a_block_with_a_quoted_triple_is_passed_on_whole(tmp_path: Path) -> None:
    # Its subject has spaces inside: the quad pattern could cut it at the wrong space.
    quoted = (
        f"<< <http://example.org/t> <http://example.org/p> <http://example.org/o> >> <http://example.org/q> {G1} .\n"
    )
    path = tmp_path / "quoted.nq"
    path.write_text(QUADS + quoted, encoding="utf-8")
    with MergedNQuadsReader(path) as reader:
        assert read_all(reader).decode() == QUADS + quoted
        assert not reader.complete


def test_the_real_dataset_loads_to_the_same_store_in_one_pass(tmp_path: Path, dataset: Dataset) -> None:
    path = tmp_path / "dataset.nq"
    path.write_bytes(kg_graph.to_nquads(dataset))
    with MergedNQuadsReader(path) as reader:
        read_all(reader)
        assert reader.complete, "the project's own file is merged in the same pass, with no query after"
    assert_same_store(path)


def test_only_a_trusted_file_skips_checking_its_iris(tmp_path: Path) -> None:
    # Lenient loading is for the project's own validated build (StoreSpec.trusted); any other file is checked.
    path = tmp_path / "odd.nq"
    path.write_text(
        f"<http://example.org/a^b> <http://example.org/p> <http://example.org/o> {G1} .\n", encoding="utf-8"
    )
    with pytest.raises(SyntaxError):
        OxigraphStore().load_file(path)
    trusted = OxigraphStore()
    trusted.load_file(path, trusted=True)
    assert len(trusted) == 2  # the quad and its triple in the default graph


def test_an_on_disk_load_of_a_whole_quad_file_runs_no_merge_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "quads.nq"
    path.write_text(QUADS, encoding="utf-8")

    def no_query(name: str) -> str:
        raise AssertionError(f"ran rq/{name}.rq: the merge should have come with the load")

    monkeypatch.setattr(oxigraph_store, "internal_query", no_query)
    store = OxigraphStore(tmp_path / "store")
    store.load_file(path)
    assert len(store) == len(reference(path))
