"""Shared fixtures of the parser tests: where the public samples live, and a writer of small flat files."""
from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import SHARED

SAMPLES = SHARED / "samples"
NORM = SHARED / "norm"
PROJECT_SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.fixture
def flat_file(tmp_path):
    """Write ``lines`` (str) as a flat DSN in the given encoding/newline and return its path."""

    def write(lines: list[str], name: str = "case.dsn", encoding: str = "iso-8859-1", newline: str = "\n",
              final_newline: bool = True, prefix: bytes = b"") -> Path:
        text = newline.join(lines) + (newline if final_newline else "")
        path = tmp_path / name
        path.write_bytes(prefix + text.encode(encoding))
        return path

    return write


ENVOI_HEAD = [
    "S10.G00.00.001,'LOGICIEL'", "S10.G00.00.002,'EDITEUR'", "S10.G00.00.003,'1.0'",
    "S10.G00.00.005,'01'", "S10.G00.00.006,'P25V01'", "S10.G00.00.007,'01'", "S10.G00.00.008,'01'",
    "S20.G00.05.001,'01'", "S20.G00.05.002,'01'", "S20.G00.05.003,'11'", "S20.G00.05.004,'1'",
    "S20.G00.05.005,'01032025'", "S20.G00.05.007,'05042025'", "S20.G00.05.008,'01'", "S20.G00.05.010,'01'",
    "S21.G00.06.001,'552100554'", "S21.G00.11.001,'00017'",
]
