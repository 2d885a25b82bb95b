"""The service's own queries, one ``.rq`` file each in this folder: SPARQL stays out of Python."""

from __future__ import annotations

from functools import cache
from pathlib import Path

RQ_DIR = Path(__file__).parent


@cache
def internal_query(name: str) -> str:
    """The text of ``src/kg/rq/<name>.rq``."""
    return (RQ_DIR / f"{name}.rq").read_text(encoding="utf-8")
