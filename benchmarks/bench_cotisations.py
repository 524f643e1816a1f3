"""Time the contribution account on DuckDB: a generated company's mensuelles ingested month by month, then the
recomputation of the account in an ingest, the account of the SIREN over every month, and an XLSX statement.

    .venv/bin/python benchmarks/bench_cotisations.py [--employees 10000] [--months 24]

Only the contribution account is recomputed by the ingests (the other products are timed by their own
benchmarks). Prints a markdown table; targets: recompute ≤ 10 % of an ingest, account ≤ 200 ms, XLSX ≤ 2 s.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from dsn_parser.generator.company import make_company
from dsn_parser.generator.monthly import stream_monthly
from dsn_parser.generator.values import add_months
from dsn_parser.generator.fpoc_xml import fpoc_xml


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    import pipeline.products as products
    from pipeline.ingest import ingest_path, store_engine
    from pipeline.products import cotisations
    from pipeline.products.cotisations_ledger import statement, write_statement
    from pipeline.referentials import store_referential

    products.available_products = lambda: ["cotisations"]
    first = date(2025, 1, 1)
    company = make_company(args.seed, args.employees, args.months, first)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        url = f"duckdb:///{root / 'store.duckdb'}"
        engine = store_engine(url)
        (root / "fpoc.xml").write_bytes(fpoc_xml(company))
        with engine.begin() as conn:
            store_referential(conn, root / "fpoc.xml")
        ingests = []
        for i in range(args.months):
            month = add_months(first, i)
            path = root / f"mensuelle_{month:%Y%m}.dsn"
            stream_monthly(company, month, path)
            start = time.perf_counter()
            result = ingest_path(path, url, source="benchmark", archive_root=root / "archive")
            ingests.append(time.perf_counter() - start)
            assert result.status == "loaded", result
            path.unlink()
        with engine.begin() as conn:
            start = time.perf_counter()
            written = cotisations.recompute(conn, [company.siren], date.today())
            recompute = time.perf_counter() - start
        with engine.connect() as conn:
            cotisations.account(conn, company.siren)  # warm
            start = time.perf_counter()
            accounts = cotisations.account(conn, company.siren)
            account = time.perf_counter() - start
            start = time.perf_counter()
            write_statement(statement(conn, company.siren), root / "situation.xlsx", "xlsx")
            xlsx = time.perf_counter() - start
        engine.dispose()
    print(f"| employees × months | ingest of the last month | recompute (rows written) | account "
          f"({sum(len(a.periods) for a in accounts)} periods) | XLSX statement |")
    print("|---|---|---|---|---|")
    print(f"| {args.employees:,} × {args.months} | {ingests[-1]:.2f} s | {recompute * 1000:.0f} ms ({written}) "
          f"| {account * 1000:.0f} ms | {xlsx:.2f} s |")


if __name__ == "__main__":
    main()
