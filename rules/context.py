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
    norm: str | None = None  # the norm version the file was read with (--norm): its texts judge the file,
    # not those of the version the file declares (rules.engine.validate)
    # severity of the controls read against the shipped 2021 referentials (rules.referentials.REFERENTIAL_CONTROLS):
    # None keeps their stated default (warning); "blocking" restores the norm's severity when the tables are fresh
    referential_severity: str | None = None
    severity_overrides: dict[str, str] = field(default_factory=dict)  # rule code → severity, for this run


@dataclass
class Context:
    """One parsed file under validation, with cached views for the checks."""

    parsed: ParsedFile
    options: ValidationOptions = field(default_factory=ValidationOptions)

    def __post_init__(self):
        self._tables: dict[tuple[str, bool], pd.DataFrame] = {}
        self.parameters: dict = {}  # the running rule's parameters from a relax override (rules.versions)

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
            text = self._tables.get((block, False))
            if text is None:
                text = self._tables[(block, False)] = self.parsed.table(block, typed=False, lines=True)
            if typed:
                self._tables[key] = self.parsed.typed_table(block, text)
        return self._tables[key]

    def text(self, block: str) -> pd.DataFrame:
        """The block's table with raw string values (for format checks and messages)."""
        return self.table(block, typed=False)

    @cached_property
    def declaration_models(self) -> dict[int, str | None]:
        """Declaration instance id → DSN-Val declaration model name (``DSN Mensuelle`` …), None if unknown."""
        decl = self.text(DECLARATION)
        models = self.catalog.usage.get("models", {})
        absent = pd.Series(None, index=decl.index, dtype=object)
        # a missing nature or type (NA) is None: it is in no model's list (``NA in list`` would raise)
        natures, kinds = ([v if isinstance(v, str) else None for v in decl.get(code, absent).astype(object).tolist()]
                          for code in ("S20.G00.05.001", "S20.G00.05.002"))
        return {int(i): next((name for name, m in models.items() if nature in m["natures"] and kind in m["types"]),
                             None)
                for i, nature, kind in zip(decl["id"].tolist(), natures, kinds)}

    @cached_property
    def _employee_keys(self) -> dict[int, str]:
        """Individu instance id → employee key: matricule, else NTT, else the (masked) NIR."""
        ind = self.text(INDIVIDU)
        if ind.empty:
            return {}
        missing = pd.Series(pd.NA, index=ind.index, dtype=pd.StringDtype())
        matricule = ind.get("S21.G00.30.019", missing)
        keys = dict(zip(ind["id"][matricule.notna()].tolist(), ("matricule " + matricule.dropna()).tolist()))
        others = ind[matricule.isna().to_numpy(dtype=bool)]  # usually none: the key is then built row by row
        shown = (lambda value: value) if self.options.unmask else mask_nir
        for i, ntt, nir, line in zip(others["id"].tolist(), others.get("S21.G00.30.020", missing).tolist(),
                                     others.get("S21.G00.30.001", missing).tolist(), others["line"].tolist()):
            if isinstance(ntt, str):
                keys[i] = f"NTT {shown(ntt)}"
            elif isinstance(nir, str):
                keys[i] = f"NIR {shown(nir)}"
            else:
                keys[i] = f"ligne {line}"
        return keys

    @cached_property
    def _labels(self) -> dict[int, str]:
        """Instance id → the readable label of the places a block path goes through."""
        labels: dict[int, str] = {}
        etab = self.text(ETABLISSEMENT)
        if not etab.empty:
            nic = etab.get("S21.G00.11.001", pd.Series(pd.NA, index=etab.index, dtype=pd.StringDtype()))
            labels.update(zip(etab["id"].tolist(), ("établissement " + nic.fillna("?")).tolist()))
        labels.update((i, f"individu {key}") for i, key in self._employee_keys.items())
        contrat = self.text(CONTRAT)
        if not contrat.empty:
            rank = (contrat.groupby("individu_id").cumcount() + 1).astype(str).astype(pd.StringDtype())
            number = contrat.get("S21.G00.40.009", pd.Series(pd.NA, index=contrat.index, dtype=pd.StringDtype()))
            labels.update(zip(contrat["id"].tolist(), ("contrat " + number.fillna(rank)).tolist()))
        return labels

    def _ancestry(self, instances: np.ndarray) -> np.ndarray:
        """[instance, depth] matrix of each instance and its ancestors, root first, padded with -1 on the left."""
        parent = self.parsed.instances.parent
        levels = [np.asarray(instances, dtype=np.int64)]
        while (levels[-1] >= 0).any():
            current = levels[-1]
            levels.append(np.where(current >= 0, parent[np.maximum(current, 0)], -1))
        return np.stack(levels[::-1][1:], axis=1) if len(levels) > 1 else np.full((len(instances), 0), -1)

    def places(self, instances) -> tuple[list[str | None], list[str | None]]:
        """Block path and employee key of many instances at once (None for instances < 0 or None)."""
        ids = np.array([-1 if i is None else int(i) for i in instances], dtype=np.int64)
        paths: list[str | None] = [None] * len(ids)
        employees: list[str | None] = [None] * len(ids)
        unique, inverse = np.unique(ids, return_inverse=True)
        valid = unique >= 0
        if not valid.any():
            return paths, employees
        targets = unique[valid]
        matrix = self._ancestry(targets).tolist()
        labels, keys = self._labels, self._employee_keys
        codes, blocks = self.parsed.blocks.codes, self.parsed.instances.block
        found_paths, found_employees = [], []
        for instance, chain in zip(targets.tolist(), matrix):
            parts = [labels[i] for i in chain if i in labels]
            if instance not in labels:
                parts.append(codes[blocks[instance]])
            found_paths.append(" › ".join(parts))
            found_employees.append(next((keys[i] for i in chain if i in keys), None))
        per_unique_path = np.full(len(unique), None, dtype=object)
        per_unique_employee = np.full(len(unique), None, dtype=object)
        per_unique_path[valid] = found_paths
        per_unique_employee[valid] = found_employees
        return per_unique_path[inverse].tolist(), per_unique_employee[inverse].tolist()
