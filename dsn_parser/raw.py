"""The long form every reader produces: one row per rubrique, in file order, as arrays."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa


def block_key(code: str) -> int:
    """``S21.G00.30`` → 210030: the integer key of a block code."""
    return int(code[1:3]) * 10000 + int(code[5:7]) * 100 + int(code[8:10])


def block_code(key: int) -> str:
    """210030 → ``S21.G00.30``."""
    return f"S{key // 10000:02d}.G{key // 100 % 100:02d}.{key % 100:02d}"


def rubrique_code(block: int, number: int) -> str:
    """(210030, 1) → ``S21.G00.30.001``."""
    return f"{block_code(block)}.{number:03d}"


@dataclass
class RawRubriques:
    """Well-formed rubrique lines of a file, in file order.

    ``starts`` marks rows that open a new block instance explicitly (XML elements); flat files leave it
    None and instances are inferred from the rubrique numbers. ``store`` holds the values; with ``stride``
    2 (the flat reader's zero-copy layout) value i is at position 2i.
    """

    line: np.ndarray  # int32, 1-based physical line (XML: source line)
    block: np.ndarray  # int32 block key
    number: np.ndarray  # int16 rubrique number (1..999)
    store: pa.Array  # string values, see stride
    starts: np.ndarray | None = None
    stride: int = 1

    def __len__(self) -> int:
        return len(self.line)

    def take(self, rows: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
        """The values of ``rows`` (null where ``mask`` is True), as a compact string array."""
        indices = np.asarray(rows)
        if self.stride != 1:
            indices = indices.astype(np.int64) * self.stride
        result = self.store.take(pa.array(indices, mask=mask))
        return result.cast(pa.string()) if result.type == pa.large_string() else result

    @cached_property
    def value(self) -> pa.Array:
        """Every value in row order, as a compact string array."""
        if self.stride == 1:
            return self.store
        return self.take(np.arange(len(self)))

    def compact(self) -> None:
        """Hold the values in their own compact array instead of over the file buffer, which can then be
        released (a flat file's buffer is mostly rubrique codes: about 2.5 times the size of its values)."""
        if self.stride != 1:
            self.store, self.stride = self.value, 1

    @classmethod
    def from_rows(cls, rows: list[tuple[int, str, str]], starts: list[bool] | None = None) -> RawRubriques:
        """Build from ``(line, rubrique code, value)`` tuples (small inputs: XML, tests, the writer)."""
        lines = np.fromiter((r[0] for r in rows), dtype=np.int32, count=len(rows))
        blocks = np.fromiter((block_key(r[1][:10]) for r in rows), dtype=np.int32, count=len(rows))
        numbers = np.fromiter((int(r[1][11:14]) for r in rows), dtype=np.int16, count=len(rows))
        values = pa.array([r[2] for r in rows], type=pa.string())
        return cls(lines, blocks, numbers, values, None if starts is None else np.asarray(starts, dtype=bool))
