"""Fixtures of the flow tests: an isolated Prefect home, one session-wide test server, generated DSN files.

Prefect reads its settings when imported, so the environment is set here before anything imports it.
"""
from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="dsn-prefect-home-")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW"] = "ignore"
os.environ.pop("PREFECT_API_URL", None)

import pytest  # noqa: E402
from prefect.testing.utilities import prefect_test_harness  # noqa: E402

from dsn_parser.generator.company import make_company  # noqa: E402
from dsn_parser.generator.monthly import monthly_records  # noqa: E402
from dsn_parser.writer import write_records  # noqa: E402

START = date(2025, 1, 1)
MONTHS = 6


@pytest.fixture(scope="session")
def prefect_server():
    """One temporary Prefect API for every end-to-end flow run of the session."""
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def company():
    return make_company(seed=11, employees=3, months=MONTHS, start_month=START)


@pytest.fixture
def write_month(company):
    """``write_month(path, month_index)``: write the clean mensuelle of the company's n-th month to ``path``."""
    def write(path: Path, index: int = 0) -> Path:
        write_records(monthly_records(company, date(START.year, START.month + index, 1)), path)
        return path
    return write


@pytest.fixture
def db_url(tmp_path) -> str:
    """A fresh DuckDB store in the test's folder."""
    return f"duckdb:///{tmp_path / 'store.duckdb'}"


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path, monkeypatch):
    """Run each test from its own folder, so relative defaults (``var/archive``, ``var/reports``) land there."""
    monkeypatch.chdir(tmp_path)
