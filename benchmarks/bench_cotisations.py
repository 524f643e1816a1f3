"""Time the contribution account on DuckDB: a generated company's mensuelles ingested month by month (rules
off: the store's cost only, with the account recomputed in each ingest), then the whole commands a user runs.

    .venv/bin/python benchmarks/bench_cotisations.py [--employees 10000] [--months 24] [--store FILE.duckdb]

Measured: the ingest of the last month without the products, then the account's incremental recompute for that
month's declaration (``recompute(…, declarations=…)``, what each ingest adds; target ≤ 10 % of the ingest) and the
nightly full recompute of the intact store (0 rows); ``dsn cotisations account --format json`` of the SIREN over
every month (target ≤ 200 ms) and ``dsn cotisations statement --format xlsx`` over every month (≤ 2 s), each as a
child process, best of three, next to the same command for a SIREN the store does not hold (interpreter start,
imports and store opening: the floor of any command), then the same two as ``main(argv)`` in this process (the
command without the interpreter start and imports) and as functions on an open connection, then the API route
``GET /v1/companies/{siren}/cotisations/account`` through the FastAPI app (``TestClient`` on a copy of the store:
first request, best of five with the answer cache off and on: what the portal user waits for). Wall time with CPU
time (a child's user + system, or this process's), and the load average. Prints a markdown table.
"""
from __future__ import annotations

import argparse
import contextlib
import io
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
from dsn_parser.generator.values import add_months
from dsn_parser.memory import tune_memory

DSN = str(Path(sys.executable).with_name("dsn"))
UNKNOWN_SIREN = "000000000"


def best(argv: list[str], runs: int = 3) -> tuple[float, float]:
    """(wall, CPU) of the fastest of ``runs`` child processes ``dsn argv`` (each must exit 0); CPU: the child's
    user + system time."""
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([DSN, *argv], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append((wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime))
    return min(times)


def in_process(call, runs: int = 3) -> tuple[float, float]:
    """(wall, CPU of this process) of the fastest of ``runs`` calls of ``call()`` (what the API spends on it)."""
    times = []
    for _ in range(runs):
        cpu, start = time.process_time(), time.perf_counter()
        call()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return min(times)


def api_account(store: Path, root: Path, siren: str, first: date, last: date, runs: int = 5) -> dict:
    """The account route ``GET /v1/companies/{siren}/cotisations/account`` through the FastAPI app
    (``TestClient``, bearer token of an administrator of the company) on a copy of the store: the first answer,
    the best of ``runs`` with the answer cache off (each request computes the account), and the best with it on
    (the portal's repeated views). Each: (wall, CPU of this process)."""
    import shutil

    from fastapi.testclient import TestClient

    from pipeline.api.app import create_app
    from pipeline.api.settings import Settings
    from pipeline.ingest import store_engine
    from pipeline.portal import accounts
    from pipeline.portal.tokens import issue_token

    copy = root / "api.duckdb"
    shutil.copyfile(store, copy)
    url = f"duckdb:///{copy}"
    engine = store_engine(url)
    with engine.begin() as conn:
        user = accounts.create_admin(conn, "admin.bench@exemple.fr", siren, "banc-d-essai-2026")
        token = issue_token(conn, user).access_token
    engine.dispose()
    route = f"/v1/companies/{siren}/cotisations/account?from={first:%Y-%m}&to={last:%Y-%m}"
    headers = {"Authorization": f"Bearer {token}"}
    out = {}
    for name, ttl in (("uncached", 0.0), ("cached", 60.0)):
        app = create_app(Settings(db_url=url, archive_root=root / "archive", cache_ttl=ttl))
        with TestClient(app) as client:
            def call():
                response = client.get(route, headers=headers)
                assert response.status_code == 200, response.text
                return response

            if name == "uncached":
                out["first"] = in_process(call, runs=1)
                out["periods"] = sum(len(c["periods"]) for c in call().json()["items"])
            out[name] = in_process(call, runs=runs)
        app.state.engine.dispose()
    return out


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


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
        loads = [load_average()]
        floor = best(["cotisations", "account", "--siren", UNKNOWN_SIREN, *common, "--format", "json"])
        account_argv = ["cotisations", "account", "--siren", company.siren, *common, "--format", "json"]
        xlsx_argv = ["cotisations", "statement", "--siren", company.siren, *common, "--format", "xlsx",
                     "--output", str(root / "situation.xlsx")]
        account, xlsx = best(account_argv), best(xlsx_argv)
        loads.append(load_average())
        from pipeline.cli import main as dsn

        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            account_main, xlsx_main = in_process(lambda: dsn(account_argv)), in_process(lambda: dsn(xlsx_argv))
        api = api_account(Path(store), root, company.siren, first, last)
        loads.append(load_average())
    share = incremental / (ingest + incremental)

    def ms(pair: tuple[float, float]) -> str:
        return f"{pair[0] * 1000:.0f} ms (CPU {pair[1] * 1000:.0f} ms)"

    def s(pair: tuple[float, float]) -> str:
        return f"{pair[0]:.2f} s (CPU {pair[1]:.2f} s)"

    print(f"load average (1, 5, 15 min) before the commands, after them, after the API: {' / '.join(loads)}\n")
    print(f"| {args.employees:,} employees × {args.months} months (DuckDB) | value | target |\n|---|---|---|")
    print(f"| store built (generation + {args.months} ingests, rules off) | {built:.0f} s | — |")
    print(f"| ingest of the last month, products off | {ingest:.2f} s | — |")
    print(f"| incremental recompute of that month ({written} rows written) | {incremental * 1000:.0f} ms "
          f"({share:.1%} of ingest + recompute) | ≤ 10 % |")
    print(f"| nightly full recompute of the intact store ({repaired} rows repaired) | {nightly * 1000:.0f} ms | — |")
    print(f"| `dsn cotisations account --format json` ({periods} periods), whole command | {ms(account)} "
          f"(unknown SIREN: {ms(floor)}) | ≤ 200 ms |")
    print(f"| same, `main(argv)` in a process that has imported the CLI | {ms(account_main)} | |")
    print(f"| `account(siren, from, to)` on an open connection | {ms(query)} | |")
    print(f"| API `GET …/cotisations/account?from&to` ({api['periods']} periods), first request | {ms(api['first'])} "
          f"| |")
    print(f"| same, best of 5, answer cache off | {ms(api['uncached'])} | ≤ 200 ms |")
    print(f"| same, best of 5, answer cache on | {ms(api['cached'])} | |")
    print(f"| `dsn cotisations statement --format xlsx`, whole command | {s(xlsx)} | ≤ 2 s |")
    print(f"| same, `main(argv)` in a process that has imported the CLI | {s(xlsx_main)} | |")
    print(f"| `statement(…)` + `write_statement(…, \"xlsx\")` on an open connection | {s(written_xlsx)} | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
