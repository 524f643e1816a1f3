"""Fixtures of the report tests: the store fixtures of tests/pipeline (DuckDB and PostgreSQL), generated files
with known anomalies, and headless Chromium (skipped, with the reason, when it is not installed)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dsn_parser.generator.company import make_company
from dsn_parser.generator.monthly import monthly_records
from dsn_parser.writer import write_records
from tests.pipeline.conftest import archive_root, pg_admin, pg_store, pg_url, store_url  # noqa: F401 (fixtures)

from .browser import Browser, find_chromium

START = date(2025, 1, 1)


@pytest.fixture(scope="session")
def company():
    """A small generated company with three months of history (January to March 2025)."""
    return make_company(seed=21, employees=5, months=3, start_month=START)


def bad_records(company, month: date = START, bad_nirs: int = 2) -> tuple[list, list[str]]:
    """A month's records with the first ``bad_nirs`` NIR made invalid (month 13) and the first contribution
    amount written with a comma: the bad NIRs (unmasked) are returned with the records."""
    records = monthly_records(company, month)
    nirs = [i for i, (code, _) in enumerate(records) if code == "S21.G00.30.001"][:bad_nirs]
    bad = []
    for i in nirs:
        value = records[i][1]
        records[i] = ("S21.G00.30.001", f"{value[:3]}13{value[5:]}")
        bad.append(records[i][1])
    amount = next(i for i, (code, _) in enumerate(records) if code == "S21.G00.81.004")
    records[amount] = ("S21.G00.81.004", records[amount][1].replace(".", ","))
    return records, bad


@pytest.fixture
def bad_file(company, tmp_path) -> tuple[Path, list[str]]:
    """A generated mensuelle with two invalid NIRs (CSL00, blocking) and one amount with a comma."""
    records, bad = bad_records(company)
    return write_records(records, tmp_path / "janvier.dsn"), bad


@pytest.fixture(scope="session")
def browser(tmp_path_factory) -> Browser:
    """Headless Chromium (Debian's ``chromium`` package); the test is skipped when it is not installed."""
    path = find_chromium()
    if path is None:
        pytest.skip("chromium absent (apt-get install -y chromium): browser tests not run")
    return Browser(path, tmp_path_factory.mktemp("chromium-profile"))
