"""Test support for rule tests: a clean generated DSN as records, record mutations, and validation of records.

A rule test takes ``clean_monthly()``, changes one thing with the helpers below, writes it, validates it and
asserts on the codes reported.
"""
from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from dsn_parser import read_dsn
from dsn_parser.generator.company import make_company
from dsn_parser.generator.monthly import monthly_records
from dsn_parser.writer import Record, write_records
from rules import ValidationOptions, validate

MONTH = date(2025, 3, 1)


@cache
def _clean(employees: int, norm: str) -> tuple[Record, ...]:
    company = make_company(seed=7, employees=employees, months=3, start_month=date(2025, 1, 1), norm=norm)
    return tuple(monthly_records(company, MONTH))


def clean_monthly(employees: int = 4, norm: str = "P25V01") -> list[Record]:
    """A clean generated mensuelle (nature 01, type 01) with OC, URSSAF and DGFIP blocks, as records."""
    return list(_clean(employees, norm))


def positions(records: list[Record], code: str) -> list[int]:
    """Indexes of the records of one rubrique code, in file order."""
    return [i for i, (c, _v) in enumerate(records) if c == code]


def value_of(records: list[Record], code: str, occurrence: int = 0) -> str:
    return records[positions(records, code)[occurrence]][1]


def set_value(records: list[Record], code: str, value: str, occurrence: int = 0) -> list[Record]:
    """A copy with the ``occurrence``-th value of ``code`` replaced."""
    out = list(records)
    index = positions(out, code)[occurrence]
    out[index] = (code, value)
    return out


def drop(records: list[Record], code: str, occurrence: int = 0) -> list[Record]:
    """A copy without the ``occurrence``-th record of ``code``."""
    out = list(records)
    del out[positions(out, code)[occurrence]]
    return out


def insert_after(records: list[Record], code: str, new: list[Record], occurrence: int = 0) -> list[Record]:
    """A copy with ``new`` records inserted after the ``occurrence``-th record of ``code``."""
    out = list(records)
    index = positions(out, code)[occurrence] + 1
    out[index:index] = new
    return out


def fix_totals(records: list[Record]) -> list[Record]:
    """Recompute S90.G00.90.001 (line count of the envoi) after records were added or removed."""
    out = list(records)
    first = next(i for i, (c, _v) in enumerate(out) if c.startswith("S10."))
    for i in positions(out, "S90.G00.90.001"):
        out[i] = ("S90.G00.90.001", str(i + 2 - first))
    return out


def validate_records(records: list[Record], tmp_path: Path, name: str = "case.dsn", **options):
    """Write records as a flat file in ``tmp_path`` and validate it."""
    path = write_records(records, tmp_path / name)
    return validate(read_dsn(path), ValidationOptions(**options))


def codes(report, severity: str | None = None) -> set[str]:
    """The anomaly codes of a report (optionally of one severity)."""
    return {a.code for a in report.anomalies if severity is None or a.severity == severity}
