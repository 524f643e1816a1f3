"""A clean generated file has no blocking anomaly and no engine error; the public samples raise no engine error."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from dsn_parser import read_dsn
from dsn_parser.generator.envelope import lot
from dsn_parser.generator.generated import generate_company
from dsn_parser.writer import write_records
from rules import ValidationOptions, validate
from rules.engine import ENGINE_ERROR
from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[2]
SAMPLES, SHARED_SAMPLES = ROOT / "data" / "samples", SHARED / "samples"
PUBLIC = ("Fibre44__poc-analyse__1672392228367_demo.dsn", "Jikenlabs__open-neodes__sample_dsn_P25V01.dsn",
          "InseeFr__ARC__siera_ano.xml")


def _main(seed: int):
    return generate_company(seed, employees=12, months=3, start_month=date(2025, 1, 1), norm="P25V01")


def _cases():
    """(name, builder of records) of every kind of clean file the generator makes."""
    cases = []
    for seed in (7, 2025):
        for rank in range(3):
            cases.append((f"seed{seed}-month{rank}", lambda s=seed, r=rank: _main(s).series()[r]))
        cases += [(f"seed{seed}-annule-remplace", lambda s=seed: _main(s).monthly(date(2025, 3, 1), "03")),
                  (f"seed{seed}-arret", lambda s=seed: _main(s).arret_signalement()),
                  (f"seed{seed}-reprise", lambda s=seed: _main(s).reprise_signalement()),
                  (f"seed{seed}-fctu", lambda s=seed: _main(s).fctu_signalement()),
                  (f"seed{seed}-lot", lambda s=seed: lot([_main(s).monthly(date(2025, 3, 1)),
                                                           _main(s).fctu_signalement()], "500123", date(2025, 4, 6)))]
    cases += [("P26V01", lambda: generate_company(2026, 10, 1, date(2026, 1, 1), "P26V01").monthly(date(2026, 1, 1))),
              ("P24V01-2etab", lambda: generate_company(2027, 10, 1, date(2024, 6, 1), "P24V01", 2).monthly(
                  date(2024, 6, 1))),
              ("P25V01-2etab", lambda: generate_company(3, 10, 2, date(2025, 1, 1), "P25V01", 2).monthly(
                  date(2025, 2, 1)))]
    return cases


@pytest.mark.parametrize(("name", "build"), _cases(), ids=[name for name, _ in _cases()])
def test_clean_generated_file_has_no_blocking_anomaly(name, build, tmp_path):
    report = validate(read_dsn(write_records(build(), tmp_path / f"{name}.dsn")), ValidationOptions())
    assert report.declarations
    assert [(a.code, a.line, a.message) for a in report.anomalies
            if a.severity == "blocking" or a.code == ENGINE_ERROR] == []


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.dsn")))
def test_committed_samples_have_no_blocking_anomaly(name):
    report = validate(read_dsn(SAMPLES / name), ValidationOptions())
    assert [(a.code, a.line) for a in report.anomalies if a.severity == "blocking" or a.code == ENGINE_ERROR] == []


@pytest.mark.needs_shared("samples")
@pytest.mark.parametrize("name", PUBLIC)
def test_public_samples_raise_no_engine_error(name):
    report = validate(read_dsn(SHARED_SAMPLES / name), ValidationOptions())
    assert report.anomalies and report.complete
    assert [a.message for a in report.anomalies if a.code == ENGINE_ERROR] == []


_CODE = re.compile(r"`((?:S\d\d\.G\d\d\.\d\d\.\d{3}/[A-Z]{3}-\d\d)|(?:CS[LT]\d\d\w*)|(?:DSN-[A-Z]+-\d\d)|(?:CV\d\d))`")


_SEVERITIES = {"bloquante": "blocking", "non bloquante": "warning", "information": "info"}


def _documented_findings(name: str) -> set[tuple[str, str]]:
    """The (code, severity) pairs of the findings table of one public sample in docs/validation.md.

    A row is ``| codes | severity | count | class | evidence |``: one or more codes, then the French severity."""
    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    section = text.split(f"## `{name}`", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|") for line in section.splitlines() if line.startswith("| `")]
    return {(code, _SEVERITIES[row[2].strip()]) for row in rows for code in _CODE.findall(row[1])}


@pytest.mark.needs_shared("samples")
@pytest.mark.parametrize("name", PUBLIC)
def test_every_finding_on_a_public_sample_is_explained_in_the_docs(name):
    report = validate(read_dsn(SHARED_SAMPLES / name), ValidationOptions())
    assert {(a.code, a.severity) for a in report.anomalies} == _documented_findings(name)
