"""The README's `kg` examples show real output: each is run and compared."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"```console\n\$ (kg [^\n]+)\n(.*?)```", re.S)


def examples() -> list[tuple[str, str]]:
    return [(cmd, out) for cmd, out in BLOCK.findall(README.read_text(encoding="utf-8"))]


def test_readme_has_examples() -> None:
    assert len(examples()) >= 3


@pytest.mark.parametrize("command,expected", examples())
def test_readme_example_output(command: str, expected: str) -> None:
    argv = shlex.split(command)[1:]
    done = subprocess.run([sys.executable, "-m", "kg.cli", *argv], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected.strip()
