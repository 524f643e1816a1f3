"""``dsn parse FILE… [--to DIR --tables parquet|csv] [--format text|json]``: read files, write tables."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from dsn_parser import UnreadableFileError, read_dsn
from dsn_parser.tables import table_name

EXIT_READ, EXIT_UNREADABLE = 0, 2


def register(sub) -> None:
    p = sub.add_parser("parse", help="lire des fichiers DSN et écrire leurs tables")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--to", type=Path, help="dossier où écrire une table par bloc")
    p.add_argument("--tables", choices=("parquet", "csv"), default="parquet")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--norm", help="forcer une version de norme (ex. P25V01)")
    p.set_defaults(handler=run)


def write_tables(parsed, directory: Path, kind: str) -> list[Path]:
    """Write every block table of ``parsed`` into ``directory`` as parquet or CSV files."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for block, frame in parsed.tables().items():
        path = directory / f"{table_name(block)}.{kind}"
        if kind == "parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False)
        written.append(path)
    return written


def format_text(summary: dict) -> str:
    """The human summary of one parsed file."""
    lines = [f"{summary['path']}: norme {summary['norm']} (déclarée {summary['declared_norm']}), "
             f"{summary['encoding']}, {summary['rubriques']} rubriques, "
             f"{summary['syntax_anomalies']} anomalie(s) de syntaxe"]
    lines += [f"  avertissement : {w}" for w in summary["warnings"]]
    for d in summary["declarations"]:
        lines.append(f"  déclaration nature {d['nature']} type {d['type']} SIREN {d['siren']} "
                     f"mois {d['month'] or '-'} : {d['individus']} individu(s)")
    return "\n".join(lines)


def run(args) -> int:
    summaries, status = [], EXIT_READ
    for path in args.files:
        try:
            parsed = read_dsn(path, norm=args.norm)
        except UnreadableFileError as err:
            status = EXIT_UNREADABLE
            summaries.append({"path": str(path), "error": err.reason})
            print(f"{path}: illisible : {err.reason}", file=sys.stderr)
            continue
        summary = parsed.summary()
        if args.to:
            target = args.to / path.stem if len(args.files) > 1 else args.to
            summary["tables"] = [str(p) for p in write_tables(parsed, target, args.tables)]
        summaries.append(summary)
        if args.format == "text":
            print(format_text(summary))
    if args.format == "json":
        print(json.dumps(summaries, ensure_ascii=False, indent=2))
    return status
