"""Record helpers for the coherence and payment rule tests: the clean baseline and in-order edits of one
block instance (``put`` keeps rubriques ascending so the reader sees the same instance)."""
from __future__ import annotations

from pathlib import Path

from dsn_parser import read_dsn
from dsn_parser.writer import Record, write_records
from rules import REGISTRY, validate
from tests.rules.support import clean_monthly, codes, fix_totals, insert_after, positions

def clean() -> list[Record]:
    """The generated clean mensuelle."""
    return clean_monthly()


def instances(records: list[Record], block: str) -> list[tuple[int, int]]:
    """(first, last + 1) record indexes of each instance of ``block``, in file order."""
    spans, start, previous = [], None, None
    for i, (code, _v) in enumerate(records):
        if code[:10] != block:
            if start is not None:
                spans.append((start, i))
                start = None
            previous = None
            continue
        number = int(code[11:])
        if start is None or (previous is not None and number <= previous):
            if start is not None:
                spans.append((start, i))
            start = i
        previous = number
    if start is not None:
        spans.append((start, len(records)))
    return spans


def put(records: list[Record], code: str, value: str | None, occurrence: int = 0) -> list[Record]:
    """A copy where rubrique ``code`` of the ``occurrence``-th instance of its block is set (inserted in order,
    or replaced), or removed when ``value`` is None."""
    start, end = instances(records, code[:10])[occurrence]
    out = list(records)
    for i in range(start, end):
        if out[i][0] == code:
            if value is None:
                del out[i]
            else:
                out[i] = (code, value)
            return fix_totals(out)
        if out[i][0] > code:
            if value is not None:
                out.insert(i, (code, value))
            return fix_totals(out)
    if value is not None:
        out.insert(end, (code, value))
    return fix_totals(out)


def edits(records: list[Record], *changes: tuple) -> list[Record]:
    """Apply several ``put`` changes ``(code, value[, occurrence])`` in turn."""
    for change in changes:
        records = put(records, *change)
    return records


def add_block(records: list[Record], after: str, block: list[Record], occurrence: int = 0) -> list[Record]:
    """A copy with a whole new block instance inserted after the ``occurrence``-th record ``after``."""
    return fix_totals(insert_after(records, after, block, occurrence))


def codes_tested_by(test: str) -> set[str]:
    """Codes of the registered rules whose ``test`` reference starts with ``test``."""
    return {code for code, r in REGISTRY.items() if r.test and r.test.startswith(test)}


def reported(records: list[Record], tmp_path: Path, rule_codes) -> set[str]:
    """Codes reported when only the rules ``rule_codes`` run on ``records`` (written in ``tmp_path``)."""
    path = write_records(records, tmp_path / "case.dsn")
    return codes(validate(read_dsn(path), rules=[REGISTRY[c] for c in rule_codes]))


__all__ = ["reported", "add_block", "clean", "codes_tested_by", "edits", "instances", "positions", "put"]
