#!/usr/bin/env python3
"""The benchmark, side by side per store and size, in one command.

    python bench/run.py                                  # real,10k,100k,1m on oxigraph, oxigraph-disk, memory
    python bench/run.py --sizes 10m --stores oxigraph-disk
    python bench/run.py --sizes 10k --stores sparql --endpoint virtuoso

For every size (``real`` is the project's own data, built and validated as
``kg serve`` does; the others are files from bench/generate.py) and store, it
measures, each phase capped in time so that a slow store reports what it
managed instead of holding up the run:

* load: ``kg load [--dataset FILE] --store ...`` as a separate process:
  wall time, the store's own load time and rate as ``kg load`` prints them,
  peak memory;
* start: ``kg serve [--dataset FILE] --store ... --port P`` until ``GET
  /health`` answers 200 (the service's own start time too);
* every canned query (``GET /queries``, with its example parameters) over
  HTTP: one warm-up call, then up to --repeat calls: median and 95th
  percentile, rows returned;
* SPARQL throughput: a fixed mix of queries over ``POST /sparql`` from 1, 4
  and 16 concurrent clients (threads, one httpx client each), bounded by
  count and time;
* peak memory of the server and all its processes (query workers): the
  sampled maximum of their summed RSS, and the sum of their VmHWM;
* the rdflib (``memory``) over Oxigraph (``oxigraph``) ratio of every canned
  query's median, where both ran for a size.

Results: a Markdown table on stdout and in bench/results/latest.md, and
everything in bench/results/latest.json (with the machine: CPU, cores,
memory, Python and library versions, date). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py, beside this file)

STORES = ("oxigraph", "oxigraph-disk", "memory", "sparql")
DEFAULT_SIZES = "real,10k,100k,1m"
DEFAULT_STORES = "oxigraph,oxigraph-disk,memory"
MEMORY_STORE_LIMIT = 100_000  # the rdflib store is skipped above this size unless --force-memory
CONCURRENCY = (1, 4, 16)
LOCAL = "127.0.0.1"

# A fixed mix for the throughput phase: lookups, one hop, joins, an
# aggregate, a property path and an ASK, all on entities every size has.
SPARQL_MIX = {
    "describe-entity": "SELECT ?p ?o WHERE { id:usdos ?p ?o } LIMIT 100",
    "units-of": "SELECT ?unit ?label WHERE { ?unit org:unitOf id:usdos ; skos:prefLabel ?label } ORDER BY ?label",
    "funded-in-country": (
        "SELECT ?project ?funder WHERE { ?project kg:country id:NPL ; kg:fundedBy ?funder } LIMIT 200"
    ),
    "fundings-of-unit": (
        "SELECT ?f ?item ?amount WHERE { ?f a kg:Funding ; schema:funder ?unit ; schema:fundedItem ?item . "
        "?unit org:subOrganizationOf* id:usdol . OPTIONAL { ?f schema:amount/schema:value ?amount } } LIMIT 200"
    ),
    "themes-count": (
        "SELECT ?theme (COUNT(?p) AS ?n) WHERE { ?p kg:theme ?theme } GROUP BY ?theme ORDER BY DESC(?n) LIMIT 20"
    ),
    "quotes-of-source": (
        "SELECT ?fact ?quote WHERE { ?fact prov:wasDerivedFrom ?e . ?e oa:hasSource id:source-001 ; "
        "oa:hasSelector/oa:exact ?quote } LIMIT 50"
    ),
    "ask-funding": "ASK { ?f a kg:Funding ; schema:funder id:drl }",
}


# ---------------------------------------------------------------- small helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOCAL, 0))
        return int(s.getsockname()[1])


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1))))
    return sorted_values[k]


def tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["KG_HOST"] = LOCAL
    env["NO_PROXY"] = env["no_proxy"] = f"{LOCAL},localhost"
    for key in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env.pop(key, None)
    return env


def kg_command() -> list[str]:
    return [sys.executable, "-m", "kg.cli"]


# ---------------------------------------------------------------- memory of a process tree


def _status(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, value = line.split(":", 1)
                    out[key] = int(value.split()[0])  # kB
    except OSError:
        pass
    return out


def process_tree(root: int) -> list[int]:
    """The root and all its descendants (from /proc/*/stat parent ids)."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    tree, stack = [], [root]
    while stack:
        pid = stack.pop()
        tree.append(pid)
        stack.extend(parents.get(pid, ()))
    return tree


class TreeMemory(threading.Thread):
    """Samples the summed RSS of a process tree, and keeps each process's VmHWM."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_total_kb = 0
        self.hwm_kb: dict[int, int] = {}
        self.pids: set[int] = set()
        self._stop_event = threading.Event()

    def sample(self) -> None:
        total = 0
        for pid in process_tree(self.pid):
            status = _status(pid)
            if not status:
                continue
            self.pids.add(pid)
            total += status.get("VmRSS", 0)
            self.hwm_kb[pid] = max(self.hwm_kb.get(pid, 0), status.get("VmHWM", 0))
        self.peak_total_kb = max(self.peak_total_kb, total)

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def stop(self) -> dict[str, float]:
        with contextlib.suppress(Exception):
            self.sample()
        self._stop_event.set()
        return {
            "peak_rss_mb": round(self.peak_total_kb / 1024, 1),
            "sum_hwm_mb": round(sum(self.hwm_kb.values()) / 1024, 1),
            "max_process_hwm_mb": round(max(self.hwm_kb.values(), default=0) / 1024, 1),
            "processes": len(self.hwm_kb),
        }


def stop_tree(proc: subprocess.Popen, pids: set[int], grace: float = 10) -> None:
    """SIGTERM the process, wait, then SIGKILL it and any process of its tree still alive."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait(timeout=grace)
    deadline = time.monotonic() + grace
    for pid in sorted(pids - {proc.pid}):
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        if Path(f"/proc/{pid}").exists():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


# ---------------------------------------------------------------- the machine


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    versions = {}
    for dist in ("kg", "pyoxigraph", "rdflib", "fastapi", "uvicorn", "httpx", "pyshacl"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = None
    commit = None
    with contextlib.suppress(Exception):
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
            ).stdout.strip()
            or None
        )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions,
        "git_commit": commit,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


# ---------------------------------------------------------------- datasets


@dataclass
class Dataset:
    label: str
    path: Path | None  # None: the project's real data
    triples: int | None = None
    generate_seconds: float | None = None
    reused: bool = False
    meta: dict[str, Any] = field(default_factory=dict)


def prepare_dataset(label: str, data_dir: Path, seed: int) -> Dataset:
    """The generated file for a size, reused when the generator and data are unchanged."""
    if label == "real":
        return Dataset("real", None)
    triples = generate.parse_size(label)
    path = data_dir / f"{generate.size_label(triples)}.nq"
    meta_path = path.with_name(path.name + ".json")
    fingerprint = generate.file_fingerprint()
    if path.exists() and meta_path.exists():
        with contextlib.suppress(ValueError, OSError):
            meta = json.loads(meta_path.read_text())
            if (
                meta.get("fingerprint") == fingerprint
                and meta.get("seed") == seed
                and meta.get("target_triples") == triples
            ):
                return Dataset(label, path, meta["triples"], reused=True, meta=meta)
    started = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCH / "generate.py"),
            "--triples",
            str(triples),
            "--out",
            str(path),
            "--seed",
            str(seed),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"generate.py failed for {label}: {proc.stderr.strip()[-500:]}")
    meta = json.loads(meta_path.read_text())
    return Dataset(label, path, meta["triples"], generate_seconds=round(seconds, 2), meta=meta)


# ---------------------------------------------------------------- what this kg can do


def capabilities() -> dict[str, Any]:
    def help_text(*args: str) -> str:
        proc = subprocess.run(
            [*kg_command(), *args, "--help"], cwd=ROOT, capture_output=True, text=True, env=child_env(), timeout=120
        )
        return proc.stdout + proc.stderr

    top = help_text()
    serve = help_text("serve")
    load = help_text("load") if re.search(r"\bload\b", top) else ""
    stores = re.search(r"--store \{([^}]*)\}", serve)
    return {
        "load": bool(load) and "--dataset" in load,
        "load_command": bool(load),
        "serve_dataset": "--dataset" in serve,
        "store_path": "--store-path" in serve,
        "endpoint": "--endpoint" in serve,
        "serve_stores": stores.group(1).split(",") if stores else ["oxigraph", "memory"],
    }


# ---------------------------------------------------------------- one store, one size


@dataclass
class Options:
    repeat: int
    query_budget: float
    canned_budget: float
    start_timeout: float
    load_timeout: float
    throughput_seconds: float
    throughput_max: int
    server_timeout: float
    work_dir: Path
    endpoint: str | None
    update_endpoint: str | None
    graph_store: str | None
    keep_stores: bool


class Failure(Exception):
    pass


def store_args(store: str, store_dir: Path | None, endpoint: dict[str, str] | None) -> list[str]:
    if store == "oxigraph-disk":
        assert store_dir is not None
        return ["--store", "oxigraph", "--store-path", str(store_dir)]
    if store == "sparql":
        assert endpoint is not None
        return ["--store", "sparql", "--endpoint", endpoint["query"]]
    return ["--store", store]


def parse_load_output(text: str) -> dict[str, Any]:
    """What `kg load` says: 'oxigraph in memory: loaded 11437 quads in 0.12 s (95,000 quads/s)'."""
    out: dict[str, Any] = {"message": text.strip().splitlines()[-1] if text.strip() else ""}
    m = re.search(r"loaded ([\d,]+) (?:quads|triples) in ([\d.]+) ?s", text)
    if m:
        out["quads"] = int(m.group(1).replace(",", ""))
        out["store_seconds"] = float(m.group(2))
    elif re.search(r"already holds", text):
        out["skipped"] = True
    return out


def run_load(
    ds: Dataset, store: str, store_dir: Path | None, endpoint: dict[str, str] | None, opts: Options, log: Path
) -> dict[str, Any]:
    cmd = [*kg_command(), "load", *store_args(store, store_dir, endpoint)]
    if store == "sparql" and endpoint:
        if endpoint.get("update"):
            cmd += ["--update-endpoint", endpoint["update"]]
        if endpoint.get("graph_store"):
            cmd += ["--graph-store", endpoint["graph_store"]]
    if ds.path is not None:
        cmd += ["--dataset", str(ds.path)]
    started = time.perf_counter()
    with log.open("ab") as err:
        err.write(f"\n$ {' '.join(cmd)}\n".encode())
        err.flush()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=err, env=child_env())
        memory = TreeMemory(proc.pid)
        memory.start()
        try:
            stdout, _ = proc.communicate(timeout=opts.load_timeout)
        except subprocess.TimeoutExpired:
            stop_tree(proc, memory.pids)
            memory.stop()
            raise Failure(f"load took longer than {opts.load_timeout:.0f} s") from None
        finally:
            mem = memory.stop()
    wall = time.perf_counter() - started
    text = stdout.decode("utf-8", errors="replace")
    if proc.returncode != 0:
        raise Failure(f"kg load exited {proc.returncode}: {tail(log, 5)}")
    out = parse_load_output(text)
    out["wall_seconds"] = round(wall, 3)
    quads = out.get("quads") or ds.triples
    if quads:
        seconds = out.get("store_seconds") or wall
        out["triples_per_second"] = round(quads / seconds) if seconds else None
        out["triples_per_second_wall"] = round(quads / wall)
    out["memory"] = mem
    return out


class Server:
    """`kg serve` on a free loopback port, in its own process group."""

    def __init__(
        self, ds: Dataset, store: str, store_dir: Path | None, endpoint: dict[str, str] | None, opts: Options, log: Path
    ) -> None:
        self.port = free_port()
        self.url = f"http://{LOCAL}:{self.port}"
        self.cmd = [
            *kg_command(),
            "serve",
            "--host",
            LOCAL,
            "--port",
            str(self.port),
            "--timeout",
            str(opts.server_timeout),
            *store_args(store, store_dir, endpoint),
        ]
        if ds.path is not None:
            self.cmd += ["--dataset", str(ds.path)]
        self.log = log
        self.opts = opts
        self.proc: subprocess.Popen | None = None
        self.memory: TreeMemory | None = None

    def start(self) -> dict[str, Any]:
        with self.log.open("ab") as err:
            err.write(f"\n$ {' '.join(self.cmd)}\n".encode())
            err.flush()
            started = time.perf_counter()
            self.proc = subprocess.Popen(
                self.cmd, cwd=ROOT, stdout=err, stderr=err, env=child_env(), start_new_session=True
            )
        self.memory = TreeMemory(self.proc.pid)
        self.memory.start()
        with httpx.Client(base_url=self.url, timeout=5, trust_env=False) as client:
            while True:
                elapsed = time.perf_counter() - started
                if self.proc.poll() is not None:
                    raise Failure(f"kg serve exited {self.proc.returncode} before answering: {tail(self.log, 8)}")
                if elapsed > self.opts.start_timeout:
                    raise Failure(f"kg serve did not answer /health within {self.opts.start_timeout:.0f} s")
                try:
                    r = client.get("/health")
                    if r.status_code == 200:
                        ready = time.perf_counter() - started
                        health = r.json()
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.02)
        return {
            "ready_seconds": round(ready, 3),
            "service_start_seconds": health.get("start_seconds"),
            "triples": health.get("triples"),
            "store": health.get("store"),
            "workers": health.get("workers"),
            "memory_at_ready": {"rss_mb": round(self.memory.peak_total_kb / 1024, 1)},
        }

    def stop(self) -> dict[str, float]:
        mem = self.memory.stop() if self.memory else {}
        if self.proc is not None:
            stop_tree(self.proc, self.memory.pids if self.memory else set())
        return mem


def http_error(r: httpx.Response) -> str:
    """'HTTP 503 QueryTimeout: the query ran longer than 10 s' from the service's JSON error body."""
    try:
        body = r.json()
        return f"HTTP {r.status_code} {body.get('error', '')}: {str(body.get('message', ''))[:160]}"
    except ValueError:
        return f"HTTP {r.status_code}: {r.text[:160]}"


def run_canned(url: str, opts: Options) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    phase_deadline = time.perf_counter() + opts.canned_budget
    timeout = httpx.Timeout(opts.server_timeout + 15)
    with httpx.Client(base_url=url, timeout=timeout, trust_env=False) as client:
        listing = client.get("/queries")
        listing.raise_for_status()
        for q in listing.json()["queries"]:
            params = {p["name"]: p["example"] for p in q.get("parameters", []) if p.get("example")}
            row: dict[str, Any] = {"query": q["name"], "params": params}
            rows.append(row)
            if time.perf_counter() > phase_deadline:
                row["error"] = f"skipped: canned phase over its {opts.canned_budget:.0f} s budget"
                continue
            try:
                t = time.perf_counter()
                r = client.get(q["url"], params=params, headers={"Accept": "application/json"})
                warm = (time.perf_counter() - t) * 1000
                row["warmup_ms"] = round(warm, 2)
                if r.status_code != 200:
                    row["error"] = http_error(r)
                    continue
                body = r.json()
                row["rows"] = body.get("count")
                row["truncated"] = bool(body.get("truncated"))
                times: list[float] = []
                deadline = time.perf_counter() + opts.query_budget
                for _ in range(opts.repeat):
                    if time.perf_counter() > deadline or time.perf_counter() > phase_deadline:
                        break
                    t = time.perf_counter()
                    r = client.get(q["url"], params=params, headers={"Accept": "application/json"})
                    elapsed = (time.perf_counter() - t) * 1000
                    if r.status_code != 200:
                        row["error"] = f"{http_error(r)} (on a repeat)"
                        break
                    times.append(elapsed)
                if not times:
                    times = [warm]
                    row["note"] = "warm-up call only (over the per-query budget)"
                times.sort()
                row["calls"] = len(times)
                row["median_ms"] = round(statistics.median(times), 2)
                row["p95_ms"] = round(percentile(times, 0.95), 2)
            except httpx.HTTPError as exc:
                row["error"] = f"{type(exc).__name__}: {exc}"
    return rows


class Load:
    """N clients, each a thread with its own HTTP client, sending the mix round-robin until count or time is up."""

    def __init__(
        self,
        url: str,
        queries: list[tuple[str, str]],
        headers: dict[str, str],
        timeout: httpx.Timeout,
        opts: Options,
        clients: int,
    ) -> None:
        self.url, self.queries, self.headers, self.timeout = url, queries, headers, timeout
        self.opts, self.clients = opts, clients
        self.lock = threading.Lock()
        self.issued = 0
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.deadline = 0.0

    def next_query(self) -> str | None:
        with self.lock:
            if self.issued >= self.opts.throughput_max or time.perf_counter() > self.deadline:
                return None
            text = self.queries[self.issued % len(self.queries)][1]
            self.issued += 1
            return text

    def worker(self) -> None:
        with httpx.Client(base_url=self.url, timeout=self.timeout, trust_env=False) as client:
            while (text := self.next_query()) is not None:
                t = time.perf_counter()
                try:
                    r = client.post("/sparql", content=text.encode(), headers=self.headers)
                    status = str(r.status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                elapsed = (time.perf_counter() - t) * 1000
                with self.lock:
                    if status == "200":
                        self.latencies.append(elapsed)
                    else:
                        self.errors[status] = self.errors.get(status, 0) + 1

    def run(self) -> dict[str, Any]:
        started = time.perf_counter()
        self.deadline = started + self.opts.throughput_seconds
        threads = [threading.Thread(target=self.worker, daemon=True) for _ in range(self.clients)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        seconds = time.perf_counter() - started
        ok = sorted(self.latencies)
        return {
            "clients": self.clients,
            "queries": len(ok),
            "errors": self.errors,
            "seconds": round(seconds, 2),
            "qps": round(len(ok) / seconds, 1) if seconds else None,
            "median_ms": round(statistics.median(ok), 1) if ok else None,
            "p95_ms": round(percentile(ok, 0.95), 1) if ok else None,
        }


def run_throughput(url: str, opts: Options) -> list[dict[str, Any]]:
    queries = list(SPARQL_MIX.items())
    headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
    timeout = httpx.Timeout(opts.server_timeout + 15)
    warm: dict[str, Any] = {}
    with httpx.Client(base_url=url, timeout=timeout, trust_env=False) as client:
        for name, text in queries:
            t = time.perf_counter()
            try:
                r = client.post("/sparql", content=text.encode(), headers=headers)
                warm[name] = {"status": r.status_code, "ms": round((time.perf_counter() - t) * 1000, 1)}
            except httpx.HTTPError as exc:
                warm[name] = {"error": f"{type(exc).__name__}"}
    results = [Load(url, queries, headers, timeout, opts, clients).run() for clients in CONCURRENCY]
    return [{"warmup": warm}, *results]


def start_virtuoso(work: Path, log: Path) -> dict[str, str]:
    script = ROOT / "scripts" / "virtuoso"
    if not script.exists():
        raise Failure("scripts/virtuoso is missing")
    if work.exists():
        shutil.rmtree(work)
    with log.open("ab") as err:
        proc = subprocess.run(
            [str(script), "start", str(work)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=err,
            env=child_env(),
            text=True,
            timeout=300,
        )
    if proc.returncode != 0:
        raise Failure(f"scripts/virtuoso start failed: {tail(log, 5)}")
    values = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)
    if "SPARQL_ENDPOINT" not in values:
        raise Failure("scripts/virtuoso printed no SPARQL_ENDPOINT")
    return {
        "query": values["SPARQL_ENDPOINT"],
        "update": values["SPARQL_ENDPOINT"],
        "graph_store": values.get("GRAPH_STORE", ""),
        "virtuoso_dir": str(work),
    }


def stop_virtuoso(work: Path, log: Path) -> None:
    with log.open("ab") as err:
        subprocess.run(
            [str(ROOT / "scripts" / "virtuoso"), "stop", str(work)],
            cwd=ROOT,
            stdout=err,
            stderr=err,
            env=child_env(),
            timeout=120,
            check=False,
        )


def bench_one(ds: Dataset, store: str, opts: Options, caps: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {"size": ds.label, "store": store, "triples": ds.triples, "status": "ok"}
    logs = opts.work_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{ds.label}-{store}.log"
    log.write_bytes(b"")
    result["log"] = str(log.relative_to(ROOT)) if log.is_relative_to(ROOT) else str(log)
    if ds.path is not None and not caps["serve_dataset"]:
        result["status"] = "not run: kg serve has no --dataset option yet"
        return result
    if store == "oxigraph-disk" and not caps["store_path"]:
        result["status"] = "not run: kg serve has no --store-path option yet"
        return result
    if store == "sparql" and not caps["endpoint"]:
        result["status"] = "not run: kg serve has no --endpoint option yet"
        return result
    store_dir = opts.work_dir / "stores" / f"{ds.label}-oxigraph" if store == "oxigraph-disk" else None
    if store_dir is not None and store_dir.exists():
        shutil.rmtree(store_dir)
    endpoint: dict[str, str] | None = None
    virtuoso_dir = opts.work_dir / "stores" / f"{ds.label}-virtuoso"
    server: Server | None = None
    try:
        if store == "sparql":
            if opts.endpoint == "virtuoso":
                endpoint = start_virtuoso(virtuoso_dir, log)
            elif opts.endpoint:
                endpoint = {
                    "query": opts.endpoint,
                    "update": opts.update_endpoint or "",
                    "graph_store": opts.graph_store or "",
                }
            else:
                result["status"] = "not run: --stores sparql needs --endpoint URL (or --endpoint virtuoso)"
                return result
            result["endpoint"] = endpoint["query"]
        # (a) load
        if caps["load_command"] and (ds.path is None or caps["load"]):
            if store == "sparql" and not endpoint.get("update"):  # type: ignore[union-attr]
                result["load"] = {"error": "no update endpoint: the endpoint is assumed loaded"}
            else:
                try:
                    result["load"] = run_load(ds, store, store_dir, endpoint, opts, log)
                except Failure as exc:
                    result["load"] = {"error": str(exc)}
                    if store in ("oxigraph-disk", "sparql"):
                        raise  # the service would have nothing (or a half store) to serve
        else:
            result["load"] = {"error": "kg load --dataset is not available yet"}
        # (b) start
        server = Server(ds, store, store_dir, endpoint, opts, log)
        result["start"] = server.start()
        # (c) canned queries
        result["canned"] = run_canned(server.url, opts)
        # (d) throughput
        throughput = run_throughput(server.url, opts)
        result["throughput_warmup"] = throughput[0]["warmup"]
        result["throughput"] = throughput[1:]
    except Failure as exc:
        result["status"] = f"failed: {exc}"
    except Exception as exc:  # keep going with the other stores and sizes
        result["status"] = f"failed: {type(exc).__name__}: {exc}"
    finally:
        if server is not None:
            result["memory"] = server.stop()
        if store == "sparql" and opts.endpoint == "virtuoso" and virtuoso_dir.exists():
            stop_virtuoso(virtuoso_dir, log)
            if not opts.keep_stores:
                shutil.rmtree(virtuoso_dir, ignore_errors=True)
        if store_dir is not None and store_dir.exists() and not opts.keep_stores:
            shutil.rmtree(store_dir, ignore_errors=True)
    return result


# ---------------------------------------------------------------- report


def speedups(results: list[dict[str, Any]], slow: str = "memory", fast: str = "oxigraph") -> dict[str, Any]:
    out: dict[str, Any] = {}
    by = {(r["size"], r["store"]): r for r in results}
    for (size, store), r in by.items():
        if store != fast or (size, slow) not in by:
            continue
        slow_rows = {c["query"]: c for c in by[(size, slow)].get("canned", [])}
        ratios = {}
        for c in r.get("canned", []):
            s = slow_rows.get(c["query"])
            if s and c.get("median_ms") and s.get("median_ms"):
                ratios[c["query"]] = round(s["median_ms"] / c["median_ms"], 1)
            elif s and c.get("median_ms") and s.get("error"):
                ratios[c["query"]] = None
        if ratios:
            out[size] = ratios
    return out


def fmt(value: Any, digits: int = 1, unit: str = "") -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{unit}"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return f"{value}{unit}"


def worst(canned: list[dict[str, Any]], key: str) -> tuple[float | None, str]:
    values = [(c[key], c["query"]) for c in canned if c.get(key) is not None]
    if not values:
        return None, ""
    v, q = max(values)
    return v, q


def targets(results: list[dict[str, Any]], ram_gib: float) -> list[dict[str, str]]:
    by = {(r["size"], r["store"]): r for r in results}
    out = []

    def add(name: str, status: str, detail: str) -> None:
        out.append({"target": name, "status": status, "detail": detail})

    r = by.get(("1m", "oxigraph"))
    if r and r.get("canned"):
        over = [
            f"{c['query']} {fmt(c.get('median_ms'))} ms"
            if c.get("median_ms")
            else f"{c['query']} {c.get('error', '?')}"
            for c in r["canned"]
            if c.get("median_ms") is None or c["median_ms"] > 50
        ]
        add(
            "1m, oxigraph: every canned median <= 50 ms over HTTP",
            "met" if not over else "not met",
            "all within" if not over else "; ".join(over),
        )
    else:
        add("1m, oxigraph: every canned median <= 50 ms over HTTP", "not measured", "1m on oxigraph did not run")
    sp = speedups(results).get("1m")
    if sp:
        low = [f"{q} {fmt(v)}x" for q, v in sp.items() if v is None or v < 100]
        add(
            "1m: oxigraph >= 100x faster than memory per canned query",
            "met" if not low else "not met",
            "all >= 100x" if not low else "; ".join(low),
        )
    else:
        add(
            "1m: oxigraph >= 100x faster than memory per canned query",
            "not measured",
            "memory store not run at 1m (skipped above 100k; --force-memory runs it)",
        )
    rates = [
        (r.get("load", {}).get("triples_per_second"), r["size"])
        for (size, store), r in by.items()
        if store in ("oxigraph", "oxigraph-disk") and size == "1m"
    ]
    rates = [x for x in rates if x[0]]
    if rates:
        best = max(rates)[0]
        add(
            "1m, load >= 200k triples/s",
            "met" if best >= 200_000 else "not met",
            ", ".join(
                f"{s}: {fmt(by[('1m', s)].get('load', {}).get('triples_per_second'))}/s"
                for s in ("oxigraph", "oxigraph-disk")
                if ("1m", s) in by
            ),
        )
    else:
        add("1m, load >= 200k triples/s", "not measured", "no 1m load figure")
    real = by.get(("real", "oxigraph"))
    if real and real.get("start"):
        secs = real["start"]["ready_seconds"]
        add(
            "real data: service answers within 2 s of start",
            "met" if secs <= 2 else "not met",
            f"{secs:.2f} s to /health 200 (oxigraph)",
        )
    else:
        add("real data: service answers within 2 s of start", "not measured", "real on oxigraph did not run")
    big = by.get(("10m", "oxigraph-disk"))
    if big and big.get("start"):
        peak = max(
            big.get("memory", {}).get("peak_rss_mb", 0), big.get("load", {}).get("memory", {}).get("peak_rss_mb", 0)
        )
        answered = any(c.get("median_ms") for c in big.get("canned", []))
        ok = answered and peak / 1024 < ram_gib
        add(
            "10m on the on-disk store: loads and answers within memory",
            "met" if ok else "not met",
            f"peak {peak / 1024:.1f} GiB of {ram_gib} GiB; canned queries answered: {answered}",
        )
    else:
        add(
            "10m on the on-disk store: loads and answers within memory",
            "not measured",
            "run `python bench/run.py --sizes 10m --stores oxigraph-disk`",
        )
    return out


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        "# kg benchmark",
        "",
        f"{m['date']} · {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB · Python {m['python']} · "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
        + (f" · commit {m['git_commit']}" if m.get("git_commit") else ""),
        "",
        "## Summary",
        "",
        "| size | store | quads | load s (store) | load triples/s | start s | worst canned median ms | "
        "worst p95 ms | q/s @1 | q/s @4 | q/s @16 | peak RSS MB load / serve | status |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for r in report["results"]:
        load = r.get("load", {})
        start = r.get("start", {})
        canned = r.get("canned", [])
        wm, wq = worst(canned, "median_ms")
        wp, _ = worst(canned, "p95_ms")
        tp = {t["clients"]: t.get("qps") for t in r.get("throughput", [])}
        load_mem = load.get("memory", {}).get("peak_rss_mb")
        mem = f"{fmt(load_mem)} / {fmt(r.get('memory', {}).get('peak_rss_mb'))}"
        errors = sum(1 for c in canned if c.get("error"))
        status = r["status"] if r["status"] != "ok" else ("ok" if not errors else f"ok, {errors} canned errors")
        load_s = load.get("store_seconds", load.get("wall_seconds"))
        lines.append(
            f"| {r['size']} | {r['store']} | {fmt(start.get('triples') or r.get('triples'))} | "
            f"{fmt(load_s, 2) if 'error' not in load else 'n/a'} | {fmt(load.get('triples_per_second'))} | "
            f"{fmt(start.get('ready_seconds'), 2)} | {fmt(wm)}{f' ({wq})' if wq else ''} | {fmt(wp)} | "
            f"{fmt(tp.get(1))} | {fmt(tp.get(4))} | {fmt(tp.get(16))} | {mem} | {status} |"
        )
    for size in report["sizes"]:
        runs = [r for r in report["results"] if r["size"] == size and r.get("canned")]
        if not runs:
            continue
        sp = report["speedup"].get(size, {})
        head = "| query | rows | " + " | ".join(f"{r['store']} median / p95 ms" for r in runs)
        head += " | memory ÷ oxigraph |" if sp else " |"
        lines += [
            "",
            f"## Canned queries over HTTP, {size}",
            "",
            head,
            "|---|--:|" + "--:|" * len(runs) + ("--:|" if sp else ""),
        ]
        names = [c["query"] for c in runs[0]["canned"]]
        for name in names:
            cells = []
            rows = None
            for r in runs:
                c = next((c for c in r["canned"] if c["query"] == name), {})
                rows = rows if rows is not None else c.get("rows")
                if c.get("median_ms") is not None:
                    cells.append(f"{fmt(c['median_ms'])} / {fmt(c['p95_ms'])}")
                else:
                    cells.append(c.get("error", "?").split(":")[0].replace("|", "/"))
            ratio = f" | {fmt(sp.get(name))}{'x' if sp.get(name) else ''}" if sp else ""
            lines.append(f"| {name} | {fmt(rows)} | " + " | ".join(cells) + ratio + " |")
    lines += ["", "## Targets (benchmark figures, not tests)", "", "| target | status | detail |", "|---|---|---|"]
    for t in report["targets"]:
        lines.append(f"| {t['target']} | {t['status']} | {t['detail']} |")
    lines += ["", f"Run took {report['run']['seconds']:.0f} s. Details: bench/results/latest.json.", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--sizes", default=DEFAULT_SIZES, help=f"comma-separated: real, 10k, 100k, 1m, 10m (default {DEFAULT_SIZES})"
    )
    ap.add_argument(
        "--stores", default=DEFAULT_STORES, help=f"comma-separated of {', '.join(STORES)} (default {DEFAULT_STORES})"
    )
    ap.add_argument(
        "--force-memory", action="store_true", help=f"run the rdflib store above {MEMORY_STORE_LIMIT:,} triples too"
    )
    ap.add_argument(
        "--repeat", type=int, default=20, help="timed calls per canned query after the warm-up (default 20)"
    )
    ap.add_argument("--query-budget", type=float, default=8, help="seconds of timed calls per canned query (default 8)")
    ap.add_argument(
        "--canned-budget", type=float, default=150, help="seconds for all canned queries of one run (default 150)"
    )
    ap.add_argument("--throughput-seconds", type=float, default=6, help="seconds per concurrency level (default 6)")
    ap.add_argument(
        "--throughput-max", type=int, default=2000, help="queries per concurrency level at most (default 2000)"
    )
    ap.add_argument("--start-timeout", type=float, default=300, help="seconds to wait for /health (default 300)")
    ap.add_argument("--load-timeout", type=float, default=900, help="seconds a `kg load` may take (default 900)")
    ap.add_argument(
        "--server-timeout", type=float, default=10, help="kg serve --timeout: query time limit (default 10)"
    )
    ap.add_argument(
        "--endpoint",
        help="for --stores sparql: the query endpoint URL on 127.0.0.1, or 'virtuoso' to "
        "start a throwaway Virtuoso per size with scripts/virtuoso",
    )
    ap.add_argument("--update-endpoint", help="for --stores sparql: the update endpoint (kg load writes through it)")
    ap.add_argument("--graph-store", help="for --stores sparql: Graph Store Protocol URL")
    ap.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    ap.add_argument("--data-dir", type=Path, default=BENCH / "data", help="generated files, stores and logs")
    ap.add_argument("--out", type=Path, default=BENCH / "results", help="where latest.json and latest.md go")
    ap.add_argument("--keep-stores", action="store_true", help="keep on-disk stores after the run")
    ap.add_argument("--render", type=Path, metavar="JSON", help="only print the Markdown of an earlier results file")
    args = ap.parse_args(argv)
    if args.render:
        print(markdown(json.loads(args.render.read_text())))
        return 0

    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    for s in stores:
        if s not in STORES:
            ap.error(f"unknown store {s!r}: expected {', '.join(STORES)}")
    for s in sizes:
        if s != "real":
            generate.parse_size(s)
    for url in (args.endpoint, args.update_endpoint, args.graph_store):
        if url and url != "virtuoso" and httpx.URL(url).host not in (LOCAL, "localhost"):
            ap.error(f"{url}: the benchmark only talks to {LOCAL}")
    opts = Options(
        repeat=args.repeat,
        query_budget=args.query_budget,
        canned_budget=args.canned_budget,
        start_timeout=args.start_timeout,
        load_timeout=args.load_timeout,
        throughput_seconds=args.throughput_seconds,
        throughput_max=args.throughput_max,
        server_timeout=args.server_timeout,
        work_dir=args.data_dir,
        endpoint=args.endpoint,
        update_endpoint=args.update_endpoint,
        graph_store=args.graph_store,
        keep_stores=args.keep_stores,
    )
    run_started = time.perf_counter()
    info = machine()
    caps = capabilities()
    print(
        f"kg bench: sizes {', '.join(sizes)}; stores {', '.join(stores)}; {info['cpu']}, {info['cores']} cores, "
        f"{info['memory_gib']} GiB",
        file=sys.stderr,
    )
    datasets: dict[str, Any] = {}
    results: list[dict[str, Any]] = []
    for size in sizes:
        try:
            ds = prepare_dataset(size, args.data_dir, args.seed)
        except Exception as exc:
            print(f"  {size}: cannot prepare the data: {exc}", file=sys.stderr)
            datasets[size] = {"error": str(exc)}
            continue
        datasets[size] = {
            "file": str(ds.path.relative_to(ROOT))
            if ds.path and ds.path.is_relative_to(ROOT)
            else (str(ds.path) if ds.path else "the project's data (built and validated)"),
            "triples": ds.triples,
            "generate_seconds": ds.generate_seconds,
            "reused": ds.reused,
            "real_sources_included": ds.meta.get("real_sources_included"),
        }
        if ds.generate_seconds is not None:
            print(f"  {size}: generated {ds.triples:,} quads in {ds.generate_seconds:.1f} s", file=sys.stderr)
        for store in stores:
            n = ds.triples or 0
            if store == "memory" and n > MEMORY_STORE_LIMIT and not args.force_memory:
                results.append(
                    {
                        "size": size,
                        "store": store,
                        "triples": ds.triples,
                        "status": f"skipped: rdflib above {MEMORY_STORE_LIMIT:,} triples (--force-memory)",
                    }
                )
                continue
            t = time.perf_counter()
            print(f"  {size} / {store} ...", file=sys.stderr, flush=True)
            r = bench_one(ds, store, opts, caps)
            r["seconds"] = round(time.perf_counter() - t, 1)
            results.append(r)
            start = r.get("start", {}).get("ready_seconds")
            print(
                f"  {size} / {store}: {r['status']} ({r['seconds']:.0f} s"
                + (f", start {start:.2f} s" if start is not None else "")
                + ")",
                file=sys.stderr,
                flush=True,
            )
    report = {
        "machine": info,
        "run": {
            "argv": sys.argv[1:] if argv is None else argv,
            "seconds": round(time.perf_counter() - run_started, 1),
            "kg_capabilities": caps,
            "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(opts).items()},
            "sparql_mix": SPARQL_MIX,
        },
        "sizes": sizes,
        "datasets": datasets,
        "results": results,
        "speedup": speedups(results),
    }
    report["targets"] = targets(results, info["memory_gib"])
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    text = markdown(report)
    (args.out / "latest.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
