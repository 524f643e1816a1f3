"""GeneratedCompany: a company plus its employees over consecutive months, and everything derived from it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..writer import Record, write_records
from .company import Company, make_company
from .contracts import ContractReferential
from .fpoc_xml import fpoc_xml
from .monthly import monthly_records, stream_monthly
from .people import Employee
from .signalements import arret_signalement, fctu_signalement, reprise_signalement
from .values import add_months


@dataclass
class GeneratedCompany:
    """A deterministic company with ``months`` consecutive mensuelles starting at ``company.first_month``."""

    company: Company
    employees: list[Employee] = field(init=False)

    def __post_init__(self) -> None:
        self.employees = [self.company.employee(i) for i in range(self.company.employee_count)]

    @property
    def referential(self) -> ContractReferential:
        """The OC contract referential (same content as the FPOC sheet)."""
        return self.company.referential

    @property
    def months(self) -> list[date]:
        """First day of each declared month."""
        return [add_months(self.company.first_month, i) for i in range(self.company.months)]

    def monthly(self, month: date, decl_type: str = "01", replaces: str | None = None) -> list[Record]:
        """The mensuelle envoi of ``month`` (type 03 with ``replaces`` = the S20.G00.05.006 identifier)."""
        return monthly_records(self.company, month, decl_type, replaces, self.employees)

    def series(self) -> list[list[Record]]:
        """The mensuelles of every month, in order."""
        return [self.monthly(month) for month in self.months]

    def _first(self, wanted) -> Employee:
        found = next((e for e in self.employees if wanted(e)), None)
        if found is None:
            raise LookupError("no employee fits; use more employees or months")
        return found

    def arret_signalement(self) -> list[Record]:
        """Signalement 04 of the first employee with an arrêt."""
        return arret_signalement(self.company, self._first(lambda e: e.arret is not None))

    def reprise_signalement(self) -> list[Record]:
        """Signalement 05 of the first employee back from an arrêt."""
        return reprise_signalement(self.company, self._first(lambda e: e.arret is not None and e.arret.resume))

    def fctu_signalement(self) -> list[Record]:
        """Signalement 07 (FCTU) of the first employee whose contract ends."""
        return fctu_signalement(self.company, self._first(lambda e: e.end is not None))

    def fpoc_xml(self) -> bytes:
        """The FPOC XML sheet of the company's contracts."""
        return fpoc_xml(self.company)

    def write_series(self, out_dir: str | Path, prefix: str = "mensuelle") -> list[Path]:
        """Write one file per month as ``<prefix>_<AAAAMM>.dsn`` in ``out_dir``; return the paths."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        return [write_records(self.monthly(month), out / f"{prefix}_{month:%Y%m}.dsn") for month in self.months]


def generate_company(seed: int, employees: int = 12, months: int = 3, start_month: date = date(2025, 1, 1),
                     norm: str = "P25V01", establishments: int = 1, style: str = "default") -> GeneratedCompany:
    """A company of ``employees`` employees declared over ``months`` months from ``start_month``;
    ``style="certified"`` writes the form certified payroll software writes (see ``certified``)."""
    return GeneratedCompany(make_company(seed, employees, months, start_month, norm, establishments, style))


def write_monthly_file(path: str | Path, employees: int = 100_000, month: date = date(2025, 3, 1), seed: int = 0,
                       norm: str = "P25V01", establishments: int = 1, style: str = "default") -> int:
    """Stream one mensuelle of ``employees`` employees to ``path`` in bounded memory; return its line count."""
    return stream_monthly(make_company(seed, employees, 1, month, norm, establishments, style), month, path)
