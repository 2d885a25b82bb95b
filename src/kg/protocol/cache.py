"""Answers kept for the next identical request: the dataset is immutable per version, so they are too.

A key is everything an answer depends on: the dataset version, the query text,
its bound values, the dataset the request names and the format (the
response bytes differ by format). :class:`AnswerCache` keeps the bytes of
complete answers (never a truncated or a failed one) within a budget in
bytes, dropping the least recently used first. The entity tag of a request
is the digest of its key, so it is known before anything runs: a client
that sends it back in ``If-None-Match`` gets a 304 without a query.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from rdflib.term import Identifier

#: What an entry costs besides its body: the key, the headers, the bookkeeping (an estimate).
ENTRY_OVERHEAD = 512


@dataclass(frozen=True)
class AnswerKey:
    """Everything an answer depends on; equal keys, equal bytes."""

    version: str
    route: str  # "sparql" or the canned query's name: the same text can be answered differently
    text: str
    formats: tuple[str, ...]  # the format per kind of result (table, graph), chosen before the query runs
    bindings: tuple[tuple[str, str], ...] = ()
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None

    @classmethod
    def of(
        cls,
        version: str,
        route: str,
        text: str,
        formats: tuple[str, ...],
        bindings: dict[str, Identifier] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> AnswerKey:
        return cls(
            version=version,
            route=route,
            text=text,
            formats=formats,
            bindings=tuple(sorted((name, term.n3()) for name, term in (bindings or {}).items())),
            default_graphs=None if default_graphs is None else tuple(default_graphs),
            named_graphs=None if named_graphs is None else tuple(named_graphs),
        )

    @property
    def etag(self) -> str:
        """A strong entity tag: the version's start (readable in logs) and the digest of the whole key."""
        digest = hashlib.sha256(repr(self).encode("utf-8")).hexdigest()[:20]
        return f'"{self.version[:8]}-{digest}"'


@dataclass(frozen=True)
class Answer:
    """A complete answer as it goes out: the body, its media type, its headers."""

    body: bytes
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def cost(self) -> int:
        return len(self.body) + ENTRY_OVERHEAD


class AnswerCache:
    """Least recently used answers within ``budget`` bytes; thread-safe (the app answers from a thread pool)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[AnswerKey, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: AnswerKey) -> Answer | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: AnswerKey, answer: Answer) -> bool:
        """Keep an answer if it fits the budget at all; older ones make room. False if not kept."""
        if answer.cost > self.budget:
            return False
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self.used -= previous.cost
            while self._entries and self.used + answer.cost > self.budget:
                _, dropped = self._entries.popitem(last=False)
                self.used -= dropped.cost
            self._entries[key] = answer
            self.used += answer.cost
            return True
