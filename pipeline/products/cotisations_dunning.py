"""The dunning timeline of debit balances: relance, mise en demeure, suspension des garanties, résiliation.

Per échéance still owed: the relance ``relance`` days after the due date, the mise en demeure once the
contribution is ``mise_en_demeure`` days overdue (CSS L932-9, C. assurances L113-3: 10), the suspension
``suspension`` days after the mise en demeure (30) and the résiliation ``resiliation`` days after the suspension
(10); no suspension nor résiliation for a branch-mandated contract (``branch: true``). A step is reached only if
the échéance is still owed on its date: a later payment (a regularisation, S21.G00.55.005 CRM id) closes the
timeline. :func:`dunning` lists what is due to be sent as of a day, and sends nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from .cotisations import TOLERANCE, contract_accounts
from .cotisations_terms import AccountTerms
from .records import Record

RELANCE, MISE_EN_DEMEURE, SUSPENSION, RESILIATION = "relance", "mise en demeure", "suspension des garanties", \
    "résiliation"


@dataclass(frozen=True)
class DunningStep(Record):
    step: str
    date: date


@dataclass(frozen=True)
class DunningItem(Record):
    """An échéance still owed at ``as_of`` with the steps reached (the last one is to be sent) and the next."""

    contract: str
    period: str
    due_date: date
    charged: Decimal
    paid: Decimal
    outstanding: Decimal
    step: str
    step_date: date
    steps: list
    next_step: str | None
    next_date: date | None


def timeline(due_on: date, terms: AccountTerms) -> list[DunningStep]:
    """The dated steps of an échéance under the contract's delays."""
    delays = terms.dunning
    notice = due_on + timedelta(days=delays.mise_en_demeure)
    steps = [DunningStep(RELANCE, due_on + timedelta(days=delays.relance)), DunningStep(MISE_EN_DEMEURE, notice)]
    if not terms.branch:
        suspension = notice + timedelta(days=delays.suspension)
        steps += [DunningStep(SUSPENSION, suspension),
                  DunningStep(RESILIATION, suspension + timedelta(days=delays.resiliation))]
    return sorted(steps, key=lambda s: s.date)


def dunning(conn: sa.Connection, siren: str, as_of: date, contract: str | None = None) -> list[DunningItem]:
    """The échéances whose dunning has reached a step by ``as_of`` (the store as it stood then)."""
    accounts, live = contract_accounts(conn, siren, contract, as_of=as_of)
    items = []
    for item in accounts:
        terms = live["contracts"].terms(item.contract)
        payments = [s for s in live["shares"] if s.contract == item.contract and s.paid_on is not None]
        for period in item.periods:
            def owed(day: date) -> Decimal:
                paid = sum((s.paid for s in payments if s.period == period.period and s.paid_on <= day), Decimal(0))
                return period.charged - paid
            reached = []
            for step in timeline(period.due_date, terms):
                if step.date > as_of or owed(step.date) <= TOLERANCE:
                    break
                reached.append(step)
            if not reached or owed(as_of) <= TOLERANCE:
                continue
            later = [s for s in timeline(period.due_date, terms) if s.date > as_of]
            items.append(DunningItem(item.contract, period.period, period.due_date, period.charged,
                                     period.charged - owed(as_of), owed(as_of), reached[-1].step, reached[-1].date,
                                     reached, later[0].step if later else None, later[0].date if later else None))
    return items
