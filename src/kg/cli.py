"""The ``kg`` command: build, validate, query, export, stats, serve, load."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Identifier

from kg.build import graph as kg_graph
from kg.build.validate import validate
from kg.catalog import Catalog
from kg.config import Settings, from_environment
from kg.errors import KgError
from kg.protocol.formats import RDF_FORMATS, plain_csv, serialise_graph
from kg.results import QueryResult, StoreQuery
from kg.store import OxigraphStore
from kg.terms import prefixes


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


def _query_store(dataset: Dataset) -> OxigraphStore:
    store = OxigraphStore()
    store.load_nquads(kg_graph.to_union_nquads(dataset))
    return store


def short(term: Identifier | None, names: dict[str, str]) -> str:
    """A term as a person reads it: prefixed name for IRIs, the text for literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        best = ""
        for prefix, ns in names.items():
            if text.startswith(ns) and len(ns) > len(names.get(best, "")):
                best = prefix
        if best:
            return f"{best}:{text[len(names[best]) :]}"
        return text
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
    if result.truncated:
        out.append(f"(truncated at {result.limit} rows)")
    return "\n".join(out)


def render_csv(result: QueryResult) -> str:
    return plain_csv(result, line_end="\n")


def render_json(result: QueryResult) -> str:
    if result.kind == "ask":
        return json.dumps({"boolean": result.boolean})
    return json.dumps([{k: str(v) for k, v in r.items()} for r in result.records()], indent=2, ensure_ascii=False)


# ---------------------------------------------------------------- commands


def cmd_validate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    report, _ = validate(settings)
    for line in report.lines():
        print(line)
    print(report.summary())
    return 0 if report.ok else 1


def cmd_build(args: argparse.Namespace) -> int:
    """Build, validate and show the stats: the whole pipeline in one step."""
    status = cmd_validate(args)
    if status != 0:
        return status
    return cmd_stats(args)


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
    settings = _settings(args)
    text = args.query
    path = Path(text)
    if text.endswith(".rq") and path.is_file():
        text = path.read_text(encoding="utf-8")
    store = _query_store(_built(settings))
    names = prefixes(settings)
    result = store.query(StoreQuery(text, prefixes=names, max_rows=args.max_rows or settings.max_rows))
    if args.format == "csv":
        sys.stdout.write(render_csv(result))
    elif args.format == "json":
        print(render_json(result))
    else:
        print(render_table(result, names))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = _query_store(_built(settings))
    names = prefixes(settings)
    catalog = Catalog(settings.queries_dir)
    for name in ("stats-graphs", "stats-classes", "stats-sources"):
        canned = catalog.get(name)
        result = store.query(StoreQuery(canned.text, prefixes=names, max_rows=settings.max_rows))
        print(f"\n## {canned.title}\n")
        print(render_table(result, names))
    return 0


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

    query = add(
        "query", "Run SPARQL (text or a .rq file) over the dataset; the kg:, id:, sdg: ... prefixes are predefined."
    )
    query.add_argument("query", help="SPARQL text or the path of a .rq file")
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")
    query.add_argument("--max-rows", type=int, dest="max_rows")
    query.set_defaults(func=cmd_query)

    serve = add("serve", "Build, validate and serve the graph over HTTP (SPARQL, API, linked data).")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--store", choices=["oxigraph", "memory", "sparql"], help="query store (default oxigraph)")
    serve.add_argument("--store-path", type=Path, dest="store_path", help="on-disk Oxigraph store folder")
    serve.add_argument("--endpoint", help="SPARQL query endpoint URL, for --store sparql")
    serve.add_argument("--dataset", type=Path, help="serve this N-Quads/TriG file as it is, without validation")
    serve.add_argument("--timeout", type=float, help="query time limit in seconds (default 10)")
    serve.add_argument("--max-rows", type=int, dest="max_rows", help="result row cap (default 10000)")
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
