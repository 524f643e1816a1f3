"""CSV and XLSX files of product rows: one sheet (or CSV file) per table of plain rows.

XLSX sheets have a bold frozen header, an auto-filter over the data, column widths that fit their longest
value (capped), amounts written as numbers with a euro format and dates as dates. openpyxl is imported only
when a workbook is written.
"""
from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

EURO_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "DD/MM/YYYY"
MAX_WIDTH = 60


def write_csv(path: str | Path, header: list[str], rows: list[list]) -> Path:
    """One CSV file (UTF-8 with a byte-order mark for spreadsheet programs, ``;`` separated, as French
    spreadsheets expect); amounts with two decimals, dates ISO."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else (f"{v:.2f}" if isinstance(v, Decimal) else
                                                   v.isoformat() if isinstance(v, date) else v) for v in row])
    return path


def write_xlsx(path: str | Path, sheets: dict[str, tuple[list[str], list[list]]]) -> Path:
    """An XLSX workbook with one sheet per ``name → (header, rows)``, in order."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(str(h)) for h in header]
        for row in rows:
            sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
            for cell, value in zip(sheet[sheet.max_row], row):
                if isinstance(value, Decimal):
                    cell.number_format = EURO_FORMAT
                elif isinstance(value, date):
                    cell.number_format = DATE_FORMAT
            for i, value in enumerate(row):
                widths[i] = max(widths[i], len(f"{value:.2f}" if isinstance(value, Decimal) else str(value or "")))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH)
        sheet.freeze_panes = "A2"
        if header:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(len(rows) + 1, 1)}"
    book.save(path)
    return path
