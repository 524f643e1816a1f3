"""What a check sees: the parsed file's tables (typed, with per-rubrique lines), the declaration model of each
déclaration, and how to name a place (block path) and an employee in an anomaly."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import numpy as np
import pandas as pd

from dsn_parser import ParsedFile

from .masking import mask_nir

INDIVIDU, CONTRAT, ETABLISSEMENT, DECLARATION = "S21.G00.30", "S21.G00.40", "S21.G00.11", "S20.G00.05"


@dataclass
class ValidationOptions:
    """Parameters of a validation run."""

    tolerance: Decimal = Decimal("0.01")  # euros, for amount comparisons of our DSN- rules
    max_per_code: int | None = None  # cap of anomalies kept per code (None: all)
    unmask: bool = False  # show personal data (NIR…) in messages and employee keys
    referential: object | None = None  # insurer contract referential (FPOC), when given
    norm: str | None = None  # force a norm version


@dataclass
class Context:
    """One parsed file under validation, with cached views for the checks."""

    parsed: ParsedFile
    options: ValidationOptions = field(default_factory=ValidationOptions)

    def __post_init__(self):
        self._tables: dict[tuple[str, bool], pd.DataFrame] = {}

    @property
    def catalog(self):
        return self.parsed.catalog

    @property
    def norm(self) -> str:
        return self.parsed.norm

    def table(self, block: str, typed: bool = True) -> pd.DataFrame:
        """The block's table with ``<code>#line`` columns; typed (dates, decimals) or as raw strings."""
        key = (block, typed)
        if key not in self._tables:
            self._tables[key] = self.parsed.table(block, typed=typed, lines=True)
        return self._tables[key]

    def text(self, block: str) -> pd.DataFrame:
        """The block's table with raw string values (for format checks and messages)."""
        return self.table(block, typed=False)

    @cached_property
    def declaration_models(self) -> dict[int, str | None]:
        """Declaration instance id → DSN-Val declaration model name (``DSN Mensuelle`` …), None if unknown."""
        decl = self.text(DECLARATION)
        models = self.catalog.usage.get("models", {})
        out = {}
        for _, row in decl.iterrows():
            nature, kind = row.get("S20.G00.05.001"), row.get("S20.G00.05.002")
            out[int(row["id"])] = next((name for name, m in models.items()
                                        if nature in m["natures"] and kind in m["types"]), None)
        return out

    @cached_property
    def _labels(self) -> dict[int, str]:
        """Instance id → the readable label of the places a block path goes through."""
        labels: dict[int, str] = {}
        etab = self.text(ETABLISSEMENT)
        for i, nic in zip(etab["id"], etab.get("S21.G00.11.001", pd.Series(index=etab.index, dtype=object))):
            labels[int(i)] = f"établissement {nic if isinstance(nic, str) else '?'}"
        for i, key in self._employee_keys.items():
            labels[i] = f"individu {key}"
        contrat = self.text(CONTRAT)
        if not contrat.empty:
            rank = contrat.groupby("individu_id").cumcount() + 1
            for i, number, r in zip(contrat["id"], contrat.get("S21.G00.40.009"), rank):
                labels[int(i)] = f"contrat {number if isinstance(number, str) else r}"
        return labels

    @cached_property
    def _employee_keys(self) -> dict[int, str]:
        """Individu instance id → employee key: matricule, else NTT, else the (masked) NIR."""
        ind = self.text(INDIVIDU)
        keys = {}
        for _, row in ind.iterrows():
            matricule, ntt, nir = row.get("S21.G00.30.019"), row.get("S21.G00.30.020"), row.get("S21.G00.30.001")
            if isinstance(matricule, str):
                keys[int(row["id"])] = f"matricule {matricule}"
            elif isinstance(ntt, str):
                keys[int(row["id"])] = f"NTT {ntt if self.options.unmask else mask_nir(ntt)}"
            elif isinstance(nir, str):
                keys[int(row["id"])] = f"NIR {nir if self.options.unmask else mask_nir(nir)}"
            else:
                keys[int(row["id"])] = f"ligne {row['line']}"
        return keys

    def chain(self, instance: int | None) -> list[int]:
        """The instance and its ancestors, root first."""
        out = []
        parent = self.parsed.instances.parent
        while instance is not None and instance >= 0:
            out.append(int(instance))
            instance = int(parent[instance])
        return out[::-1]

    def block_path(self, instance: int | None) -> str | None:
        """``établissement 00017 › individu matricule 0042 › contrat 2 › S21.G00.70`` for an instance."""
        if instance is None or instance < 0:
            return None
        parts = [self._labels[i] for i in self.chain(instance) if i in self._labels]
        block = self.parsed.blocks.codes[self.parsed.instances.block[instance]]
        if instance not in self._labels:
            parts.append(block)
        return " › ".join(parts) if parts else block

    def employee(self, instance: int | None) -> str | None:
        """The employee key of the individu an instance belongs to, if any."""
        if instance is None or instance < 0:
            return None
        for i in self.chain(instance):
            if i in self._employee_keys:
                return self._employee_keys[i]
        return None

    def declaration_of(self, instance: int) -> int | None:
        """The déclaration (S20.G00.05 instance) an instance belongs to."""
        codes, blocks = self.parsed.blocks.codes, self.parsed.instances.block
        for i in self.chain(instance):
            if codes[blocks[i]] == DECLARATION:
                return i
        return None

    def line_of(self, instance: int) -> int:
        return int(self.parsed.instances.first_line[instance])


def present(series: pd.Series) -> np.ndarray:
    """Boolean mask of non-null values of a column (works for every dtype of the tables)."""
    return series.notna().to_numpy(dtype=bool)
