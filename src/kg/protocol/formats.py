"""Media types and serialisers: a result or graph in, bytes of the chosen format out."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from rdflib import Dataset, Graph, Literal
from rdflib.query import Result

from kg.errors import NotAcceptable
from kg.results import QueryResult
from kg.store.binding import literal_syntax


@dataclass(frozen=True)
class Format:
    """A named format: its media type, file extension and rdflib serialiser name."""

    name: str
    media_type: str
    extension: str
    rdflib_name: str
    quads: bool = False


def by_name(*formats: Format) -> dict[str, Format]:
    return {f.name: f for f in formats}


RDF_FORMATS = by_name(
    Format("turtle", "text/turtle", "ttl", "turtle"),
    Format("ntriples", "application/n-triples", "nt", "nt"),
    Format("jsonld", "application/ld+json", "jsonld", "json-ld"),
    Format("xml", "application/rdf+xml", "rdf", "xml"),
    Format("nquads", "application/n-quads", "nq", "nquads", quads=True),
    Format("trig", "application/trig", "trig", "trig", quads=True),
)
RESULT_FORMATS = by_name(
    Format("json", "application/sparql-results+json", "srj", "json"),
    Format("xml", "application/sparql-results+xml", "srx", "xml"),
    Format("csv", "text/csv", "csv", "csv"),
    Format("tsv", "text/tab-separated-values", "tsv", "tsv"),
)

#: Aliases accepted in a ``format`` parameter (SPARQLWrapper and others send these).
FORMAT_ALIASES: dict[str, str] = {
    "ttl": "turtle",
    "n3": "turtle",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "json-ld": "jsonld",
    "rdf": "xml",
    "rdfxml": "xml",
    "rdf+xml": "xml",
    "nq": "nquads",
    "n-quads": "nquads",
    "srj": "json",
    "srx": "xml",
}


def canonical_format_name(name: str) -> str:
    key = name.strip().lower()
    return FORMAT_ALIASES.get(key, key)


def serialise_graph(graph: Graph | Dataset, fmt: Format) -> bytes:
    """A graph (or dataset, for quad formats) in the given RDF format."""
    if fmt.quads and not isinstance(graph, Dataset):
        raise NotAcceptable(f"{fmt.name} needs a dataset")
    if not fmt.quads and isinstance(graph, Dataset):
        merged = Graph()
        for prefix, ns in graph.namespaces():
            merged.bind(prefix, ns, override=True)
        for s, p, o, _ in graph.quads((None, None, None, None)):
            merged.add((s, p, o))
        graph = merged
    data = graph.serialize(format=fmt.rdflib_name, encoding="utf-8")
    return data


def result_graph(result: QueryResult, namespaces: dict[str, str]) -> Graph:
    graph = Graph()
    for prefix, ns in namespaces.items():
        graph.bind(prefix, ns, override=True)
    for triple in result.triples:
        graph.add(triple)
    return graph


def serialise_table(result: QueryResult, fmt: Format) -> bytes:
    """A SELECT or ASK result as SPARQL JSON, XML, CSV or TSV."""
    if result.kind == "ask" and fmt.name in ("csv", "tsv"):
        return _ask_as_text(result, "," if fmt.name == "csv" else "\t")
    if fmt.name == "tsv":
        return _tsv(result)
    rdflib_result = Result("ASK" if result.kind == "ask" else "SELECT")
    if result.kind == "ask":
        rdflib_result.askAnswer = bool(result.boolean)
    else:
        rdflib_result.vars = list(result.variables)
        rdflib_result.bindings = [
            {var: value for var, value in zip(result.variables, row, strict=True) if value is not None}
            for row in result.rows
        ]
    buffer = io.BytesIO()
    rdflib_result.serialize(buffer, format=fmt.rdflib_name, encoding="utf-8")
    data = buffer.getvalue()
    if fmt.name == "json" and result.truncated:
        document = json.loads(data)
        document.setdefault("head", {})["link"] = []
        document["truncated"] = True
        document["limit"] = result.limit
        data = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return data


def plain_csv(result: QueryResult, line_end: str = "\r\n") -> str:
    """A SELECT result as plain CSV: a header of variable names, then values as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end)
    writer.writerow([str(v) for v in result.variables])
    for row in result.rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    return buffer.getvalue()


def _ask_as_text(result: QueryResult, delimiter: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["_askResult"])
    writer.writerow(["true" if result.boolean else "false"])
    return buffer.getvalue().encode("utf-8")


def _tsv(result: QueryResult) -> bytes:
    """SPARQL 1.1 TSV: ?var headers, terms in their N-Triples/Turtle form (rdflib has no TSV writer)."""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        cells = []
        for value in row:
            if value is None:
                cells.append("")
            elif isinstance(value, Literal):
                cells.append(literal_syntax(value))  # one line, tabs escaped: never the long form
            else:
                cells.append(value.n3())
        lines.append("\t".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")
