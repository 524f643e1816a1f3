"""Shared generated data (built once per session: the generator is deterministic)."""
from __future__ import annotations

from datetime import date

import pytest

from dsn_parser.generator import generate_company


@pytest.fixture(scope="session")
def company():
    """12 employees over a full quarter (January-March 2025), one establishment."""
    return generate_company(11, employees=12, months=3, start_month=date(2025, 1, 1))


@pytest.fixture(scope="session")
def series(company):
    """The three mensuelles of ``company``."""
    return company.series()


@pytest.fixture(scope="session")
def two_sites():
    """30 employees, two establishments, two months across a quarter end, norm P24V01."""
    return generate_company(5, employees=30, months=2, start_month=date(2024, 5, 1), norm="P24V01", establishments=2)
