"""French labels of the reports: severities, families, verdicts, and rubrique and block names from the norm
catalog (``S21.G00.81.004`` → « Montant de cotisation »)."""
from __future__ import annotations

from functools import cache

from dsn_parser import available_versions, load_catalog

SEVERITY_LABELS = {"blocking": "bloquante", "warning": "non bloquante", "info": "information"}
SEVERITY_ORDER = ("blocking", "warning", "info")
FAMILY_LABELS = {
    "CSL": "syntaxe et format", "CST": "structure", "CCH": "cohérence", "SIG": "signalements",
    "CRE": "référentiels", "CME": "métier", "CID": "identification", "DSN": "règles du projet",
    "FPOC": "contrats de l'organisme (FPOC)",
}
REJECTED, WARNED, ACCEPTED, INCOMPLETE = "rejetée", "acceptée avec avertissements", "acceptée", "contrôle incomplet"


@cache
def _catalog(norm: str | None):
    versions = available_versions()
    return load_catalog(norm if norm in versions else versions[-1])


def rubrique_label(code: str | None, norm: str | None = None) -> str | None:
    """The catalog name of a rubrique (``S21.G00.81.004``) or of a block (``S21.G00.81``); None if unknown."""
    if not code:
        return None
    catalog = _catalog(norm)
    if code in catalog.rubriques:
        return catalog.rubriques[code].name
    block = catalog.blocks.get(code)
    return block.name if block else None


def block_label(code: str | None, norm: str | None = None) -> str | None:
    """The catalog name of the block of a rubrique or block code (``S21.G00.81.004`` → « Cotisation individuelle »)."""
    if not code:
        return None
    block = _catalog(norm).blocks.get(code[:10])
    return block.name if block else None


def value_label(rubrique: str, value: str | None, norm: str | None = None) -> str | None:
    """The catalog label of an enumerated value (``S21.G00.60.001`` ``01`` → « maladie »); None if unknown."""
    found = _catalog(norm).rubriques.get(rubrique)
    values = found.type.values if found else None
    return (values or {}).get(value) if value is not None else None
