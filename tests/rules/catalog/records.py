"""Record helpers for the catalog, identifier and referential rule tests.

``clean()`` is the generated mensuelle of tests/rules/support.py, as is: the generator follows the DSN-Val
usage, writes valid RIB keys and takes its organism, délégataire and Urssaf codes from the 2021 referentials.
"""
from __future__ import annotations

from pathlib import Path

from dsn_parser import read_dsn
from dsn_parser.writer import write_records
from rules import REGISTRY, validate
from tests.rules.support import clean_monthly

MODULES = {"rules.catalog_checks", "rules.identifiers", "rules.referentials", "rules.syntax"}


def clean(employees: int = 4) -> list[tuple[str, str]]:
    """The generated clean mensuelle (see the module docstring)."""
    return clean_monthly(employees)


def instance_span(records: list[tuple[str, str]], block: str, occurrence: int = 0) -> tuple[int, int]:
    """(first, last + 1) record indexes of the ``occurrence``-th instance of ``block``."""
    starts = []
    for i, (code, _v) in enumerate(records):
        if code.startswith(block + "."):
            previous = records[i - 1][0] if i else ""
            if not previous.startswith(block + ".") or int(previous[-3:]) >= int(code[-3:]):
                starts.append(i)
    first = starts[occurrence]
    last = first + 1
    while last < len(records) and records[last][0].startswith(block + ".") \
            and int(records[last][0][-3:]) > int(records[last - 1][0][-3:]):
        last += 1
    return first, last


def put(records: list[tuple[str, str]], code: str, value: str, occurrence: int = 0) -> list[tuple[str, str]]:
    """A copy with ``code`` set to ``value`` in the ``occurrence``-th instance of its block, in rubrique order."""
    out = list(records)
    first, last = instance_span(out, code[:10], occurrence)
    for i in range(first, last):
        if out[i][0] == code:
            out[i] = (code, value)
            return out
        if out[i][0] > code:
            out.insert(i, (code, value))
            return out
    out.insert(last, (code, value))
    return out


def remove(records: list[tuple[str, str]], code: str, occurrence: int = 0) -> list[tuple[str, str]]:
    """A copy without ``code`` in the ``occurrence``-th instance of its block."""
    first, last = instance_span(records, code[:10], occurrence)
    return [r for i, r in enumerate(records) if not (first <= i < last and r[0] == code)]


def add_block(records: list[tuple[str, str]], after: str, new: list[tuple[str, str]],
              occurrence: int = 0) -> list[tuple[str, str]]:
    """A copy with ``new`` records inserted right after the ``occurrence``-th instance of block ``after``."""
    _first, last = instance_span(records, after, occurrence)
    return records[:last] + new + records[last:]


def before_total(records: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A copy with ``new`` records inserted before the S90 total (S89 blocks of the déclaration)."""
    index = next(i for i, (c, _v) in enumerate(records) if c.startswith("S90."))
    return records[:index] + new + records[index:]


def value(records: list[tuple[str, str]], code: str, occurrence: int = 0) -> str:
    return [v for c, v in records if c == code][occurrence]


def break_key(digits: str) -> str:
    """The same identifier with its last digit changed: a Luhn-type key always fails then."""
    return digits[:-1] + str((int(digits[-1]) + 1) % 10)


def own_rules():
    """The rules of this part (catalog, identifiers, referentials) and the reader's, without the others'."""
    return [r for r in REGISTRY.values() if r.check is not None and r.check.__module__ in MODULES]


def validate_own(records: list[tuple[str, str]], tmp_path: Path, name: str = "case.dsn"):
    """Write records as a flat file and validate it with :func:`own_rules` only."""
    return validate(read_dsn(write_records(records, tmp_path / name)), rules=own_rules())
