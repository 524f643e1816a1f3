"""Support of the contribution-account tests (no test here): the account expected from the generator's inputs of
the history (not from the code under test), and the ingest of that history into a store."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from tests.pipeline.products import history_cotisations as H
from dsn_parser.generator.payroll import pay_month
from pipeline.ingest import ingest_path, store_engine
from pipeline.referentials import store_referential

CENT = Decimal("0.01")
AFTER_ALL = date(2026, 4, 30)  # after every month of the history, its payments and its dunning steps


@pytest.fixture(scope="module")
def history():
    """The scripted contribution history (imported by the test modules that use it)."""
    return H.cotisations_history()


@pytest.fixture
def only_this_product(monkeypatch):
    """The ingest recomputes only this product (the others are tested on their own); a module makes it autouse
    by ``pytestmark = pytest.mark.usefixtures("only_this_product")``."""
    monkeypatch.setattr("pipeline.products.available_products", lambda: ["cotisations"])


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ingest_history(history: H.CotisationsHistory, url: str, folder: Path, shuffle_seed: int | None = None) -> None:
    """Store the referential, then ingest every file with its reception time (in a shuffled order when asked)."""
    written = history.write(folder / "files")
    with store_engine(url).begin() as conn:
        store_referential(conn, folder / "files" / "referentiel.yaml")
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(written)
    for path, received in written:
        result = ingest_path(path, url, archive_root=folder / "archive", received_at=received)
        assert result.status == "loaded", (path.name, result)


def quarter(month: date) -> str:
    return f"{month.year}T{(month.month - 1) // 3 + 1:02d}"


def period_of(contract, month: date) -> str:
    return f"{month.year}M{month.month:02d}" if contract.periodicity == "Mensuel" else quarter(month)


class Truth:
    """Per contract reference: months' declared and due amounts, periods' allocated and paid amounts."""

    def __init__(self, history: H.CotisationsHistory, replaced: bool = True, last_month: date | None = None):
        gen = history.generated
        self.monthly, self.quarterly = history.monthly_contract, history.quarterly_contract
        months = [m for m in gen.months if last_month is None or m <= last_month]
        self.declared: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
        self.due: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
        original: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
        for month in months:
            for employee in gen.employees:
                if not employee.present(month):
                    continue
                for line in pay_month(employee, gen.referential, month).oc:
                    contract = line.affiliation.contract
                    key = (contract.reference, month)
                    original[key] += line.amount
                    step = H.RATE_STEP if contract is self.monthly and month >= H.RATE_CHANGE else Decimal(0)
                    expected = contract.expected_composants(line.affiliation.option, line.affiliation.population)
                    total = Decimal(0)
                    for (code, value), composant in zip(line.composants, expected):
                        assert code == composant.code
                        total += composant.amount if composant.rate is None else value * (composant.rate + step) / 100
                    self.due[key] += cents(total)
        self.declared.update(original)
        if replaced and H.REPLACED_MONTH in months:
            self.declared[(self.monthly.reference, H.REPLACED_MONTH)] += H.REPLACEMENT_DELTA
        self.allocated: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for (reference, month), value in original.items():
            contract = self.monthly if reference == self.monthly.reference else self.quarterly
            period = period_of(contract, month)
            paid_in = month if contract is self.monthly else date(month.year, (month.month - 1) // 3 * 3 + 3, 1)
            if paid_in in months and not (contract is self.quarterly and period == H.UNPAID_PERIOD):
                self.allocated[(reference, period)] += value
        short = (self.monthly.reference, period_of(self.monthly, H.SHORT_MONTH))
        self.paid = dict(self.allocated)
        if short in self.paid:
            self.paid[short] -= H.SHORT
        if H.REGULARISATION_MONTH in months:
            self.allocated[short] += H.SHORT
            self.paid[short] += H.SHORT
        self.months = months

    def periods(self, contract) -> list[str]:
        return sorted({period_of(contract, m) for (ref, m) in self.declared if ref == contract.reference},
                      key=lambda p: (p[:4], p[5:]))

    def period_months(self, contract, period: str) -> list[date]:
        return [m for m in self.months if period_of(contract, m) == period
                and (contract.reference, m) in self.declared]

    def due_date(self, contract, period: str) -> date:
        last = self.period_months(contract, period)[-1]
        if contract is self.quarterly:
            last = date(last.year, (last.month - 1) // 3 * 3 + 3, 1)
        after = date(last.year + last.month // 12, last.month % 12 + 1, 1)
        return after.replace(day=H.QUARTERLY_DUE_DAY if contract is self.quarterly else 5)
