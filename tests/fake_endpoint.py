"""A scriptable SPARQL endpoint on loopback, for what a real engine will not do on demand.

It records every request (its form fields, and its headers) and answers each
with what ``reply`` returns for it: refusals, timeouts, malformed answers. Stopping it makes the engine
unreachable. The real engine (Virtuoso, scripts/virtuoso) is tested
elsewhere; this one shows how kg takes an engine's failures.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def empty_answer(form: dict[str, list[str]]) -> Reply:
    """A well-formed empty answer: false to ASK, no triples to CONSTRUCT and DESCRIBE, no rows to SELECT."""
    query = (form.get("query") or [""])[0]
    if "CONSTRUCT" in query.upper() or "DESCRIBE" in query.upper():
        return Reply(headers={"Content-Type": "text/turtle"})
    document = {"boolean": False} if "ASK" in query.upper() else {"head": {"vars": []}, "results": {"bindings": []}}
    return Reply(body=json.dumps(document).encode(), headers={"Content-Type": "application/sparql-results+json"})


class FakeEndpoint:
    """``with FakeEndpoint() as engine:`` serves ``engine.url`` until the block ends or ``stop()``."""

    def __init__(self, reply: Callable[[dict[str, list[str]]], Reply] = empty_answer) -> None:
        self.reply = reply
        self.requests: list[dict[str, list[str]]] = []
        #: The headers of each request (names in lower case), in the order of ``requests``.
        self.headers: list[dict[str, str]] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                self._answer(urllib.parse.parse_qs(body))

            def do_GET(self) -> None:
                self._answer(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query))

            def _answer(self, form: dict[str, list[str]]) -> None:
                endpoint.headers.append({name.lower(): value for name, value in self.headers.items()})
                endpoint.requests.append(form)
                reply = endpoint.reply(form)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *args: object) -> None:
                """Quiet: tests read ``requests``, not the log."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/sparql"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def queries(self) -> list[str]:
        return [form["query"][0] for form in self.requests if "query" in form]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeEndpoint:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
