"""Vectorised reader of the flat DSN text form: whole-file numpy passes, no Python loop per line.

A line is ``Sxx.Gyy.bb.rrr,'value'``; the value is everything between the first and the last quote of the
line, so apostrophes inside values are kept. Lines that do not have this shape, or whose value is longer than
the reader's limit, become issues, never errors; only a file past a file-wide limit (``dsn_parser.limits``:
lines, lines in error) raises LimitExceeded.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from .bytescan import bytes_count, positions
from .issues import RAW_SHOWN, SyntaxIssue, issue
from .limits import Limits, grouped
from .raw import RawRubriques

_LF, _CR, _QUOTE = 10, 13, ord("'")
_FIXED = {0: ord("S"), 3: ord("."), 4: ord("G"), 7: ord("."), 10: ord("."), 14: ord(","), 15: _QUOTE}
_PREFIX = 16  # "Sxx.Gyy.bb.rrr,'"


def _word_checks() -> list[tuple[np.uint64, ...]]:
    """Per 8-byte word of the prefix: masks and expected values of its fixed bytes and of its digits."""
    checks = []
    for word in range(2):
        fixed_mask = fixed = digit_mask = high = thirties = sixes = 0
        for byte in range(8):
            offset, shift = 8 * word + byte, 8 * byte
            if offset in _FIXED:
                fixed_mask |= 0xFF << shift
                fixed |= _FIXED[offset] << shift
            else:
                digit_mask |= 0xFF << shift
                high |= 0xF0 << shift
                thirties |= 0x30 << shift
                sixes |= 0x06 << shift
        checks.append(tuple(np.uint64(v) for v in (fixed_mask, fixed, digit_mask, high, thirties, sixes)))
    return checks


_WORD_CHECKS = _word_checks()


def split_lines(buf: np.ndarray, limits: Limits | None = None) \
        -> tuple[np.ndarray, np.ndarray, list[SyntaxIssue], np.ndarray]:
    """Start and end offsets (end excluded, CR of CRLF excluded) of every physical line, line-end issues, and
    the indexes of the lines holding a bare CR inside (a file with CR line ends only has one issue, line 1,
    and no such line: its lines are read).

    Raises LimitExceeded past ``limits.max_lines`` lines (or carriage returns), before holding their offsets.
    """
    limits = limits or Limits()
    issues: list[SyntaxIssue] = []
    affected = np.empty(0, dtype=np.int64)
    separators = positions(buf, _LF, at_most=limits.max_lines)
    limits.check("max_lines", len(separators), "trop de lignes")
    carriage_returns = positions(buf, _CR, at_most=limits.max_lines) if bytes_count(buf, _CR) else separators[:0]
    limits.check("max_lines", len(carriage_returns), "trop de retours chariot")
    if len(separators) == 0 and len(carriage_returns):
        separators = carriage_returns
        issues.append(issue("bare_cr", 1))
    final_newline = len(separators) and separators[-1] == len(buf) - 1  # no line after it
    count = len(separators) + (0 if final_newline else 1)
    limits.check("max_lines", count, "trop de lignes")
    starts = np.empty(count, dtype=separators.dtype)
    ends = np.empty(count, dtype=separators.dtype)
    starts[0] = 0
    np.add(separators[:count - 1], 1, out=starts[1:])
    ends[:len(separators)] = separators[:count]
    if not final_newline:
        ends[-1] = len(buf)
    if len(carriage_returns):
        has_cr = (ends > starts) & (buf[np.maximum(ends - 1, 0)] == _CR)
        ends -= has_cr
        if len(carriage_returns) > int(has_cr.sum()) and len(separators) and buf[separators[0]] == _LF:
            inner = carriage_returns[np.isin(carriage_returns, ends[has_cr], invert=True)]
            affected = np.unique(np.searchsorted(starts, inner, side="right") - 1)
            limits.check("max_syntax_issues", len(affected), "trop de lignes aux retours chariot seuls")
            for line_index in affected:
                issues.append(issue("bare_cr", int(line_index) + 1))
    return starts, ends, issues, affected


_CHUNK_LINES = 1 << 16  # lines scanned per pass: the temporaries stay small and in cache


def read_flat(data: bytes, limits: Limits | None = None) -> tuple[RawRubriques, list[SyntaxIssue]]:
    """Split UTF-8 flat DSN bytes into rubrique rows (line, block key, number, value) and syntax issues.

    A value longer than ``limits.max_value_bytes`` is an issue of its line; more lines in error than
    ``limits.max_syntax_issues``, or more lines than ``limits.max_lines``, raise LimitExceeded.
    """
    limits = limits or Limits()
    buf = np.frombuffer(data, dtype=np.uint8)
    starts, ends, issues, bare = split_lines(buf, limits)
    ok, empty, too_long, block, number = _scan_prefixes(data, buf, starts, ends, limits.max_value_bytes)
    ok[bare] = empty[bare] = too_long[bare] = False
    bare_cr_lines = set((bare + 1).tolist())
    refused = np.flatnonzero(~ok)
    limits.check("max_syntax_issues", len(refused) + len(issues), "trop de lignes en erreur de syntaxe")

    for index in refused:
        length = int(ends[index] - starts[index])
        raw = bytes(data[starts[index]:starts[index] + min(length, 4 * RAW_SHOWN)]).decode("utf-8", errors="replace")
        line = int(index) + 1
        if too_long[index]:
            issues.append(issue("value_too_long", line, rubrique=raw[:14], raw=raw,
                                length=grouped(length - _PREFIX - 1), limit=grouped(limits.max_value_bytes)))
        elif empty[index]:
            issues.append(issue("empty_value", line, rubrique=raw[:14], raw=raw))
        elif length == 0 or (length <= 4 * RAW_SHOWN and not raw.strip()):
            issues.append(issue("blank_line", line, raw=raw))
        elif line not in bare_cr_lines:
            issues.append(issue("unreadable_line", line, raw=raw))
    del empty, too_long

    if ok.all():  # the usual case: no copy
        lines = np.arange(1, len(ok) + 1, dtype=np.int32)
        values = _values(data, starts, ends)
    else:
        rows = np.flatnonzero(ok)
        lines = (rows + 1).astype(np.int32)
        block, number = block[rows], number[rows]
        values = _values(data, starts[rows], ends[rows])
    issues.sort(key=lambda i: (i.line or 0))
    return RawRubriques(lines, block, number, values, stride=2), issues


def _scan_prefixes(data: bytes, buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, max_value: int) \
        -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per line: whether it is a rubrique line ``Sxx.Gyy.bb.rrr,'…'`` to read, whether it is one with an empty
    value ``Sxx.Gyy.bb.rrr,''``, or one with a value longer than ``max_value`` bytes (neither is to read),
    its block key and its rubrique number.

    The 16-byte prefix of a line is read as two little-endian 64-bit words (unaligned views of the buffer) and
    checked a whole word at a time, a chunk of lines at a time. Lines too short to hold ``Sxx.Gyy.bb.rrr,'v'``
    are not shaped (their block and number are meaningless).
    """
    count = len(starts)
    ok = np.zeros(count, dtype=bool)
    empty = np.zeros(count, dtype=bool)
    too_long = np.zeros(count, dtype=bool)
    block = np.zeros(count, dtype=np.int32)
    number = np.zeros(count, dtype=np.int16)
    if len(buf) < _PREFIX + 1:
        return ok, empty, too_long, block, number
    words = np.ndarray(shape=(len(buf) - 7,), dtype="<u8", buffer=data, strides=(1,))
    for low in range(0, count, _CHUNK_LINES):
        high = min(low + _CHUNK_LINES, count)
        first, last = starts[low:high], ends[low:high]
        length = last - first
        shaped = length >= _PREFIX + 1
        first = np.where(shaped, first, 0)
        prefix = (words[first], words[first + 8])
        shaped &= buf[last - 1] == _QUOTE
        for word, (fixed_mask, fixed, digit_mask, high_nibbles, thirties, sixes) in zip(prefix, _WORD_CHECKS):
            shaped &= (word & fixed_mask) == fixed
            # a byte b is a digit iff (b & 0xF0) == 0x30 and ((b + 6) & 0xF0) == 0x30 (no carry: b <= 0x3F)
            shaped &= (word & high_nibbles) == thirties
            shaped &= (((word & digit_mask) + sixes) & high_nibbles) == thirties
        empty[low:high] = shaped & (length == _PREFIX + 1)
        too_long[low:high] = shaped & (length > _PREFIX + 1 + max_value)
        ok[low:high] = shaped & ~empty[low:high] & ~too_long[low:high]
        block[low:high] = _decimal(prefix, (1, 2, 5, 6, 8, 9), np.int32)
        number[low:high] = _decimal(prefix, (11, 12, 13), np.int16)
    return ok, empty, too_long, block, number


def _decimal(prefix: tuple[np.ndarray, np.ndarray], offsets: tuple[int, ...], dtype) -> np.ndarray:
    """The number written by the digits at ``offsets`` of the 16-byte prefixes, as ``dtype``.

    Each digit is a strided byte column of the prefix words; the digits are already checked to be ASCII.
    """
    columns = [word.view(np.uint8).reshape(-1, 8) for word in prefix]
    total = np.zeros(len(prefix[0]), dtype=dtype)
    for position, offset in enumerate(offsets):
        weight = 10 ** (len(offsets) - 1 - position)
        total += np.multiply(columns[offset // 8][:, offset % 8], weight, dtype=dtype)
    total -= dtype(48 * sum(10 ** k for k in range(len(offsets))))
    return total


def _values(data: bytes, line_starts: np.ndarray, line_ends: np.ndarray) -> pa.Array:
    """The value strings of rubrique lines (between ``Sxx.Gyy.bb.rrr,'`` and the last quote) over the file
    buffer, without one Python object per value and without a copy.

    Arrow offsets must be monotonic, so they interleave value and gap: the result holds 2 strings per
    rubrique, the value at even positions (RawRubriques reads it with a stride of 2).
    """
    count = len(line_starts)
    if count == 0:
        return pa.array([], type=pa.string())
    large = len(data) >= 2**31 - 1
    offsets = np.empty(2 * count + 1, dtype=np.int64 if large else np.int32)
    np.add(line_starts, _PREFIX, out=offsets[0:-1:2])
    np.subtract(line_ends, 1, out=offsets[1::2])
    offsets[-1] = offsets[-2]
    kind = pa.large_string() if large else pa.string()
    return pa.Array.from_buffers(kind, 2 * count, [None, pa.py_buffer(offsets), pa.py_buffer(data)])
