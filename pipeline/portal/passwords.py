"""Passwords: argon2id hashes (argon2-cffi), and the minimum a new password must meet."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import Invalid

MIN_LENGTH = 12
_HASHER = PasswordHasher()  # argon2id, the library's recommended parameters


def hash_password(password: str) -> str:
    """The argon2id hash of an acceptable password (:func:`check_strength`)."""
    check_strength(password)
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches the stored hash (False when there is none)."""
    if not password_hash:
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_strength(password: str) -> None:
    """At least :data:`MIN_LENGTH` characters, with a letter and a digit."""
    if len(password) < MIN_LENGTH or not any(c.isalpha() for c in password) \
            or not any(c.isdigit() for c in password):
        raise Invalid("mot_de_passe_faible", f"le mot de passe doit compter au moins {MIN_LENGTH} caractères, "
                                             f"dont une lettre et un chiffre")
