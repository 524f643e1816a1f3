"""Bytes of a DSN file: form (flat or XML) and encoding, turned into UTF-8 for the readers."""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .bytescan import is_utf8, positions

from .issues import SyntaxIssue, UnreadableFileError, issue


@dataclass
class Source:
    """A file's content (flat: as UTF-8 bytes; XML: as read, for lxml), its encoding and decoding issues."""

    path: Path
    form: str  # "flat" or "xml"
    encoding: str  # "iso-8859-1", "utf-8", "utf-8-sig", "ascii"
    data: bytes | np.ndarray  # any buffer of bytes (a uint8 array after transcoding)
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
    """ASCII, UTF-8 (BOM, or mostly well-formed multi-byte sequences) or ISO-8859-1 (the norm's default)."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if raw.isascii():
        return "ascii"
    if is_utf8(raw):
        return "utf-8"
    # Mostly UTF-8 with a few broken sequences, or Latin-1? Count the bytes in well-formed sequences.
    buf = np.frombuffer(raw, dtype=np.uint8)
    high = positions(buf, 0x80, at_least=True)
    following = buf[np.minimum(high + 1, len(buf) - 1)]
    lead2 = (buf[high] >= 0xC2) & (buf[high] <= 0xDF) & (following >= 0x80) & (following <= 0xBF)
    return "utf-8" if 2 * int(lead2.sum()) > len(high) // 2 else "iso-8859-1"


def latin1_to_utf8(raw: bytes) -> bytes | np.ndarray:
    """Transcode ISO-8859-1 bytes to UTF-8: each byte >= 0x80 becomes two, the ASCII runs between them are
    copied as slices (one memcpy per run; accented letters are rare in a DSN).

    Returns a uint8 array (a buffer like bytes) to avoid one more copy of a large file.
    """
    buf = np.frombuffer(raw, dtype=np.uint8)
    high = positions(buf, 0x80, at_least=True)
    if len(high) == 0:
        return raw
    out = np.empty(len(buf) + len(high), dtype=np.uint8)
    target = high + np.arange(len(high))
    run_starts = np.concatenate(([0], high + 1)).tolist()
    run_ends = np.concatenate((high, [len(buf)])).tolist()
    run_targets = np.concatenate(([0], target + 2)).tolist()
    for start, end, to in zip(run_starts, run_ends, run_targets):
        out[to:to + end - start] = buf[start:end]
    out[target] = 0xC0 | (buf[high] >> 6)
    out[target + 1] = 0x80 | (buf[high] & 0x3F)
    return out


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
        if is_utf8(raw):
            data = raw
        else:
            data, issues = _decode_utf8_reporting(raw, path)
    else:
        data = latin1_to_utf8(raw)
    return Source(path, "flat", encoding, data, len(raw), issues)
