"""Validation rules: the official DSN controls with their codes, our DSN- rules, and the FPOC contract rules.

Reads parsed data (``dsn_parser``); knows nothing of storage. Entry point: :func:`validate`.

The names below are loaded on first use (PEP 562): importing a light submodule (``rules.fpoc.model``) does not
load the engine, the rule modules and pandera; the first of these names loads the engine, hence registers every
rule module, as the eager import did.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .anomaly import Anomaly, AnomalySchema, anomalies_frame
    from .context import ValidationOptions
    from .engine import ValidationReport, validate
    from .registry import REGISTRY, Finding, Rule, rule

_SOURCES = {"Anomaly": ".anomaly", "AnomalySchema": ".anomaly", "anomalies_frame": ".anomaly",
            "ValidationOptions": ".context", "ValidationReport": ".engine", "validate": ".engine",
            "REGISTRY": ".registry", "Finding": ".registry", "Rule": ".registry", "rule": ".registry"}

__all__ = ["REGISTRY", "Anomaly", "AnomalySchema", "Finding", "Rule", "ValidationOptions", "ValidationReport",
           "anomalies_frame", "rule", "validate"]


def __getattr__(name: str):
    if name not in _SOURCES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import_module(".engine", __name__)  # as before: any of these names comes with every rule module registered
    value = getattr(import_module(_SOURCES[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
