"""Formatting of DSN values (dates, amounts, rates) and calendar-month helpers."""
from __future__ import annotations

import calendar
from functools import lru_cache
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MILLI = Decimal("0.001")


def d8(day: date) -> str:
    """A date as ``JJMMAAAA``."""
    return f"{day.day:02d}{day.month:02d}{day.year:04d}"


def main_month(month: date) -> str:
    """The main declared month as ``01MMAAAA`` (S20.G00.05.005, S21.G00.62.020)."""
    return f"01{month.month:02d}{month.year:04d}"


def cents(value: Decimal) -> Decimal:
    """``value`` rounded half-up to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def amount(value: Decimal) -> str:
    """An amount with exactly 2 decimals, e.g. ``1234.50`` or ``-3.10``."""
    return f"{cents(value):.2f}"


def rate3(value: Decimal) -> str:
    """A contribution rate with 3 decimals (S21.G00.81.007), e.g. ``1.500``."""
    return f"{value.quantize(MILLI, rounding=ROUND_HALF_UP):.3f}"


def month_start(day: date) -> date:
    """First day of ``day``'s month."""
    return day.replace(day=1)


@lru_cache(maxsize=8192)
def month_end(day: date) -> date:
    """Last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(month: date, count: int) -> date:
    """First day of the month ``count`` months after ``month`` (negative goes back)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    """Number of whole months from ``first``'s month to ``last``'s month."""
    return (last.year - first.year) * 12 + last.month - first.month


def quarter_months(month: date) -> list[date]:
    """The three first-of-month dates of ``month``'s calendar quarter."""
    first = date(month.year, (month.month - 1) // 3 * 3 + 1, 1)
    return [add_months(first, i) for i in range(3)]


def days(start: date, end: date) -> int:
    """Number of days from ``start`` to ``end`` inclusive."""
    return (end - start).days + 1


def shift(day: date, count: int) -> date:
    """``day`` plus ``count`` days."""
    return day + timedelta(days=count)
