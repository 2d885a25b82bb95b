"""A throwaway Virtuoso 7 on 127.0.0.1, started and stopped through ``scripts/virtuoso``.

Not a test module: a helper for running the SPARQL protocol tests against an
external engine. ``start()`` installs Debian's ``virtuoso-opensource-7-bin`` if
``virtuoso-t`` is missing (``scripts/virtuoso install``), then starts an instance
whose database lives in the given folder, on free loopback ports, with anonymous
SPARQL Update and Graph Store Protocol access. Start-up takes about 6-9 s.

Fixture usage (``tests/`` is on ``sys.path`` under pytest, so a plain import works)::

    from collections.abc import Iterator

    import httpx
    import pytest

    from virtuoso_server import VirtuosoInstance, start


    @pytest.fixture(scope="session")
    def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoInstance]:
        instance = start(tmp_path_factory.mktemp("virtuoso"))
        yield instance
        instance.stop()


    def test_put_then_select(virtuoso: VirtuosoInstance) -> None:
        httpx.put(virtuoso.graph_store, params={"graph": "urn:g"},
                  content=b"<urn:s> <urn:p> <urn:o> .", headers={"Content-Type": "text/turtle"})
        r = httpx.get(virtuoso.sparql_endpoint, params={"query": "SELECT * { GRAPH <urn:g> { ?s ?p ?o } }"},
                      headers={"Accept": "application/sparql-results+json"})

Or as a context manager: ``with start(path) as v: ...``. Outside pytest::

    python tests/virtuoso_server.py /tmp/vdb     # starts, prints the endpoints, waits for Enter, stops
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "virtuoso"


@dataclass
class VirtuosoInstance:
    """One running instance. ``env`` holds every KEY=VALUE line the script printed."""

    sparql_endpoint: str
    graph_store: str
    pid: int
    dir: Path
    isql_port: int
    http_port: int
    env: dict[str, str] = field(default_factory=dict, repr=False)

    def stop(self) -> None:
        """Shut the server down and wait for it to exit; DIR is left in place."""
        _run("stop", str(self.dir))

    def __enter__(self) -> VirtuosoInstance:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _run(*args: str, timeout: float = 600, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    if result.returncode != 0:
        raise RuntimeError(f"scripts/virtuoso {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def install() -> None:
    """Install the Debian package if the binaries are missing (fast no-op otherwise)."""
    _run("install")


def start(
    directory: str | os.PathLike[str], *, install_first: bool = True, max_seconds: int | None = None
) -> VirtuosoInstance:
    """Start a new instance with its database in ``directory`` (created if missing).

    ``max_seconds`` is the engine's own time limit (MaxQueryExecutionTime;
    the script's default otherwise). It is passed to this instance only:
    a limit set in ``os.environ`` would reach every later instance too.
    """
    if install_first:
        install()
    limit = {"VIRTUOSO_MAX_SECONDS": str(max_seconds)} if max_seconds else None
    out = _run("start", str(directory), timeout=300, env=limit)
    env = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return VirtuosoInstance(
        sparql_endpoint=env["SPARQL_ENDPOINT"],
        graph_store=env["GRAPH_STORE"],
        pid=int(env["PID"]),
        dir=Path(env["DIR"]),
        isql_port=int(env["ISQL_PORT"]),
        http_port=int(env["HTTP_PORT"]),
        env=env,
    )


if __name__ == "__main__":
    import sys
    import tempfile

    target = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="virtuoso-")
    with start(target) as instance:
        print(f"SPARQL endpoint: {instance.sparql_endpoint}\nGraph store:     {instance.graph_store}")
        input("Enter stops it. ")
