"""Parse benchmark: generate 10,000- and 100,000-employee monthly DSNs, time parsing to columnar tables.

Usage: ``python benchmarks/bench_parse.py [--employees 10000 100000] [--out benchmarks/out]``. Each
measurement runs in a fresh subprocess so that its peak RSS is its own. Prints a markdown table.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path


def generate(employees: int, out: Path) -> Path:
    """The generated monthly file of ``employees`` employees (made once, then reused)."""
    from dsn_parser.generator.company import make_company
    from dsn_parser.generator.monthly import stream_monthly

    path = out / f"monthly_{employees}.dsn"
    if not path.exists():
        out.mkdir(parents=True, exist_ok=True)
        company = make_company(seed=2026, employees=employees, months=1, start_month=date(2026, 1, 1),
                               norm="P26V01")
        started = time.perf_counter()
        stream_monthly(company, date(2026, 1, 1), path)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def measure(path: Path) -> dict:
    """Parse ``path`` to every block table; wall time, rubriques/s and peak RSS of this process."""
    from dsn_parser import read_dsn
    from dsn_parser.memory import tune_memory

    tune_memory()  # as the dsn commands do
    started = time.perf_counter()
    parsed = read_dsn(path)
    read = time.perf_counter() - started
    tables = parsed.tables()
    wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"file": path.name, "bytes": path.stat().st_size, "rubriques": parsed.rubrique_count,
            "issues": len(parsed.issues), "tables": len(tables), "read_s": round(read, 2),
            "wall_s": round(wall, 2), "rubriques_per_s": int(parsed.rubrique_count / wall),
            "peak_rss_mb": round(peak_kib / 1024)}


def measure_each(script: str, employees: list[int], out: Path) -> list[dict]:
    """Run ``script --measure FILE`` in a fresh subprocess for each generated file size; its JSON rows."""
    rows = []
    for count in employees:
        path = generate(count, out)
        result = subprocess.run([sys.executable, script, "--measure", str(path)], check=True,
                                capture_output=True, text=True)
        rows.append({"employees": count, **json.loads(result.stdout)})
    return rows


def machine() -> str:
    """The line that says where the figures were measured."""
    return f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    rows = measure_each(__file__, args.employees, args.out)
    print(machine())
    print("| employees | file size | rubriques | read s | to tables s | rubriques/s | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['employees']:,} | {r['bytes'] / 1e6:.0f} MB | {r['rubriques']:,} | {r['read_s']} | "
              f"{r['wall_s']} | {r['rubriques_per_s']:,} | {r['peak_rss_mb']:,} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
