"""The ``#+`` header of a ``.rq`` file: YAML in comment lines (the grlc convention).

Canned queries (``queries/*.rq``) and derivation rules (``ontology/rules/*.rq``)
describe themselves this way, so a query file is its own documentation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kg.errors import DataError


def header_text(text: str) -> str:
    """The YAML of the header: every line starting ``#+``, without the marker."""
    lines = [line[2:] for line in text.splitlines() if line.startswith("#+")]
    return "\n".join(line[1:] if line.startswith(" ") else line for line in lines)


def read_header(text: str, path: Path) -> dict[str, Any]:
    """The header as a mapping; a DataError naming the file if it is not valid YAML."""
    try:
        header = yaml.safe_load(header_text(text)) or {}
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: the #+ header is not valid YAML: {exc}") from exc
    if not isinstance(header, dict):
        raise DataError(f"{path}: the #+ header must be a YAML mapping")
    return header
