"""What every product record has in common: how values are written in its JSON, and personal data masked.

A record is a frozen dataclass; :func:`as_json` turns its fields into the JSON the CLI prints and the API
serves: amounts (``Decimal``) as strings with two decimals, dates ``YYYY-MM-DD``, months ``YYYY-MM`` (fields
typed :class:`Month`), nested records and lists recursively. A field declared with ``personal(kind)`` holds
personal data of that kind (``nir``, ``name``, ``birth_date``, ``iban``, ``bic``, ``address``…) and is masked
by :func:`rules.masking.mask_personal` unless the caller unmasks; a NIR or IBAN sealed in the store is revealed
first (:func:`pipeline.sealing.reveal`).
"""
from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from rules.masking import mask_personal

from ..sealing import reveal

CENT = Decimal("0.01")
PERSONAL = "personal"


def personal(kind: str, default=None):
    """A dataclass field holding personal data of ``kind``, masked in :func:`as_json` unless unmasked."""
    return dataclasses.field(default=default, metadata={PERSONAL: kind})


class Month(date):
    """A month (its first day), written ``YYYY-MM``."""

    @classmethod
    def of(cls, day: date | None) -> Month | None:
        return None if day is None else cls(day.year, day.month, 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def money(amount: Decimal | int | str | None) -> str | None:
    """An amount as a string with two decimals (half up), None kept."""
    if amount is None:
        return None
    return str(Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP))


def json_value(value, unmask: bool = False):
    """A Python value as product JSON (see the module docstring)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return as_json(value, unmask)
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, Month):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_value(v, unmask) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v, unmask) for v in value]
    return value


def as_json(record, unmask: bool = False) -> dict:
    """The JSON object of a record dataclass, personal fields masked unless ``unmask``."""
    out = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        kind = f.metadata.get(PERSONAL)
        if kind is not None:
            value = reveal(value)
            if not unmask:
                value = mask_personal(kind, json_value(value, True))
        out[f.name] = json_value(value, unmask)
    return out


class Record:
    """Mixin of product records: ``as_dict(unmask=False)`` is the record's JSON."""

    def as_dict(self, unmask: bool = False) -> dict:
        return as_json(self, unmask)
