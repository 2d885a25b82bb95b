"""The `kg` examples of the README and the curation guide show real output: each is run and compared."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = [README, ROOT / "docs" / "DATA.md"]
BLOCK = re.compile(r"```console\n\$ (kg [^\n]+)\n(.*?)```", re.S)


def examples(docs: list[Path] = DOCS) -> list[tuple[str, str]]:
    return [(cmd, out) for doc in docs for cmd, out in BLOCK.findall(doc.read_text(encoding="utf-8"))]


def test_readme_has_examples() -> None:
    assert len(examples([README])) >= 3
    assert len(examples([ROOT / "docs" / "DATA.md"])) >= 2


@pytest.mark.parametrize("command,expected", examples())
def test_readme_example_output(command: str, expected: str) -> None:
    argv = shlex.split(command)[1:]
    done = subprocess.run([sys.executable, "-m", "kg.cli", *argv], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected.strip()
