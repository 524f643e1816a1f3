"""Value formats of the FPOC: organism codes, dates, rates, amounts, bounds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

CODE_OC = re.compile(r"P[0-9]{4}|A[0-9A-Z]{5}|[0-9]{9}|(?=[0-9A-Z]*[A-Z])[0-9A-Z]{9}")
CODE_DELEG = re.compile(r"[DG][0-9A-Z]{5}")
SIREN = re.compile(r"[0-9]{9}")
NIC = re.compile(r"[0-9]{5}")
GROUP_NUMBER = re.compile(r"[0-9A-Za-z]{1,6}")
_RATE = re.compile(r"[0-9]+(\.[0-9]{1,4})?")
_AMOUNT = re.compile(r"[0-9]+(\.[0-9]{1,2})?")
_BOUND = re.compile(r"[0-9]+(\.[0-9]+)?")
_COMPACT_DATETIME = re.compile(r"[0-9]{14}")
_RATE_MAX = Decimal(100)
_AMOUNT_MAX = Decimal(1_000_000_000)


@dataclass(frozen=True)
class DateFormat:
    """How a date is written in a source format: regexp, strptime pattern, label for messages."""

    pattern: re.Pattern[str]
    strptime: str
    label: str

    def parse(self, text: str) -> date | None:
        """The date, or None when `text` is not a valid date in this format."""
        if not self.pattern.fullmatch(text):
            return None
        try:
            return datetime.strptime(text, self.strptime).date()
        except ValueError:
            return None

    def format(self, value: date) -> str:
        """`value` written in this format."""
        return value.strftime(self.strptime)


#: Dates as written in FPOC XML.
JJMMAAAA = DateFormat(re.compile(r"[0-9]{8}"), "%d%m%Y", "JJMMAAAA")
#: Dates as written in the YAML form.
ISO_DATE = DateFormat(re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"), "%Y-%m-%d", "AAAA-MM-JJ")


def parse_rate(text: str) -> Decimal | None:
    """A rate in percent, 0 < rate < 100, decimal point, at most 4 decimals; else None."""
    if not _RATE.fullmatch(text):
        return None
    value = Decimal(text)
    return value if 0 < value < _RATE_MAX else None


def parse_amount(text: str) -> Decimal | None:
    """An amount in euros, 0 < amount < 10^9, decimal point, at most 2 decimals; else None."""
    if not _AMOUNT.fullmatch(text):
        return None
    value = Decimal(text)
    return value if 0 < value < _AMOUNT_MAX else None


def parse_bound(text: str) -> Decimal | None:
    """A non-negative decimal bound of a numeric criterion; else None."""
    return Decimal(text) if _BOUND.fullmatch(text) else None


def parse_datetime(text: str) -> datetime | None:
    """A date-time as JJMMAAAAHHMMSS or ISO 8601 (2025-01-02T10:15:00); else None.

    The FPOC schema's format is not known: both spellings seen in generators are accepted.
    """
    try:
        if _COMPACT_DATETIME.fullmatch(text):
            return datetime.strptime(text, "%d%m%Y%H%M%S")
        return datetime.fromisoformat(text)
    except ValueError:
        return None
