"""Columnar view: one typed table per block, pivoted from the rubrique rows with Arrow ``take``.

Each table has ``id`` (instance id in the file), ``parent_id``, one ``<ancestor>_id`` column per ancestor
block (``declaration_id``, ``individu_id`` …), ``line`` and ``line_end`` (first and last line of the
instance), all int32 (a file holds fewer than 2**31 lines), then one column per catalog rubrique of the block, named by its full code (``S21.G00.30.001``),
typed from the catalog: dates (JJMMAAAA) as dates, decimal numbers as decimals, whole numbers as Int64,
everything else as strings. A value that does not fit its type is null here; the raw text stays in the
rubrique rows, and the validator reports it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import columns
from .catalog import Catalog, DataType
from .columns import TABLE_NAMES, table_name  # noqa: F401  (re-exported: the names of the typed tables)
from .hierarchy import BlockIndex, Instances
from .raw import RawRubriques, block_key

DECIMAL = pa.decimal128(21, 3)
_DECIMAL_TEXT = r"^-?[0-9]{1,18}(\.[0-9]{1,3})?$"


_ARROW_TYPES = {columns.DATE: pa.date32(), columns.DECIMAL: DECIMAL, columns.INTEGER: pa.int64(),
                columns.STRING: pa.string()}


def arrow_type(data_type: DataType) -> pa.DataType:
    """The Arrow type a rubrique of this data type gets in the typed tables (its :func:`columns.value_kind`)."""
    return _ARROW_TYPES[columns.value_kind(data_type)]


def pandas_dtype(data_type: DataType):
    """The pandas dtype of a rubrique column of this data type."""
    kind = arrow_type(data_type)
    if kind == pa.date32():
        return "datetime64[ms]"
    if kind == pa.int64():
        return pd.Int64Dtype()
    if kind == DECIMAL:
        return pd.ArrowDtype(DECIMAL)
    return pd.StringDtype()


def convert(values: pa.Array, data_type: DataType) -> pa.Array:
    """Raw strings → typed Arrow values; what does not fit the type becomes null.

    The direct cast is tried first (the common case: every value is well formed); only when it fails are
    the values checked one by one.
    """
    kind = arrow_type(data_type)
    if kind == pa.string():
        return values
    try:
        return _cast_exact(values, kind)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _cast_lenient(values, kind)


def _iso_dates(values: pa.Array) -> pa.Array:
    """JJMMAAAA → AAAA-MM-JJ text (only the slicing; validity comes from the date cast)."""
    day = pc.utf8_slice_codeunits(values, 0, 2)
    month = pc.utf8_slice_codeunits(values, 2, 4)
    year = pc.utf8_slice_codeunits(values, 4, 8)
    return pc.binary_join_element_wise(year, month, day, "-")


def _cast_exact(values: pa.Array, kind: pa.DataType) -> pa.Array:
    if kind == pa.date32():
        if pc.any(pc.not_equal(pc.utf8_length(values), 8)).as_py():
            raise pa.ArrowInvalid("date length")
        return pc.cast(_iso_dates(values), pa.date32())  # validates the day of the month (strptime rolls 31/02)
    if kind == DECIMAL and pc.any(pc.match_substring(values, "e", ignore_case=True)).as_py():
        raise pa.ArrowInvalid("exponent")
    return pc.cast(values, kind)


def _cast_lenient(values: pa.Array, kind: pa.DataType) -> pa.Array:
    if kind == pa.date32():
        shaped = pc.match_substring_regex(values, r"^[0-9]{8}$")
        parsed = pc.strptime(pc.if_else(shaped, values, None), format="%d%m%Y", unit="s", error_is_null=True)
        exact = pc.equal(pc.strftime(parsed, format="%d%m%Y"), values)  # no 31/02 rolled into March
        return pc.cast(pc.if_else(exact, parsed, None), pa.date32())
    if kind == pa.int64():
        shaped = pc.match_substring_regex(values, r"^-?[0-9]{1,18}$")
        return pc.cast(pc.if_else(shaped, values, None), pa.int64())
    shaped = pc.match_substring_regex(values, _DECIMAL_TEXT)
    return pc.cast(pc.if_else(shaped, values, None), DECIMAL)


def _to_pandas(array: pa.Array, dtype):
    """A typed Arrow array as the pandas array of the table column (no per-value Python work)."""
    if isinstance(dtype, pd.ArrowDtype):
        return pd.arrays.ArrowExtensionArray(array)
    if dtype == "datetime64[ms]":
        return pc.cast(array, pa.timestamp("ms")).to_numpy(zero_copy_only=False)
    if isinstance(dtype, pd.StringDtype):
        return pd.arrays.ArrowStringArray(pa.chunked_array([array]))
    values = pc.fill_null(array, 0).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    return pd.arrays.IntegerArray(values, array.is_null().to_numpy(zero_copy_only=False))


def _frozen_missing(count: int, dtype=np.int64) -> tuple[np.ndarray, np.ndarray]:
    """Read-only (values, mask) of ``count`` missing integers, shareable by the absent columns of a table."""
    values, missing = np.zeros(count, dtype=dtype), np.ones(count, dtype=bool)
    values.setflags(write=False)
    missing.setflags(write=False)
    return values, missing


class TableBuilder:
    """Pivots the rubrique rows of one file into per-block tables (built once, on demand)."""

    def __init__(self, raw: RawRubriques, instances: Instances, blocks: BlockIndex, catalog: Catalog):
        self.raw, self.instances, self.blocks, self.catalog = raw, instances, blocks, catalog
        # stable sorts of 16-bit keys are radix sorts: linear in the number of rows
        order = np.argsort(instances.block.astype(np.int16), kind="stable")
        self._block_instances = np.split(order, np.flatnonzero(np.diff(instances.block[order])) + 1)
        self._local = np.empty(len(instances), dtype=np.int32)
        for group in self._block_instances:
            self._local[group] = np.arange(len(group))
        # rows grouped by rubrique (unknown rubriques, -1, first), in file order inside each group
        self._rows_sorted = np.argsort(instances.row_rubrique, kind="stable").astype(np.int32)
        counts = np.bincount(instances.row_rubrique + 1, minlength=len(blocks.rubrique_keys) + 1)
        ends = np.cumsum(counts)
        self._key_rows = {int(blocks.rubrique_keys[i - 1]): (int(ends[i] - counts[i]), int(ends[i]))
                          for i in np.flatnonzero(counts[1:]) + 1}

    def rubrique_rows(self, key: int) -> np.ndarray:
        """Rows (file order) of the rubrique of key ``block_key * 1000 + number``; empty when absent."""
        span = self._key_rows.get(key)
        return self._rows_sorted[span[0]:span[1]] if span else self._rows_sorted[:0]

    def present_blocks(self) -> list[str]:
        """Codes of the blocks that have at least one instance, in norm order."""
        present = [self.blocks.codes[self.instances.block[g[0]]] for g in self._block_instances if len(g)]
        return sorted(present, key=lambda code: self.blocks.rank[self.blocks.codes.index(code)])

    def instance_ids(self, block: str) -> np.ndarray:
        """Instance ids of ``block``, in file order."""
        index = self.blocks.codes.index(block)
        for group in self._block_instances:
            if len(group) and self.instances.block[group[0]] == index:
                return group
        return np.empty(0, dtype=np.int64)

    def build(self, block: str, typed: bool = True, lines: bool = False) -> pd.DataFrame:
        """The table of ``block``: ids, ancestor ids, lines, then one column per catalog rubrique."""
        frame = self._build_text(block, lines)
        return self.typed(block, frame) if typed else frame

    def typed(self, block: str, text: pd.DataFrame) -> pd.DataFrame:
        """The typed table of ``block`` from its raw-string table (same columns, rubriques typed)."""
        columns = dict(text.items())
        absent_integers = _frozen_missing(len(text))
        for rubrique in self.catalog.rubriques_of(block):
            dtype = pandas_dtype(rubrique.type)
            if isinstance(dtype, pd.StringDtype):
                continue
            values = text[rubrique.code]
            if not values.isna().all():
                array = convert(pa.array(values.array).cast(pa.string()), rubrique.type)
                columns[rubrique.code] = _to_pandas(array, dtype)
            elif isinstance(dtype, pd.Int64Dtype):
                columns[rubrique.code] = pd.arrays.IntegerArray(*absent_integers)
            else:
                columns[rubrique.code] = _to_pandas(pa.nulls(len(values), arrow_type(rubrique.type)), dtype)
        return pd.DataFrame(columns, copy=False)

    def _build_text(self, block: str, lines: bool) -> pd.DataFrame:
        ids = self.instance_ids(block)
        inst = self.instances
        columns: dict[str, object] = {"id": ids.astype(np.int32), "parent_id": inst.parent[ids].astype(np.int32)}
        level = ids
        for ancestor in self.catalog.ancestors(block) if block in self.catalog.blocks else []:
            level = np.where(level >= 0, inst.parent[np.maximum(level, 0)], -1)
            columns[f"{table_name(ancestor)}_id"] = level.astype(np.int32)
        columns["line"] = inst.first_line[ids].astype(np.int32)
        columns["line_end"] = inst.last_line[ids].astype(np.int32)
        local_count = len(ids)
        absent_text = pa.chunked_array([pa.nulls(local_count, pa.large_string())])
        absent_lines = _frozen_missing(local_count, np.int32)
        all_present = np.zeros(local_count, dtype=bool)
        all_present.setflags(write=False)
        for rubrique in self.catalog.rubriques_of(block):
            key = block_key(block) * 1000 + int(rubrique.code[-3:])
            rows = self.rubrique_rows(key)
            if not len(rows):  # absent from the file: columns share one read-only all-missing buffer
                columns[rubrique.code] = pd.arrays.ArrowStringArray(absent_text)
                if lines:
                    columns[f"{rubrique.code}#line"] = pd.arrays.IntegerArray(*absent_lines)
                continue
            if len(rows) == local_count:  # in every instance: the rows are the instances, in order
                columns[rubrique.code] = _to_pandas(self.raw.take(rows), pd.StringDtype())
                if lines:
                    columns[f"{rubrique.code}#line"] = pd.arrays.IntegerArray(self.raw.line[rows], all_present)
                continue
            take = np.full(local_count, -1, dtype=np.int64)
            take[self._local[inst.row_instance[rows]]] = rows
            mask = take < 0
            columns[rubrique.code] = _to_pandas(self.raw.take(np.maximum(take, 0), mask=mask), pd.StringDtype())
            if lines:
                line_values = np.where(mask, 0, self.raw.line[np.maximum(take, 0)]).astype(np.int32)
                columns[f"{rubrique.code}#line"] = pd.arrays.IntegerArray(line_values, mask)
        return pd.DataFrame(columns, copy=False)
