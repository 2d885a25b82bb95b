"""Median and 95th-percentile latency of every canned query over HTTP, on the real data.

Starts `kg serve` on a free loopback port, calls each canned query with its
example parameters REPEAT times, and writes a table and
bench/results/canned-latency.json. Loopback only; stops the server at the end.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
REPEAT = int(os.environ.get("KG_BENCH_REPEAT", "30"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--port", str(port)], cwd=ROOT)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            while True:
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    if time.perf_counter() - started > 120:
                        raise
                    time.sleep(0.05)
            ready = time.perf_counter() - started
            queries = client.get("/queries").json()["queries"]
            rows = []
            for q in queries:
                params = {p["name"]: p["example"] for p in q["parameters"] if p.get("example")}
                client.get(q["url"], params=params)  # warm-up
                times = []
                for _ in range(REPEAT):
                    t = time.perf_counter()
                    r = client.get(q["url"], params=params)
                    times.append((time.perf_counter() - t) * 1000)
                    r.raise_for_status()
                times.sort()
                rows.append(
                    {
                        "query": q["name"],
                        "params": params,
                        "rows": r.json()["count"],
                        "median_ms": round(statistics.median(times), 2),
                        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
                    }
                )
    finally:
        server.terminate()
        server.wait(timeout=10)
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "store": "oxigraph (in memory, worker processes)",
        "repeat": REPEAT,
        "service_ready_seconds": round(ready, 2),
        "queries": rows,
    }
    out = ROOT / "bench" / "results" / "canned-latency.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"service ready in {ready:.2f} s; {REPEAT} calls each; {result['machine']}")
    print(f"{'query':28} {'rows':>5} {'median ms':>10} {'p95 ms':>8}")
    for row in rows:
        print(f"{row['query']:28} {row['rows']:>5} {row['median_ms']:>10} {row['p95_ms']:>8}")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
