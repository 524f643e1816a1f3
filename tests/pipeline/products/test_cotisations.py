"""The contribution account of the scripted history (tests.pipeline.products.history_cotisations), on DuckDB and
PostgreSQL: every period's figures against values computed from the generator's inputs."""
from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.pipeline.products import history_cotisations as H
from pipeline.ingest import ingest_path, store_engine
from pipeline.products import cotisations
from pipeline.products.records import Month
from pipeline.referentials import store_referential
from pipeline.store.schema import declarations
from pipeline.store.schema_cotisations import cotisation_months, cotisation_periods

# history, only_this_product: the fixtures shared by the contribution-account tests
from .test_cotisations_truth import (  # noqa: F401
    AFTER_ALL, Truth, ingest_history, history, only_this_product)

pytestmark = pytest.mark.usefixtures("only_this_product")


def tables(conn) -> tuple[list, list]:
    """Every row of the two account tables, in key order."""
    return (conn.execute(sa.select(cotisation_months).order_by(*cotisation_months.primary_key)).all(),
            conn.execute(sa.select(cotisation_periods).order_by(*cotisation_periods.primary_key)).all())


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def expected_period(truth: Truth, contract, period: str, status: str) -> dict:
    months = truth.period_months(contract, period)
    declared = sum(truth.declared[(contract.reference, m)] for m in months)
    due = sum(truth.due[(contract.reference, m)] for m in months)
    allocated = truth.allocated.get((contract.reference, period), Decimal(0))
    paid = truth.paid.get((contract.reference, period), Decimal(0))
    return {"period": period, "months": {f"{m:%Y-%m}": money(truth.declared[(contract.reference, m)]) for m in months},
            "due": money(due), "declared": money(declared), "allocated": money(allocated), "paid": money(paid),
            "allocated_minus_declared": money(allocated - declared), "paid_minus_allocated": money(paid - allocated),
            "paid_minus_declared": money(paid - declared), "declared_minus_due": money(declared - due),
            "due_date": truth.due_date(contract, period).isoformat(), "status": status, "charged": money(declared)}


def statuses(truth: Truth, contract, day: date) -> dict[str, str]:
    out = {}
    for period in truth.periods(contract):
        months = truth.period_months(contract, period)
        declared = sum(truth.declared[(contract.reference, m)] for m in months)
        paid = truth.paid.get((contract.reference, period), Decimal(0))
        due_on = truth.due_date(contract, period)
        if declared - paid <= Decimal("0.01") and (day > due_on or paid > 0):
            out[period] = "soldée"
        elif day <= due_on:
            out[period] = "à venir"
        else:
            out[period] = "partiellement payée" if paid > 0 else "impayée"
    return out


def test_account_matches_the_generator_inputs_in_a_shuffled_ingest(store_url, tmp_path, history):
    ingest_history(history, store_url, tmp_path, shuffle_seed=11)
    truth = Truth(history)
    siren = history.generated.company.siren
    with store_engine(store_url).connect() as conn:
        accounts = cotisations.account(conn, siren, as_of=AFTER_ALL)
        stored = cotisations.account(conn, siren)
    by_contract = {a.contract: a.as_dict() for a in accounts}
    assert sorted(by_contract) == sorted([truth.monthly.reference, truth.quarterly.reference])
    for contract, periodicity in ((truth.monthly, "monthly"), (truth.quarterly, "quarterly")):
        got = by_contract[contract.reference]
        state = statuses(truth, contract, AFTER_ALL)
        assert got["periodicity"] == periodicity
        assert got["organisme"] == history.generated.referential.organisme.code
        assert got["periods"] == [expected_period(truth, contract, p, state[p]) for p in truth.periods(contract)]
        periods = got["periods"]
        assert got["totals"] == {
            name: money(sum(Decimal(p[name]) for p in periods)) for name in ("due", "declared", "allocated", "paid")
        } | {"balance": money(sum(Decimal(p["declared"]) - Decimal(p["paid"]) for p in periods))}
    monthly = {p["period"]: p for p in by_contract[truth.monthly.reference]["periods"]}
    assert monthly["2025M05"]["paid_minus_allocated"] == money(-H.SHORT)
    assert monthly["2025M05"]["allocated_minus_declared"] == money(H.SHORT)  # the regularisation
    assert monthly["2025M05"]["status"] == "soldée"
    assert monthly["2025M08"]["allocated_minus_declared"] == money(-H.REPLACEMENT_DELTA)
    assert monthly["2025M06"]["declared_minus_due"] == "0.00" and monthly["2025M07"]["declared_minus_due"] != "0.00"
    assert by_contract[truth.quarterly.reference]["periods"][-1]["status"] == "impayée"
    assert by_contract[truth.monthly.reference]["totals"]["balance"] == money(H.REPLACEMENT_DELTA)
    # the derived tables (no as_of) give the same figures
    assert [a.as_dict() for a in stored] == [a.as_dict() for a in accounts]


def test_account_as_of_an_earlier_day_and_a_period_range(store_url, tmp_path, history):
    ingest_history(history, store_url, tmp_path)
    siren = history.generated.company.siren
    before_replacement = date(2025, 9, 10)  # August received on 5 September, its replacement on 20 September
    truth = Truth(history, replaced=False, last_month=date(2025, 8, 1))
    with store_engine(store_url).connect() as conn:
        earlier = cotisations.account(conn, siren, truth.monthly.reference, as_of=before_replacement)
        ranged = cotisations.account(conn, siren, truth.quarterly.reference, start=date(2025, 5, 1),
                                     end=date(2025, 7, 1), as_of=AFTER_ALL)
    assert len(earlier) == 1
    state = statuses(truth, truth.monthly, before_replacement)
    assert earlier[0].as_dict()["periods"] == [expected_period(truth, truth.monthly, p, state[p])
                                                for p in truth.periods(truth.monthly)]
    assert state["2025M08"] == "soldée" and state["2025M05"] == "soldée"
    assert earlier[0].periods[4].paid_minus_declared == 0
    assert [p.period for p in ranged[0].periods] == ["2025T02", "2025T03"]


def test_recompute_writes_nothing_on_an_intact_store_and_repairs_drift(store_url, tmp_path, history):
    ingest_history(history, store_url, tmp_path)
    siren = history.generated.company.siren
    engine = store_engine(store_url)
    with engine.begin() as conn:
        before = (conn.execute(sa.select(cotisation_months).order_by(*cotisation_months.primary_key)).all(),
                  conn.execute(sa.select(cotisation_periods).order_by(*cotisation_periods.primary_key)).all())
        assert len(before[0]) == 2 * len(history.months) and len(before[1]) == len(history.months) + 4
        assert cotisations.recompute(conn, [siren], AFTER_ALL) == 0
        m, p = cotisation_months.c, cotisation_periods.c
        conn.execute(cotisation_months.update().where(m.month == date(2025, 3, 1)).values(declared=1))
        conn.execute(cotisation_periods.delete().where(p.period == "2025T01"))
        conn.execute(cotisation_periods.insert().values(siren=siren, contract="X", period="2020M01", allocated=1,
                                                        paid=1))
        assert cotisations.recompute(conn, [siren], AFTER_ALL) == 4
        after = (conn.execute(sa.select(cotisation_months).order_by(*cotisation_months.primary_key)).all(),
                 conn.execute(sa.select(cotisation_periods).order_by(*cotisation_periods.primary_key)).all())
    assert after == before
    with engine.connect() as conn:
        lines = cotisations.run_summary(conn)
    truth = Truth(history)
    assert len(lines) == 2
    balance = sum(truth.declared[(truth.quarterly.reference, m)] for m in truth.months
                  if m >= date(2026, 1, 1))
    assert any(truth.quarterly.reference in line and f"solde {money(balance)} €" in line for line in lines)


@pytest.mark.parametrize("shuffle_seed", [3, 29])
def test_each_ingest_recomputes_what_it_touches_and_the_nightly_repairs_nothing(store_url, tmp_path, history,
                                                                               shuffle_seed):
    """Each ingest recomputes only the months and periods of the declarations it touches; a full recompute after
    each ingest writes 0 rows, and the tables end equal to tables rebuilt from nothing."""
    written = history.write(tmp_path / "files")
    engine = store_engine(store_url)
    with engine.begin() as conn:
        store_referential(conn, tmp_path / "files" / "referentiel.yaml")
    random.Random(shuffle_seed).shuffle(written)
    siren = history.generated.company.siren
    for path, received in written:
        result = ingest_path(path, store_url, archive_root=tmp_path / "archive", received_at=received)
        assert result.status == "loaded", path.name
        with engine.begin() as conn:
            assert cotisations.recompute(conn, [siren], AFTER_ALL) == 0, path.name
    with engine.begin() as conn:
        incremental = tables(conn)
        conn.execute(cotisation_months.delete())
        conn.execute(cotisation_periods.delete())
        assert cotisations.recompute(conn, [siren], AFTER_ALL) == len(incremental[0]) + len(incremental[1])
        assert tables(conn) == incremental
    truth = Truth(history)
    assert {(row.contract, row.month): row.declared for row in incremental[0]} == dict(truth.declared)
    assert {(row.contract, row.period): row.allocated for row in incremental[1]} == {
        key: value for key, value in truth.allocated.items() if value}


def test_an_ingest_leaves_the_other_months_alone(store_url, tmp_path, history):
    """The recompute of an ingest reads the months it touches only: a drifted row of another month stays for the
    nightly to repair."""
    ingest_history(history, store_url, tmp_path)
    siren = history.generated.company.siren
    engine = store_engine(store_url)
    m = cotisation_months.c
    with engine.begin() as conn:
        conn.execute(cotisation_months.update().where(m.month == date(2025, 3, 1)).values(declared=1))
        august = conn.execute(sa.select(declarations.c.id).where(declarations.c.month == H.REPLACED_MONTH)).scalars()
        assert cotisations.recompute(conn, [siren], AFTER_ALL, declarations=list(august)) == 0
        assert cotisations.recompute(conn, [siren], AFTER_ALL) == 2


def test_an_annule_removes_its_month_from_the_account(store_url, tmp_path, history):
    """A type 04 (annule) of April 2025 received on 20 May: from then on April is in no period (the monthly
    contract loses 2025M04, the quarter 2025T02 keeps May and June); the account as of 19 May still has it."""
    from dsn_parser.generator.envelope import declaration_id
    from dsn_parser.generator.monthly import file_date
    from dsn_parser.writer import render

    ingest_history(history, store_url, tmp_path)
    april, received = date(2025, 4, 1), datetime(2025, 5, 20, 9)
    annule = history.generated.monthly(april, "04", declaration_id(file_date(april), 1))
    path = tmp_path / "annule_202504.dsn"
    path.write_bytes(render(H._recount(annule)).encode("iso-8859-1"))
    assert ingest_path(path, store_url, archive_root=tmp_path / "archive", received_at=received).status == "loaded"
    truth, siren = Truth(history), history.generated.company.siren
    engine = store_engine(store_url)
    with engine.begin() as conn:
        assert cotisations.recompute(conn, [siren], AFTER_ALL) == 0
        now = {a.contract: a for a in cotisations.account(conn, siren)}
        before = {a.contract: a for a in cotisations.account(conn, siren, as_of=date(2025, 5, 19))}
    monthly = [p.period for p in now[truth.monthly.reference].periods]
    assert monthly == [p for p in truth.periods(truth.monthly) if p != "2025M04"]
    quarter = next(p for p in now[truth.quarterly.reference].periods if p.period == "2025T02")
    ref = truth.quarterly.reference
    assert quarter.months == {Month.of(m): truth.declared[(ref, m)] for m in (date(2025, 5, 1), date(2025, 6, 1))}
    assert quarter.declared == truth.declared[(ref, date(2025, 5, 1))] + truth.declared[(ref, date(2025, 6, 1))]
    assert quarter.allocated == truth.allocated[(ref, "2025T02")]
    assert "2025M04" in [p.period for p in before[truth.monthly.reference].periods]
