"""``dsn norm import WORKBOOK.xlsx [--to DIR]``: compile a yearly official workbook into a catalog.

Exit status: 0 compiled, 2 the workbook or the reference data cannot be read.
"""
from __future__ import annotations

from pathlib import Path

from .usage import EXIT_OK, EXIT_UNUSABLE

DEFAULT_NORM_DIR = Path(__file__).resolve().parents[3] / "shared" / "norm"


def register(sub) -> None:
    p = sub.add_parser("norm", help="catalogues de la norme", description="Catalogues de la norme DSN.")
    norm_sub = p.add_subparsers(title="actions", dest="norm_command", metavar="ACTION", required=True)
    imp = norm_sub.add_parser("import", help="compiler un classeur officiel dsn-datatypes-CTyyyy.xlsx",
                              description="Compiler un classeur officiel dsn-datatypes-CTyyyy.xlsx en catalogue.")
    imp.add_argument("workbook", type=Path, metavar="CLASSEUR", help="classeur officiel dsn-datatypes-CTyyyy.xlsx")
    imp.add_argument("--to", type=Path, metavar="DOSSIER",
                     help="dossier des catalogues (défaut : les catalogues livrés, dsn_parser/catalogs)")
    imp.add_argument("--norm-dir", type=Path, default=DEFAULT_NORM_DIR, metavar="DOSSIER",
                     help="données de référence (enveloppe de lot, usages DSN-Val ; défaut ../shared/norm)")
    imp.set_defaults(handler=run_import)


def run_import(args) -> int:
    from dsn_parser.norm_compiler import CATALOG_DIR, build_from_workbook, write_catalog
    from dsn_parser.sniff import os_reason

    try:
        catalog = build_from_workbook(args.workbook, args.norm_dir)
    except (OSError, ValueError, KeyError) as err:
        reason = f"{os_reason(err)} ({err.filename})" if isinstance(err, OSError) and err.filename else err
        print(f"{args.workbook}: import impossible : {reason}")
        return EXIT_UNUSABLE
    path = write_catalog(catalog, args.to or CATALOG_DIR)
    print(f"{args.workbook}: norme {catalog['version']} → {path} ({len(catalog['blocks'])} blocs, "
          f"{len(catalog['rubriques'])} rubriques, {len(catalog['controls'])} contrôles)")
    return EXIT_OK
