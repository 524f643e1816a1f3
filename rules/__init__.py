"""Validation rules: the official DSN controls with their codes, our DSN- rules, and the FPOC contract rules.

Reads parsed data (``dsn_parser``); knows nothing of storage. Entry point: :func:`validate`.
"""
from .anomaly import Anomaly, AnomalySchema, anomalies_frame
from .context import ValidationOptions
from .engine import ValidationReport, validate
from .registry import REGISTRY, Finding, Rule, rule

__all__ = ["REGISTRY", "Anomaly", "AnomalySchema", "Finding", "Rule", "ValidationOptions", "ValidationReport",
           "anomalies_frame", "rule", "validate"]
