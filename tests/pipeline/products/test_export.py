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


def test_xlsx_from_columns_writes_each_value_typed_and_escaped(tmp_path):
    from pipeline.products.export import write_xlsx_columns

    names = ["M1", " lead & <tag>", "x\x01y", "", None, "_x0041_"]
    amounts = [Decimal("1.50"), None, Decimal("-2"), Decimal("1.50"), None, None]
    days = [date(2025, 3, 1), None, date(2024, 2, 29), None, date(2025, 3, 1), None]
    counts = [1, 0, None, True, 2.5, None]
    path = write_xlsx_columns(tmp_path / "c.xlsx", {"Colonnes": (["nom", "montant", "jour", "n"],
                                                                [names, amounts, days, counts]),
                                                    "Vide": (["a"], [[]])})
    book = load_workbook(path)
    sheet = book["Colonnes"]
    assert book.sheetnames == ["Colonnes", "Vide"] and book["Vide"].max_row == 1
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:D{len(names) + 1}" and sheet["A1"].font.bold
    rows = list(sheet.iter_rows(min_row=2, max_row=len(names) + 1, values_only=True))
    # a control character is written as Excel's _xHHHH_ escape, a literal escape with its "_" escaped (Excel
    # decodes both; openpyxl shows them as written)
    assert [r[0] for r in rows] == ["M1", " lead & <tag>", "x_x0001_y", None, None, "_x005F_x0041_"]
    assert [r[1] for r in rows] == [1.5, None, -2, 1.5, None, None]
    assert [r[2].date() if r[2] else None for r in rows] == days
    assert [r[3] for r in rows] == [1, 0, None, True, 2.5, None]
    assert sheet["B2"].number_format == EURO_FORMAT and sheet["C2"].number_format == "DD/MM/YYYY"
    assert sheet.column_dimensions["B"].width >= len("-2.00") and sheet.column_dimensions["A"].width >= len(names[1])


def test_xlsx_of_rows_is_the_workbook_of_their_columns(tmp_path):
    from pipeline.products.export import write_xlsx_columns

    rows = [["M1", Decimal("3.10"), date(2025, 1, 31)], ["M2", None, None], ["M3", Decimal("0"), date(2025, 2, 1)]]
    by_rows = load_workbook(write_xlsx(tmp_path / "r.xlsx", {"S": (["a", "b", "c"], rows)}))["S"]
    by_columns = load_workbook(write_xlsx_columns(tmp_path / "c.xlsx", {"S": (["a", "b", "c"],
                                                                            [list(c) for c in zip(*rows)])}))["S"]
    assert [[(c.value, c.number_format) for c in r] for r in by_rows.iter_rows()] == [
        [(c.value, c.number_format) for c in r] for r in by_columns.iter_rows()]
    assert [v for v in by_rows.iter_rows(min_row=2, values_only=True)][1] == ("M2", None, None)
