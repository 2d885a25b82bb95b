"""Canned queries: ``queries/*.rq`` files whose ``#+`` header describes them.

The header is YAML in comment lines starting ``#+`` (the grlc convention)::

    #+ title: Projects of a funder
    #+ description: ...
    #+ params:
    #+   funder: {type: iri, class: kg:Partner, required: true, example: usdos,
    #+            description: The funding organisation}

Parameter types: ``iri`` (an entity, optionally of a class; a full IRI, a
prefixed name or the short id the project mints), ``string``, ``integer``,
``year``, ``enum`` (one of ``values``). A parameter is bound to the query
variable of the same name; it is never pasted into the query text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from kg.errors import BadRequest, DataError, InvalidParameter, NotFound
from kg.headers import read_header
from kg.protocol.query import query_variables
from kg.store.binding import SAFE_IRI

PARAM_TYPES = ("iri", "string", "integer", "year", "enum")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SHORT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Parameter:
    """One typed parameter of a canned query."""

    name: str
    type: str
    description: str = ""
    required: bool = False
    default: str | None = None
    example: str | None = None
    cls: str | None = None
    values: tuple[str, ...] = ()

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "required": self.required}
        for key, value in (
            ("description", self.description),
            ("default", self.default),
            ("example", self.example),
            ("class", self.cls),
        ):
            if value:
                out[key] = value
        if self.values:
            out["values"] = list(self.values)
        return out


@dataclass(frozen=True)
class CannedQuery:
    """A query file with its header."""

    name: str
    title: str
    description: str
    text: str
    path: Path
    params: tuple[Parameter, ...] = field(default_factory=tuple)

    def param(self, name: str) -> Parameter:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "parameters": [p.describe() for p in self.params],
        }


def _parameter(path: Path, name: str, spec: Any, used: set[str]) -> Parameter:
    if not _NAME.match(name):
        raise DataError(f"{path}: parameter name {name!r} must be lower case letters, digits, _")
    if not isinstance(spec, dict):
        raise DataError(f"{path}: parameter {name!r} must be a mapping")
    kind = spec.get("type", "string")
    if kind not in PARAM_TYPES:
        raise DataError(f"{path}: parameter {name!r} has type {kind!r}; expected one of {PARAM_TYPES}")
    values = tuple(str(v) for v in spec.get("values", ()))
    if kind == "enum" and not values:
        raise DataError(f"{path}: enum parameter {name!r} needs values")
    if name not in used:
        raise DataError(f"{path}: parameter {name!r} has no ?{name} variable in the query")
    default = spec.get("default")
    return Parameter(
        name=name,
        type=kind,
        description=str(spec.get("description", "")),
        required=bool(spec.get("required", False)),
        default=None if default is None else str(default),
        example=None if spec.get("example") is None else str(spec["example"]),
        cls=spec.get("class"),
        values=values,
    )


def load_query(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    header = read_header(text, path)
    if "title" not in header:
        raise DataError(f"{path}: the #+ header needs at least a title")
    try:
        used = query_variables(text)
    except BadRequest as exc:
        raise DataError(f"{path}: {exc}") from None
    params = tuple(_parameter(path, n, s, used) for n, s in (header.get("params") or {}).items())
    return CannedQuery(
        name=path.stem,
        title=str(header["title"]),
        description=str(header.get("description", "")).strip(),
        text=text,
        path=path,
        params=params,
    )


class Catalog:
    """The canned queries of a folder, read once at start."""

    def __init__(self, queries_dir: Path) -> None:
        self.queries: dict[str, CannedQuery] = {}
        for path in sorted(queries_dir.glob("*.rq")):
            query = load_query(path)
            self.queries[query.name] = query

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.queries.values())

    def get(self, name: str) -> CannedQuery:
        try:
            return self.queries[name]
        except KeyError:
            known = ", ".join(sorted(self.queries))
            raise NotFound(f"no canned query named {name!r}; known: {known}") from None


def resolve_iri(value: str, prefixes: dict[str, str], parameter: str | None = None, hint: str = "") -> URIRef:
    """A full IRI, a prefixed name (``sdg:8.7``) or a short id (``usdol``) as an IRI.

    Anything else is the client's mistake: InvalidParameter (422), naming the
    parameter when one is given, with ``hint`` (an example) after it.
    """
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    where = f"parameter {parameter!r}: " if parameter else ""
    if re.match(r"^[a-z][a-z0-9+.-]*://", text):
        if not SAFE_IRI.match(text):
            raise InvalidParameter(f"{where}{value!r} is not an IRI: it has a space, a quote or a bracket{hint}")
        return URIRef(text)
    if ":" in text:
        prefix, local = text.split(":", 1)
        if prefix in prefixes and re.match(r"^[A-Za-z0-9._/-]*$", local):
            return URIRef(prefixes[prefix] + local)
    if _SHORT_ID.match(text):
        return URIRef(prefixes["id"] + text)
    raise InvalidParameter(f"{where}{value!r} is not an IRI, prefixed name or short id{hint}")


def within(name: str, value: int, most: int, setting: str) -> int:
    """A count a client asked for (hops, paths, statements), refused (422) above its configured limit."""
    if value > most:
        raise InvalidParameter(f"parameter {name!r}: {value} is over the limit of {most} ({setting})")
    return value


def bind_parameters(query: CannedQuery, given: dict[str, str], prefixes: dict[str, str]) -> dict[str, Identifier]:
    """Typed values for the query's parameters; InvalidParameter names what was wrong."""
    unknown = sorted(set(given) - {p.name for p in query.params})
    if unknown:
        expected = ", ".join(p.name for p in query.params) or "none"
        raise InvalidParameter(f"unknown parameter(s) {', '.join(unknown)}; this query takes: {expected}")
    bindings: dict[str, Identifier] = {}
    for p in query.params:
        raw = given.get(p.name)
        if raw is None or raw == "":
            raw = p.default
        if raw is None:
            if p.required:
                raise InvalidParameter(f"parameter {p.name!r} is required ({p.type}{_example(p)})")
            continue
        bindings[p.name] = _typed(p, raw, prefixes)
    return bindings


def _example(p: Parameter) -> str:
    return f", for example {p.example}" if p.example else ""


def _typed(p: Parameter, raw: str, prefixes: dict[str, str]) -> Identifier:
    if p.type == "iri":
        return resolve_iri(raw, prefixes, p.name, _example(p))
    if p.type == "integer":
        if not re.fullmatch(r"-?[0-9]+", raw.strip()):
            raise InvalidParameter(f"parameter {p.name!r}: {raw!r} is not an integer{_example(p)}")
        return Literal(int(raw), datatype=XSD.integer)
    if p.type == "year":
        if not re.fullmatch(r"[0-9]{4}", raw.strip()):
            raise InvalidParameter(f"parameter {p.name!r}: {raw!r} is not a four-digit year{_example(p)}")
        return Literal(raw.strip(), datatype=XSD.gYear)
    if p.type == "enum":
        if raw not in p.values:
            raise InvalidParameter(f"parameter {p.name!r}: {raw!r} is not one of {', '.join(p.values)}")
        return Literal(raw)
    if len(raw) > 500:
        raise InvalidParameter(f"parameter {p.name!r} is longer than 500 characters")
    return Literal(raw)
