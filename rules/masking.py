"""Masking of personal data (NIR, names, birth dates, addresses, IBAN) in messages, logs and reports."""
from __future__ import annotations

# Rubriques whose values are personal data: shown masked unless the caller asks for them.
PERSONAL_RUBRIQUES = frozenset({
    "S21.G00.30.001", "S21.G00.30.002", "S21.G00.30.003", "S21.G00.30.004", "S21.G00.30.006",
    "S21.G00.30.007", "S21.G00.30.008", "S21.G00.30.009", "S21.G00.30.010", "S21.G00.30.016",
    "S21.G00.30.017", "S21.G00.30.018", "S21.G00.30.020", "S21.G00.31.008", "S21.G00.31.009",
    "S21.G00.31.010", "S21.G00.31.011", "S21.G00.60.007", "S21.G00.60.008", "S21.G00.20.003",
    "S21.G00.20.004", "S21.G00.12.002", "S21.G00.12.003", "S21.G00.73.003", "S21.G00.73.004",
    "S21.G00.73.005", "S21.G00.73.006", "S21.G00.73.007", "S21.G00.73.008",
    "S10.G00.02.002", "S10.G00.02.004", "S10.G00.02.005", "S20.G00.07.001", "S20.G00.07.002",
    "S20.G00.07.003", "S10.G00.95.001", "S10.G00.95.002", "S10.G00.95.901",
})


def mask_nir(value: str) -> str:
    """Keep sex and birth year (3 characters), hide the rest: ``185**********``."""
    return value[:3] + "*" * max(len(value) - 3, 0) if value else value


def mask_value(rubrique: str | None, value: str | None, unmask: bool = False) -> str | None:
    """The value as it may be shown: masked when the rubrique holds personal data, unless ``unmask``."""
    if value is None or unmask or rubrique not in PERSONAL_RUBRIQUES:
        return value
    if rubrique in ("S21.G00.30.001", "S21.G00.30.020", "S21.G00.73.006", "S21.G00.73.007"):
        return mask_nir(value)
    return value[:1] + "*" * (len(value) - 1)
