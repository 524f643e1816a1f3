"""The ``dsn`` command line: a thin face over the library calls, one module per command."""
from __future__ import annotations

import argparse
import sys

from . import fpoc_command, ingest_command, norm_command, parse_command, run_command, validate_command

COMMANDS = (parse_command, validate_command, norm_command, run_command, ingest_command, fpoc_command)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered sub-command."""
    parser = argparse.ArgumentParser(prog="dsn", description="Pipeline DSN : lecture, contrôle, stockage.")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one ``dsn`` command and return its exit status (2 for bad usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return int(args.handler(args) or 0)
    except BrokenPipeError:  # output piped into a command that stopped reading (head…)
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
