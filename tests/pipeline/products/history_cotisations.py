"""A contribution-account history: 15 mensuelles of one company with a monthly and a quarterly OC contract.

Scripted events (the truth the contribution-account tests recompute their figures from):

- the payment of ``SHORT_MONTH`` (prévoyance only, a month outside a quarter end) is short by ``SHORT``:
  S21.G00.20.005 is lowered, the S21.G00.55 keeps the full amount; the payment of ``REGULARISATION_MONTH`` adds
  a S21.G00.55 of ``SHORT`` for that period with the CRM id ``REGULARISATION_CRM`` (55.005), S21.G00.20.005
  raised by as much;
- the last month (March 2026) carries no S21.G00.55 for the santé contract's quarter ``UNPAID_PERIOD``, and its
  S21.G00.20.005 is lowered by that quarter's amount: the quarter stays unpaid;
- ``REPLACED_MONTH`` is declared again by a type 03 (annule et remplace) in which the first prévoyance 059 line
  is raised by ``REPLACEMENT_DELTA`` (its S21.G00.55 unchanged);
- the referential raises the rate of every rated prévoyance composant by ``RATE_STEP`` from ``RATE_CHANGE``
  (the mensuelles keep declaring the former rate); the santé contract's échéances fall on day
  ``QUARTERLY_DUE_DAY`` of the month after the quarter (``products: cotisations: due_day``);
- employee 2 is hired in the second month, employee 1's CDD ends in the second month, employees 3 and 7 leave
  in the last month (the generator's scripted roles).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from dsn_parser.writer import Record, render
from dsn_parser.generator.contracts import MENSUEL
from dsn_parser.generator.envelope import declaration_id
from dsn_parser.generator.generated import GeneratedCompany, generate_company
from dsn_parser.generator.monthly import file_date
from dsn_parser.generator.values import amount

SEED = 1107
EMPLOYEES = 8
MONTHS = 15
FIRST_MONTH = date(2025, 1, 1)
SHORT_MONTH = date(2025, 5, 1)
SHORT = Decimal("50.00")
REGULARISATION_MONTH = date(2025, 7, 1)
REGULARISATION_CRM = "REGUL202505"
REPLACED_MONTH = date(2025, 8, 1)
REPLACEMENT_DELTA = Decimal("12.34")
RATE_CHANGE = date(2025, 7, 1)
RATE_STEP = Decimal("0.10")
UNPAID_PERIOD = "2026T01"
QUARTERLY_DUE_DAY = 25
PAYMENT = "S21.G00.20.005"


@dataclass
class CotisationsHistory:
    """The files of the history (name, bytes, reception time) and the inputs behind them."""

    generated: GeneratedCompany
    files: list[tuple[str, bytes, datetime]]
    referential_yaml: str

    @property
    def months(self) -> list[date]:
        return self.generated.months

    @property
    def monthly_contract(self):
        return next(c for c in self.generated.referential.contracts if c.periodicity == MENSUEL)

    @property
    def quarterly_contract(self):
        return next(c for c in self.generated.referential.contracts if c.periodicity != MENSUEL)

    def write(self, folder: str | Path) -> list[tuple[Path, datetime]]:
        """Write the DSN files and the referential (``referentiel.yaml``) to ``folder``; the DSN paths with their
        reception times, in chronological order."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        (out / "referentiel.yaml").write_text(self.referential_yaml, encoding="utf-8")
        written = []
        for name, content, received in self.files:
            (out / name).write_bytes(content)
            written.append((out / name, received))
        return written


def _oc_payment_index(records: list[Record], organisme: str) -> int:
    """Index of the S21.G00.20.005 of the OC payment block."""
    start = records.index(("S21.G00.20.001", organisme))
    return next(i for i in range(start, len(records)) if records[i][0] == PAYMENT)


def _lower_payment(records: list[Record], organisme: str, by: Decimal) -> None:
    i = _oc_payment_index(records, organisme)
    records[i] = (PAYMENT, amount(Decimal(records[i][1]) - by))


def _drop_allocation(records: list[Record], reference: str) -> Decimal:
    """Remove the S21.G00.55 of ``reference``; return its amount."""
    i = records.index(("S21.G00.55.003", reference))
    value = Decimal(records[i - 1][1])
    del records[i - 1:i + 2]
    return value


def _add_regularisation(records: list[Record], organisme: str, reference: str, period: str, value: Decimal) -> None:
    """Add a S21.G00.55 of ``value`` for ``reference`` and ``period`` (CRM id) to the OC payment, raising 20.005."""
    _lower_payment(records, organisme, -value)
    i = records.index(("S21.G00.55.003", reference)) + 2
    records[i:i] = [("S21.G00.55.001", amount(value)), ("S21.G00.55.003", reference), ("S21.G00.55.004", period),
                    ("S21.G00.55.005", REGULARISATION_CRM)]


def _raise_first_059(records: list[Record], affiliation: str, by: Decimal) -> None:
    """Raise the 059 amount of the first base 31 of affiliation ``affiliation``."""
    i = records.index(("S21.G00.78.005", affiliation))
    j = next(k for k in range(i, len(records)) if records[k] == ("S21.G00.81.001", "059"))
    records[j + 1] = ("S21.G00.81.004", amount(Decimal(records[j + 1][1]) + by))


def _recount(records: list[Record]) -> list[Record]:
    """Records with the envoi's S90.G00.90.001 line count set again."""
    return [(code, str(len(records)) if code == "S90.G00.90.001" else value) for code, value in records]


def referential_yaml(generated: GeneratedCompany) -> str:
    """The company's FPOC sheet in YAML form, with the prévoyance rates raised by ``RATE_STEP`` from
    ``RATE_CHANGE`` (one line up to the day before, one from it)."""
    import tempfile

    from rules.fpoc.xml_loader import load_fpoc_xml
    from rules.fpoc.yaml_loader import dump_yaml

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fpoc.xml"
        path.write_bytes(generated.fpoc_xml())
        referential = load_fpoc_xml(path).referential
    monthly = next(c for c in generated.referential.contracts if c.periodicity == MENSUEL).reference
    sheets = []
    for sheet in referential.sheets:
        lines = []
        for line in sheet.parameters:
            if line.contract.reference != monthly:
                lines.append(dataclasses.replace(line, products={"cotisations": {"due_day": str(QUARTERLY_DUE_DAY)}}))
                continue
            before = dataclasses.replace(line, valid_to=RATE_CHANGE - timedelta(days=1))
            raised = tuple(dataclasses.replace(c, rate=c.rate + RATE_STEP) if c.rate is not None else c
                           for c in line.composants)
            lines += [before, dataclasses.replace(line, valid_from=RATE_CHANGE, composants=raised)]
        sheets.append(dataclasses.replace(sheet, parameters=tuple(lines)))
    return dump_yaml(dataclasses.replace(referential, sheets=tuple(sheets)))


def cotisations_history(seed: int = SEED, employees: int = EMPLOYEES) -> CotisationsHistory:
    """The scripted 15-month history (see the module docstring)."""
    generated = generate_company(seed, employees=employees, months=MONTHS, start_month=FIRST_MONTH)
    organisme = generated.referential.organisme.code
    quarterly = next(c for c in generated.referential.contracts if c.periodicity != MENSUEL)
    monthly = next(c for c in generated.referential.contracts if c.periodicity == MENSUEL)
    files = []
    for month in generated.months:
        records = generated.monthly(month)
        if month == SHORT_MONTH:
            _lower_payment(records, organisme, SHORT)
        if month == REGULARISATION_MONTH:
            _add_regularisation(records, organisme, monthly.reference, monthly.period_code(SHORT_MONTH), SHORT)
        if month == generated.months[-1]:
            _lower_payment(records, organisme, _drop_allocation(records, quarterly.reference))
        received = datetime.combine(file_date(month), datetime.min.time()).replace(hour=9)
        files.append((f"mensuelle_{month:%Y%m}.dsn", render(_recount(records)).encode("iso-8859-1"), received))
        if month == REPLACED_MONTH:
            replacement = generated.monthly(month, "03", declaration_id(file_date(month), 1))
            _raise_first_059(replacement, generated.referential.adhesion_id(monthly.reference), REPLACEMENT_DELTA)
            files.append((f"mensuelle_{month:%Y%m}_annule_remplace.dsn",
                          render(_recount(replacement)).encode("iso-8859-1"), received.replace(day=20)))
    return CotisationsHistory(generated, files, referential_yaml(generated))
