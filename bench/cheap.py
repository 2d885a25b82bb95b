"""Cheap queries against the engines a user would pick instead: kg beside Oxigraph's own server.

One run, the real data, one harness. It measures, over HTTP on 127.0.0.1:

- the floor: kg's ``/health`` (the same app, no query);
- kg's ``/sparql`` with a 10-row label query, answered from the answer cache
  (the same text every time) and uncached (a comment numbers each text, so
  every request is parsed, checked and run);
- the same query on ``oxigraph serve-read-only`` over the same N-Quads (the
  ``oxigraph`` command from PyPI; ``--oxigraph PATH`` or on PATH), if present;
- the same query on Virtuoso 7 (``scripts/virtuoso``), loaded by ``kg load
  --store sparql``, over the merged graph (``--no-virtuoso`` to leave it out);

each sequentially (p50, p95) and with 20 clients sending 20 queries each
(queries per second, p50, p99). Prints a Markdown table and writes
``bench/results/cheap.json``.

    .venv/bin/python bench/cheap.py [--oxigraph PATH] [--rounds 300]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import LOCAL, child_env, free_port, kg_command, machine, percentile, start_virtuoso, stop_virtuoso

from kg.build import graph as kg_graph
from kg.config import Settings

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
#: Written with full IRIs, so every engine gets the same text without predefined prefixes.
LABELS = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } LIMIT 10"
JSON_RESULTS = {"Accept": "application/sparql-results+json"}
CLIENTS = 20
PER_CLIENT = 20


def wait_for(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


Request = Callable[[httpx.Client, int], httpx.Response]


def sequential(base: str, request: Request, rounds: int) -> dict[str, float]:
    times = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for i in range(20):
            warm = request(client, -1 - i)
        if "sparql-results" in warm.headers.get("content-type", ""):  # the same answer everywhere: 10 rows
            rows = len(warm.json()["results"]["bindings"])
            if rows != 10:
                raise RuntimeError(f"{base}: {rows} rows where 10 were asked for")
        for i in range(rounds):
            started = time.perf_counter()
            response = request(client, i)
            times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{base}: {response.status_code} {response.text[:200]}")
    times.sort()
    return {"p50_ms": percentile(times, 0.5) * 1000, "p95_ms": percentile(times, 0.95) * 1000}


def concurrent(base: str, request: Request) -> dict[str, float]:
    times: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS + 1)

    def client_loop(n: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            request(client, 10_000 * (n + 1))  # warm the connection
            start.wait()
            for i in range(PER_CLIENT):
                began = time.perf_counter()
                response = request(client, 10_000 * (n + 1) + i + 1)
                took = time.perf_counter() - began
                with lock:
                    times.append(took)
                    if response.status_code != 200:
                        failures.append(str(response.status_code))

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    times.sort()
    return {
        "qps": len(times) / wall,
        "p50_ms": percentile(times, 0.5) * 1000,
        "p99_ms": percentile(times, 0.99) * 1000,
        "failures": len(failures),
    }


def kg_health(client: httpx.Client, _i: int) -> httpx.Response:
    return client.get("/health")


def same_text(client: httpx.Client, _i: int) -> httpx.Response:
    return client.get("/sparql", params={"query": LABELS}, headers=JSON_RESULTS)


def new_text(client: httpx.Client, i: int) -> httpx.Response:
    return client.get("/sparql", params={"query": f"# request {i}\n{LABELS}"}, headers=JSON_RESULTS)


def oxigraph_query(client: httpx.Client, _i: int) -> httpx.Response:
    return client.get("/query", params={"query": LABELS}, headers=JSON_RESULTS)


def virtuoso_query(merged: str) -> Request:
    """Virtuoso's /sparql over the merge ``kg load`` writes (its default graph would hold system graphs too)."""

    def request(client: httpx.Client, _i: int) -> httpx.Response:
        return client.get("/sparql", params={"query": LABELS, "default-graph-uri": merged}, headers=JSON_RESULTS)

    return request


def load_virtuoso(endpoint: dict[str, str], log: Path) -> None:
    """The real data into Virtuoso by ``kg load --store sparql``, as a user would put it there."""
    command = [*kg_command(), "load", "--store", "sparql", "--endpoint", endpoint["query"]]
    command += ["--update-endpoint", endpoint["update"], "--graph-store", endpoint["graph_store"]]
    with log.open("ab") as out:
        subprocess.run(command, env=child_env(), stdout=out, stderr=subprocess.STDOUT, check=True, timeout=600)


def start_kg(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = child_env() | {"KG_PORT": str(port)}
    proc = subprocess.Popen([*kg_command(), "serve"], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    base = f"http://{LOCAL}:{port}"
    wait_for(base + "/health")
    return proc, base


def start_oxigraph(binary: str, data: Path, work: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    location = work / "oxigraph"
    subprocess.run([binary, "load", "--location", str(location), "--file", str(data)], check=True, capture_output=True)
    port = free_port()
    command = [binary, "serve-read-only", "--location", str(location), "--bind", f"{LOCAL}:{port}"]
    proc = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    base = f"http://{LOCAL}:{port}"
    wait_for(base + "/query?query=ASK%7B%7D")
    return proc, base


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def table(rows: list[dict[str, Any]]) -> str:
    out = [
        "| endpoint | sequential p50 ms | p95 ms | 20 clients x 20: q/s | p50 ms | p99 ms |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        s, c = r["sequential"], r["concurrent"]
        out.append(
            f"| {r['name']} | {s['p50_ms']:.2f} | {s['p95_ms']:.2f} | {c['qps']:.0f} | {c['p50_ms']:.1f} "
            f"| {c['p99_ms']:.1f} |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--oxigraph", default=shutil.which("oxigraph"), help="the oxigraph command (PyPI: oxigraph)")
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--no-virtuoso", action="store_true", help="leave out Virtuoso (scripts/virtuoso)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-cheap-") as tmp:
        work = Path(tmp)
        data = work / "dataset.nq"
        data.write_bytes(kg_graph.to_union_nquads(kg_graph.build(Settings())))
        rows: list[dict[str, Any]] = []
        kg, base = start_kg(work / "kg.log")
        try:
            for name, request in [
                ("kg /health (the floor)", kg_health),
                ("kg /sparql, a repeated query (answer cache)", same_text),
                ("kg /sparql, a new text each time (parsed, checked, run)", new_text),
            ]:
                rows.append({"name": name, "sequential": sequential(base, request, args.rounds)})
                rows[-1]["concurrent"] = concurrent(base, request)
        finally:
            stop(kg)
        if args.oxigraph:
            server, base = start_oxigraph(args.oxigraph, data, work, work / "oxigraph.log")
            try:
                name = "Oxigraph's own server (serve-read-only), same data"
                rows.append({"name": name, "sequential": sequential(base, oxigraph_query, args.rounds)})
                rows[-1]["concurrent"] = concurrent(base, oxigraph_query)
            finally:
                stop(server)
        if not args.no_virtuoso:
            home = work / "virtuoso"
            endpoint = start_virtuoso(home, work / "virtuoso.log")
            try:
                load_virtuoso(endpoint, work / "virtuoso.log")
                base = endpoint["query"].removesuffix("/sparql")
                request = virtuoso_query(Settings().graph_ns + "merged")
                name = "Virtuoso 7 (scripts/virtuoso), same data"
                rows.append({"name": name, "sequential": sequential(base, request, args.rounds)})
                rows[-1]["concurrent"] = concurrent(base, request)
            finally:
                stop_virtuoso(home, work / "virtuoso.log")
    report = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(), "query": LABELS, "rows": rows}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cheap.json").write_text(json.dumps(report, indent=2))
    print(table(rows))
    floor = rows[0]["sequential"]["p50_ms"]
    for r in rows[1:]:
        print(f"{r['name']}: sequential p50 {r['sequential']['p50_ms'] / floor:.1f}x the floor")
    for baseline in rows[3:]:
        for r in rows[1:3]:
            print(
                f"{r['name']}: p50 {r['sequential']['p50_ms'] / baseline['sequential']['p50_ms']:.1f}x, "
                f"throughput {r['concurrent']['qps'] / baseline['concurrent']['qps']:.2f}x, "
                f"p99 {r['concurrent']['p99_ms'] / baseline['concurrent']['p99_ms']:.2f}x {baseline['name']}'s"
            )
    return 0 if all(r["concurrent"]["failures"] == 0 for r in rows) else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
