"""Product records: their JSON (amounts, dates, months, nesting) and personal fields masked by kind."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pipeline.products.records import Month, Record, money, personal


@dataclass(frozen=True)
class Person(Record):
    matricule: str
    nir: str | None = personal("nir")
    nom: str | None = personal("name")
    birth: date | None = personal("birth_date")


@dataclass(frozen=True)
class Line(Record):
    month: Month
    amount: Decimal
    people: tuple[Person, ...]
    by_type: dict


def test_json_writes_amounts_dates_and_months_and_masks_by_kind():
    line = Line(Month(2025, 3, 1), Decimal("1234.5"), (Person("M1", "1850375123456", "Durand", date(1985, 3, 12)),),
                {"001": Decimal("10")})
    assert line.as_dict() == {"month": "2025-03", "amount": "1234.50", "by_type": {"001": "10.00"},
                              "people": [{"matricule": "M1", "nir": "185**********", "nom": "D*****",
                                          "birth": "1985-**-**"}]}
    assert line.as_dict(unmask=True)["people"][0] == {"matricule": "M1", "nir": "1850375123456", "nom": "Durand",
                                                      "birth": "1985-03-12"}


def test_missing_values_stay_null_and_money_rounds_half_up():
    assert Person("M2").as_dict() == {"matricule": "M2", "nir": None, "nom": None, "birth": None}
    assert (money(Decimal("0.005")), money(Decimal("-2.675")), money(None)) == ("0.01", "-2.68", None)
    assert str(Month.of(date(2025, 12, 31))) == "2025-12" and Month.of(None) is None
