"""Printable documents from the store products: the pre-filled sick-leave declaration with its 12 salary lines,
the avis de paiement (indemnisation periods of an arrêt per contract) and the account statement of a period."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from pipeline.products.arrets import get_arret
from pipeline.products.cotisations_ledger import statement
from pipeline.products.records import money

from .model import Report


class UnknownArret(LookupError):
    """No arrêt has this id."""


def _detail(conn: sa.Connection, arret_id: str, as_of: date | None):
    detail = get_arret(conn, arret_id, as_of=as_of)
    if detail is None:
        raise UnknownArret(arret_id)
    return detail


def arret_declaration(conn: sa.Connection, arret_id: str, as_of: date | None = None,
                      unmask: bool = False) -> Report:
    """The pre-filled declaration of an arrêt: employee, contract, arrêt, affiliations, the 12 months of
    salary before it, the reference salary and the checks."""
    detail = _detail(conn, arret_id, as_of)
    data = detail.as_dict(unmask)
    data["anomalies"] = [a.as_dict() for a in detail.anomalies]
    data.pop("indemnisation", None)
    for line, month in zip(data["salary_history"], detail.salary_history):
        amounts = [p.amount for p in month.primes if p.amount is not None]
        line["primes_total"] = money(sum(amounts, Decimal(0))) if amounts else None
    return Report("arret", f"Déclaration d'arrêt de travail {arret_id}", data)


def avis_de_paiement(conn: sa.Connection, arret_id: str, as_of: date | None = None, unmask: bool = False) -> Report:
    """The avis de paiement of an arrêt: per contract, the franchise, the daily benefit and the periods."""
    detail = _detail(conn, arret_id, as_of)
    data = {"arret_id": detail.arret_id, "siren": detail.siren, "siret": detail.siret,
            "employee": detail.employee.as_dict(unmask), "motif": detail.motif, "start": detail.start,
            "planned_end": detail.planned_end, "reprise": detail.reprise.as_dict() if detail.reprise else None,
            "as_of": as_of or date.today(),
            "indemnisation": [i.as_dict(unmask) for i in detail.indemnisation]}
    return Report("avis", f"Avis de paiement de l'arrêt {arret_id}", data)


def account_statement(conn: sa.Connection, siren: str, start: date | None = None, end: date | None = None,
                      contract: str | None = None, as_of: date | None = None) -> Report:
    """The situation de compte of a company between two months: per contract, opening balance, lines, closing."""
    result = statement(conn, siren, contract=contract, start=start, end=end, as_of=as_of)
    return Report("statement", f"Situation de compte de l'entreprise {siren}", result.as_dict())
