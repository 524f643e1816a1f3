"""The ``dsn`` command line: a thin face over the library calls, one module per command.

Building the parser imports only the command modules' argument declarations; each handler imports the
library it uses when it runs, so ``dsn --help`` loads neither pandas nor the store. A mistake is one French
line on stderr naming the argument, exit status 2; an unexpected error is one line too (exit 3), with the
Python traceback only under ``--debug``.
"""
from __future__ import annotations

import argparse
import sys
import traceback

from . import (affiliations_command, arrets_command, cotisations_command, fpoc_command, ingest_command, key_command, nightly_command, norm_command, parse_command,
               report_command, run_command, serve_command, users_command, validate_command)
from .usage import EXIT_HELP, EXIT_INCOMPLETE, EXIT_UNUSABLE, FrenchParser, UsageError, leaf_parsers

COMMANDS = (parse_command, validate_command, norm_command, run_command, ingest_command, nightly_command,
            fpoc_command, serve_command, users_command, arrets_command, affiliations_command,
            cotisations_command, key_command, report_command)
DISTRIBUTION = "dsn-pipeline"
READING_COMMANDS = ("parse", "validate", "ingest", "run", "nightly")  # they read DSN files: memory settings tuned
DEBUG_HELP = "en cas d'erreur inattendue, afficher la trace Python complète (pour un signalement)"


def version() -> str:
    """The installed version of the distribution (« inconnue » when it is not installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed(DISTRIBUTION)
    except PackageNotFoundError:
        return "inconnue"


class VersionAction(argparse.Action):
    """``--version``: the version looked up only when asked (importlib.metadata costs a fifth of the start-up)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"{parser.prog} {version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered sub-command."""
    parser = FrenchParser(prog="dsn", description="Pipeline DSN : lecture, contrôle, stockage.", epilog=EXIT_HELP)
    parser.add_argument("--version", action=VersionAction, help="afficher la version et quitter")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    sub = parser.add_subparsers(title="commandes", dest="command", metavar="COMMANDE", required=True)
    for command in COMMANDS:
        command.register(sub)
    for leaf in leaf_parsers(parser):
        leaf.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
        leaf.epilog = leaf.epilog or EXIT_HELP
        leaf.set_defaults(prog=leaf.prog)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one ``dsn`` command and return its exit status (see ``EXIT_HELP``)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.command in READING_COMMANDS:
        from dsn_parser.memory import tune_memory

        tune_memory()
    try:
        return int(args.handler(args) or 0)
    except UsageError as err:
        if args.debug:
            traceback.print_exc()
        print(f"{args.prog} : {err}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:  # output piped into a command that stopped reading (head…)
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(f"{args.prog} : interrompu", file=sys.stderr)
        return 130
    except Exception as err:
        if args.debug:
            traceback.print_exc()
        detail = " ".join(str(err).split())[:300]
        print(f"{args.prog} : erreur interne ({type(err).__name__}) : {detail} ; relancer avec --debug pour la "
              f"trace complète", file=sys.stderr)
        return EXIT_INCOMPLETE


if __name__ == "__main__":
    sys.exit(main())
