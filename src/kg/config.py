"""Settings: the one place for paths, the base IRI, limits and server options.

Every setting has a default that works from a fresh clone, and can be
overridden from the environment (``KG_<NAME>``) or, for the CLI, by a flag.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from kg.errors import KgError

PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: The base IRI of everything the project mints: entities are ``{base}id/{slug}``,
#: ontology terms ``{base}ontology#{Term}``, named graphs ``{base}graph/{name}``.
DEFAULT_BASE_IRI = "https://kg.example.org/"


def _default_seeds_dir() -> Path:
    return PROJECT_ROOT.parent / "shared" / "seeds"


@dataclass(frozen=True)
class Credentials:
    """A user and password for an external endpoint; the password stays out of every repr."""

    user: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with documented defaults."""

    base_iri: str = DEFAULT_BASE_IRI
    ontology_dir: Path = PROJECT_ROOT / "ontology"
    data_dir: Path = PROJECT_ROOT / "data"
    queries_dir: Path = PROJECT_ROOT / "queries"
    seeds_dir: Path = field(default_factory=_default_seeds_dir)
    host: str = "127.0.0.1"
    port: int = 8000
    store: str = "oxigraph"
    store_path: Path | None = None
    endpoint: str | None = None
    update_endpoint: str | None = None
    graph_store: str | None = None
    #: HTTP Basic credentials for the endpoint, sent with every query and every request of
    #: ``kg load``; the password is never shown (not in a repr, a log line or an error).
    endpoint_user: str | None = None
    endpoint_password: str | None = field(default=None, repr=False)
    #: Seconds one request of ``kg load`` to an endpoint may take (one upload of a whole graph).
    load_request_timeout: float = 600.0
    query_timeout: float = 10.0
    max_rows: int = 10_000
    max_body_bytes: int = 1_000_000
    #: The longest query text a client may send (400 above): rdflib's parse of it runs in the worker.
    max_query_chars: int = 100_000
    #: The longest connection path ``/connections`` and ``/explore`` look for, in statements.
    max_hops: int = 4
    #: The most paths ``/connections`` returns.
    max_paths: int = 50
    #: The most statements ``/statements`` returns with their evidence.
    max_statements: int = 200
    #: Bytes of complete answers (SPARQL and canned queries) kept for repeated requests; 0: none.
    cache_bytes: int = 64_000_000
    workers: int = 2
    cache_dir: Path = PROJECT_ROOT / "var" / "cache"

    @property
    def endpoint_credentials(self) -> Credentials | None:
        """The endpoint's credentials, or None when no user is set; a user without a password is refused."""
        if self.endpoint_user is None and self.endpoint_password is None:
            return None
        if not self.endpoint_user or self.endpoint_password is None:
            raise KgError("set both KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, or neither")
        return Credentials(self.endpoint_user, self.endpoint_password)

    @property
    def rules_dir(self) -> Path:
        return self.ontology_dir / "rules"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def ontology_ns(self) -> str:
        return self.base_iri + "ontology#"

    @property
    def id_ns(self) -> str:
        return self.base_iri + "id/"

    @property
    def graph_ns(self) -> str:
        return self.base_iri + "graph/"

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with the given fields changed; ``None`` values are ignored."""
        kept: dict[str, Any] = {k: v for k, v in changes.items() if v is not None}
        return replace(self, **kept)


def _coerce(kind: type | str, raw: str) -> object:
    text = str(kind)
    if "int" in text and "Path" not in text:
        return int(raw)
    if "float" in text:
        return float(raw)
    if "Path" in text:
        return Path(raw)
    return raw


def _kind(kind: type | str) -> str:
    return "whole number" if "int" in str(kind) else "number"


def from_environment(environ: dict[str, str] | None = None) -> Settings:
    """Settings with ``KG_*`` environment variables applied over the defaults."""
    env = os.environ if environ is None else environ
    changes: dict[str, object] = {}
    for f in fields(Settings):
        name = f"KG_{f.name.upper()}"
        raw = env.get(name)
        if raw:
            try:
                changes[f.name] = _coerce(f.type, raw)
            except ValueError:
                raise KgError(f"{name}={raw!r} is not a number; {name} takes a {_kind(f.type)}") from None
    return Settings().with_overrides(**changes)
