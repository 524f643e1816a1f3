"""Checks generated from the catalog (data types, usage, cardinality, totals): filled by the validation work."""
