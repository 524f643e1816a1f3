"""Time the affiliation register on a generated company of 10,000 employees over 24 months (DuckDB).

    .venv/bin/python benchmarks/bench_affiliations.py [--employees 10000] [--months 24] [--store PATH]

The company's FPOC sheet is stored, then the mensuelles are ingested one by one with the validation rules off
(the store's cost only), each ingest recomputing the products in its transaction. Then, on the full store: the
register's share of the last ingest (its incremental recompute, with the ingest's declarations; rolled back),
the nightly full recompute of an intact store (rolled back), the register as of a date, the movements of a month
and the XLSX export (``dsn affiliations export``, a new process), each the best of three runs (the full
recompute and the export: one), wall and CPU time with the load average. ``--store`` keeps the store (an
existing one is reused: no ingest, no ingest time).
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from dsn_parser.generator.company import make_company
from dsn_parser.generator.fpoc_xml import fpoc_xml
from dsn_parser.generator.monthly import stream_monthly
from dsn_parser.memory import tune_memory


def best(call, runs: int = 3) -> tuple[float, float]:
    """(wall, CPU) seconds of the fastest of ``runs`` calls (CPU: this process's, ``time.process_time``)."""
    times = []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        call()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return min(times)


def _command(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of ``dsn ARGV`` run as a new process (imports included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sys; from pipeline.cli import main; sys.exit(main(sys.argv[1:]))",
                    *argv], check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (time.perf_counter() - start,
            after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)


def _load() -> str:
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def _ingest(company, months: list[date], root: Path, url: str) -> list[tuple[float, float]]:
    from pipeline.ingest import ingest_path, store_engine
    from pipeline.referentials import store_referential

    engine = store_engine(url)
    sheet = root / "fpoc.xml"
    sheet.write_bytes(fpoc_xml(company))
    with engine.begin() as conn:
        store_referential(conn, sheet)
    times = []
    for month in months:
        path = root / f"m_{month:%Y%m}.dsn"
        stream_monthly(company, month, path)
        start, cpu = time.perf_counter(), time.process_time()
        result = ingest_path(path, url, source="benchmark", archive_root=root / "archive")
        times.append((time.perf_counter() - start, time.process_time() - cpu))
        assert result.status == "loaded", result
        path.unlink()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--store", type=Path, help="keep (or reuse) the DuckDB store at this path")
    args = parser.parse_args(argv)
    tune_memory()
    import sqlalchemy as sa

    from pipeline.ingest import store_engine
    from pipeline.products import affiliations
    from pipeline.store.schema import declarations
    from rules import REGISTRY

    REGISTRY.clear()
    first = date(2024, 1, 1)
    company = make_company(18, args.employees, args.months, first)
    months = [date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
              for i in range(args.months)]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        store = args.store or root / "store.duckdb"
        url = f"duckdb:///{store}"
        ingests = [] if store.exists() else _ingest(company, months, root, url)
        ingest_load = _load()
        engine = store_engine(url)
        siren = company.siren
        as_of, month = date(months[-1].year, months[-1].month, 15), months[-1]
        with engine.connect() as conn:
            last = list(conn.execute(sa.select(declarations.c.id).where(
                declarations.c.siren == siren, declarations.c.month == month)).scalars())

        def recompute(ids):
            with engine.connect() as conn:
                transaction = conn.begin()
                affiliations.recompute(conn, [siren], as_of, declarations=ids)
                transaction.rollback()

        loads = {}
        with engine.connect() as conn:
            records = affiliations.register(conn, siren, as_of)
            loads["register"], register = _load(), best(lambda: affiliations.register(conn, siren, as_of))
            found = affiliations.movements(conn, siren, month)
            loads["movements"], movements = _load(), best(lambda: affiliations.movements(conn, siren, month))
        loads["incremental"], incremental = _load(), best(lambda: recompute(last))
        loads["full"], full = _load(), best(lambda: recompute(None), runs=1)
        engine.dispose()
        out = root / "affiliations.xlsx"
        loads["export"], export = _load(), _command(["affiliations", "export", "--siren", siren, "--as-of",
                                                    as_of.isoformat(), "--db", url, "--output", str(out)])
    def row(label, figure, unit="s"):
        (wall, cpu), scale, digits = figure, 1000 if unit == "ms" else 1, 0 if unit == "ms" else 2
        print(f"| {label} | {wall * scale:.{digits}f} {unit} | {cpu * scale:.{digits}f} {unit} | {loads[label]} |")

    print(f"| {args.employees:,} employees × {args.months} months | wall | CPU | load |\n|---|---|---|---|")
    print(f"| register rows as of {as_of} / movements of {month:%Y-%m} | {len(records):,} / {len(found):,} | | |")
    if ingests:
        loads["ingest"] = ingest_load
        row("ingest", ingests[-1])
        print(f"| incremental recompute's share of the last ingest | {incremental[0] / ingests[-1][0]:.0%} | "
              f"{incremental[1] / ingests[-1][1]:.0%} | |")
    row("incremental", incremental)
    row("full", full)
    row("register", register, "ms")
    row("movements", movements, "ms")
    row("export", export)
    print("(ingest: the last month's, rules off, products included; incremental: the register's recompute of "
          "the last month's declarations, rolled back; full: of an intact store (nightly), rolled back; export: "
          "the whole `dsn affiliations export` command in a new process; load: the 1-minute load average)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
