"""The OC side of a parsed DSN resolved against the FPOC referential, built once per validation run.

Establishments (SIREN, NIC, declared month), adhésions S21.G00.15 with the referential lines they match,
affiliations S21.G00.70 with their adhésion, and bases 31 S21.G00.78 with their affiliation. Every FPOC control
reads this view; none of them re-does the links.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import wraps

import pandas as pd

from rules.context import Context
from rules.fpoc.model import ContractParameters, ExpectedComposant, Referential
from rules.registry import Finding

DECLARATION, ENTREPRISE, ETABLISSEMENT = "S20.G00.05", "S21.G00.06", "S21.G00.11"
ADHESION, AFFILIATION, BASE = "S21.G00.15", "S21.G00.70", "S21.G00.78"
COMPOSANT, COTISATION = "S21.G00.79", "S21.G00.81"
CONTRAT, VERSEMENT_INDIVIDU, VERSEMENT, COMPOSANT_VERSEMENT, ANCIENNETE = (
    "S21.G00.40", "S21.G00.50", "S21.G00.20", "S21.G00.55", "S21.G00.86")
OC_BASE, OC_COTISATION = "31", "059"
_VIEW_ATTRIBUTE = "_fpoc_view"


def text(value) -> str | None:
    """A table cell as a string, None when absent."""
    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


def decimal(value) -> Decimal | None:
    """A cell of a decimal column as a Decimal, None when absent or invalid."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def day(value) -> date | None:
    """A cell of a date column as a date, None when absent or invalid."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def line(value) -> int | None:
    """A ``#line`` cell as an int, None when absent."""
    return None if value is None or pd.isna(value) else int(value)


def euros(value: Decimal) -> str:
    """An amount for a French message: ``1234,50 €``."""
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):.2f} €".replace(".", ",")


def rate_text(value: Decimal) -> str:
    """A rate for a French message: ``1,5 %``."""
    return f"{value.normalize():f} %".replace(".", ",")


def french_date(value: date | None) -> str:
    """``JJ/MM/AAAA``, or ``-`` when absent."""
    return value.strftime("%d/%m/%Y") if value else "-"


def month_end(month: date) -> date:
    """Last day of ``month``'s month."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def overlaps(parameters: ContractParameters, month: date) -> bool:
    """Whether a contract line is in force on at least one day of ``month``."""
    return parameters.valid_from <= month_end(month) and (
        parameters.valid_to is None or parameters.valid_to >= month)


@dataclass(frozen=True)
class Establishment:
    """An S21.G00.11 with what the lookups need; ``covered`` when a sheet of the referential applies to it."""

    instance: int
    siren: str | None
    nic: str | None
    month: date | None
    covered: bool

    @property
    def siret(self) -> str:
        return f"{self.siren or '?'}{self.nic or '?'}"


@dataclass
class Adhesion:
    """An S21.G00.15 and the referential lines of its contract reference in force for the establishment's month.

    ``matching`` are those lines whose organisme and délégataire also match; ``lines`` what the other controls
    use (the matching lines, else every line of the reference, so a wrong OC code is reported once, here).
    """

    instance: int
    line: int
    establishment: Establishment
    reference: str | None
    oc: str | None
    delegataire: str | None
    covered_staff: str | None
    ident: str | None
    known: tuple[ContractParameters, ...]
    in_force: tuple[ContractParameters, ...]
    matching: tuple[ContractParameters, ...]
    lines_of: dict[str, int] = field(default_factory=dict)

    @property
    def lines(self) -> tuple[ContractParameters, ...]:
        return self.matching or self.in_force

    @property
    def resolved(self) -> bool:
        """Whether the adhésion's contract is in the referential for that establishment and month."""
        return bool(self.in_force)

    def pair_lines(self, option: str | None, population: str | None) -> tuple[ContractParameters, ...]:
        """Lines of the contract for one option × population."""
        return tuple(p for p in self.lines if p.option_code == option and p.population_code == population)


@dataclass
class Affiliation:
    """An S21.G00.70 of an employment contract, with its adhésion (None when 70.013 matches no 15.005)."""

    instance: int
    line: int
    contrat: int
    individu: int
    establishment: Establishment
    option: str | None
    population: str | None
    ident: str | None
    adhesion_ident: str | None
    start: date | None
    end: date | None
    adhesion: Adhesion | None
    lines_of: dict[str, int] = field(default_factory=dict)

    def pair_lines(self) -> tuple[ContractParameters, ...]:
        """Referential lines for this affiliation's option × population (empty when unresolved)."""
        if self.adhesion is None or not self.adhesion.resolved:
            return ()
        return self.adhesion.pair_lines(self.option, self.population)

    def expected_composants(self) -> tuple[ExpectedComposant, ...]:
        """Composants expected on the affiliation's base 31, one per 79.001 type, in sheet order."""
        found: dict[str, ExpectedComposant] = {}
        for parameters in self.pair_lines():
            for composant in parameters.composants:
                found.setdefault(composant.type_code, composant)
        return tuple(found.values())


@dataclass
class Base31:
    """An S21.G00.78 of code 31 with its composants (type, amount, block line, amount line) and its 059 rows."""

    instance: int
    line: int
    individu: int
    establishment: Establishment
    ident: str | None
    ident_line: int | None
    start: date | None
    affiliation: Affiliation | None
    composants: list[tuple[str | None, Decimal | None, int, int]] = field(default_factory=list)  # type, amount, lines
    cotisations: list[dict] = field(default_factory=list)


@dataclass
class FpocView:
    """Everything the FPOC controls need, resolved once."""

    referential: Referential
    establishments: dict[int, Establishment]
    adhesions: list[Adhesion]
    affiliations: list[Affiliation]
    bases: list[Base31]

    def adhesions_of(self, establishment: int) -> list[Adhesion]:
        return [a for a in self.adhesions if a.establishment.instance == establishment]


def view(ctx: Context) -> FpocView | None:
    """The FPOC view of the file under validation; None when no referential is given or it holds no sheet."""
    referential = ctx.options.referential
    if not isinstance(referential, Referential) or not referential.sheets:
        return None
    cached = getattr(ctx, _VIEW_ATTRIBUTE, None)
    if cached is None:
        cached = _build(ctx, referential)
        setattr(ctx, _VIEW_ATTRIBUTE, cached)
    return cached


def over_view(check: Callable[[Context, FpocView], Iterable[Finding]]) -> Callable[[Context], list[Finding]]:
    """Decorator of the FPOC controls: ``check(ctx, view)`` yields the findings over the file's FPOC view; no
    findings when there is no view (no referential, or one without sheets)."""
    @wraps(check)
    def run(ctx: Context) -> list[Finding]:
        fpoc = view(ctx)
        return [] if fpoc is None else list(check(ctx, fpoc))
    return run


def _rows(frame: pd.DataFrame) -> list[dict]:
    return frame.to_dict("records") if not frame.empty else []


def _build(ctx: Context, referential: Referential) -> FpocView:
    establishments = _establishments(ctx, referential)
    adhesions = [_adhesion(row, establishments[row["etablissement_id"]], referential)
                 for row in _rows(ctx.text(ADHESION)) if row["etablissement_id"] in establishments]
    by_key = {(a.establishment.instance, a.ident): a for a in reversed(adhesions)}
    affiliations = []
    for row in _rows(ctx.table(AFFILIATION)):
        establishment = establishments.get(row["etablissement_id"])
        if establishment is None:
            continue
        ident = text(row.get("S21.G00.70.013"))
        affiliations.append(Affiliation(
            instance=int(row["id"]), line=int(row["line"]), contrat=int(row["contrat_id"]),
            individu=int(row["individu_id"]), establishment=establishment,
            option=text(row.get("S21.G00.70.004")), population=text(row.get("S21.G00.70.005")),
            ident=text(row.get("S21.G00.70.012")), adhesion_ident=ident,
            start=day(row.get("S21.G00.70.014")), end=day(row.get("S21.G00.70.015")),
            adhesion=by_key.get((establishment.instance, ident)), lines_of=_line_columns(row)))
    return FpocView(referential, establishments, adhesions, affiliations,
                    _bases(ctx, establishments, affiliations))


def _line_columns(row: dict) -> dict[str, int]:
    return {key[:-5]: int(value) for key, value in row.items() if key.endswith("#line") and not pd.isna(value)}


def _establishments(ctx: Context, referential: Referential) -> dict[int, Establishment]:
    sirens = {int(r["id"]): text(r.get("S21.G00.06.001")) for r in _rows(ctx.text(ENTREPRISE))}
    months = {int(r["id"]): day(r.get("S20.G00.05.005")) for r in _rows(ctx.table(DECLARATION))}
    out = {}
    for row in _rows(ctx.text(ETABLISSEMENT)):
        siren, nic = sirens.get(row["entreprise_id"]), text(row.get("S21.G00.11.001"))
        month = months.get(row["declaration_id"])
        out[int(row["id"])] = Establishment(int(row["id"]), siren, nic, month.replace(day=1) if month else None,
                                            any(sheet.covers(siren, nic) for sheet in referential.sheets))
    return out


def _adhesion(row: dict, establishment: Establishment, referential: Referential) -> Adhesion:
    reference, oc, delegataire = (text(row.get(f"S21.G00.15.00{n}")) for n in (1, 2, 3))
    known = tuple(p for p in referential.lines(establishment.siren, establishment.nic)
                  if p.contract.reference == reference) if establishment.covered else ()
    in_force = tuple(p for p in known if establishment.month and overlaps(p, establishment.month))
    matching = tuple(p for p in in_force if p.organisme.code == oc and p.organisme.delegataire == delegataire)
    return Adhesion(instance=int(row["id"]), line=int(row["line"]), establishment=establishment,
                    reference=reference, oc=oc, delegataire=delegataire,
                    covered_staff=text(row.get("S21.G00.15.004")), ident=text(row.get("S21.G00.15.005")),
                    known=known, in_force=in_force, matching=matching, lines_of=_line_columns(row))


def _bases(ctx: Context, establishments: dict[int, Establishment], affiliations: list[Affiliation]) -> list[Base31]:
    bases_frame = ctx.table(BASE)
    if bases_frame.empty or "S21.G00.78.001" not in bases_frame:
        return []
    affiliation_of = {(a.individu, a.ident): a for a in reversed(affiliations)}
    bases: dict[int, Base31] = {}
    for row in _rows(bases_frame[bases_frame["S21.G00.78.001"] == OC_BASE]):
        establishment = establishments.get(row["etablissement_id"])
        if establishment is None:
            continue
        ident = text(row.get("S21.G00.78.005"))
        bases[int(row["id"])] = Base31(
            instance=int(row["id"]), line=int(row["line"]), individu=int(row["individu_id"]),
            establishment=establishment, ident=ident, ident_line=line(row.get("S21.G00.78.005#line")),
            start=day(row.get("S21.G00.78.002")), affiliation=affiliation_of.get((int(row["individu_id"]), ident)))
    for row in _rows(ctx.table(COMPOSANT)):
        base = bases.get(row["base_assujettie_id"])
        if base is not None:
            base.composants.append((text(row.get("S21.G00.79.001")), decimal(row.get("S21.G00.79.004")),
                                    int(row["line"]), line(row.get("S21.G00.79.004#line")) or int(row["line"])))
    for row in _rows(ctx.table(COTISATION)):
        base = bases.get(row["base_assujettie_id"])
        if base is not None and text(row.get("S21.G00.81.001")) == OC_COTISATION:
            base.cotisations.append(row)
    return list(bases.values())


def lines_of(*items: int | None) -> tuple[int, ...]:
    """The distinct known line numbers, in order."""
    return tuple(dict.fromkeys(n for n in items if n is not None))
