"""Checks the values of one sheet and builds its model objects, whatever the source format.

Both loaders extract located values (`Field`) and call the same `SheetBuilder` methods,
so the XML and YAML forms get the same checks and the same problem codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from rules.fpoc import formats
from rules.fpoc.formats import DateFormat
from rules.fpoc.model import (
    CHANGE_CODES,
    COMPOSANT_TYPES,
    SENIORITY_UNITS,
    SPECIFIC_BASE,
    SPECIFIC_NATURES,
    Contract,
    ContractParameters,
    Criteria,
    ExpectedComposant,
    Group,
    Option,
    Organisme,
    Periodicity,
    Population,
    Producer,
    RangeCriterion,
    Sheet,
    ValueCriterion,
)
from rules.fpoc.problems import ProblemCode, ReferentialProblem, Severity, Where

CODE_MAX = 30
PERIODICITIES = frozenset(p.value for p in Periodicity)
LABEL_MAX = 60


@dataclass(frozen=True)
class Field:
    """A raw value with its location; `reported` when its structure problem is already reported."""

    name: str
    value: str | None
    where: Where
    reported: bool = False


@dataclass(frozen=True)
class Terms:
    """Validity and payment terms shared by the lines of a contract."""

    valid_from: date
    valid_to: date | None
    periodicity: Periodicity | None
    change: str | None


class SheetBuilder:
    """Checks and builds the parts of one sheet, collecting its problems."""

    def __init__(self, file: str, dates: DateFormat) -> None:
        self.file = file
        self.dates = dates
        self.problems: list[ReferentialProblem] = []

    @property
    def has_errors(self) -> bool:
        """Whether an ERROR was reported: the sheet is then rejected."""
        return any(p.severity is Severity.ERROR for p in self.problems)

    def report(self, kind: ProblemCode, where: Where, value: str | None = None, **details: object) -> None:
        """Record a problem."""
        self.problems.append(ReferentialProblem.make(kind, self.file, where, value, **details))

    # --- scalar values -------------------------------------------------------------------------

    def text(self, f: Field, maximum: int | None = None, required: bool = False) -> str | None:
        """A free text, checked for presence and length."""
        if f.value is None or not f.value.strip():
            if required and not f.reported:
                self.report(ProblemCode.MISSING_ATTRIBUTE, f.where, f.value, name=f.name)
            return None
        if maximum is not None and len(f.value) > maximum:
            self.report(
                ProblemCode.TOO_LONG, f.where, f.value, name=f.name, length=len(f.value), maximum=maximum
            )
            return None
        return f.value

    def matching(
        self, f: Field, pattern: re.Pattern[str], kind: ProblemCode, required: bool = False, **details: object
    ) -> str | None:
        """A code that must fully match `pattern`."""
        value = self.text(f, required=required)
        if value is not None and not pattern.fullmatch(value):
            self.report(kind, f.where, value, name=f.name, **details)
            return None
        return value

    def date(self, f: Field, required: bool = False) -> date | None:
        """A date in the source format's notation."""
        value = self.text(f, required=required)
        if value is None:
            return None
        parsed = self.dates.parse(value)
        if parsed is None:
            self.report(ProblemCode.BAD_DATE, f.where, value, name=f.name, expected=self.dates.label)
        return parsed

    def created_at(self, f: Field) -> datetime | None:
        """The sheet's creation date-time (ISO 8601), optional."""
        value = self.text(f)
        if value is None:
            return None
        parsed = formats.parse_datetime(value)
        if parsed is None:
            self.report(ProblemCode.BAD_DATE, f.where, value, name=f.name, expected="JJMMAAAAHHMMSS ou AAAA-MM-JJTHH:MM:SS")
        return parsed

    def rate(self, f: Field) -> Decimal | None:
        """A rate in percent."""
        value = self.text(f, required=True)
        if value is None:
            return None
        parsed = formats.parse_rate(value)
        if parsed is None:
            self.report(ProblemCode.BAD_RATE, f.where, value)
        return parsed

    def amount(self, f: Field) -> Decimal | None:
        """An amount in euros."""
        value = self.text(f, required=True)
        if value is None:
            return None
        parsed = formats.parse_amount(value)
        if parsed is None:
            self.report(ProblemCode.BAD_AMOUNT, f.where, value)
        return parsed

    # --- sheet parts ---------------------------------------------------------------------------

    def producer(self, code: Field, name: Field, risk_carrier: Field) -> Producer:
        """ProducteurFiche."""
        return Producer(
            code=self.text(code),
            name=self.text(name, LABEL_MAX),
            risk_carrier=self.text(risk_carrier),
        )

    def nics(self, f: Field) -> tuple[str, ...]:
        """One NIC or a whitespace-separated list of NICs (empty: whole company)."""
        values = tuple((f.value or "").split())
        for nic in values:
            if not formats.NIC.fullmatch(nic):
                self.report(ProblemCode.BAD_COMPANY_ID, f.where, nic, name=f.name, expected="5 chiffres")
        return values

    def organisme(self, code: Field, deleg: Field, former_code: Field, former_deleg: Field) -> Organisme | None:
        """Organisme: OC and délégataire codes, current and former."""
        oc = self.matching(code, formats.CODE_OC, ProblemCode.BAD_CODE_OC, required=True)
        delegataire = self.matching(deleg, formats.CODE_DELEG, ProblemCode.BAD_CODE_DELEG)
        former_oc = self.matching(former_code, formats.CODE_OC, ProblemCode.BAD_CODE_OC)
        former_delegataire = self.matching(former_deleg, formats.CODE_DELEG, ProblemCode.BAD_CODE_DELEG)
        if oc is None:
            return None
        return Organisme(oc, delegataire, former_oc, former_delegataire)

    def contract(self, reference: Field, label: Field, former_reference: Field) -> Contract | None:
        """Contrat: reference ≤ 30 and label ≤ 60, both required."""
        ref = self.text(reference, CODE_MAX, required=True)
        text = self.text(label, LABEL_MAX, required=True)
        former = self.text(former_reference, CODE_MAX)
        if ref is None or text is None:
            return None
        return Contract(ref, text, former)

    def option(self, code: Field, label: Field, former_code: Field) -> Option | None:
        """Option: code ≤ 30 required."""
        value = self.text(code, CODE_MAX, required=True)
        text = self.text(label, LABEL_MAX)
        former = self.text(former_code, CODE_MAX)
        return Option(value, text, former) if value is not None else None

    def population(self, code: Field, label: Field, former_code: Field) -> Population | None:
        """Population: code ≤ 30 required."""
        value = self.text(code, CODE_MAX, required=True)
        text = self.text(label, LABEL_MAX)
        former = self.text(former_code, CODE_MAX)
        return Population(value, text, former) if value is not None else None

    def composant(self, element: str, rate: Field | None) -> ExpectedComposant:
        """A tranche or gross-salary composant, with an optional rate."""
        return ExpectedComposant(
            element, COMPOSANT_TYPES[element], rate=self.rate(rate) if rate is not None else None
        )

    def specific_composant(
        self, where: Where, nature: Field, label: Field, rate: Field | None, amount: Field | None
    ) -> ExpectedComposant | None:
        """BaseMontantSpecifique: nature 17..21 and exactly one of rate or amount."""
        code = self.text(nature, required=True)
        if code is not None and code not in SPECIFIC_NATURES:
            self.report(ProblemCode.BAD_NATURE, nature.where, code)
            code = None
        text = self.text(label, LABEL_MAX)
        if (rate is None) == (amount is None):
            self.report(ProblemCode.SPECIFIC_BASE_VALUE, where)
            return None
        parsed_rate = self.rate(rate) if rate is not None else None
        parsed_amount = self.amount(amount) if amount is not None else None
        if code is None:
            return None
        return ExpectedComposant(SPECIFIC_BASE, code, parsed_rate, parsed_amount, text)

    def composants(
        self, items: Iterable[tuple[Where, ExpectedComposant | None]]
    ) -> tuple[ExpectedComposant, ...]:
        """The composants of one line; a 79.001 type may appear only once."""
        seen: set[str] = set()
        kept: list[ExpectedComposant] = []
        for where, composant in items:
            if composant is None:
                continue
            if composant.type_code in seen:
                self.report(ProblemCode.DUPLICATE_COMPOSANT, where, composant.type_code, name=composant.element)
                continue
            seen.add(composant.type_code)
            kept.append(composant)
        return tuple(kept)

    def value_criterion(
        self, name: str, where: Where, included: Sequence[Field], excluded: Sequence[Field]
    ) -> ValueCriterion | None:
        """A criterion listing included values or excluded values, not both."""
        if bool(included) == bool(excluded):
            self.report(ProblemCode.CRITERION_CHOICE, where, name=name)
            return None
        inc = tuple(v for v in (self.text(f, CODE_MAX, required=True) for f in included) if v)
        exc = tuple(v for v in (self.text(f, CODE_MAX, required=True) for f in excluded) if v)
        return ValueCriterion(name, inc, exc)

    def range_criterion(
        self, name: str, where: Where, unit: Field | None, lower: Field, upper: Field
    ) -> RangeCriterion | None:
        """A criterion bounded by BorneINF / BorneSUP: dates for DateAffiliation, else numbers."""
        unit_value = self.text(unit, CODE_MAX) if unit is not None else None
        if name.startswith("Anciennete") and unit_value not in SENIORITY_UNITS:
            self.report(
                ProblemCode.BAD_RANGE, where, unit_value, name=name, detail="unité attendue 01, 02 ou 03"
            )
        low, high = (self._bound(name, f) for f in (lower, upper))
        if lower.value is None and upper.value is None:
            self.report(ProblemCode.BAD_RANGE, where, name=name, detail="au moins une borne est attendue")
        elif low is not None and high is not None and low > high:
            self.report(
                ProblemCode.BAD_RANGE,
                where,
                f"{lower.value} > {upper.value}",
                name=name,
                detail="la borne inférieure dépasse la borne supérieure",
            )
        return RangeCriterion(name, unit_value, low, high)

    def _bound(self, criterion: str, f: Field) -> Decimal | date | None:
        """One bound: a date for DateAffiliation, a decimal otherwise."""
        if criterion == "DateAffiliation":
            return self.date(f)
        value = self.text(f)
        if value is None:
            return None
        parsed = formats.parse_bound(value)
        if parsed is None:
            self.report(
                ProblemCode.BAD_RANGE, f.where, value, name=criterion, detail=f"borne {f.name} non numérique"
            )
        return parsed

    def group(self, number: Field, label: Field, criteria: Criteria | None) -> Group | None:
        """GROUPE: number 1–6 alphanumerics, label ≤ 60."""
        num = self.matching(number, formats.GROUP_NUMBER, ProblemCode.BAD_GROUP_NUMBER, required=True)
        text = self.text(label, LABEL_MAX, required=True)
        if num is None or text is None:
            return None
        return Group(num, text, criteria)

    def terms(self, valid_from: Field, valid_to: Field, periodicity: Field, change: Field) -> Terms | None:
        """Validity (start required, end ≥ start), periodicity and change code of a contract line."""
        start = self.date(valid_from, required=True)
        end = self.date(valid_to)
        if start is not None and end is not None and end < start:
            self.report(
                ProblemCode.BAD_VALIDITY, valid_to.where, valid_to.value, start=valid_from.value, end=valid_to.value
            )
        cadence = self.text(periodicity)
        if cadence is not None and cadence not in PERIODICITIES:
            self.report(ProblemCode.BAD_PERIODICITY, periodicity.where, cadence)
            cadence = None
        change_code = self.text(change)
        if change_code is not None and change_code not in CHANGE_CODES:
            self.report(ProblemCode.BAD_CHANGE, change.where, change_code)
        if start is None:
            return None
        return Terms(start, end, Periodicity(cadence) if cadence else None, change_code)

    @staticmethod
    def parameters(
        group: Group | None,
        organisme: Organisme | None,
        contract: Contract | None,
        terms: Terms | None,
        option: Option | None = None,
        population: Population | None = None,
        composants: tuple[ExpectedComposant, ...] = (),
        products: dict | None = None,
    ) -> ContractParameters | None:
        """ParametresContrats, or None when a required part is missing or invalid."""
        if group is None or organisme is None or contract is None or terms is None:
            return None
        return ContractParameters(
            group=group,
            organisme=organisme,
            contract=contract,
            valid_from=terms.valid_from,
            valid_to=terms.valid_to,
            periodicity=terms.periodicity,
            change=terms.change,
            option=option,
            population=population,
            composants=composants,
            products=products,
        )

    def sheet(
        self,
        identifier: Field,
        created_at: Field,
        siren: Field,
        nic: Field,
        company_name: Field,
        producer: Producer | None,
        lines: Sequence[tuple[Where, ContractParameters]],
    ) -> Sheet | None:
        """The sheet, or None when any ERROR was reported for it."""
        ident = self.text(identifier, required=True)
        created = self.created_at(created_at)
        company = self.matching(
            siren, formats.SIREN, ProblemCode.BAD_COMPANY_ID, required=True, expected="9 chiffres"
        )
        nics = self.nics(nic)
        name = self.text(company_name)
        self._check_overlaps(lines)
        if self.has_errors or ident is None or company is None:
            return None
        return Sheet(ident, company, created, nics, name, producer, tuple(line for _, line in lines))

    def _check_overlaps(self, lines: Sequence[tuple[Where, ContractParameters]]) -> None:
        """Warn when two lines of the sheet describe the same affiliation over overlapping periods."""
        for index, (where, line) in enumerate(lines):
            for other_where, other in lines[:index]:
                if _same_key(line, other) and _overlap(line, other):
                    self.report(
                        ProblemCode.OVERLAPPING_LINES,
                        where,
                        line.contract.reference,
                        name=_describe(line),
                        other_line=other_where.line,
                    )
                    break


def _same_key(a: ContractParameters, b: ContractParameters) -> bool:
    return (a.contract.reference, a.organisme.code, a.organisme.delegataire, a.option_code, a.population_code) == (
        b.contract.reference,
        b.organisme.code,
        b.organisme.delegataire,
        b.option_code,
        b.population_code,
    )


def _overlap(a: ContractParameters, b: ContractParameters) -> bool:
    return (b.valid_to is None or a.valid_from <= b.valid_to) and (a.valid_to is None or b.valid_from <= a.valid_to)


def _describe(line: ContractParameters) -> str:
    parts = [line.contract.reference, line.organisme.code, line.option_code, line.population_code]
    return "/".join(p for p in parts if p)
