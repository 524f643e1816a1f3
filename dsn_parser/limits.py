"""Bounds on what the reader takes in, so that hostile or broken input cannot take unbounded memory or time.

Defaults fit the largest real files with room to spare: a 100,000-employee mensuelle is about 26 million
lines and 623 MB; the longest value the norm allows is 420 characters. Each limit can be set per call
(``read_dsn(path, limits=Limits(...))``) or for every reader of the process by an environment variable
(``DSN_MAX_FILE_BYTES`` …, an integer). A file over a file-wide limit is unreadable (``UnreadableFileError``,
exit 2) with a French reason naming the limit; a value over ``max_value_bytes`` is a syntax issue of its line.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

ENVIRONMENT_PREFIX = "DSN_"


class LimitExceeded(Exception):
    """Input over a file-wide limit; ``reason`` is the French one-line explanation naming the limit."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    """The reader's bounds (bytes, lines and issue counts)."""

    # 4 GiB: 6.5 times the 100,000-employee file; the reader's arrays switch to 64-bit offsets past 2 GiB
    max_file_bytes: int = 4 << 30
    # 200 million lines: 7.7 times the 100,000-employee file, as many as 4 GiB of 21-byte lines
    max_lines: int = 200_000_000
    # 64 KiB: 150 times the longest value of the norm (420 characters); a longer value is its line's issue
    max_value_bytes: int = 64 << 10
    # syntax issues (unreadable lines, unknown rubriques…) kept one by one; past this the file is no DSN
    max_syntax_issues: int = 100_000

    @classmethod
    def from_environment(cls, environ=None) -> Limits:
        """The defaults, overridden by ``DSN_MAX_FILE_BYTES``, ``DSN_MAX_LINES``, ``DSN_MAX_VALUE_BYTES`` and
        ``DSN_MAX_SYNTAX_ISSUES`` when set; a variable that is no positive integer is an error naming it."""
        environ = os.environ if environ is None else environ
        chosen = {}
        for spec in fields(cls):
            name = ENVIRONMENT_PREFIX + spec.name.upper()
            text = environ.get(name, "").strip().replace("_", "")
            if not text:
                continue
            if not text.isdigit() or int(text) < 1:
                raise ValueError(f"{name} doit être un entier positif (valeur « {environ[name]} »)")
            chosen[spec.name] = int(text)
        return replace(cls(), **chosen)

    def check(self, name: str, count: int, what: str) -> None:
        """Raise LimitExceeded when ``count`` (of ``what``) is over the limit ``name``."""
        limit = getattr(self, name)
        if count > limit:
            variable = ENVIRONMENT_PREFIX + name.upper()
            raise LimitExceeded(f"{what} : au-delà de la limite de {grouped(limit)} ({name}, variable {variable})")


def grouped(value: int) -> str:
    """12345678 → ``12 345 678`` (French digit groups)."""
    return f"{value:,}".replace(",", " ")
