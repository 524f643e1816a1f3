"""Time the ingestion of a large generated mensuelle into DuckDB and PostgreSQL; print a markdown table.

    .venv/bin/python benchmarks/bench_ingest.py [--employees 100000] [--pg postgresql://postgres@127.0.0.1/test]

Each engine is measured in a fresh child process (so peak RSS is its own), on a fresh store: an empty
DuckDB file, and a PostgreSQL database created for the run and dropped afterwards. Wall time covers the
whole ``ingest_path``: archive, parse, validate, load, commit.
"""
from __future__ import annotations

import argparse
import json
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import psycopg

from dsn_parser.generator.company import make_company
from dsn_parser.generator.monthly import stream_monthly

CHILD = """
import json, resource, sys, time
from dsn_parser.memory import tune_memory
from pipeline.ingest import ingest_path, store_engine
from rules import REGISTRY
tune_memory()  # as the dsn commands do
url, path, archive, with_rules = sys.argv[1:5]
if with_rules == "no":
    REGISTRY.clear()  # parse + syntax + load only: the cost of the store without the validation rules
store_engine(url)
start = time.perf_counter()
result = ingest_path(path, url, source="benchmark", archive_root=archive)
wall = time.perf_counter() - start
print(json.dumps({"status": result.status, "wall": wall,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(url: str, path: Path, archive: Path, with_rules: bool) -> dict:
    """Ingest ``path`` into ``url`` in a child process; its status, wall time and peak RSS."""
    out = subprocess.run([sys.executable, "-c", CHILD, url, str(path), str(archive), "yes" if with_rules else "no"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="PostgreSQL server (a database is created on it for the run)")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--without-rules", action="store_true",
                        help="also time each store with the rule registry emptied (parse + load only)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        tmp = Path(tmp)
        path = tmp / f"mensuelle_{args.employees}.dsn"
        start = time.perf_counter()
        company = make_company(seed=42, employees=args.employees, months=2, start_month=date(2025, 1, 1))
        rubriques = stream_monthly(company, date(2025, 2, 1), path)
        print(f"generated {rubriques:,} rubriques ({path.stat().st_size / 1e6:.0f} MB) "
              f"in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        databases: list[str] = []
        rows = []
        try:
            for with_rules in (False, True) if args.without_rules else (True,):
                runs = {"DuckDB": f"duckdb:///{tmp / f'bench-{with_rules}.duckdb'}"}
                if not args.skip_pg:
                    databases.append(f"dsn_bench_{secrets.token_hex(4)}")
                    with psycopg.connect(args.pg, autocommit=True) as admin:
                        admin.execute(f"CREATE DATABASE {databases[-1]}")
                    runs["PostgreSQL"] = args.pg.rsplit("/", 1)[0] + f"/{databases[-1]}"
                for name, url in runs.items():
                    result = measure(url, path, tmp / f"archive-{name}-{with_rules}", with_rules)
                    label = "all rules" if with_rules else "no rules"
                    rows.append(f"| {name} | {label} | {args.employees:,} | {rubriques:,} | {result['wall']:.1f} | "
                                f"{rubriques / result['wall']:,.0f} | {result['rss_mb']:,.0f} | {result['status']} |")
                    print(rows[-1], file=sys.stderr, flush=True)
        finally:
            if databases:
                with psycopg.connect(args.pg, autocommit=True) as admin:
                    for database in databases:
                        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    print("| store | validation | employees | rubriques | wall (s) | rubriques/s | peak RSS (MB) | status |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    print("\n".join(rows))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n(generator process peak RSS {own:,.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
