"""CSV and XLSX files of product rows: one sheet (or CSV file) per table of plain rows.

XLSX sheets have a bold frozen header, an auto-filter over the data, column widths that fit their longest
value (capped), amounts written as numbers with a euro format and dates as dates. xlsxwriter is imported only
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


def _width(value) -> int:
    return len(f"{value:.2f}" if isinstance(value, Decimal) else str(value or ""))


def write_xlsx(path: str | Path, sheets: dict[str, tuple[list[str], list[list]]]) -> Path:
    """An XLSX workbook with one sheet per ``name → (header, rows)``, in order (written by xlsxwriter in its
    constant-memory mode, row after row: linear in rows; a text is always written as text, never a formula)."""
    import xlsxwriter

    path = Path(path)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    euro, day = book.add_format({"num_format": EURO_FORMAT}), book.add_format({"num_format": DATE_FORMAT})
    for name, (header, rows) in sheets.items():
        sheet = book.add_worksheet(name[:31])
        widths = [len(str(h)) for h in header]
        for row in rows:
            for i, value in enumerate(row):
                widths[i] = max(widths[i], _width(value))
        for i, width in enumerate(widths):
            sheet.set_column(i, i, min(width + 2, MAX_WIDTH))
        sheet.freeze_panes(1, 0)
        if header:
            sheet.autofilter(0, 0, max(len(rows), 1), len(header) - 1)
        sheet.write_row(0, 0, header, bold)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, Decimal):
                    sheet.write_number(number, column, float(value), euro)
                elif isinstance(value, date):
                    sheet.write_datetime(number, column, value, day)
                else:
                    sheet.write(number, column, value)
    book.close()
    return path
