"""Hostile input never silences a check. First the crash classes the fault corpus found, each on its smallest
case (the rule used to raise, so the file was judged without it); then the seeded corpus of
tests/rules/fault_corpus.py: every file is unreadable with a one-line French reason, or validated by every rule
with a valid JSON report. The full run (10,000 files, hours) runs only when ``DSN_FULL_CORPUS=1`` is set."""
from __future__ import annotations

import json
import os
from datetime import date

import pytest

from dsn_parser.generator.company import make_company
from dsn_parser.generator.fpoc_xml import fpoc_xml
from rules.engine import ENGINE_ERROR
from tests.rules.coherence.records import instances, put
from tests.rules.fault_corpus import FLAT_KINDS, XML_KINDS, corpus, probe, referential, run
from tests.rules.support import clean_monthly, fix_totals, validate_records

FAST_FILES = 300
FAST_CHUNKS = 10  # the fast subset in chunks: parallel runs (pytest -n) share it out
FULL_CORPUS = "DSN_FULL_CORPUS"


def complete(records, tmp_path):
    """The report of ``records``, asserting that every rule ran."""
    report = validate_records(records, tmp_path)
    assert report.complete, [a.message for a in report.anomalies if a.code == ENGINE_ERROR]
    return report


def found(report, code: str) -> list[tuple[str | None, int | None]]:
    return [(a.rubrique, a.line) for a in report.anomalies if a.code == code]


def test_bad_value_in_a_rubrique_some_instances_lack(tmp_path):
    """The format checks map failing values back to their lines; the rows without the rubrique have none."""
    records = put(clean_monthly(), "S21.G00.30.004", None, occurrence=1)
    records = put(records, "S21.G00.30.004", "Jean#")
    line = records.index(("S21.G00.30.004", "Jean#")) + 1
    assert ("S21.G00.30.004", line) in found(complete(records, tmp_path), "DSN-CHAR-01")


@pytest.mark.parametrize("occurrence", [0, 1], ids=["only", "one-of-two"])
def test_declaration_without_nature(tmp_path, occurrence):
    """A déclaration without S20.G00.05.001 has no model (the usage checks apply the base usage)."""
    records = clean_monthly()
    if occurrence:  # a second déclaration keeps its nature: the column holds a value and a missing one
        first, _last = instances(records, "S20.G00.05")[0]
        end = next(i for i, (code, _v) in enumerate(records) if code.startswith("S90"))
        records = fix_totals(records[:end] + records[first:end] + records[end:])
    records = put(records, "S20.G00.05.001", None, occurrence=occurrence)
    report = complete(records, tmp_path)
    assert "S20.G00.05.001" in [rubrique for rubrique, _line in found(report, "CST03")]


def test_contracts_without_number_and_no_pay(tmp_path):
    """No S21.G00.40.009, no rémunération (51) nor activité (53), as in a signalement whose contract number is
    lost: the look-up of an activité's contract joins string keys on both sides, even empty."""
    records = [(code, value) for code, value in clean_monthly()
               if code != "S21.G00.40.009" and not code.startswith(("S21.G00.51.", "S21.G00.53."))]
    complete(fix_totals(records), tmp_path)


def test_entreprise_block_repeated(tmp_path):
    """Two S21.G00.06 in one déclaration: the per-déclaration look-ups take the first, none raises."""
    records = clean_monthly()
    first, last = instances(records, "S21.G00.06")[0]
    complete(fix_totals(records[:last] + records[first:last] + records[last:]), tmp_path)


def test_count_with_a_non_ascii_digit(tmp_path):
    """``'²'.isdigit()`` is true but ``int('²')`` raises: the S90 count is read as ASCII digits only."""
    records = clean_monthly()
    records[-2] = ("S90.G00.90.001", "²")
    assert ("S90.G00.90.001", len(records) - 1) in found(complete(records, tmp_path), "DSN-TOT-01")


def test_base_without_its_code_under_a_contract_referential(tmp_path):
    """An S21.G00.78 without S21.G00.78.001: the FPOC base controls skip it (``NA in (…)`` used to raise)."""
    company = make_company(seed=7, employees=4, months=3, start_month=date(2025, 1, 1), norm="P25V01")
    records = put(clean_monthly(), "S21.G00.78.001", None)
    report = validate_records(records, tmp_path, referential=referential(fpoc_xml(company)))
    assert report.complete, report.failed


# --------------------------------------------------------------------------------------- the corpus

@pytest.fixture(scope="module")
def fast_cases():
    return list(corpus(FAST_FILES))


def test_the_fast_subset_covers_every_fault_kind(fast_cases):
    assert len(fast_cases) >= 300
    assert {case.kind for case in fast_cases} == set(FLAT_KINDS) | set(XML_KINDS)
    assert len({case.data for case in fast_cases}) > 0.9 * len(fast_cases)  # seeded, yet varied
    assert [c.data for c in corpus(20)] == [c.data for c in fast_cases[:20]]  # deterministic
    assert [c.name for c in corpus(20, start=15)] == [c.name for c in fast_cases[15:20]]  # a run can be resumed


@pytest.mark.parametrize("chunk", range(FAST_CHUNKS))
def test_fast_subset_is_unreadable_or_complete(fast_cases, tmp_path, chunk):
    failures = []
    for case in fast_cases[chunk::FAST_CHUNKS]:
        path = tmp_path / "case.dsn"
        path.write_bytes(case.data)
        outcome = probe(path, case.name, case.sheet)
        if outcome.status not in ("complete", "unreadable"):
            failures.append(f"{outcome.name}: {outcome.status}: {outcome.detail[:300]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("kind", ["xml_bad_prefix", "truncate", "nul_bytes", "mixed_line_ends", "odd_value",
                                  "remove_key_rubrique"])
def test_command_line_exits_0_1_or_2_with_json(fast_cases, tmp_path, capsys, kind):
    """Through ``dsn validate --format json``: a status of 0, 1 or 2, a JSON report, no traceback."""
    from pipeline.cli import main

    for case in [c for c in fast_cases if c.kind == kind][:2]:
        path = tmp_path / "case.dsn"
        path.write_bytes(case.data)
        status = main(["validate", str(path), "--format", "json"])
        out, err = capsys.readouterr()
        assert status in (0, 1, 2), (case.name, status, err)
        assert "Traceback" not in err and "Traceback" not in out
        [report] = json.loads(out)
        if status == 2:
            assert report["error"] and "\n" not in report["error"], case.name
        else:
            assert report["complete"] and not report["failed_rules"], case.name


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get(FULL_CORPUS), reason=f"the full corpus takes hours: {FULL_CORPUS}=1 runs it")
def test_full_corpus_is_unreadable_or_complete():
    """10,000 files drawn from every base, with the 50 MB line and the 100,000 repetitions (hours)."""
    outcomes = run(10_000, seed=2017, slow=True, small=False, out=lambda _line: None)
    bad = [o for o in outcomes if o.status not in ("complete", "unreadable")]
    assert not bad, "\n".join(f"{o.name}: {o.status}: {o.detail[:300]}" for o in bad[:20])
