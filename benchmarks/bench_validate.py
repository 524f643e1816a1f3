"""Validation benchmark: parse + full validation of generated monthly DSNs, with a per-module time breakdown.

Usage: ``python benchmarks/bench_validate.py [--employees 10000 100000] [--out benchmarks/out] [--top 12]``.
Each measurement runs in a fresh subprocess so that its peak RSS is its own. Prints a markdown table (wall and
CPU seconds: the machine may be shared, CPU time is the steadier figure) and, per file, the rule modules by
time. A module's time includes the block tables its rules are the first to ask for.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_parse import machine, measure_each  # noqa: E402


def _timed(check, module: str, spent: Counter):
    def run(ctx):
        started = time.process_time()
        try:
            return check(ctx)
        finally:
            spent[module] += time.process_time() - started
    return run


def measure(path: Path) -> dict:
    """Parse and validate ``path``: wall and CPU times, rubriques/s, anomalies, peak RSS, CPU s per rule module."""
    from dsn_parser import read_dsn
    from dsn_parser.memory import tune_memory
    from rules.engine import validate
    from rules.registry import REGISTRY

    tune_memory()  # as the dsn commands do
    spent: Counter[str] = Counter()
    rules = [replace(r, check=_timed(r.check, r.check.__module__, spent)) if r.check else r
             for r in REGISTRY.values()]
    wall, cpu = time.perf_counter(), time.process_time()
    parsed = read_dsn(path)
    read_wall, read_cpu = time.perf_counter() - wall, time.process_time() - cpu
    report = validate(parsed, rules=rules)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    engine = cpu - read_cpu - sum(spent.values())
    return {"file": path.name, "bytes": path.stat().st_size, "rubriques": parsed.rubrique_count,
            "rules": sum(r.check is not None for r in rules), "anomalies": len(report.anomalies),
            "read_s": round(read_wall, 2), "read_cpu_s": round(read_cpu, 2), "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2), "rubriques_per_s": int(parsed.rubrique_count / wall),
            "rubriques_per_cpu_s": int(parsed.rubrique_count / cpu),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "modules": {"(engine, report)": round(engine, 3),
                        **{m: round(s, 3) for m, s in spent.most_common()}}}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    parser.add_argument("--top", type=int, default=12, help="modules shown per file")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    rows = measure_each(__file__, args.employees, args.out)
    print(machine())
    print("| employees | rubriques | rules | anomalies | read s (CPU) | parse + validate s (CPU) | rubriques/s "
          "(per CPU s) | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['employees']:,} | {r['rubriques']:,} | {r['rules']} | {r['anomalies']:,} | {r['read_s']} "
              f"({r['read_cpu_s']}) | {r['wall_s']} ({r['cpu_s']}) | {r['rubriques_per_s']:,} "
              f"({r['rubriques_per_cpu_s']:,}) | {r['peak_rss_mb']:,} |")
    for r in rows:
        print(f"\n{r['file']}: CPU s per rule module (first {args.top})")
        for module, seconds in list(r["modules"].items())[:args.top]:
            print(f"- {module}: {seconds}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
