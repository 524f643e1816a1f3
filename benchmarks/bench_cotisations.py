"""Time the contribution account on DuckDB: a generated company's mensuelles ingested month by month (rules
off: the store's cost only, with the account recomputed in each ingest), then the whole commands a user runs.

    .venv/bin/python benchmarks/bench_cotisations.py [--employees 10000] [--months 24]

Measured: the ingest of the last month without the products, then the account's incremental recompute for that
month's declaration (``recompute(…, declarations=…)``, what each ingest adds; target ≤ 10 % of the ingest) and the
nightly full recompute of the intact store (0 rows); ``dsn cotisations account --format json`` of the SIREN over
every month (target ≤ 200 ms) and ``dsn cotisations statement --format xlsx`` over every month (≤ 2 s), each as a
child process, best of three, next to the same command for a SIREN the store does not hold (interpreter start,
imports and store opening: the floor of any command), then the same two as ``main(argv)`` in this process (the
command without the interpreter start and imports) and as functions on an open connection (what the API spends).
Prints a markdown table.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from dsn_parser.generator.company import make_company
from dsn_parser.generator.fpoc_xml import fpoc_xml
from dsn_parser.generator.monthly import stream_monthly
from dsn_parser.generator.values import add_months
from dsn_parser.memory import tune_memory

DSN = str(Path(sys.executable).with_name("dsn"))
UNKNOWN_SIREN = "000000000"


def best(argv: list[str], runs: int = 3) -> float:
    """The best wall time of ``dsn argv`` over ``runs`` child processes (each must exit 0)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([DSN, *argv], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def in_process(call, runs: int = 3) -> float:
    """The best wall time of ``call()`` over ``runs`` calls (what the API spends on it)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--store", type=Path, metavar="FILE.duckdb",
                        help="keep the store in this file (built there when absent; reused, not rebuilt, when present)")
    args = parser.parse_args(argv)
    tune_memory()

    import sqlalchemy as sa

    import pipeline.products as products
    from pipeline.ingest import ingest_path, store_engine
    from pipeline.products import cotisations
    from pipeline.products.cotisations_ledger import statement, write_statement
    from pipeline.referentials import store_referential
    from pipeline.store.schema import declarations
    from rules import REGISTRY

    REGISTRY.clear()
    products.available_products = lambda: ["cotisations"]
    first = date(2025, 1, 1)
    company = make_company(args.seed, args.employees, args.months, first)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        store = args.store or root / "store.duckdb"
        reused = store.exists()
        url = f"duckdb:///{store}"
        engine = store_engine(url)
        built = time.perf_counter()
        if reused:
            ingest = built = float("nan")
        else:
            (root / "fpoc.xml").write_bytes(fpoc_xml(company))
            with engine.begin() as conn:
                store_referential(conn, root / "fpoc.xml")
            for i in range(args.months):
                month = add_months(first, i)
                path = root / f"mensuelle_{month:%Y%m}.dsn"
                stream_monthly(company, month, path)
                if i == args.months - 1:
                    products.available_products = lambda: []
                    start = time.perf_counter()
                result = ingest_path(path, url, source="benchmark", archive_root=root / "archive")
                assert result.status == "loaded", result
                path.unlink()
            ingest = time.perf_counter() - start
            built = time.perf_counter() - built
        products.available_products = lambda: ["cotisations"]
        d = declarations.c
        with engine.begin() as conn:
            ids = list(conn.execute(sa.select(d.id).where(d.month == add_months(first, args.months - 1))).scalars())
            start = time.perf_counter()
            written = cotisations.recompute(conn, [company.siren], date.today(), declarations=ids)
            incremental = time.perf_counter() - start
        with engine.begin() as conn:
            start = time.perf_counter()
            repaired = cotisations.recompute(conn, [company.siren], date.today())
            nightly = time.perf_counter() - start
        last = add_months(first, args.months - 1)
        with engine.connect() as conn:
            periods = sum(len(a.periods) for a in cotisations.account(conn, company.siren))
            query = in_process(lambda: cotisations.account(conn, company.siren, start=first, end=last))
            written_xlsx = in_process(lambda: write_statement(statement(conn, company.siren, start=first, end=last),
                                                              root / "api.xlsx", "xlsx"))
        engine.dispose()
        common = ["--db", url, "--from", f"{first:%Y-%m}", "--to", f"{last:%Y-%m}"]
        floor = best(["cotisations", "account", "--siren", UNKNOWN_SIREN, *common, "--format", "json"])
        account = best(["cotisations", "account", "--siren", company.siren, *common, "--format", "json"])
        account_argv = ["cotisations", "account", "--siren", company.siren, *common, "--format", "json"]
        xlsx_argv = ["cotisations", "statement", "--siren", company.siren, *common, "--format", "xlsx",
                     "--output", str(root / "situation.xlsx")]
        account, xlsx = best(account_argv), best(xlsx_argv)
        from pipeline.cli import main as dsn

        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            account_main, xlsx_main = in_process(lambda: dsn(account_argv)), in_process(lambda: dsn(xlsx_argv))
    share = incremental / (ingest + incremental)
    print(f"| {args.employees:,} employees × {args.months} months (DuckDB) | value | target |\n|---|---|---|")
    print(f"| store built (generation + {args.months} ingests, rules off) | {built:.0f} s | — |")
    print(f"| ingest of the last month, products off | {ingest:.2f} s | — |")
    print(f"| incremental recompute of that month ({written} rows written) | {incremental * 1000:.0f} ms "
          f"({share:.1%} of ingest + recompute) | ≤ 10 % |")
    print(f"| nightly full recompute of the intact store ({repaired} rows repaired) | {nightly * 1000:.0f} ms | — |")
    print(f"| `dsn cotisations account --format json` ({periods} periods) | {account * 1000:.0f} ms "
          f"(unknown SIREN: {floor * 1000:.0f} ms) | ≤ 200 ms |")
    print(f"| same, `main(argv)` in a process that has imported the CLI | {account_main * 1000:.0f} ms | |")
    print(f"| `account(siren, from, to)` on an open connection | {query * 1000:.0f} ms | |")
    print(f"| `dsn cotisations statement --format xlsx` | {xlsx:.2f} s | ≤ 2 s |")
    print(f"| same, `main(argv)` in a process that has imported the CLI | {xlsx_main:.2f} s | |")
    print(f"| `statement(…)` + `write_statement(…, \"xlsx\")` on an open connection | {written_xlsx:.2f} s | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
