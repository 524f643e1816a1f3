"""Periods, due dates, contract parameters and the dunning timeline of the contribution account (no store)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from rules.fpoc.model import Contract, ContractParameters, Group, Organisme, Periodicity
from pipeline.products.cotisations_dunning import timeline
from pipeline.products.cotisations_terms import (AccountTerms, DunningDelays, account_terms, due_date, period_code,
                                                 period_months)


def line(products) -> ContractParameters:
    return ContractParameters(Group("1", "G"), Organisme("P0012"), Contract("C", "C"), date(2025, 1, 1),
                              products=products)


def test_period_codes_and_their_months():
    assert period_code(date(2025, 11, 1), Periodicity.MONTHLY) == "2025M11"
    assert period_code(date(2025, 11, 1), Periodicity.QUARTERLY) == "2025T04"
    assert period_code(date(2025, 11, 1), Periodicity.HALF_YEARLY) == "2025S02"
    assert period_code(date(2025, 11, 1), Periodicity.YEARLY) == "2025A00"
    assert period_months("2025T02") == [date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1)]
    assert period_months("2025S02")[0] == date(2025, 7, 1) and len(period_months("2025A00")) == 12
    assert period_months("2025X01") == []


def test_due_date_from_the_contract_or_the_filing_date():
    months = [date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1)]
    assert due_date(months, AccountTerms(due_day=25), {}) == date(2026, 1, 25)
    assert due_date(months, AccountTerms(), {date(2025, 12, 1): (date(2026, 1, 5), 12)}) == date(2026, 1, 5)
    assert due_date(months, AccountTerms(), {date(2025, 12, 1): (date(2026, 1, 12), 12)}) == date(2026, 1, 15)
    assert due_date(months, AccountTerms(), {date(2025, 11, 1): (date(2025, 12, 12), 80)}) == date(2026, 1, 5)


def test_contract_parameters_are_checked():
    terms = account_terms(line({"cotisations": {"due_day": "20", "call": "true", "branch": "oui",
                                                "flat_amounts": {"per_head": "2.50", "per_option": {"FAM": "4"}},
                                                "dunning": {"relance": "7", "suspension": "45"}}}))
    assert (terms.due_day, terms.calls, terms.branch, terms.problems) == (20, True, True, ())
    assert terms.flat_amount("FAM") == Decimal("6.50") and terms.flat_amount(None) == Decimal("2.50")
    assert terms.dunning == DunningDelays(relance=7, mise_en_demeure=10, suspension=45, resiliation=10)
    bad = account_terms(line({"cotisations": {"due_day": "31", "call": "peut-être", "colour": "x",
                                              "flat_amounts": {"per_head": "-1"}}}))
    assert (bad.due_day, bad.calls, bad.per_head) == (None, False, Decimal(0))
    assert len(bad.problems) == 4 and any("colour" in p for p in bad.problems)
    assert account_terms(None) == AccountTerms()


def test_dunning_timeline_has_legal_defaults_and_no_suspension_for_branch_contracts():
    due = date(2025, 6, 5)
    steps = timeline(due, AccountTerms())
    assert [(s.step, s.date) for s in steps] == [
        ("relance", due + timedelta(days=5)), ("mise en demeure", due + timedelta(days=10)),
        ("suspension des garanties", due + timedelta(days=40)), ("résiliation", due + timedelta(days=50))]
    assert [s.step for s in timeline(due, AccountTerms(branch=True))] == ["relance", "mise en demeure"]
