"""Command line: ``python -m dsn_parser.generator samples OUT_DIR`` or ``… big PATH [EMPLOYEES]``."""
from __future__ import annotations

import argparse
import time
from datetime import date

from .generated import write_monthly_file
from .samples import write_samples


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m dsn_parser.generator")
    commands = parser.add_subparsers(dest="command", required=True)
    samples = commands.add_parser("samples", help="regenerate the committed sample set")
    samples.add_argument("out_dir")
    big = commands.add_parser("big", help="stream one large mensuelle (benchmark input)")
    big.add_argument("path")
    big.add_argument("employees", type=int, nargs="?", default=100_000)
    big.add_argument("--month", default="2025-03", help="AAAA-MM")
    big.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == "samples":
        for path in write_samples(args.out_dir):
            print(path)
    else:
        year, month = map(int, args.month.split("-"))
        started = time.perf_counter()
        lines = write_monthly_file(args.path, args.employees, date(year, month, 1), args.seed)
        print(f"{args.path}: {lines} lines in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
