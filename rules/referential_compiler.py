"""Compile the organism referentials of DSN-Val into ``rules/data/organisms.json`` (our compact format).

Source: the ``NEODESP21-<TABLE>-P21V01.csv`` tables shipped with the DSN-Val 2021 norm plugin
(``../shared/norm/dsnval-P21V01/referentiels/``): ``;``-separated, UTF-8, a header whose extra cell is the
publication date, validity dates ``JJ/MM/AAAA``. The shipped JSON is therefore a 2021 snapshot; an operator
refreshes it by running ``python -m rules.referential_compiler DIR`` on newer tables of the same layout.

Output: ``{"source", "tables": {TABLE: {"published", "codes": {code: [start, end]}}}}`` with ISO dates or null;
a table with a ``trigramme`` column (the payee tables IVO, IVO2) also has ``"families": {code: trigram}``, the
organism family of each payee (URS Urssaf, AAR Agirc-Arrco, CTI institution de prévoyance …).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
OUTPUT = DATA_DIR / "organisms.json"
TABLES = ("PREV", "MUT", "ASSU", "OCI", "DLGPREV", "DLGMUT", "DLGASSU", "DLGOCI", "IVO", "IVO2")
_PAIR = re.compile(r'\[\s*("[^"]*"|null),\s*("[^"]*"|null)\s*\]')
_DATE = re.compile(r"^(\d\d)/(\d\d)/(\d{4})$")


def _iso(text: str) -> str | None:
    match = _DATE.match(text.strip())
    return f"{match[3]}-{match[2]}-{match[1]}" if match else None


def read_table(path: Path) -> dict:
    """One referential CSV → its publication date and code → [validity start, validity end]."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    header = [cell.strip() for cell in lines[0].split(";")]
    published = next((_iso(cell) for cell in header if _iso(cell)), None)
    start = header.index("date de début de validité") if "date de début de validité" in header else None
    end = header.index("date de fin de validité") if "date de fin de validité" in header else None
    family = header.index("trigramme") if "trigramme" in header else None
    codes, families = {}, {}
    for line in lines[1:]:
        cells = line.split(";")
        code = cells[0].strip()
        if not code:
            continue
        codes[code] = [_iso(cells[start]) if start is not None and start < len(cells) else None,
                       _iso(cells[end]) if end is not None and end < len(cells) else None]
        if family is not None and family < len(cells) and cells[family].strip():
            families[code] = cells[family].strip()
    table = {"published": published, "codes": dict(sorted(codes.items()))}
    if families:
        table["families"] = dict(sorted(families.items()))
    return table


def compile_referentials(directory: Path) -> dict:
    """Every OC-relevant table of ``directory`` (files ``*-<TABLE>-*.csv``)."""
    tables = {}
    for name in TABLES:
        found = sorted(directory.glob(f"*-{name}-*.csv"))
        if not found:
            raise FileNotFoundError(f"{directory}: table {name} absente")
        tables[name] = read_table(found[0])
    return {"source": f"{directory.parent.name}/{directory.name}", "tables": tables}


def dumps(data: dict) -> str:
    """JSON with one code per line (readable diffs when the tables are refreshed)."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return _PAIR.sub(lambda m: f"[{m[1]}, {m[2]}]", text) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m rules.referential_compiler [DIR]``: regenerate ``rules/data/organisms.json``."""
    args = sys.argv[1:] if argv is None else argv
    default = Path(__file__).resolve().parents[2] / "shared" / "norm" / "dsnval-P21V01" / "referentiels"
    directory = Path(args[0]) if args else default
    DATA_DIR.mkdir(exist_ok=True)
    OUTPUT.write_text(dumps(compile_referentials(directory)), encoding="utf-8")
    print(OUTPUT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
