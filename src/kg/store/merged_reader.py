"""An N-Quads file read with the merge of its named graphs added, for a one-pass load.

Queries read the default graph as the merge of the named graphs (see
``kg.store.oxigraph``). Loading the file and then running an ``INSERT`` over
every graph reads and writes the data twice; instead the file is streamed to
the store's bulk loader with, after each block of lines, the same quads less
their graph names: one pass, one parse, and the store keeps each triple of
the default graph once. It has to be one ``bulk_load`` call: Oxigraph gives
blank nodes fresh labels per call, so the merge must travel with its quads.

A quad line less its graph name is a triple. Which lines are quads is read
by a pattern strict enough that it never mistakes a triple for one: subject
and predicate without spaces, then an object that starts right after one
space, then the graph name, then `` .``. Lines it does not recognise (a
triple, a comment, a quoted triple, an IRI with escapes in the graph name)
are loaded as they are and counted, and :attr:`complete` says whether every
line was merged; when it is not, the caller merges with a query instead.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

#: A quad line: group 1 is the triple, then the graph name (an IRI without escapes, or a blank node).
QUAD_LINE = re.compile(rb'^(\S+ \S+ \S.*) (?:<[^ <>"{}|^`\\]*>|_:\S+) \.\r?$', re.MULTILINE)
BLOCK_BYTES = 1 << 23


class MergedNQuadsReader(io.RawIOBase):
    """Reads an N-Quads file as its lines followed, block by block, by their triples."""

    def __init__(self, path: Path, block_bytes: int = BLOCK_BYTES) -> None:
        super().__init__()
        self._file = path.open("rb")
        self._block_bytes = block_bytes
        self._rest = b""
        self._out = memoryview(b"")
        self.lines = 0
        self.merged = 0

    @property
    def complete(self) -> bool:
        """Whether every line was a quad whose triple went into the merge."""
        return self.lines == self.merged

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._file.close()
        super().close()

    def _next_block(self) -> bytes | None:
        """The next whole lines of the file, or None at its end."""
        while True:
            data = self._file.read(self._block_bytes)
            if not data:
                block, self._rest = self._rest, b""
                return block or None
            data = self._rest + data
            cut = data.rfind(b"\n") + 1
            if cut:
                self._rest = data[cut:]
                return data[:cut]
            self._rest = data

    def _fill(self) -> bool:
        block = self._next_block()
        if block is None:
            return False
        if not block.endswith(b"\n"):
            block += b"\n"
        self.lines += block.count(b"\n") - block.count(b"\n\n") - block.startswith(b"\n")
        if b"<<" in block:  # a quoted triple (RDF 1.2) has spaces inside its subject or object: leave it whole
            self._out = memoryview(block)
            return True
        triples, merged = QUAD_LINE.subn(rb"\1 .", block)
        self.merged += merged
        self._out = memoryview(block + triples) if merged else memoryview(block)
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not len(self._out):
            if not self._fill():
                return 0
        size = min(len(buffer), len(self._out))
        buffer[:size] = self._out[:size]
        self._out = self._out[size:]
        return size
