"""The terms of a contribution account: periods (S21.G00.55.004 codes) of a periodicity, échéance due dates, and
the contract's ``products: cotisations:`` parameters (due day, call mode, flat amounts, dunning delays).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from rules.fpoc.model import ContractParameters, Periodicity

PERIODICITY_NAMES = {Periodicity.MONTHLY: "monthly", Periodicity.QUARTERLY: "quarterly",
                     Periodicity.HALF_YEARLY: "half-yearly", Periodicity.YEARLY: "yearly"}
PERIOD_LETTERS = {"M": Periodicity.MONTHLY, "T": Periodicity.QUARTERLY, "S": Periodicity.HALF_YEARLY,
                  "A": Periodicity.YEARLY}
MONTHS_PER_PERIOD = {Periodicity.MONTHLY: 1, Periodicity.QUARTERLY: 3, Periodicity.HALF_YEARLY: 6,
                     Periodicity.YEARLY: 12}
#: Filing day of the DSN (oc-domain.md §5.1): the 5th of M+1 for companies of 50 employees or more, else the 15th.
EARLY_FILING_DAY, LATE_FILING_DAY, EARLY_FILING_STAFF = 5, 15, 50


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def period_code(month: date, periodicity: Periodicity) -> str:
    """The S21.G00.55.004 code of the period holding ``month``: ``AAAAMnn``, ``AAAATnn``, ``AAAASnn``, ``AAAAA00``."""
    size = MONTHS_PER_PERIOD[periodicity]
    if periodicity is Periodicity.YEARLY:
        return f"{month.year}A00"
    letter = next(k for k, v in PERIOD_LETTERS.items() if v is periodicity)
    return f"{month.year}{letter}{(month.month - 1) // size + 1:02d}"


def period_periodicity(code: str) -> Periodicity | None:
    """The periodicity of a period code, None when the code is not one."""
    if len(code) != 7 or not code[:4].isdigit() or not code[5:].isdigit():
        return None
    return PERIOD_LETTERS.get(code[4])


def period_months(code: str) -> list[date]:
    """The months of a period code (empty for a code that is not one)."""
    periodicity = period_periodicity(code)
    if periodicity is None:
        return []
    size, number = MONTHS_PER_PERIOD[periodicity], int(code[5:])
    first = date(int(code[:4]), 1 if periodicity is Periodicity.YEARLY else (number - 1) * size + 1, 1)
    return [add_months(first, i) for i in range(size)]


@dataclass(frozen=True)
class DunningDelays:
    """Days from the due date to the relance and the mise en demeure, then from the mise en demeure to the
    suspension and from the suspension to the résiliation (CSS L932-9: 10, 30, 10)."""

    relance: int = 5
    mise_en_demeure: int = 10
    suspension: int = 30
    resiliation: int = 10


@dataclass(frozen=True)
class AccountTerms:
    """A contract's ``products: cotisations:`` parameters, checked; ``problems`` lists what was ignored."""

    due_day: int | None = None
    calls: bool = False
    branch: bool = False
    per_head: Decimal = Decimal(0)
    per_option: dict[str, Decimal] = field(default_factory=dict)
    dunning: DunningDelays = DunningDelays()
    problems: tuple[str, ...] = ()

    def flat_amount(self, option: str | None) -> Decimal:
        """The flat amount per head of an affiliation with ``option`` (per head plus per option)."""
        return self.per_head + self.per_option.get(option or "", Decimal(0))


KEYS = ("due_day", "call", "branch", "flat_amounts", "dunning")
BOOLEANS = {"true": True, "oui": True, "1": True, "false": False, "non": False, "0": False}


def _amount(value, where: str, problems: list[str]) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0:
        problems.append(f"{where} : montant invalide « {value} », ignoré")
        return Decimal(0)
    return amount


def _int(value, where: str, low: int, high: int, problems: list[str]) -> int | None:
    text = str(value)
    if not text.isdigit() or not low <= int(text) <= high:
        problems.append(f"{where} : entier de {low} à {high} attendu, « {value} » ignoré")
        return None
    return int(text)


def _bool(value, where: str, problems: list[str]) -> bool:
    flag = BOOLEANS.get(str(value).lower())
    if flag is None:
        problems.append(f"{where} : true ou false attendu, « {value} » ignoré")
        return False
    return flag


def account_terms(line: ContractParameters | None) -> AccountTerms:
    """The checked ``products: cotisations:`` parameters of a contract line (defaults without a line)."""
    data = line.product("cotisations") if line is not None else {}
    problems: list[str] = []
    if not isinstance(data, dict):
        return AccountTerms(problems=("products.cotisations : un dictionnaire est attendu, ignoré",))
    problems += [f"products.cotisations.{key} : clé inconnue, ignorée" for key in data if key not in KEYS]
    flats = data.get("flat_amounts") or {}
    if not isinstance(flats, dict):
        problems.append("products.cotisations.flat_amounts : un dictionnaire est attendu, ignoré")
        flats = {}
    per_option = flats.get("per_option") or {}
    if not isinstance(per_option, dict):
        problems.append("products.cotisations.flat_amounts.per_option : un dictionnaire est attendu, ignoré")
        per_option = {}
    delays = data.get("dunning") or {}
    if not isinstance(delays, dict):
        problems.append("products.cotisations.dunning : un dictionnaire est attendu, ignoré")
        delays = {}
    defaults = DunningDelays()
    chosen = {}
    for name in ("relance", "mise_en_demeure", "suspension", "resiliation"):
        if name in delays:
            value = _int(delays[name], f"products.cotisations.dunning.{name}", 0, 365, problems)
            chosen[name] = getattr(defaults, name) if value is None else value
    due_day = data.get("due_day")
    return AccountTerms(
        due_day=None if due_day is None else _int(due_day, "products.cotisations.due_day", 1, 28, problems),
        calls=_bool(data["call"], "products.cotisations.call", problems) if "call" in data else False,
        branch=_bool(data["branch"], "products.cotisations.branch", problems) if "branch" in data else False,
        per_head=_amount(flats.get("per_head", 0), "products.cotisations.flat_amounts.per_head", problems),
        per_option={str(k): _amount(v, f"products.cotisations.flat_amounts.per_option.{k}", problems)
                    for k, v in per_option.items()},
        dunning=DunningDelays(**chosen), problems=tuple(problems))


def due_date(months: list[date], terms: AccountTerms, filing: dict[date, tuple[date | None, int]]) -> date:
    """The échéance of a period: the contract's ``due_day`` of the month after its last month, else the DSN
    filing date of that last month (``filing``: month → (file date S20.G00.05.007, staff)): the 5th when the
    company files by the 5th or has 50 employees or more, else the 15th."""
    last = months[-1]
    after = add_months(last, 1)
    if terms.due_day is not None:
        return after.replace(day=terms.due_day)
    file_day, staff = filing.get(last, (None, 0))
    if file_day is None and filing:
        staff = filing[max(filing)][1]
    early = (file_day is not None and file_day <= after.replace(day=EARLY_FILING_DAY)) or staff >= EARLY_FILING_STAFF
    return after.replace(day=EARLY_FILING_DAY if early else LATE_FILING_DAY)
