"""Compile what the official sources say of each norm version into ``rules/data/norm_texts.json``.

Sources (``../shared/norm/``), one per version whose text is published:

* ``ct2019-csv/`` — the 2019 cahier technique (P19V01): blocks, rubriques and control texts;
* ``dsnval-P21V01/structure-with-usage.csv`` — the norm model of DSN-Val 2021 (P21V01): blocks and rubriques;
* ``ct2024-csv/`` — the 2024 cahier technique (P24V01): blocks, rubriques and control texts;
* ``open-neodes/norm-P25V01.yaml``, ``norm-P26V01.yaml`` — blocks and rubriques of P25V01 and P26V01.

Output: ``{"sources": {version: file}, "elements": {version: [block and rubrique codes]},
"controls": {code: {"texts": [versions whose published text is this one], "refers": [codes it names]}}}``
for every control of the 2024 workbook: ``texts`` is ``["P19V01", "P24V01"]`` when the 2019 description is the
same (case, quotes, dashes and spacing folded), else ``["P24V01"]``. ``rules.versions`` reads it to decide,
per file, which rule runs, against which text, and how severely. Regenerate with
``python -m rules.norm_texts_compiler [NORM_DIR]``.
"""
from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from pathlib import Path

import yaml

from dsn_parser.norm_compiler import MALFORMED_CONTROL_NAMES

DATA_DIR = Path(__file__).parent / "data"
OUTPUT = DATA_DIR / "norm_texts.json"
ROOTS = ("S10.G00.00", "S20.G00.05", "S90.G00.90")
CODE = re.compile(r"S\d\d\.G\d\d\.\d\d(?:\.\d{3})?")


def normalised(text: str) -> str:
    """A control description compared across editions: case, quotes, dashes and spacing folded."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[«»\"“”'’`]", "", text)
    text = re.sub(r"[–—-]", "-", text)
    return re.sub(r"\s+", " ", text).strip(" .")


def _rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if next(iter(row.values()), "")]


def _workbook_elements(directory: Path, year: str) -> set[str]:
    blocks = {row["Id"] for row in _rows(directory / f"ct{year}_Blocks.csv")}
    fields = {f"{row['Block Id']}.{row['Id']}" for row in _rows(directory / f"ct{year}_Fields.csv")}
    return blocks | fields | set(ROOTS)


def _control_name(name: str) -> str:
    for wrong, right in MALFORMED_CONTROL_NAMES.items():
        name = name.replace(wrong, right)
    return name


def _workbook_controls(directory: Path, year: str) -> dict[str, str]:
    """Control code → its description, as written."""
    return {_control_name(row["Name"]): row["Description"] for row in _rows(directory / f"ct{year}_Messages.csv")}


def _dsnval_elements(path: Path) -> set[str]:
    return {row["id"] for row in _rows(path)}


def _yaml_elements(path: Path) -> set[str]:
    segments = yaml.safe_load(path.read_text(encoding="utf-8"))["segments"]
    return set(segments) | {code for segment in segments.values() for code in (segment.get("fields") or {})}


def compile_norm_texts(norm: Path) -> dict:
    """Elements and control texts of every version that ``norm`` publishes."""
    sources = {"P19V01": "ct2019-csv", "P21V01": "dsnval-P21V01/structure-with-usage.csv",
               "P24V01": "ct2024-csv", "P25V01": "open-neodes/norm-P25V01.yaml",
               "P26V01": "open-neodes/norm-P26V01.yaml"}
    elements = {
        "P19V01": _workbook_elements(norm / "ct2019-csv", "2019"),
        "P21V01": _dsnval_elements(norm / "dsnval-P21V01" / "structure-with-usage.csv"),
        "P24V01": _workbook_elements(norm / "ct2024-csv", "2024"),
        "P25V01": _yaml_elements(norm / "open-neodes" / "norm-P25V01.yaml"),
        "P26V01": _yaml_elements(norm / "open-neodes" / "norm-P26V01.yaml"),
    }
    earlier = {code: normalised(text) for code, text in _workbook_controls(norm / "ct2019-csv", "2019").items()}
    controls = {}
    for code, text in sorted(_workbook_controls(norm / "ct2024-csv", "2024").items()):
        same = earlier.get(code) == normalised(text)
        controls[code] = {"texts": ["P19V01", "P24V01"] if same else ["P24V01"],
                          "refers": sorted(set(CODE.findall(text)) | {code.split("/")[0]})}
    return {"sources": sources,
            "elements": {version: sorted(codes) for version, codes in elements.items()}, "controls": controls}


def main(argv: list[str] | None = None) -> int:
    """``python -m rules.norm_texts_compiler [NORM_DIR]``: regenerate ``rules/data/norm_texts.json``."""
    args = sys.argv[1:] if argv is None else argv
    norm = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "shared" / "norm"
    if not norm.is_dir():
        print(f"dossier de la norme introuvable : {norm}", file=sys.stderr)
        return 2
    DATA_DIR.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(compile_norm_texts(norm), ensure_ascii=False, indent=0, separators=(",", ":")) + "\n", encoding="utf-8")
    print(OUTPUT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
