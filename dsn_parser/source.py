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


def mostly_utf8(buf: np.ndarray, high: np.ndarray) -> bool:
    """Whether the bytes >= 0x80 (at ``high``) mostly form UTF-8 two-byte sequences (a UTF-8 file with a few
    broken bytes) rather than Latin-1 letters."""
    following = buf[np.minimum(high + 1, len(buf) - 1)]
    lead2 = (buf[high] >= 0xC2) & (buf[high] <= 0xDF) & (following >= 0x80) & (following <= 0xBF)
    return 2 * int(lead2.sum()) > len(high) // 2


def latin1_to_utf8(raw: bytes, high: np.ndarray | None = None) -> bytes | np.ndarray:
    """Transcode ISO-8859-1 bytes to UTF-8: each byte >= 0x80 (at ``high``, found if not given) becomes two,
    the ASCII runs between them are copied as slices (one memcpy per run; accented letters are rare).

    Returns a uint8 array (a buffer like bytes) to avoid one more copy of a large file.
    """
    buf = np.frombuffer(raw, dtype=np.uint8)
    if high is None:
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
    if re.search(rb"[^ \t\r\n]", raw) is None:  # stops at the first visible byte, no copy
        raise UnreadableFileError(path, "fichier vide")
    if re.match(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*<", raw):
        declared = re.search(rb'^(?:\xef\xbb\xbf)?<\?xml[^>]*encoding=["\']([A-Za-z0-9_.-]+)', raw[:512])
        encoding = declared[1].decode("ascii").lower() if declared else "utf-8"
        return Source(path, "xml", encoding, raw, len(raw))
    # ISO-8859-1 by default; UTF-8 detected (BOM, valid, or mostly well-formed); the encoding is recorded
    issues: list[SyntaxIssue] = []
    if raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
        data, issues = _decode_utf8_reporting(raw[len(codecs.BOM_UTF8):], path)
    elif raw.isascii():
        encoding, data = "ascii", raw
    elif is_utf8(raw):
        encoding, data = "utf-8", raw
    else:
        buf = np.frombuffer(raw, dtype=np.uint8)
        high = positions(buf, 0x80, at_least=True)
        if mostly_utf8(buf, high):
            encoding = "utf-8"
            data, issues = _decode_utf8_reporting(raw, path)
        else:
            encoding, data = "iso-8859-1", latin1_to_utf8(raw, high)
    return Source(path, "flat", encoding, data, len(raw), issues)
