"""Time as the store keeps it (naive UTC), replaceable in tests that travel in time."""
from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
