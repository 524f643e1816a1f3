"""Dates of the affiliation register: end of cover per contract, portabilité length, month arithmetic.

The guarantee of a contract is read from its referential line, ``products: affiliations: garantie: santé |
prévoyance`` (docs/fpoc.md; the FPOC sheet itself has no guarantee type); without it a contract whose reference or
label says « santé » is santé, any other prévoyance. Its end-of-cover rule is ``products: affiliations:
fin_de_couverture: fin_de_mois | date_de_fin``; without it santé covers to the last day of the month of the end of
the employment contract, prévoyance to that end date.
"""
from __future__ import annotations

import calendar
import unicodedata
from datetime import date, timedelta

from rules.fpoc.model import Referential

PRODUCT = "affiliations"
END_RULE, GUARANTEE = "fin_de_couverture", "garantie"
SANTE, PREVOYANCE = "santé", "prévoyance"
GUARANTEES = (SANTE, PREVOYANCE)
MONTH_END, CONTRACT_END = "fin_de_mois", "date_de_fin"
END_RULES = (MONTH_END, CONTRACT_END)
PORTABILITY_MAX_MONTHS = 12
PORTABILITY_KEPT = "01"  # S21.G00.62.016: maintien de l'affiliation (portabilité)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the last day of the target month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def months_rounded_up(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` inclusive, a started month counting as one."""
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    while add_months(start, months) > after:
        months -= 1
    return months + (add_months(start, months) < after)


def portability_end(contract_start: date | None, exit_date: date, back_at_work: date | None) -> date:
    """Last day of portabilité: from the day after ``exit_date`` for the length of the last employment contract
    rounded up to whole months, 12 at most; the day before a later contract with this employer, if sooner."""
    months = PORTABILITY_MAX_MONTHS if contract_start is None else min(
        PORTABILITY_MAX_MONTHS, months_rounded_up(contract_start, exit_date))
    end = add_months(exit_date + timedelta(days=1), months) - timedelta(days=1)
    if back_at_work is not None and back_at_work <= end:
        end = back_at_work - timedelta(days=1)
    return end


def _plain(text: str | None) -> str:
    return unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().upper()


def _parameters(referential: Referential, siren: str, contract: str | None, organisme: str | None):
    """(parameters, label) of each referential line of the contract; ValueError on an unknown parameter."""
    for line in referential.lines(siren):
        if line.contract.reference != contract or line.organisme.code != organisme:
            continue
        parameters = line.product(PRODUCT)
        unknown = sorted(set(parameters) - {END_RULE, GUARANTEE})
        if unknown:
            raise ValueError(f"contrat {contract} : paramètre inconnu products.affiliations.{unknown[0]}")
        yield parameters, line.contract.label


def guarantee(referential: Referential, siren: str, contract: str | None, organisme: str | None) -> str:
    """santé or prévoyance (see the module docstring); ValueError on a bad parameter."""
    label = ""
    for parameters, label in _parameters(referential, siren, contract, organisme):
        value = parameters.get(GUARANTEE)
        if value is not None:
            plain = _plain(str(value))
            found = next((g for g in GUARANTEES if _plain(g) == plain), None)
            if found is None:
                raise ValueError(f"contrat {contract} : products.affiliations.{GUARANTEE} vaut « {value} », "
                                 f"attendu {' ou '.join(GUARANTEES)}")
            return found
    return SANTE if "SANTE" in _plain(contract) or "SANTE" in _plain(label) else PREVOYANCE


def end_rule(referential: Referential, siren: str, contract: str | None, organisme: str | None) -> str:
    """The end-of-cover rule of a contract (see the module docstring); ValueError on a bad parameter."""
    for parameters, _label in _parameters(referential, siren, contract, organisme):
        rule = parameters.get(END_RULE)
        if rule is not None:
            if rule not in END_RULES:
                raise ValueError(f"contrat {contract} : products.affiliations.{END_RULE} vaut « {rule} », "
                                 f"attendu {' ou '.join(END_RULES)}")
            return rule
    return MONTH_END if guarantee(referential, siren, contract, organisme) == SANTE else CONTRACT_END


def cover_end(rule: str, exit_date: date) -> date:
    """The end of cover after an employment contract ending on ``exit_date``."""
    return month_end(exit_date) if rule == MONTH_END else exit_date
