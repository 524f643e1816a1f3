"""CSV and XLSX exports of product rows."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from pipeline.products.export import EURO_FORMAT, write_csv, write_xlsx


def test_xlsx_has_frozen_bold_header_filters_numbers_and_dates(tmp_path):
    rows = [["M1", Decimal("1234.56"), date(2025, 3, 1)], ["M2", None, None]]
    path = write_xlsx(tmp_path / "x.xlsx", {"Arrêts": (["matricule", "montant", "début"], rows),
                                           "Vide": (["a"], [])})
    book = load_workbook(path)
    sheet = book["Arrêts"]
    assert book.sheetnames == ["Arrêts", "Vide"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C3" and sheet["A1"].font.bold
    assert sheet["B2"].value == 1234.56 and sheet["B2"].number_format == EURO_FORMAT
    assert sheet["C2"].value.date() == date(2025, 3, 1) and sheet["C2"].number_format == "DD/MM/YYYY"
    assert sheet["B3"].value is None and sheet.column_dimensions["A"].width >= len("matricule")


def test_csv_is_semicolon_separated_with_two_decimals(tmp_path):
    path = write_csv(tmp_path / "x.csv", ["matricule", "montant", "début"], [["M1", Decimal("5"), date(2025, 3, 1)],
                                                                             ["M2", None, None]])
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert path.read_text(encoding="utf-8-sig").splitlines() == ["matricule;montant;début", "M1;5.00;2025-03-01",
                                                                 "M2;;"]
