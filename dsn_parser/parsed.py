"""A parsed DSN file: its rubrique rows, block instances, syntax issues, and the views built on them."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from .catalog import Catalog
from .hierarchy import BlockIndex, Instances
from .issues import SyntaxIssue
from .raw import RawRubriques, block_key, rubrique_code
from .tables import TableBuilder

VERSION_RUBRIQUE = "S10.G00.00.006"


@dataclass
class ParsedFile:
    """Everything read from one file. Tables and the tree are built on first use."""

    path: Path
    form: str
    encoding: str
    size: int
    declared_norm: str | None
    catalog: Catalog
    raw: RawRubriques
    instances: Instances
    blocks: BlockIndex
    issues: list[SyntaxIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    newline: str = "\n"  # line end of a flat file: "\n" or "\r\n"
    final_newline: bool = True

    @property
    def norm(self) -> str:
        """The catalog version the file was read with."""
        return self.catalog.version

    @property
    def rubrique_count(self) -> int:
        return len(self.raw)

    @cached_property
    def _builder(self) -> TableBuilder:
        return TableBuilder(self.raw, self.instances, self.blocks, self.catalog)

    def table(self, block: str, typed: bool = True, lines: bool = False) -> pd.DataFrame:
        """The table of one block (code such as ``S21.G00.30``); empty with its columns when absent."""
        return self._builder.build(block, typed=typed, lines=lines)

    def rubrique_rows(self, code: str) -> np.ndarray:
        """The rows (file order, hence ascending instance ids) that hold rubrique ``code``."""
        return self._builder.rubrique_rows(block_key(code[:10]) * 1000 + int(code[11:14]))

    def instance_ids(self, block: str) -> np.ndarray:
        """The instance ids of ``block``, in file order (empty when absent or unknown to the catalog)."""
        return self._builder.instance_ids(block) if block in self.blocks.codes else np.empty(0, dtype=np.int64)

    def typed_table(self, block: str, text: pd.DataFrame) -> pd.DataFrame:
        """The typed table of ``block`` from its raw-string table (as returned by ``table(block, typed=False)``)."""
        return self._builder.typed(block, text)

    def tables(self, typed: bool = True) -> dict[str, pd.DataFrame]:
        """Every block that occurs in the file → its table, in norm order."""
        return {block: self.table(block, typed=typed) for block in self._builder.present_blocks()}

    def rubriques(self) -> pd.DataFrame:
        """The long form: one row per rubrique line (line, rubrique code, value, instance id, known)."""
        keys = pd.Series(self.raw.block * 1000 + self.raw.number)
        names = {key: rubrique_code(key // 1000, key % 1000) for key in keys.unique().tolist()}
        codes = keys.map(names)
        return pd.DataFrame({
            "line": self.raw.line,
            "rubrique": codes.astype(pd.StringDtype()),
            "value": self.raw.value.to_pandas(types_mapper={}.get).astype(pd.StringDtype()),
            "instance_id": self.instances.row_instance,
            "known": self.instances.row_known,
        })

    def tree(self):
        """The typed tree view (lot → envoi → déclaration → … ), built on demand."""
        from .tree import build_tree

        return build_tree(self)

    def records(self) -> list[tuple[str, str]]:
        """Every well-formed rubrique line as (code, value), in file order (what the writer writes back)."""
        keys = self.raw.block * 1000 + self.raw.number
        return [(rubrique_code(int(k) // 1000, int(k) % 1000), v) for k, v in zip(keys, self.raw.value.to_pylist())]

    def values_of(self, code: str) -> list[str]:
        """Every value of one rubrique code, in file order."""
        key = block_key(code[:10]) * 1000 + int(code[11:14])
        rows = np.flatnonzero(self.raw.block * 1000 + self.raw.number == key)
        return self.raw.take(rows).to_pylist()

    def declarations(self) -> list[dict]:
        """One summary per déclaration (S20.G00.05): nature, type, SIREN, month, individus, lines."""
        decl = self.table("S20.G00.05", typed=False)
        if decl.empty:
            return []
        companies = self.table("S21.G00.06", typed=False).set_index("declaration_id")
        individus = self.table("S21.G00.30", typed=False)
        counts = individus.groupby("declaration_id").size() if not individus.empty else pd.Series(dtype=int)
        result = []
        for _, row in decl.iterrows():
            siren = companies["S21.G00.06.001"].get(row["id"]) if row["id"] in companies.index else None
            raw_month = row.get("S20.G00.05.005")
            result.append({
                "nature": _text(row.get("S20.G00.05.001")),
                "type": _text(row.get("S20.G00.05.002")),
                "siren": _text(siren),
                "month": f"{raw_month[4:8]}-{raw_month[2:4]}" if isinstance(raw_month, str) and len(raw_month) == 8
                else None,
                "individus": int(counts.get(row["id"], 0)),
                "line": int(row["line"]),
                "line_end": int(self.instances.last_line[self._subtree_end(int(row["id"]))]),
            })
        return result

    def _subtree_end(self, instance: int) -> int:
        """The last instance inside the subtree that starts at ``instance``."""
        depth = self.blocks.is_ancestor.sum(axis=1)
        mine = depth[self.instances.block[instance]]
        later = np.flatnonzero(depth[self.instances.block[instance + 1:]] <= mine)
        return instance + int(later[0]) if len(later) else len(self.instances) - 1

    def summary(self) -> dict:
        """The per-file summary printed by ``dsn parse``."""
        return {
            "path": str(self.path),
            "form": self.form,
            "encoding": self.encoding,
            "declared_norm": self.declared_norm,
            "norm": self.norm,
            "rubriques": self.rubrique_count,
            "syntax_anomalies": len(self.issues),
            "warnings": list(self.warnings),
            "declarations": [{k: d[k] for k in ("nature", "type", "siren", "month", "individus")}
                             for d in self.declarations()],
        }



def _text(value) -> str | None:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA else str(value)
