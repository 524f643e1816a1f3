"""Time the arrêts product on a generated company of 10,000 employees over 24 months (DuckDB).

    .venv/bin/python benchmarks/bench_arrets.py [--employees 10000] [--months 24]

The mensuelles are ingested one by one with the validation rules off and only this product recomputed in each
ingest transaction. Then, on the full store: the recomputation of the company's arrêts and checks alone (rolled
back; what the product adds to each ingest) against the ingest of the last month, ``list_arrets(siren)``,
``get_arret`` of one arrêt with its 12-month salary history, and ``dsn arrets export`` (XLSX), each the best of
three runs.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from dsn_parser.generator.company import make_company
from dsn_parser.generator.monthly import stream_monthly
from dsn_parser.memory import tune_memory


def best(call, runs: int = 3) -> float:
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
    args = parser.parse_args(argv)
    tune_memory()
    import pipeline.products as products
    from pipeline.cli import main as dsn
    from pipeline.ingest import ingest_path, store_engine
    from pipeline.products import arrets
    from rules import REGISTRY

    REGISTRY.clear()
    products.available_products = lambda: ["arrets"]
    first = date(2024, 1, 1)
    company = make_company(18, args.employees, args.months, first)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        url = f"duckdb:///{root / 'store.duckdb'}"
        engine = store_engine(url)
        months = [date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
                  for i in range(args.months)]
        ingests = []
        for month in months:
            path = root / f"m_{month:%Y%m}.dsn"
            stream_monthly(company, month, path)
            start = time.perf_counter()
            result = ingest_path(path, url, source="benchmark", archive_root=root / "archive")
            ingests.append(time.perf_counter() - start)
            assert result.status == "loaded", result
            path.unlink()
        siren, as_of = company.siren, date(months[-1].year, months[-1].month, 28)

        def recompute():
            with engine.connect() as conn:
                transaction = conn.begin()
                conn.exec_driver_sql("DELETE FROM arrets")
                conn.exec_driver_sql("DELETE FROM arret_anomalies")
                arrets.recompute(conn, [siren], as_of)
                transaction.rollback()

        with engine.connect() as conn:
            listed = arrets.list_arrets(conn, siren=siren)
            latest = max(listed, key=lambda r: r.start)
            listing = best(lambda: arrets.list_arrets(conn, siren=siren))
            show = best(lambda: arrets.get_arret(conn, latest.arret_id))
        derive = best(recompute)
        engine.dispose()
        out = root / "arrets.xlsx"
        export = best(lambda: dsn(["arrets", "export", "--siren", siren, "--db", url, "--output", str(out)]), 1)
    print(f"| {args.employees:,} employees × {args.months} months | value |\n|---|---|")
    print(f"| arrêts stored | {len(listed):,} |")
    print(f"| ingest of the last month (rules off, arrêts included) | {ingests[-1]:.2f} s |")
    print(f"| arrêts + checks recomputed from scratch (whole company) | {derive:.2f} s "
          f"({derive / ingests[-1]:.0%} of that ingest) |")
    print(f"| `list_arrets(siren)` | {listing * 1000:.0f} ms |")
    print(f"| `get_arret(id)` with its 12 salary lines | {show * 1000:.0f} ms |")
    print(f"| `dsn arrets export` (XLSX, arrêts and salary lines) | {export:.2f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
