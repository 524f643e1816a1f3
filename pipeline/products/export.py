"""CSV and XLSX files of product rows: one sheet (or CSV file) per table of plain rows.

XLSX sheets have a bold frozen header, an auto-filter over the data, column widths that fit their longest
value (capped), amounts written as numbers with a euro format and dates as dates. xlsxwriter is imported only
when a workbook is written.

A workbook is written column by column (:func:`write_xlsx_columns`; :func:`write_xlsx` turns rows into columns
first): xlsxwriter writes the workbook's frame (styles, header row, widths, frozen pane, filter), then the data
rows are streamed into each sheet's XML in the cell format xlsxwriter's constant-memory mode writes (inline
strings), each column's cells built in one pass and each distinct string or date converted once.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import zip_longest
from math import isinf, isnan
from pathlib import Path

EURO_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "DD/MM/YYYY"
MAX_WIDTH = 60
#: Excel's longest text in a cell (UTF-16 units); longer texts are cut, as xlsxwriter does.
MAX_TEXT = 32767
ROWS_PER_WRITE = 4096


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
    """An XLSX workbook with one sheet per ``name → (header, rows)``, in order (a text is always written as
    text, never a formula); see :func:`write_xlsx_columns`."""
    return write_xlsx_columns(path, {name: (header, _columns(header, rows)) for name, (header, rows) in sheets.items()})


def _columns(header: list[str], rows: list[list]) -> list[Sequence]:
    if not rows:
        return [() for _ in header]
    return [list(column) for column in zip_longest(*rows)]


_CONTROL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_XML = re.compile("[&<>]")
#: What a text must not hold to be written as it is: escapes, XML characters, non-characters; or too long.
_SPECIAL = re.compile("[\x00-\x08\x0b-\x1f_&<>\ufffe\uffff]|^.{%d}" % (MAX_TEXT // 2 + 1), re.DOTALL)


def _text_body(text: str) -> str:
    """What follows ``<is>`` for a text cell (xlsxwriter's escapes: control characters as ``_xHHHH_``, XML
    characters, whitespace kept at either end)."""
    if not _SPECIAL.search(text) and not (text[:1].isspace() or text[-1:].isspace()):
        return f' t="inlineStr"><is><t>{text}</t></is></c>'
    if len(text) > MAX_TEXT // 2 and len(text.encode("utf-16-le", "surrogatepass")) // 2 > MAX_TEXT:
        text = text.encode("utf-16-le", "surrogatepass")[:2 * MAX_TEXT].decode("utf-16-le", "ignore")
    text = _CONTROL_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    if _XML.search(text):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    preserve = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f' t="inlineStr"><is><t{preserve}>{text}</t></is></c>'


def _number(value) -> str:
    number = float(value) if value.__class__ is Fraction or isinstance(value, Decimal) else value
    if isnan(number) or isinf(number):
        raise TypeError("NAN/INF not supported in write_number() without 'nan_inf_to_errors' Workbook() option")
    return f"{number:.16G}"


class _Column:
    """The cells of one column: ``cells`` (one XML text per data row, empty for no cell), ``width`` (its
    longest value) and the first and last data rows (0-based) holding a cell (``None`` without any)."""

    def __init__(self, letter: str, values: Sequence, count: int, styles: dict[str, int]):
        from xlsxwriter.utility import _datetime_to_excel_datetime

        self.width = 0
        euro, day = styles["euro"], styles["date"]

        def body(value) -> str:
            """The cell after its reference, '' for no cell."""
            if value.__class__ is bool:
                text = f' t="b"><v>{1 if value else 0}</v></c>'
            elif isinstance(value, Decimal):
                text = f' s="{euro}"><v>{_number(value)}</v></c>'
            elif isinstance(value, date):
                text = f' s="{day}"><v>{_datetime_to_excel_datetime(value, False, False):.16G}</v></c>'
            elif isinstance(value, str):
                text = _text_body(value) if value != "" else ""
            elif isinstance(value, (int, float, Fraction)):
                text = f"><v>{_number(value)}</v></c>"
            else:
                try:
                    text = f"><v>{_number(float(value))}</v></c>"
                except TypeError:
                    raise TypeError(f"Unsupported type {type(value)} in write()") from None
            self.width = max(self.width, _width(value))
            return text

        values = list(values) + [None] * (count - len(values))
        # Each distinct value converted once, cached by value when the column holds one class (else by class
        # and value: 1, 1.0 and True are equal).
        classes = set(map(type, values))
        classes.discard(type(None))
        bodies: dict = {None: ""}
        if len(classes) == 1:
            for value in set(values):
                if value not in bodies:
                    bodies[value] = body(value)
            texts = list(map(bodies.__getitem__, values))
        else:
            texts = []
            for value in values:
                if value is None:
                    texts.append("")
                    continue
                key = (value.__class__, value)
                text = bodies.get(key)
                if text is None:
                    text = bodies[key] = body(value)
                texts.append(text)
        self.cells = [f'<c r="{letter}{n}"{text}' if text else "" for n, text in zip(range(2, count + 2), texts)]
        filled = [i for i, text in enumerate(texts) if text]
        self.first, self.last = (filled[0], filled[-1]) if filled else (None, None)


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _dimension(header: list, built: list[_Column]) -> str:
    """The sheet's ``<dimension>`` as xlsxwriter writes it: the range of the cells written (header included)."""
    rows, columns = [], []
    for i, value in enumerate(header):
        if value is not None and value != "":
            rows.append(0)
            columns.append(i)
    for i, column in enumerate(built):
        if column.first is not None:
            rows += [column.first + 1, column.last + 1]
            columns.append(i)
    if not rows:
        return "A1"
    first, last = f"{_letter(min(columns))}{min(rows) + 1}", f"{_letter(max(columns))}{max(rows) + 1}"
    return first if first == last else f"{first}:{last}"


def write_xlsx_columns(path: str | Path, sheets: dict[str, tuple[list[str], list[Sequence]]]) -> Path:
    """An XLSX workbook with one sheet per ``name → (header, columns)``, in order, each column the values under
    one header cell from the first data row down (``None``: no cell): the workbook :func:`write_xlsx` writes
    of the same rows, in time linear in the cells with little work per cell."""
    import xlsxwriter

    path = Path(path)
    frame = io.BytesIO()
    book = xlsxwriter.Workbook(frame, {"constant_memory": True, "strings_to_formulas": False,
                                       "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    euro, day = book.add_format({"num_format": EURO_FORMAT}), book.add_format({"num_format": DATE_FORMAT})
    bold._get_xf_index()  # the styles registered in a fixed order, whichever the cells use
    styles = {"euro": euro._get_xf_index(), "date": day._get_xf_index()}
    data: dict[str, tuple[str, int, list[list[str]]]] = {}
    for number, (name, (header, columns)) in enumerate(sheets.items(), start=1):
        sheet = book.add_worksheet(name[:31])
        count = max((len(c) for c in columns), default=0)
        built = [_Column(_letter(i), values, count, styles) for i, values in enumerate(columns)]
        widths = [len(str(h)) for h in header]
        for i, column in enumerate(built[:len(header)]):
            widths[i] = max(widths[i], column.width)
        for i, width in enumerate(widths):
            sheet.set_column(i, i, min(width + 2, MAX_WIDTH))
        sheet.freeze_panes(1, 0)
        if header:
            sheet.autofilter(0, 0, max(count, 1), len(header) - 1)
        sheet.write_row(0, 0, header, bold)
        data[f"xl/worksheets/sheet{number}.xml"] = (_dimension(header, built), count, [c.cells for c in built])
    book.close()
    with zipfile.ZipFile(frame) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in source.infolist():
            content = source.read(info)
            if info.filename in data:
                _write_sheet(out, info, content.decode(), *data[info.filename])
            else:
                out.writestr(info, content)
    return path


def _write_sheet(out: zipfile.ZipFile, info: zipfile.ZipInfo, frame: str, dimension: str, count: int,
                 cells: list[list[str]]) -> None:
    """The sheet's XML: the frame's, with the dimension of every cell and the data rows streamed in."""
    rows = [f'<row r="{n}">{text}</row>' for n, text in zip(range(2, count + 2), map("".join, zip(*cells)))
            if text] if cells else []
    if rows:
        frame = frame.replace("<sheetData/>", "<sheetData></sheetData>")
    head, tail = frame.split("</sheetData>", 1) if rows else (frame, "")
    head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>', head, count=1)
    target = zipfile.ZipInfo(info.filename, info.date_time)
    target.compress_type, target.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
    with out.open(target, "w") as stream:
        stream.write(head.encode())
        for start in range(0, len(rows), ROWS_PER_WRITE):
            stream.write("".join(rows[start:start + ROWS_PER_WRITE]).encode())
        stream.write(("</sheetData>" + tail if rows else "").encode())
