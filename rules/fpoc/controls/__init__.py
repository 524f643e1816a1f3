"""FPOC- controls: a DSN's OC blocks (adhésions, affiliations, bases 31, cotisations 059, payments) checked
against the insurer contract referential given in ``ValidationOptions.referential``.

Importing this package registers the rules; they return nothing when no referential (or an empty one) is given.
"""
from . import adhesions, affiliations, bases, cotisations, oc_payments, population  # noqa: F401  (registration)
from .validation import load_for_validation, referential_problems_as_anomalies

__all__ = ["load_for_validation", "referential_problems_as_anomalies"]
