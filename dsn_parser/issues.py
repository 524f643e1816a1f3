"""Syntax issues found while reading a file: what the reader could not take as a well-placed rubrique.

The reader never raises on such input; it records an issue (line, rubrique, raw text) and goes on. The
validation layer turns each kind into an anomaly with its official DSN-Val stage code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# kind → (DSN-Val stage code, French message template)
ISSUE_KINDS: dict[str, tuple[str, str]] = {
    "unreadable_line": ("CV01", "Ligne illisible : la forme attendue est Sxx.Gxx.xx.xxx,'valeur'"),
    "empty_value": ("CST06_EMPTY", "La rubrique {rubrique} n'a pas de valeur ('')"),
    "blank_line": ("CV07", "Ligne vide"),
    "bare_cr": ("CV03", "Fin de ligne invalide : retour chariot (CR) seul"),
    "undecodable_bytes": ("CV01", "Octets non décodables dans l'encodage {encoding}"),
    "unknown_block": ("CV13", "Bloc {block} inconnu de la norme {norm}"),
    "unknown_rubrique": ("CV10", "Rubrique {rubrique} inconnue de la norme {norm}"),
    "orphan_block": ("CST02_1", "Bloc {block} sans bloc parent {parent} ouvert avant lui"),
    "block_order": ("CST01", "Bloc {block} mal placé : il suit le bloc {previous}"),
    "unknown_norm": ("CV12", "{detail}"),
    "mixed_norms": ("CV12", "Envois de normes différentes dans un même fichier : {detail}"),
    "value_too_long": ("CV01", "Ligne illisible : valeur de {length} octets, au-delà de la limite de lecture de "
                               "{limit} octets (max_value_bytes, variable DSN_MAX_VALUE_BYTES)"),
}
RAW_SHOWN = 200  # characters of a line kept in an issue: a longer line is cut, with « … »


@dataclass(frozen=True)
class SyntaxIssue:
    """One thing the reader could not read as a well-placed rubrique."""

    kind: str
    line: int | None
    message: str
    rubrique: str | None = None
    raw: str | None = None


def issue(kind: str, line: int | None, rubrique: str | None = None, raw: str | None = None, **fields) -> SyntaxIssue:
    """Build an issue of ``kind`` with its French message filled from ``fields``."""
    fields.setdefault("rubrique", rubrique)
    if raw is not None and len(raw) > RAW_SHOWN:
        raw = raw[:RAW_SHOWN] + "…"
    return SyntaxIssue(kind, line, ISSUE_KINDS[kind][1].format(**fields), rubrique, raw)


class UnreadableFileError(Exception):
    """The file cannot be read at all (missing, empty, not a DSN): the only error the reader raises."""

    def __init__(self, path, reason: str):
        reason = re.sub(r"[\x00-\x1f\x7f]+", " ", reason).strip()  # one line, whatever the cause quoted
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason
