"""Time the arrêts product on a generated company of 10,000 employees over 24 months (DuckDB).

    .venv/bin/python benchmarks/bench_arrets.py [--employees 10000] [--months 24] [--store DIR]

The mensuelles of every month but the last are ingested one by one with the validation rules off and only this
product recomputed (incrementally) in each ingest transaction (``--store DIR`` keeps that store and the last
month's file, and reuses them when they are there). Then the last month is ingested twice, each time into a copy
of that store: with the product and without it (what the product adds to an ingest; the product's own
recompute inside the first is timed too, the machine's load making two runs differ). On the store with every
month: the nightly recompute (full, must repair nothing), ``list_arrets(siren)`` and ``get_arret`` with its
12-month salary history (best of five), and the whole commands ``dsn arrets list``, ``dsn arrets show ID``
(best of three, output discarded) and ``dsn arrets export`` (CSV then XLSX, once each).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import shutil
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


def quiet(call):
    """``call`` with its standard output discarded."""
    def run():
        with contextlib.redirect_stdout(io.StringIO()):
            assert call() == 0
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--store", type=Path, help="folder keeping the store of the first months (reused)")
    args = parser.parse_args(argv)
    tune_memory()
    import pipeline.products as products
    from pipeline.cli import main as dsn
    from pipeline.ingest import ingest_path, store_engine
    from pipeline.products import arrets
    from pipeline.store.schema import declarations
    from rules import REGISTRY

    REGISTRY.clear()
    first = date(2024, 1, 1)
    company = make_company(18, args.employees, args.months, first)
    months = [date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
              for i in range(args.months)]
    siren, as_of = company.siren, date(months[-1].year, months[-1].month, 28)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        kept = args.store or root / "kept"
        kept.mkdir(parents=True, exist_ok=True)
        base, last = kept / f"store_{args.employees}_{args.months}.duckdb", kept / f"last_{args.employees}.dsn"
        products.available_products = lambda: ["arrets"]
        if not (base.exists() and last.exists()):
            base.unlink(missing_ok=True)
            for month in months[:-1]:
                path = root / f"m_{month:%Y%m}.dsn"
                stream_monthly(company, month, path)
                result = ingest_path(path, f"duckdb:///{base}", source="benchmark", archive_root=root / "archive")
                assert result.status == "loaded", result
                path.unlink()
            store_engine(f"duckdb:///{base}").dispose()
            stream_monthly(company, months[-1], last)

        recompute, inside = arrets.recompute, []

        def timed_recompute(*args, **kwargs):
            start = time.perf_counter()
            try:
                return recompute(*args, **kwargs)
            finally:
                inside.append(time.perf_counter() - start)

        def ingest_last(name: str, with_product: bool) -> float:
            target = root / f"{name}.duckdb"
            shutil.copyfile(base, target)
            products.available_products = lambda: ["arrets"] if with_product else []
            start = time.perf_counter()
            result = ingest_path(last, f"duckdb:///{target}", source="benchmark", archive_root=root / name)
            elapsed = time.perf_counter() - start
            assert result.status == "loaded", result
            store_engine(f"duckdb:///{target}").dispose()
            return elapsed

        without = ingest_last("without", False)
        arrets.recompute = timed_recompute
        with_product = ingest_last("with", True)
        arrets.recompute = recompute
        (in_ingest,) = inside
        products.available_products = lambda: ["arrets"]
        url = f"duckdb:///{root / 'with.duckdb'}"
        engine = store_engine(url)
        with engine.begin() as conn:
            start = time.perf_counter()
            repaired = arrets.recompute(conn, [siren], date.today())
            nightly = time.perf_counter() - start
        with engine.connect() as conn:
            ids = list(conn.execute(declarations.select().with_only_columns(declarations.c.id)
                                    .where(declarations.c.month == months[-1])).scalars())
            conn.rollback()

            def incremental():
                transaction = conn.begin()
                arrets.recompute(conn, [siren], date.today(), declarations=ids)
                transaction.rollback()

            alone = best(incremental)
            listed = arrets.list_arrets(conn, siren=siren)
            latest = max(listed, key=lambda r: r.start)
            salary_lines = sum(1 for line in arrets.get_arret(conn, latest.arret_id).salary_history
                               if not line.missing)
            listing = best(lambda: arrets.list_arrets(conn, siren=siren), 5)
            show = best(lambda: arrets.get_arret(conn, latest.arret_id), 5)
        engine.dispose()
        list_command = best(quiet(lambda: dsn(["arrets", "list", "--siren", siren, "--db", url, "--format", "json"])))
        show_command = best(quiet(lambda: dsn(["arrets", "show", latest.arret_id, "--db", url, "--format", "json"])))
        csv = best(quiet(lambda: dsn(["arrets", "export", "--siren", siren, "--db", url,
                                      "--output", str(root / "arrets.csv")])), 1)
        out = root / "arrets.xlsx"
        export = best(quiet(lambda: dsn(["arrets", "export", "--siren", siren, "--db", url, "--output", str(out)])), 1)
    print(f"| {args.employees:,} employees × {args.months} months | value |\n|---|---|")
    print(f"| arrêts stored | {len(listed):,} (shown one: {salary_lines} declared salary months) |")
    print(f"| ingest of the last month without the product (rules off) | {without:.2f} s |")
    print(f"| ingest of the last month with the product | {with_product:.2f} s "
          f"({with_product / without - 1:+.0%}), of which the product's recompute {in_ingest:.2f} s "
          f"({in_ingest / (with_product - in_ingest):.1%} of the rest of that ingest) |")
    print(f"| incremental recompute of the last month alone (rolled back) | {alone:.2f} s "
          f"({alone / without:.0%} of the ingest without it) |")
    print(f"| nightly recompute (full, whole company) | {nightly:.2f} s, {repaired} rows repaired |")
    print(f"| `list_arrets(siren)` | {listing * 1000:.0f} ms |")
    print(f"| `get_arret(id)` with its 12 salary lines | {show * 1000:.0f} ms |")
    print(f"| `dsn arrets list --siren S --format json` (whole command, in process) | {list_command * 1000:.0f} ms |")
    print(f"| `dsn arrets show ID --format json` (whole command, in process) | {show_command * 1000:.0f} ms |")
    print(f"| `dsn arrets export --siren S --output F.csv` (whole command) | {csv:.2f} s |")
    print(f"| `dsn arrets export --siren S --output F.xlsx` (whole command) | {export:.2f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
