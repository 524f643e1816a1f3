"""Bytes of a DSN file: form (flat or XML) and encoding, turned into UTF-8 for the readers."""
from __future__ import annotations

import codecs
import os
import re
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .bytescan import CHUNK, is_utf8, positions

from .issues import SyntaxIssue, UnreadableFileError, issue
from .limits import LimitExceeded, Limits, grouped
from .sniff import os_reason


@dataclass
class Source:
    """A file's content (flat: as UTF-8 bytes; XML: as read, for lxml), its encoding and decoding issues."""

    path: Path
    form: str  # "flat" or "xml"
    encoding: str  # "iso-8859-1", "utf-8", "utf-8-sig", "ascii"
    data: bytes | np.ndarray  # any buffer of bytes (a uint8 array after transcoding)
    size: int
    issues: list[SyntaxIssue] = field(default_factory=list)


_RECORDER = threading.local()  # the lines being recorded by the running _decode_utf8_reporting, per thread


def _record_undecodable(err: UnicodeDecodeError) -> tuple[str, int]:
    """Codec error handler: replace the invalid sequence and note its offset, once per line."""
    starts, limit = _RECORDER.starts, _RECORDER.limit
    if not starts or err.object.rfind(b"\n", starts[-1], err.start) >= 0:  # a new line with bad bytes
        starts.append(err.start)
        limit.check("max_syntax_issues", len(starts), "trop de lignes aux octets non décodables")
    return "\ufffd", err.end


codecs.register_error("dsn-record-undecodable", _record_undecodable)


def _decode_utf8_reporting(raw: bytes, limits: Limits) -> tuple[bytes, list[SyntaxIssue]]:
    """Decode mostly-UTF-8 bytes, replacing and reporting the lines with invalid sequences (one decoding pass;
    line numbers from the line-feed offsets)."""
    _RECORDER.starts, _RECORDER.limit = [], limits
    try:
        text = raw.decode("utf-8", errors="dsn-record-undecodable")
        starts = _RECORDER.starts
    finally:
        del _RECORDER.starts, _RECORDER.limit
    issues = []
    if starts:
        feeds = positions(np.frombuffer(raw, dtype=np.uint8), 10)
        lines = np.searchsorted(feeds, np.array(starts, dtype=np.int64)) + 1
        issues = [issue("undecodable_bytes", int(line), raw=raw[start:start + 8].hex(" "), encoding="UTF-8")
                  for line, start in zip(lines.tolist(), starts)]
    return text.encode("utf-8"), issues


_DENSE = 170  # a run copy costs about 170 times a byte through the codec


@dataclass
class HighBytes:
    """The bytes >= 0x80 of a buffer: their offsets (None when more than one in ``_DENSE``: not kept), their
    count, and how many of them start a UTF-8 two-byte sequence."""

    offsets: np.ndarray | None
    count: int
    utf8_leads: int

    @property
    def mostly_utf8(self) -> bool:
        """Whether they mostly form UTF-8 two-byte sequences (a UTF-8 file with a few broken bytes) rather
        than Latin-1 letters."""
        return 2 * self.utf8_leads > self.count // 2


def high_bytes(buf: np.ndarray) -> HighBytes:
    """The bytes >= 0x80 of ``buf``, found chunk by chunk (a file full of them keeps no offsets)."""
    kind = np.int32 if len(buf) < 2**31 - 1 else np.int64
    parts: list[np.ndarray] | None = []
    count = leads = 0
    for start in range(0, len(buf), CHUNK):
        part = buf[start:start + CHUNK + 1]  # one byte more: the follower of the chunk's last byte
        hits = np.flatnonzero(part[:CHUNK] >= 0x80)
        lead, following = part[hits], part[np.minimum(hits + 1, len(part) - 1)]
        leads += int(np.count_nonzero((lead >= 0xC2) & (lead <= 0xDF) & (following >= 0x80) & (following <= 0xBF)))
        count += len(hits)
        if parts is not None:
            parts.append(hits.astype(kind) + kind(start))
            if count * _DENSE > len(buf):
                parts = None
    offsets = None if parts is None else (np.concatenate(parts) if parts else np.empty(0, dtype=kind))
    return HighBytes(offsets, count, leads)


def latin1_to_utf8(raw: bytes, high: HighBytes | None = None) -> bytes | np.ndarray:
    """Transcode ISO-8859-1 bytes to UTF-8: each byte >= 0x80 (``high``, found if not given) becomes two. The
    ASCII runs between them are copied as slices (one memcpy per run: accented letters are rare) or, when
    they are not (a hostile or non-French file), the bytes go through the codec chunk by chunk.

    Returns a uint8 array (a buffer like bytes) to avoid one more copy of a large file.
    """
    buf = np.frombuffer(raw, dtype=np.uint8)
    high = high or high_bytes(buf)
    if high.count == 0:
        return raw
    out = np.empty(len(buf) + high.count, dtype=np.uint8)
    if high.offsets is None:
        view, to = memoryview(raw).cast("B"), 0
        for start in range(0, len(buf), CHUNK):
            encoded = np.frombuffer(bytes(view[start:start + CHUNK]).decode("latin-1").encode("utf-8"), np.uint8)
            out[to:to + len(encoded)] = encoded
            to += len(encoded)
        return out
    offsets = high.offsets
    target = offsets + np.arange(len(offsets))
    run_starts = np.concatenate(([0], offsets + 1)).tolist()
    run_ends = np.concatenate((offsets, [len(buf)])).tolist()
    run_targets = np.concatenate(([0], target + 2)).tolist()
    for start, end, to in zip(run_starts, run_ends, run_targets):
        out[to:to + end - start] = buf[start:end]
    out[target] = 0xC0 | (buf[offsets] >> 6)
    out[target + 1] = 0x80 | (buf[offsets] & 0x3F)
    return out


def _read_bounded(path: Path, limits: Limits) -> bytes:
    """The bytes of ``path``, refused past ``limits.max_file_bytes`` before reading them (a device or a pipe,
    whose size is not known beforehand, is read up to the limit)."""
    with path.open("rb") as handle:
        status = os.fstat(handle.fileno())
        if stat.S_ISREG(status.st_mode):
            limits.check("max_file_bytes", status.st_size, f"fichier de {grouped(status.st_size)} octets")
            return handle.read()
        raw = handle.read(limits.max_file_bytes + 1)
        limits.check("max_file_bytes", len(raw), f"fichier de plus de {grouped(limits.max_file_bytes)} octets")
        return raw


def read_source(path: str | Path, limits: Limits | None = None) -> Source:
    """Read a file's bytes, detect its form and encoding, and return it as UTF-8 bytes.

    Raises UnreadableFileError only when there is nothing to read (missing, a directory, empty) or when the
    file is larger than ``limits.max_file_bytes``.
    """
    path, limits = Path(path), limits or Limits()
    try:
        raw = _read_bounded(path, limits)
    except OSError as err:
        raise UnreadableFileError(path, os_reason(err)) from err
    except LimitExceeded as err:
        raise UnreadableFileError(path, err.reason) from None
    try:
        return _decoded(path, raw, limits)
    except LimitExceeded as err:
        raise UnreadableFileError(path, err.reason) from None


def _decoded(path: Path, raw: bytes, limits: Limits) -> Source:
    """The Source of a file's bytes: form, encoding and the UTF-8 bytes the readers take."""
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
        data, issues = _decode_utf8_reporting(raw[len(codecs.BOM_UTF8):], limits)
    elif raw.isascii():
        encoding, data = "ascii", raw
    elif is_utf8(raw):
        encoding, data = "utf-8", raw
    else:
        high = high_bytes(np.frombuffer(raw, dtype=np.uint8))
        if high.mostly_utf8:
            encoding = "utf-8"
            data, issues = _decode_utf8_reporting(raw, limits)
        else:
            encoding, data = "iso-8859-1", latin1_to_utf8(raw, high)
    return Source(path, "flat", encoding, data, len(raw), issues)
