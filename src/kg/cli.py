"""The ``kg`` command: build, validate, query, export, stats, serve, load.

``kg query`` and ``kg stats`` run through the same :class:`kg.service.Service`
as ``kg serve``: the same store, the same checks of a client's query
(read-only, no SERVICE or LOAD), the same time and row limits, the same
formats (kg.protocol.formats); a text table is the default, for people.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Identifier

from kg.build import graph as kg_graph
from kg.build.validate import validate
from kg.config import Settings, from_environment
from kg.errors import KgError, QueryTimeout
from kg.protocol.formats import RDF_FORMATS, RESULT_FORMATS, Format, result_graph, serialise_graph, serialise_table
from kg.results import QueryResult
from kg.service import Service
from kg.terms import short_name


def _settings(args: argparse.Namespace) -> Settings:
    settings = from_environment()
    return settings.with_overrides(
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        store=getattr(args, "store", None),
        store_path=getattr(args, "store_path", None),
        endpoint=getattr(args, "endpoint", None),
        update_endpoint=getattr(args, "update_endpoint", None),
        query_timeout=getattr(args, "timeout", None),
        max_rows=getattr(args, "max_rows", None),
        graph_store=getattr(args, "graph_store", None),
    )


def _built(settings: Settings) -> Dataset:
    return kg_graph.build(settings)


def _service(settings: Settings, *, dataset: Dataset | None = None, prebuilt: Path | None = None) -> Service:
    """The service a command queries through; one worker, as a command runs one query at a time."""
    return Service(settings.with_overrides(workers=1), dataset=dataset, prebuilt=prebuilt)


def short(term: Identifier | None, names: dict[str, str]) -> str:
    """A term as a person reads it: prefixed name for IRIs, the text for literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return short_name(str(term), names, bare_ids=False)
    if isinstance(term, Literal):
        return str(term)
    return f"_:{term}"


def render_table(result: QueryResult, names: dict[str, str]) -> str:
    if result.kind == "ask":
        return "true" if result.boolean else "false"
    if result.kind == "graph":
        lines = [" ".join(short(t, names) for t in triple) for triple in result.triples]
        return "\n".join(lines)
    headers = [str(v) for v in result.variables]
    rows = [[short(v, names) for v in row] for row in result.rows]
    widths = [min(60, max([len(h)] + [len(r[i]) for r in rows])) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return " | ".join(c[:60].ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(headers), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    return "\n".join(out)


#: ``kg query --format``: a text table for people (the default), or a format of
#: kg.protocol.formats, as /sparql gives it: SELECT and ASK results as SPARQL
#: JSON, XML, CSV or TSV; CONSTRUCT and DESCRIBE graphs as RDF (``json`` is JSON-LD).
TABLE = "table"
GRAPH_FORMATS = [name for name, fmt in RDF_FORMATS.items() if not fmt.quads]
QUERY_FORMATS = [TABLE, *RESULT_FORMATS, *(name for name in GRAPH_FORMATS if name not in RESULT_FORMATS)]


def output_formats(name: str) -> tuple[dict[str, Format], dict[str, str]]:
    """The format for each kind of result ("table", "graph") and the refusal for a kind it cannot give.

    The refusals go to the worker with the query, so a query whose answer
    cannot be written in the format asked for is refused before it runs.
    """
    if name == TABLE:
        return {}, {}
    formats: dict[str, Format] = {}
    if name in RESULT_FORMATS:
        formats["table"] = RESULT_FORMATS[name]
    graph_name = "jsonld" if name == "json" else name
    if graph_name in GRAPH_FORMATS:
        formats["graph"] = RDF_FORMATS[graph_name]
    tables = ", ".join([TABLE, *RESULT_FORMATS])
    graphs = ", ".join([TABLE, *GRAPH_FORMATS, "json (JSON-LD)"])
    refusals = {
        "table": f"a SELECT or ASK result cannot be written as {name}; use --format {tables}",
        "graph": f"a CONSTRUCT or DESCRIBE result cannot be written as {name}; use --format {graphs}",
    }
    return formats, {kind: refusal for kind, refusal in refusals.items() if kind not in formats}


def render(result: QueryResult, fmt: Format | None, names: dict[str, str]) -> bytes:
    """A result in a format of kg.protocol.formats, or as a text table when ``fmt`` is None."""
    if fmt is None:
        return (render_table(result, names) + "\n").encode("utf-8")
    graph = result.kind == "graph"
    data = serialise_graph(result_graph(result, names), fmt) if graph else serialise_table(result, fmt)
    return data if data.endswith(b"\n") else data + b"\n"  # SPARQL JSON ends without one; a terminal wants it


def note_truncation(result: QueryResult) -> None:
    """Say on stderr that a result was capped, so that stdout holds only the result."""
    if result.truncated:
        unit = "triples" if result.kind == "graph" else "rows"
        print(f"kg: the result was truncated at {result.limit} {unit} (--max-rows, KG_MAX_ROWS)", file=sys.stderr)


# ---------------------------------------------------------------- commands


def _validate(settings: Settings) -> Dataset | None:
    """Validate and print the report; the dataset if it is valid."""
    report, dataset = validate(settings)
    for line in report.lines():
        print(line)
    print(report.summary())
    return dataset if report.ok else None


def cmd_validate(args: argparse.Namespace) -> int:
    return 0 if _validate(_settings(args)) is not None else 1


def cmd_build(args: argparse.Namespace) -> int:
    """Build, validate and show the stats: the whole pipeline in one step."""
    settings = _settings(args)
    dataset = _validate(settings)
    if dataset is None:
        return 1
    return _print_stats(settings, dataset)


def cmd_export(args: argparse.Namespace) -> int:
    settings = _settings(args)
    fmt = RDF_FORMATS[args.format]
    dataset = kg_graph.select_graphs(_built(settings), settings, args.graph)
    data = serialise_graph(dataset, fmt)
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"wrote {len(data)} bytes of {fmt.name} to {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    """A client's query, as /sparql runs it: checked, limited, in the format asked for."""
    text = args.query
    path = Path(text)
    if text.endswith(".rq") and path.is_file():
        text = path.read_text(encoding="utf-8")
    formats, refusals = output_formats(args.format)
    with _service(_settings(args), prebuilt=args.dataset) as service:
        try:
            result = service.query(text, from_client=True, refused_kinds=refusals)
        except QueryTimeout as exc:
            raise QueryTimeout(f"{exc} (kg query --timeout SECONDS, or KG_QUERY_TIMEOUT)") from None
        fmt = formats.get("graph" if result.kind == "graph" else "table")
        sys.stdout.buffer.write(render(result, fmt, service.prefixes))
        sys.stdout.flush()
    note_truncation(result)
    return 0


def _print_stats(settings: Settings, dataset: Dataset | None = None) -> int:
    with _service(settings, dataset=dataset) as service:
        for name in ("stats-graphs", "stats-classes", "stats-sources"):
            canned = service.catalog.get(name)
            result = service.query(canned.text)
            print(f"\n## {canned.title}\n")
            print(render_table(result, service.prefixes), flush=True)
            note_truncation(result)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    return _print_stats(_settings(args))


def cmd_serve(args: argparse.Namespace) -> int:
    from kg.web.server import serve

    return serve(_settings(args), prebuilt=args.dataset)


def cmd_load(args: argparse.Namespace) -> int:
    from kg.loading import load

    print(load(_settings(args), args.dataset))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="kg", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, description=help_text)

    add("validate", "Parse every file, run SHACL and check every quote; exit 0 only if all pass.").set_defaults(
        func=cmd_validate
    )
    add("build", "Build and validate the graph, then print its statistics.").set_defaults(func=cmd_build)
    add("stats", "Triples per graph, entities per class, facts per source document.").set_defaults(func=cmd_stats)

    export = add("export", "Write the dataset in an RDF format to stdout or a file.")
    export.add_argument("--format", choices=sorted(RDF_FORMATS), default="trig")
    export.add_argument("--graph", choices=["asserted", "inferred", "all"], default="all")
    export.add_argument("--output", "-o", help="file to write (default: stdout)")
    export.set_defaults(func=cmd_export)

    def add_service_options(command: argparse.ArgumentParser, dataset_help: str) -> None:
        """The store and limits of the service, the same for ``kg serve`` and ``kg query``."""
        command.add_argument("--store", choices=["oxigraph", "memory", "sparql"], help="query store (default oxigraph)")
        command.add_argument("--store-path", type=Path, dest="store_path", help="on-disk Oxigraph store folder")
        command.add_argument("--endpoint", help="SPARQL query endpoint URL, for --store sparql")
        command.add_argument("--dataset", type=Path, help=dataset_help)
        command.add_argument("--timeout", type=float, help="query time limit in seconds (default 10)")
        command.add_argument("--max-rows", type=int, dest="max_rows", help="result row cap (default 10000)")

    query = add(
        "query",
        "Run SPARQL (text or a .rq file) through the service, with its checks and limits; "
        "the kg:, id:, sdg: ... prefixes are predefined.",
    )
    query.add_argument("query", help="SPARQL text or the path of a .rq file")
    query.add_argument(
        "--format", choices=QUERY_FORMATS, default=TABLE, help="a text table (default), or a format as /sparql gives it"
    )
    add_service_options(query, "query this N-Quads/TriG file as it is, without validation")
    query.set_defaults(func=cmd_query)

    serve = add("serve", "Build, validate and serve the graph over HTTP (SPARQL, API, linked data).")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    add_service_options(serve, "serve this N-Quads/TriG file as it is, without validation")
    serve.set_defaults(func=cmd_serve)

    load = add("load", "Write the validated dataset (or --dataset FILE) into the configured store.")
    load.add_argument("--store", choices=["oxigraph", "memory", "sparql"])
    load.add_argument("--store-path", type=Path, dest="store_path", help="on-disk Oxigraph store folder")
    load.add_argument("--endpoint", help="SPARQL query endpoint URL")
    load.add_argument("--update-endpoint", dest="update_endpoint", help="SPARQL update endpoint URL")
    load.add_argument("--graph-store", dest="graph_store", help="SPARQL Graph Store Protocol URL")
    load.add_argument("--dataset", type=Path, help="load this N-Quads/TriG file instead of the project's data")
    load.set_defaults(func=cmd_load)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KgError as exc:
        print(f"kg: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
