"""The service over real HTTP: uvicorn in a background thread on a free loopback port."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import uvicorn
from rdflib import Dataset

from kg.config import Settings
from kg.service import Service
from kg.web.app import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RunningServer:
    """A uvicorn server in a background thread, on a free loopback port."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(service), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("test server did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(settings: Settings, dataset: Dataset) -> RunningServer:
    server = RunningServer(Service(settings, dataset=dataset))
    server.start()
    return server
