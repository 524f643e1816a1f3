"""pandera schemas of the block tables, generated from the catalog: the contract between the parser and the
rules, the store and the products that consume the tables."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from .catalog import Catalog
from .tables import pandas_dtype, table_name

# The tables later stages consume (issue-level contract); any block has a schema on request.
CONSUMED_BLOCKS = (
    "S21.G00.30", "S21.G00.40", "S21.G00.50", "S21.G00.51", "S21.G00.60", "S21.G00.15", "S21.G00.70",
    "S21.G00.78", "S21.G00.79", "S21.G00.81", "S21.G00.20", "S21.G00.55",
)


def table_schema(block: str, catalog: Catalog) -> pa.DataFrameSchema:
    """The schema of one block's typed table in ``catalog``'s norm version."""
    ids = {"id": pa.Column("int32", pa.Check.ge(0), unique=True),
           "parent_id": pa.Column("int32")}
    for ancestor in catalog.ancestors(block):
        ids[f"{table_name(ancestor)}_id"] = pa.Column("int32")
    ids["line"] = pa.Column("int32", pa.Check.ge(1))
    ids["line_end"] = pa.Column("int32", pa.Check.ge(1))
    rubriques = {r.code: pa.Column(pandas_dtype(r.type), nullable=True) for r in catalog.rubriques_of(block)}
    return pa.DataFrameSchema({**ids, **rubriques}, name=f"{table_name(block)} ({block}, {catalog.version})",
                              strict=True, ordered=True,
                              checks=pa.Check(lambda df: (df["line_end"] >= df["line"]).all(),
                                              error="line_end avant line"))


def validate_tables(tables: dict[str, pd.DataFrame], catalog: Catalog) -> None:
    """Check every given table against its schema (raises pandera.errors.SchemaError on a mismatch)."""
    for block, frame in tables.items():
        table_schema(block, catalog).validate(frame)
