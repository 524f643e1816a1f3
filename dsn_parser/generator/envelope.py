"""Envoi and declaration headers (S10, S20, S21.G00.06/11), the S90 total and the OC lot envelope (S05/S06/S96/S95)."""
from __future__ import annotations

from datetime import date

from ..writer import Record
from .company import Company, Establishment
from .values import d8, main_month

SOFTWARE = ("GENDSN", "DSN PARSER LAB", "1.0.0", "CONF-GENDSN-2025")


def envoi_header(company: Company, essai: str = "01") -> list[Record]:
    """S10.G00.00/01/02: software, norm version of the company, émetteur = the company's head office."""
    head = company.head_office
    return [
        ("S10.G00.00.001", SOFTWARE[0]), ("S10.G00.00.002", SOFTWARE[1]), ("S10.G00.00.003", SOFTWARE[2]),
        ("S10.G00.00.004", SOFTWARE[3]), ("S10.G00.00.005", essai), ("S10.G00.00.006", company.norm),
        ("S10.G00.00.007", "01"), ("S10.G00.00.008", "01"),
        ("S10.G00.01.001", company.siren), ("S10.G00.01.002", head.nic), ("S10.G00.01.003", company.name),
        ("S10.G00.01.004", head.street), ("S10.G00.01.005", head.postcode), ("S10.G00.01.006", head.city),
        ("S10.G00.02.001", "02"), ("S10.G00.02.002", "Service paie Agnès Dupré-Laurent"),
        ("S10.G00.02.004", "paie@exemple.fr"), ("S10.G00.02.005", "0472000000"),
    ]


def declaration_header(nature: str, decl_type: str, order: int, file_date: date, month: date | None = None,
                       replaces: str | None = None, currency: bool = False) -> list[Record]:
    """S20.G00.05 (+ S20.G00.07 contact); ``month`` only for a mensuelle, ``replaces`` for types 03/04; the
    currency 05.010 comes with ``month`` or ``currency`` (an FCTU requires it)."""
    records: list[Record] = [("S20.G00.05.001", nature), ("S20.G00.05.002", decl_type), ("S20.G00.05.003", "11"),
                             ("S20.G00.05.004", str(order))]
    if month is not None:
        records.append(("S20.G00.05.005", main_month(month)))
    if replaces is not None:
        records.append(("S20.G00.05.006", replaces))
    records.append(("S20.G00.05.007", d8(file_date)))
    if month is not None:
        records.append(("S20.G00.05.008", "01"))
    if month is not None or currency:
        records.append(("S20.G00.05.010", "01"))
    records += [("S20.G00.07.001", "Gestionnaire paie"), ("S20.G00.07.002", "0472000001"),
                ("S20.G00.07.003", "gestion.paie@exemple.fr"), ("S20.G00.07.004", "01")]
    return records


def declaration_id(file_date: date, order: int) -> str:
    """Identifier of a declaration for S20.G00.05.006: its file date followed by its order number."""
    return f"{d8(file_date)}{order}"


def employer_records(company: Company, establishment: Establishment, headcount: int) -> list[Record]:
    """S21.G00.06 entreprise and S21.G00.11 établissement (11.008 headcount only before P26V01)."""
    head = company.head_office
    records: list[Record] = [
        ("S21.G00.06.001", company.siren), ("S21.G00.06.002", head.nic), ("S21.G00.06.003", company.apen),
        ("S21.G00.06.004", head.street), ("S21.G00.06.005", head.postcode), ("S21.G00.06.006", head.city),
        ("S21.G00.11.001", establishment.nic), ("S21.G00.11.002", establishment.apet),
        ("S21.G00.11.003", establishment.street), ("S21.G00.11.004", establishment.postcode),
        ("S21.G00.11.005", establishment.city)]
    if company.norm < "P26V01":
        records.append(("S21.G00.11.008", str(headcount)))
    records.append(("S21.G00.11.022", company.idcc))
    return records


def total_records(lines_before: int, declarations: int) -> list[Record]:
    """S90.G00.90: .001 counts the envoi's lines including both S90 lines; .002 the S20 declarations."""
    return [("S90.G00.90.001", str(lines_before + 2)), ("S90.G00.90.002", str(declarations))]


def envoi(company: Company, declarations: list[list[Record]], essai: str = "01") -> list[Record]:
    """A full envoi: S10 header, the declarations (each starting with S20.G00.05), S90 totals."""
    records = envoi_header(company, essai)
    for declaration in declarations:
        records += declaration
    return records + total_records(len(records), len(declarations))


def lot(envois: list[list[Record]], lot_number: str, lot_date: date, lot_time: str = "201500") -> list[Record]:
    """An OC lot (norm V01R02): S05 header, group DSNOK with ``envois``, empty groups FP-KO/CT-KO/AUTRE, S95.

    S05.G51.00.006 and S95.G51.00.002 give the number of groups; S96.G51.00.002 the number of DSN of a group.
    """
    groups = (("DSNOK", envois), ("FP-KO", []), ("CT-KO", []), ("AUTRE", []))
    records: list[Record] = [("S05.G51.00.001", "V01R02"), ("S05.G51.00.002", lot_number), ("S05.G51.00.003", "01"),
                             ("S05.G51.00.004", d8(lot_date)), ("S05.G51.00.005", lot_time),
                             ("S05.G51.00.006", str(len(groups)))]
    for code, members in groups:
        records.append(("S06.G51.00.001", code))
        for member in members:
            records += member
        records += [("S96.G51.00.001", "FINSL"), ("S96.G51.00.002", str(len(members)))]
    return records + [("S95.G51.00.001", lot_number), ("S95.G51.00.002", str(len(groups)))]
