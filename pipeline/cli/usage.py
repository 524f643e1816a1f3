"""Usage of the ``dsn`` command: exit statuses, the bad-usage error, and argparse speaking French.

argparse's own strings (``usage:``, section titles, the help option, its error messages) come from gettext
with no French catalog installed; they are replaced here, per parser, without touching the ``argparse``
module itself (other argparse users in the process keep theirs).
"""
from __future__ import annotations

import argparse
import re
import sys
import textwrap

EXIT_OK, EXIT_BLOCKING, EXIT_UNUSABLE, EXIT_INCOMPLETE = 0, 1, 2, 3
EXIT_HELP = """statuts de sortie (le pire des fichiers) :
  0  accepté : aucune anomalie bloquante
  1  au moins une anomalie bloquante (DSN-Val rejetterait le fichier), même stocké
  2  fichier illisible ou mauvais usage (argument invalide, base inaccessible…)
  3  incomplet : une règle ou une étape de stockage a échoué (relancer pour compléter)"""


class UsageError(Exception):
    """A command-line argument that cannot be used: one French line naming it, exit status 2."""

    def __init__(self, argument: str, message: str):
        super().__init__(f"{argument} : {message}")
        self.argument, self.message = argument, message


_TYPE_NAMES = {"int": "un entier", "float": "un nombre", "Path": "un chemin", "Decimal": "un nombre"}
_MESSAGES: tuple[tuple[re.Pattern, object], ...] = tuple((re.compile(p), r) for p, r in (
    (r"^argument (?P<arg>.+?): (?P<rest>.*)$",
     lambda m: f"argument {m['arg']} : {translate(m['rest'])}"),
    (r"^the following arguments are required: (.*)$", r"argument(s) obligatoire(s) manquant(s) : \1"),
    (r"^unrecognized arguments: (.*)$", r"argument(s) non reconnu(s) : \1"),
    (r"^invalid choice: (.*) \(choose from (.*)\)$", r"choix invalide : \1 (choix possibles : \2)"),
    (r"^unknown parser (.*) \(choices: (.*)\)$", r"commande inconnue : \1 (choix possibles : \2)"),
    (r"^invalid (\w+) value: (.*)$",
     lambda m: f"valeur invalide : {m[2]} ({_TYPE_NAMES.get(m[1], m[1])} attendu)"),
    (r"^expected one argument$", "une valeur attendue"),
    (r"^expected at most one argument$", "au plus une valeur attendue"),
    (r"^expected at least one argument$", "au moins une valeur attendue"),
    (r"^expected (\d+) arguments?$", r"\1 valeur(s) attendue(s)"),
    (r"^ambiguous option: (\S+) could match (.*)$", r"option ambiguë : \1 peut désigner \2"),
    (r"^not allowed with argument (.*)$", r"incompatible avec l'argument \1"),
    (r"^ignored explicit argument (.*)$", r"valeur inattendue : \1"),
    (r"^one of the arguments (.*) is required$", r"l'un des arguments \1 est obligatoire"),
))


def translate(message: str) -> str:
    """argparse's English error message in French (unchanged when it is not one of argparse's)."""
    for pattern, replacement in _MESSAGES:
        match = pattern.match(message)
        if match:
            return replacement(match) if callable(replacement) else match.expand(replacement)
    return message


class FrenchFormatter(argparse.HelpFormatter):
    """Help in French: ``utilisation :``, section titles followed by `` :``; in descriptions and epilogs, a
    line that starts with a space is kept as written (the table of exit statuses), the others are wrapped."""

    def _fill_text(self, text, width, indent):
        return "\n".join(line if line[:1].isspace() else textwrap.fill(line, width, initial_indent=indent,
                                                                       subsequent_indent=indent)
                         for line in text.splitlines())

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)

    def start_section(self, heading):
        super().start_section(f"{heading} " if heading else heading)


class FrenchParser(argparse.ArgumentParser):
    """An ArgumentParser whose own texts and errors are in French; an error is one line and exit status 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", FrenchFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "arguments positionnels"
        self._optionals.title = "options"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="afficher cette aide et quitter")

    def error(self, message: str):
        self.exit(EXIT_UNUSABLE, f"{self.prog} : {translate(message)} (aide : {self.prog} --help)\n")

    def exit(self, status=0, message=None):
        if message:
            sys.stderr.write(message)
        sys.exit(status)


def leaf_parsers(parser: argparse.ArgumentParser):
    """The parsers of ``parser``'s innermost sub-commands (``dsn validate``, ``dsn fpoc check``…)."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield parser
        return
    for sub in subs:
        for child in dict.fromkeys(sub.choices.values()):  # aliases map to the same parser
            yield from leaf_parsers(child)
