"""Flat DSN writer: rubriques (code, value) back to the flat text form, ISO-8859-1 by default."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

Record = tuple[str, str]


def format_line(code: str, value: str) -> str:
    """One flat line, without its line end: ``S21.G00.30.002,'MARTIN'``."""
    return f"{code},'{value}'"


def render(records: Iterable[Record], newline: str = "\n", final_newline: bool = True) -> str:
    """The text of a flat DSN made of ``records`` in order."""
    text = newline.join(format_line(code, value) for code, value in records)
    return text + newline if final_newline and text else text


def write_records(records: Iterable[Record], path: str | Path, encoding: str = "iso-8859-1",
                  newline: str = "\n", final_newline: bool = True) -> Path:
    """Write ``records`` as a flat DSN file (ISO-8859-1 unless told otherwise) and return its path."""
    path = Path(path)
    path.write_bytes(render(records, newline, final_newline).encode(encoding))
    return path


def write_tree(document, path: str | Path, encoding: str = "iso-8859-1", newline: str = "\n") -> Path:
    """Write a tree (``dsn_parser.tree.Document``) as a flat DSN file."""
    return write_records(document.records(), path, encoding=encoding, newline=newline)


def write_parsed(parsed, path: str | Path) -> Path:
    """Write a parsed flat file back in its own encoding, line ends and final-newline form."""
    encoding = {"ascii": "iso-8859-1", "utf-8-sig": "utf-8-sig"}.get(parsed.encoding, parsed.encoding)
    return write_records(parsed.records(), path, encoding=encoding, newline=parsed.newline,
                         final_newline=parsed.final_newline)
