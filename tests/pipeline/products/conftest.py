"""Product tests build their stores with the validation rules off: the products read the stored blocks, never the
validator's anomalies (the ingest tests run every rule)."""
from __future__ import annotations

import pytest

from tests.pipeline.conftest import validation_rules_off


@pytest.fixture(autouse=True)
def _ingest_without_rules():
    with validation_rules_off():
        yield
