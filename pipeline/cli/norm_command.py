"""``dsn norm import WORKBOOK.xlsx [--to DIR]``: compile a yearly official workbook into a catalog."""
from __future__ import annotations

from pathlib import Path

from dsn_parser.norm_compiler import CATALOG_DIR, build_from_workbook, write_catalog

DEFAULT_NORM_DIR = Path(__file__).resolve().parents[3] / "shared" / "norm"


def register(sub) -> None:
    p = sub.add_parser("norm", help="catalogues de la norme")
    norm_sub = p.add_subparsers(dest="norm_command", required=True)
    imp = norm_sub.add_parser("import", help="compiler un classeur officiel dsn-datatypes-CTyyyy.xlsx")
    imp.add_argument("workbook", type=Path)
    imp.add_argument("--to", type=Path, default=CATALOG_DIR, help="dossier des catalogues")
    imp.add_argument("--norm-dir", type=Path, default=DEFAULT_NORM_DIR,
                     help="données de référence (enveloppe de lot, usages DSN-Val)")
    imp.set_defaults(handler=run_import)


def run_import(args) -> int:
    try:
        catalog = build_from_workbook(args.workbook, args.norm_dir)
    except (OSError, ValueError, KeyError) as err:
        print(f"{args.workbook}: import impossible : {err}")
        return 2
    path = write_catalog(catalog, args.to)
    print(f"{args.workbook}: norme {catalog['version']} → {path} ({len(catalog['blocks'])} blocs, "
          f"{len(catalog['rubriques'])} rubriques, {len(catalog['controls'])} contrôles)")
    return 0
