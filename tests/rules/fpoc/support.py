"""Shared helpers for the FPOC referential tests."""

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line of `text` containing `needle`."""
    lines = [number for number, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, f"{needle!r} found on lines {lines}"
    return lines[0]


def last_step(element: str) -> str:
    """Last step of an XPath, without its position: /A/B[2]/C[3] → C."""
    return element.rsplit("/", 1)[-1].split("[", 1)[0]
