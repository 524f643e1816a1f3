"""Whole-buffer byte searches done in chunks, so that a 400 MB file never needs a 400 MB temporary.

Chunks are small (4 MiB) so that their temporaries are reused by the allocator instead of being mapped
afresh, page by page, for every chunk.
"""
from __future__ import annotations

import numpy as np

CHUNK = 1 << 22  # 4 MiB


def positions(buf: np.ndarray, byte: int, at_least: bool = False, at_most: int | None = None) -> np.ndarray:
    """Offsets of the bytes equal to ``byte`` (or >= it with ``at_least``), ascending; int32 when the buffer
    is under 2 GiB, else int64. With ``at_most``, the search stops once more offsets than that are found
    (the result then holds more than ``at_most``: the caller refuses the input without holding them all)."""
    kind = np.int32 if len(buf) < 2**31 - 1 else np.int64
    parts, found = [], 0
    for start in range(0, len(buf), CHUNK):
        part = buf[start:start + CHUNK]
        hits = np.flatnonzero(part >= byte if at_least else part == byte)
        if len(hits):
            parts.append(hits.astype(kind) + kind(start))
            found += len(hits)
            if at_most is not None and found > at_most:
                break
    return np.concatenate(parts) if parts else np.empty(0, dtype=kind)


def bytes_count(buf: np.ndarray, byte: int) -> int:
    """How many bytes equal ``byte``, counted chunk by chunk."""
    return sum(int(np.count_nonzero(buf[start:start + CHUNK] == byte)) for start in range(0, len(buf), CHUNK))


def is_utf8(raw: bytes) -> bool:
    """True when ``raw`` is valid UTF-8, checked chunk by chunk without keeping the decoded text."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    view = memoryview(raw)
    try:
        for start in range(0, len(raw), CHUNK):
            decoder.decode(view[start:start + CHUNK], final=start + CHUNK >= len(raw))
    except UnicodeDecodeError:
        return False
    return True
