"""Vectorised reader of the flat DSN text form: whole-file numpy passes, no Python loop per line.

A line is ``Sxx.Gyy.bb.rrr,'value'``; the value is everything between the first and the last quote of the
line, so apostrophes inside values are kept. Lines that do not have this shape become issues, never errors.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from .issues import SyntaxIssue, issue
from .raw import RawRubriques

_LF, _CR, _QUOTE = 10, 13, ord("'")
_DIGIT_OFFSETS = (1, 2, 5, 6, 8, 9, 11, 12, 13)
_FIXED = {0: ord("S"), 3: ord("."), 4: ord("G"), 7: ord("."), 10: ord("."), 14: ord(","), 15: _QUOTE}
_PREFIX = 16  # "Sxx.Gyy.bb.rrr,'"


def split_lines(buf: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[SyntaxIssue]]:
    """Start and end offsets (end excluded, CR of CRLF excluded) of every physical line, and line-end issues."""
    issues: list[SyntaxIssue] = []
    separators = np.flatnonzero(buf == _LF)
    if len(separators) == 0 and np.any(buf == _CR):
        separators = np.flatnonzero(buf == _CR)
        issues.append(issue("bare_cr", 1))
    starts = np.concatenate(([0], separators + 1))
    ends = np.concatenate((separators, [len(buf)]))
    if starts[-1] >= len(buf):  # final newline: no line after it
        starts, ends = starts[:-1], ends[:-1]
    has_cr = (ends > starts) & (buf[np.maximum(ends - 1, 0)] == _CR)
    ends = ends - has_cr
    carriage_returns = np.flatnonzero(buf == _CR)
    if len(carriage_returns) > int(has_cr.sum()) and len(separators) and buf[separators[0]] == _LF:
        inner = carriage_returns[np.isin(carriage_returns, ends[has_cr], invert=True)]
        for line_index in np.unique(np.searchsorted(starts, inner, side="right") - 1):
            issues.append(issue("bare_cr", int(line_index) + 1))
    return starts, ends, issues


def read_flat(data: bytes) -> tuple[RawRubriques, list[SyntaxIssue]]:
    """Split UTF-8 flat DSN bytes into rubrique rows (line, block key, number, value) and syntax issues."""
    buf = np.frombuffer(data, dtype=np.uint8)
    starts, ends, issues = split_lines(buf)
    length = ends - starts
    last = len(buf) - 1

    def at(offset: int) -> np.ndarray:
        return buf[np.minimum(starts + offset, last)]

    ok = length >= _PREFIX + 1
    digits = {}
    for offset in _DIGIT_OFFSETS:
        d = at(offset).astype(np.int64) - 48
        ok &= (d >= 0) & (d <= 9)
        digits[offset] = d
    for offset, expected in _FIXED.items():
        ok &= at(offset) == expected
    ok &= buf[np.maximum(ends - 1, 0)] == _QUOTE
    bare_cr_lines = {i.line for i in issues if i.kind == "bare_cr" and len(starts) > 1}
    if bare_cr_lines:
        ok[np.array(sorted(bare_cr_lines), dtype=np.int64) - 1] = False
    empty = ok & (length == _PREFIX + 1)
    ok &= ~empty

    for index in np.flatnonzero(~ok):
        raw = data[starts[index]:ends[index]].decode("utf-8", errors="replace")
        line = int(index) + 1
        if empty[index]:
            issues.append(issue("empty_value", line, rubrique=raw[:14], raw=raw))
        elif length[index] == 0 or not raw.strip():
            issues.append(issue("blank_line", line, raw=raw))
        elif line not in bare_cr_lines:
            issues.append(issue("unreadable_line", line, raw=raw))

    rows = np.flatnonzero(ok)
    block = ((digits[1][rows] * 10 + digits[2][rows]) * 10000 + (digits[5][rows] * 10 + digits[6][rows]) * 100
             + digits[8][rows] * 10 + digits[9][rows])
    number = digits[11][rows] * 100 + digits[12][rows] * 10 + digits[13][rows]
    values = _values(data, starts[rows] + _PREFIX, ends[rows] - 1)
    issues.sort(key=lambda i: (i.line or 0))
    return RawRubriques(rows + 1, block, number, values), issues


def _values(data: bytes, value_starts: np.ndarray, value_ends: np.ndarray) -> pa.Array:
    """The value strings, cut out of the file buffer by Arrow without one Python object per value.

    The offsets interleave value and gap so that they stay monotonic; taking every other string keeps
    the values only.
    """
    count = len(value_starts)
    if count == 0:
        return pa.array([], type=pa.string())
    large = len(data) >= 2**31 - 1
    offsets = np.empty(2 * count + 1, dtype=np.int64 if large else np.int32)
    offsets[0:-1:2] = value_starts
    offsets[1::2] = value_ends
    offsets[-1] = value_ends[-1]
    kind = pa.large_string() if large else pa.string()
    interleaved = pa.Array.from_buffers(kind, 2 * count, [None, pa.py_buffer(offsets), pa.py_buffer(data)])
    values = interleaved.take(pa.array(np.arange(0, 2 * count, 2, dtype=np.int64)))
    return values.cast(pa.string()) if large else values
