"""Record helpers for the coherence and payment rule tests: the clean baseline and in-order edits of one
block instance (``put`` keeps rubriques ascending so the reader sees the same instance)."""
from __future__ import annotations

from pathlib import Path

import pytest

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


def control_case_tests(module: str, cases: list, passing: list) -> tuple:
    """The tests every control-table module runs, built once here: each case makes its control fire (and the
    clean file does not), each passing edit leaves it silent, and every control the module's rules register
    has a case. A module binds them with
    ``clean_codes, test_control, test_control_passes, test_every_control_has_a_case = control_case_tests(…)``."""

    @pytest.fixture(scope="module")
    def clean_codes(tmp_path_factory):
        return reported(clean(), tmp_path_factory.mktemp("clean"), codes_tested_by(module))

    @pytest.mark.parametrize(("code", "mutate"), cases, ids=[c for c, _m in cases])
    def test_control(code, mutate, clean_codes, tmp_path):
        assert code not in clean_codes
        assert code in reported(mutate(clean()), tmp_path, [code])

    @pytest.mark.parametrize(("code", "mutate"), passing, ids=[f"{c}-{i}" for i, (c, _m) in enumerate(passing)])
    def test_control_passes(code, mutate, tmp_path):
        assert code not in reported(mutate(clean()), tmp_path, [code])

    def test_every_control_has_a_case():
        assert codes_tested_by(module) == {c for c, _m in cases}

    return clean_codes, test_control, test_control_passes, test_every_control_has_a_case
