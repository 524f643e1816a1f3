"""Bytes of a DSN file: form (flat or XML) and encoding, turned into UTF-8 for the readers."""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .issues import SyntaxIssue, UnreadableFileError, issue


@dataclass
class Source:
    """A file's content (flat: as UTF-8 bytes; XML: as read, for lxml), its encoding and decoding issues."""

    path: Path
    form: str  # "flat" or "xml"
    encoding: str  # "iso-8859-1", "utf-8", "utf-8-sig", "ascii"
    data: bytes
    size: int
    issues: list[SyntaxIssue] = field(default_factory=list)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode_utf8_reporting(raw: bytes, path: Path) -> tuple[bytes, list[SyntaxIssue]]:
    """Decode mostly-UTF-8 bytes, replacing and reporting the lines with invalid sequences."""
    issues, lines_seen, pos = [], set(), 0
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    out = []
    while True:
        try:
            out.append(decoder.decode(raw[pos:], final=True))
            break
        except UnicodeDecodeError as err:
            start = pos + err.start
            out.append(raw[pos:start].decode("utf-8"))
            out.append("\ufffd")
            line = _line_of(raw, start)
            if line not in lines_seen:
                lines_seen.add(line)
                issues.append(issue("undecodable_bytes", line, raw=raw[start:start + 8].hex(" "), encoding="UTF-8"))
            pos = pos + err.end
            decoder.reset()
    return "".join(out).encode("utf-8"), issues


def detect_encoding(raw: bytes) -> str:
    """ASCII, UTF-8 (BOM or valid multi-byte sequences) or ISO-8859-1 (the norm's default)."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if raw.isascii():
        return "ascii"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Mostly UTF-8 with a few broken sequences, or Latin-1? Count the well-formed multi-byte sequences.
    kept = len(raw.decode("utf-8", errors="ignore").encode("utf-8"))
    good = kept - int(np.count_nonzero(np.frombuffer(raw, dtype=np.uint8) < 0x80))
    bad = len(raw) - kept
    return "utf-8" if good > bad * 2 else "iso-8859-1"


def read_source(path: str | Path) -> Source:
    """Read a file's bytes, detect its form and encoding, and return it as UTF-8 bytes.

    Raises UnreadableFileError only when there is nothing to read (missing, a directory, empty).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise UnreadableFileError(path, f"fichier illisible ({err.strerror or err})") from err
    if not raw.strip():
        raise UnreadableFileError(path, "fichier vide")
    if raw.lstrip(codecs.BOM_UTF8 + b" \t\r\n").startswith(b"<"):
        declared = re.search(rb'^<\?xml[^>]*encoding=["\']([A-Za-z0-9_.-]+)', raw.lstrip(codecs.BOM_UTF8))
        encoding = declared[1].decode("ascii").lower() if declared else "utf-8"
        return Source(path, "xml", encoding, raw, len(raw))
    encoding = detect_encoding(raw)
    issues: list[SyntaxIssue] = []
    if encoding == "ascii":
        data = raw
    elif encoding == "utf-8-sig":
        data, issues = _decode_utf8_reporting(raw[len(codecs.BOM_UTF8):], path)
    elif encoding == "utf-8":
        try:
            raw.decode("utf-8")
            data = raw
        except UnicodeDecodeError:
            data, issues = _decode_utf8_reporting(raw, path)
    else:
        data = raw.decode("iso-8859-1").encode("utf-8")
    return Source(path, "flat", encoding, data, len(raw), issues)
