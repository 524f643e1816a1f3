"""Load the portal API: concurrent clients mixing product reads against ``dsn serve`` on 127.0.0.1 (DuckDB).

    .venv/bin/python benchmarks/bench_api.py [--employees 10000] [--months 24] [--store DIR] [--clients 20]
        [--duration 120] [--port 8765] [--cache-ttl 60]

The store: a generated company's mensuelles (and its FPOC sheet) ingested month by month with the validation
rules and the products off, then every product recomputed once (what the nightly does); ``--store DIR`` keeps it
and reuses it when it is there. An administrator of the company gets one bearer token per client. Then
``dsn serve`` runs as a child process (the whole command a user runs) and ``--clients`` asyncio clients (httpx)
send requests for ``--duration`` seconds, each picking the next route of a fixed mix: list routes (arrêts,
affiliation register, movements of a month, contribution account, dunning, submissions) and single records
(one arrêt with its salary history, one submission's status). Prints a markdown table: requests, errors, p50
and p95 per route and per kind, and the server's CPU time per request (a figure the machine's load inflates
less than the latencies).
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import shutil
import statistics
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

FIRST = date(2024, 1, 1)
EMAIL, PASSWORD = "admin.bench@exemple.fr", "banc-d-essai-2026"


def build_store(path: Path, employees: int, months: int) -> None:
    """The store of ``path`` (DuckDB), built when absent: the mensuelles ingested into ``<path>.ingested`` (kept,
    so that a failed product recompute is run again without ingesting again), then the products recomputed on
    a copy, renamed to ``path`` when done."""
    import pipeline.products as products
    from pipeline.ingest import ingest_path, store_engine
    from pipeline.referentials import store_referential
    from rules import REGISTRY

    if path.exists():
        return
    ingested = path.with_name(path.name + ".ingested")
    available = products.available_products
    REGISTRY.clear()
    if not ingested.exists():
        company = make_company(18, employees, months, FIRST)
        work = Path(tempfile.mkdtemp(prefix="bench-api-", dir=path.parent))
        products.available_products = lambda: []
        try:
            url = f"duckdb:///{work / 'store.duckdb'}"
            (work / "fpoc.xml").write_bytes(fpoc_xml(company))
            engine = store_engine(url)
            with engine.begin() as conn:
                store_referential(conn, work / "fpoc.xml")
            for i in range(months):
                month = add_months(FIRST, i)
                file = work / f"mensuelle_{month:%Y%m}.dsn"
                stream_monthly(company, month, file)
                start = time.perf_counter()
                result = ingest_path(file, engine, source="benchmark", archive_root=work / "archive")
                assert result.status == "loaded", result
                print(f"  {month:%Y-%m} ingéré en {time.perf_counter() - start:.1f} s", file=sys.stderr)
                file.unlink()
            engine.dispose()
            (work / "store.duckdb").rename(ingested)
        finally:
            products.available_products = available
            shutil.rmtree(work, ignore_errors=True)
    partial = path.with_name(path.name + ".partial")
    shutil.copyfile(ingested, partial)
    engine = store_engine(f"duckdb:///{partial}")
    for name in available():
        products.available_products = lambda: [name]
        start = time.perf_counter()
        try:
            with engine.begin() as conn:
                written = products.recompute_products(conn, products.all_sirens(conn), date.today())
            print(f"  {name} recalculé en {time.perf_counter() - start:.1f} s ({written.total})", file=sys.stderr)
        except Exception as err:  # a product being changed: the others are still measured
            print(f"  {name} NON recalculé : {str(err)[:200]}", file=sys.stderr)
        finally:
            products.available_products = available
    engine.dispose()
    partial.rename(path)


def prepare(url: str, clients: int) -> tuple[str, list[str], dict]:
    """The company's SIREN, ``clients`` bearer tokens of its administrator, and the ids the mix reads."""
    import sqlalchemy as sa

    from pipeline.ingest import store_engine
    from pipeline.portal import accounts
    from pipeline.store.schema import declarations, submissions
    from pipeline.store.schema_arrets import arrets
    from pipeline.store.schema_portal import portal_users
    from pipeline.portal.tokens import issue_token

    engine = store_engine(url)
    with engine.begin() as conn:
        siren = conn.execute(sa.select(declarations.c.siren).limit(1)).scalar()
        user = conn.execute(sa.select(portal_users.c.id).where(portal_users.c.email == EMAIL)).scalar()
        if user is None:
            user = accounts.create_admin(conn, EMAIL, siren, PASSWORD)
        tokens = [issue_token(conn, user).access_token for _ in range(clients)]
        ids = {"arrets": conn.execute(sa.select(arrets.c.arret_id).where(arrets.c.siren == siren)
                                      .order_by(arrets.c.arret_id)).scalars().all(),
               "submissions": conn.execute(sa.select(submissions.c.id).order_by(submissions.c.id)).scalars().all()}
    engine.dispose()
    return siren, tokens, ids


def routes(siren: str, ids: dict, last_month: date) -> list[tuple[str, str, dict]]:
    """(kind, route, parameters) of the mix; ``{arret}`` / ``{submission}`` are filled in turn."""
    as_of, month = f"{last_month:%Y-%m}-28", f"{last_month:%Y-%m}"
    c = f"/v1/companies/{siren}"
    return [("list", f"{c}/arrets", {"limit": 50}),
            ("single", "/v1/arrets/{arret}", {}),
            ("list", f"{c}/affiliations", {"as_of": as_of, "limit": 50}),
            ("single", "/v1/submissions/{submission}", {}),
            ("list", f"{c}/affiliations/movements", {"month": month, "limit": 50}),
            ("single", "/v1/arrets/{arret}", {}),
            ("list", f"{c}/cotisations/account", {"limit": 50}),
            ("list", f"{c}/cotisations/dunning", {"as_of": as_of}),
            ("single", "/v1/arrets/{arret}", {}),
            ("list", f"{c}/submissions", {"limit": 50}),
            ("single", "/v1/submissions/{submission}", {})]


async def load(base: str, tokens: list[str], mix: list, ids: dict, duration: float) -> dict:
    import httpx

    timings: dict[str, list[float]] = {}
    errors: dict[str, list[str]] = {}
    arret_ids, submission_ids = itertools.cycle(ids["arrets"]), itertools.cycle(ids["submissions"])
    stop = time.perf_counter() + duration

    async def client(n: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[n]}"}
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as http:
            for kind, route, params in itertools.islice(itertools.cycle(mix), n, None):
                if time.perf_counter() >= stop:
                    return
                path = route.format(arret=next(arret_ids), submission=next(submission_ids))
                start = time.perf_counter()
                try:
                    response = await http.get(path, params=params)
                    failed = None if response.status_code == 200 else f"{response.status_code} {response.text[:120]}"
                except httpx.HTTPError as err:
                    failed = repr(err)
                elapsed = time.perf_counter() - start
                timings.setdefault(f"{kind} {route}", []).append(elapsed)
                if failed:
                    errors.setdefault(f"{kind} {route}", []).append(failed)

    await asyncio.gather(*(client(n) for n in range(len(tokens))))
    return {"timings": timings, "errors": errors}


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system, every thread) a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--store", type=Path, help="folder keeping the store (reused)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--cache-ttl", default="60", help="dsn serve --cache-ttl (0: every answer computed)")
    args = parser.parse_args(argv)
    folder = args.store or Path(tempfile.mkdtemp(prefix="bench-api-"))
    folder.mkdir(parents=True, exist_ok=True)
    store = folder / f"store_{args.employees}_{args.months}.duckdb"
    start = time.perf_counter()
    build_store(store, args.employees, args.months)
    print(f"store ready in {time.perf_counter() - start:.0f} s: {store}", file=sys.stderr)
    url = f"duckdb:///{store}"
    siren, tokens, ids = prepare(url, args.clients)
    dsn = Path(sys.executable).with_name("dsn")
    log = open(folder / "serve.log", "wb")
    server = subprocess.Popen([str(dsn), "serve", "--db", url, "--port", str(args.port), "--archive",
                               str(folder / "archive"), "--cache-ttl", args.cache_ttl], stdout=log, stderr=subprocess.STDOUT)
    try:
        import httpx

        base = f"http://127.0.0.1:{args.port}"
        for _ in range(600):
            try:
                if httpx.get(f"{base}/v1/health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise SystemExit("dsn serve did not answer")
        load_before, cpu_before = os.getloadavg(), cpu_seconds(server.pid)
        mix = routes(siren, ids, add_months(FIRST, args.months - 1))
        result = asyncio.run(load(base, tokens, mix, ids, args.duration))
        load_after, cpu_used = os.getloadavg(), cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    timings, errors = result["timings"], result["errors"]
    total = sum(len(v) for v in timings.values())
    print(f"{args.employees:,} employees × {args.months} months, {len(ids['arrets'])} arrêts; {args.clients} clients "
          f"for {args.duration:.0f} s on 127.0.0.1, cache {args.cache_ttl} s; {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, load average {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    print(f"\n{total:,} requests ({total / args.duration:.1f}/s), {sum(len(v) for v in errors.values())} errors; "
          f"server CPU {cpu_used * 1000 / max(total, 1):.1f} ms per request\n")
    print("| route | requests | errors | p50 | p95 |\n|---|---|---|---|---|")
    for name, values in sorted(timings.items()):
        print(f"| `{name}` | {len(values)} | {len(errors.get(name, []))} | {statistics.median(values) * 1000:.0f} ms "
              f"| {p95(values) * 1000:.0f} ms |")
    for kind, target in (("list", 150), ("single", 50)):
        values = [t for name, v in timings.items() if name.startswith(kind) for t in v]
        print(f"| all {kind} routes (target p95 ≤ {target} ms) | {len(values)} | "
              f"{sum(len(v) for n, v in errors.items() if n.startswith(kind))} | "
              f"{statistics.median(values) * 1000:.0f} ms | {p95(values) * 1000:.0f} ms |")
    for name, found in errors.items():
        print(f"\n{name}: {found[0]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
