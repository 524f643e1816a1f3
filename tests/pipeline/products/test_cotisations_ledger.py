"""Ledger, balance, statement (CSV, XLSX) and dunning of the scripted history, against the generator's inputs."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.pipeline.products import history_cotisations as H
from dsn_parser.generator.monthly import file_date
from pipeline.ingest import store_engine
from pipeline.products.cotisations_dunning import dunning
from pipeline.products.cotisations_ledger import balance, ledger, statement, write_statement

# history, only_this_product: the fixtures shared by the contribution-account tests
from .test_cotisations_truth import (  # noqa: F401
    AFTER_ALL, Truth, ingest_history, history, only_this_product)

pytestmark = pytest.mark.usefixtures("only_this_product")


@pytest.fixture
def loaded(store_url, tmp_path, history):
    ingest_history(history, store_url, tmp_path)
    return store_url


def expected_monthly_ledger(truth: Truth) -> list[tuple]:
    """(date, period, kind, debit, credit) of the monthly contract."""
    ref, out = truth.monthly.reference, []
    for month in truth.months:
        period = f"{month.year}M{month.month:02d}"
        out.append((file_date(month), period, "échéance", truth.declared[(ref, month)], Decimal(0)))
        paid = truth.paid[(ref, period)] - (H.SHORT if month == H.SHORT_MONTH else 0)
        out.append((file_date(month), period, "versement", Decimal(0), paid))
        if month == H.REGULARISATION_MONTH:
            out.append((file_date(month), f"{H.SHORT_MONTH:%Y}M{H.SHORT_MONTH:%m}", "versement", Decimal(0), H.SHORT))
    return sorted(out, key=lambda e: (e[0], e[2] != "échéance", e[1]))


def test_ledger_balance_and_statement(loaded, history, tmp_path):
    truth = Truth(history)
    siren = history.generated.company.siren
    with store_engine(loaded).connect() as conn:
        lines = ledger(conn, siren, as_of=AFTER_ALL)
        monthly = lines[truth.monthly.reference]
        assert [(l.date, l.period, l.kind, l.debit, l.credit) for l in monthly] == expected_monthly_ledger(truth)
        assert monthly[-1].balance == H.REPLACEMENT_DELTA
        assert [l.crm for l in monthly if l.crm] == [H.REGULARISATION_CRM]
        quarterly = lines[truth.quarterly.reference]
        unpaid = sum(truth.declared[(truth.quarterly.reference, m)] for m in truth.months if m >= date(2026, 1, 1))
        assert quarterly[-1].balance == unpaid and quarterly[-1].date == date(2026, 4, H.QUARTERLY_DUE_DAY)
        assert balance(conn, siren, date(2025, 6, 20)) == H.SHORT
        assert balance(conn, siren, date(2025, 8, 10)) == 0
        result = statement(conn, siren, truth.monthly.reference, date(2025, 6, 1), date(2025, 8, 1), as_of=AFTER_ALL)
    [item] = result.contracts
    assert item.opening == 0 and item.closing == 0
    assert [(l.date, l.kind) for l in item.lines] == [(e[0], e[2]) for e in expected_monthly_ledger(truth)
                                                      if date(2025, 6, 1) <= e[0] < date(2025, 9, 1)]
    assert item.debit == sum(truth.declared[(truth.monthly.reference, date(2025, m, 1))] for m in (5, 6, 7))
    data = result.as_dict()
    may = truth.declared[(truth.monthly.reference, H.SHORT_MONTH)]
    assert data["contracts"][0]["lines"][0]["debit"] == f"{may:.2f}"

    with store_engine(loaded).connect() as conn:
        everything = statement(conn, siren, as_of=AFTER_ALL)
    path = write_statement(everything, tmp_path / "situation.xlsx", "xlsx")
    from openpyxl import load_workbook
    book = load_workbook(path)
    assert book.sheetnames[0] == "Synthèse" and len(book.sheetnames) == 3
    summary = book["Synthèse"]
    assert all(sheet.freeze_panes == "A2" for sheet in book.worksheets)
    assert [book.worksheets[i].cell(2, 2).value for i in (1, 2)] == [c.contract for c in everything.contracts]
    closing = {row[0]: row[5] for row in summary.iter_rows(min_row=2, values_only=True)}
    assert closing[truth.monthly.reference] == pytest.approx(float(H.REPLACEMENT_DELTA))
    assert closing["Total"] == pytest.approx(float(H.REPLACEMENT_DELTA + unpaid))
    sheet = book.worksheets[1]
    assert sheet.cell(3, 6).number_format.endswith('"€"')
    csv_path = write_statement(everything, tmp_path / "situation.csv", "csv")
    rows = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "Date;Contrat;Période;Nature;Libellé;Débit;Crédit;Solde"
    assert len(rows) == 1 + sum(len(c.lines) + 2 for c in everything.contracts)


def test_dunning_steps_and_the_regularisation_that_closes_them(loaded, history):
    truth = Truth(history)
    siren, ref = history.generated.company.siren, truth.monthly.reference
    due_on = file_date(H.SHORT_MONTH)
    with store_engine(loaded).connect() as conn:
        early = dunning(conn, siren, due_on + timedelta(days=7))
        later = dunning(conn, siren, due_on + timedelta(days=45))
        closed = dunning(conn, siren, file_date(H.REGULARISATION_MONTH) + timedelta(days=5))
        last = dunning(conn, siren, AFTER_ALL)
    [item] = early
    assert (item.contract, item.period, item.outstanding, item.step) == (ref, "2025M05", H.SHORT, "relance")
    assert item.next_step == "mise en demeure" and item.next_date == due_on + timedelta(days=10)
    [item] = later
    assert item.step == "suspension des garanties" and item.step_date == due_on + timedelta(days=40)
    assert [s.step for s in item.steps] == ["relance", "mise en demeure", "suspension des garanties"]
    assert closed == []
    by_period = {i.period: i for i in last}
    assert set(by_period) == {"2025M08", H.UNPAID_PERIOD}
    assert by_period["2025M08"].step == "résiliation" and by_period["2025M08"].outstanding == H.REPLACEMENT_DELTA
    assert by_period[H.UNPAID_PERIOD].step == "relance"
    assert by_period[H.UNPAID_PERIOD].outstanding == sum(
        truth.declared[(truth.quarterly.reference, m)] for m in truth.months if m >= date(2026, 1, 1))


def test_declared_minus_due_is_decomposed_by_cause(loaded, history):
    from pipeline.products.cotisations_gaps import gaps

    truth = Truth(history)
    ref = truth.monthly.reference
    with store_engine(loaded).connect() as conn:
        found = gaps(conn, history.generated.company.siren, as_of=AFTER_ALL)
    for (contract, month) in truth.declared:
        total = sum((g.amount for g in found if (g.contract, g.month) == (contract, month)), Decimal(0))
        assert total == truth.declared[(contract, month)] - truth.due[(contract, month)], (contract, month)
    assert {g.cause for g in found if g.month < H.RATE_CHANGE or g.contract != ref} <= {"base"}
    rate_gaps = [g for g in found if g.cause == "taux"]
    assert rate_gaps and all(g.contract == ref and g.month >= H.RATE_CHANGE and g.amount < 0 for g in rate_gaps)
    replaced = [g for g in found if g.cause == "base" and g.month == H.REPLACED_MONTH and g.amount > 1]
    assert [g.amount for g in replaced] == [H.REPLACEMENT_DELTA]
    assert replaced[0].as_dict()["nir"] != replaced[0].nir and replaced[0].line > 0


def test_a_flat_amount_per_head_is_due_and_shows_as_a_forfait_gap(loaded, history, tmp_path):
    """A new version of the referential adds 3.00 € per head to the santé contract: each month's due grows by
    3.00 × its santé affiliations, each of them carries a ``forfait`` gap of −3.00, the gaps still add up."""
    from dsn_parser.generator.payroll import pay_month
    from pipeline.products import cotisations
    from pipeline.products.cotisations_gaps import gaps
    from pipeline.referentials import store_referential

    per_head = Decimal("3.00")
    due_day = f"        cotisations:\n          due_day: '{H.QUARTERLY_DUE_DAY}'\n"
    assert history.referential_yaml.count(due_day) >= 1
    path = tmp_path / "referentiel_forfait.yaml"
    path.write_text(history.referential_yaml.replace(
        due_day, due_day + f"          flat_amounts:\n            per_head: '{per_head}'\n"), encoding="utf-8")
    truth, gen, siren = Truth(history), history.generated, history.generated.company.siren
    ref = truth.quarterly.reference
    heads = {month: sum(1 for e in gen.employees if e.present(month)
                        for line in pay_month(e, gen.referential, month).oc if line.affiliation.contract is truth.quarterly)
             for month in truth.months}
    with store_engine(loaded).begin() as conn:
        store_referential(conn, path)
        accounts = {a.contract: a for a in cotisations.account(conn, siren)}
        found = [g for g in gaps(conn, siren, ref) if g.cause == "forfait"]
    for period in accounts[ref].periods:
        months = truth.period_months(truth.quarterly, period.period)
        assert period.due == sum(truth.due[(ref, m)] + per_head * heads[m] for m in months), period.period
    assert sorted(g.amount for g in found) == [-per_head] * sum(heads.values())
