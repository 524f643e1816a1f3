"""NIR and IBAN sealing: the master key, the tokens the store holds, and revealing them.

A NIR or IBAN is stored as a token ``pd1.<lookup>.<sealed>`` (:class:`Cipher`):

- ``pd1.<lookup>`` (the first :data:`LOOKUP_LENGTH` characters): a keyed hash of the value (HMAC-SHA256 under the
  store's lookup key, 18 bytes, base64url). Employee identities hold it (``nir:pd1.…``), so identity resolution
  works on it; a key rotation keeps it;
- ``<sealed>``: the value encrypted with AES-SIV under a key derived from the master key. Deterministic, so equal
  values give equal tokens and SQL equality, ``DISTINCT`` and ``IS NOT DISTINCT FROM`` work unchanged; shown in
  clear only by :func:`reveal`, which the outputs call (:func:`pipeline.products.records.as_json`).

The master key (32 random bytes) is ``DSN_STORE_KEY`` (base64), else the file named by ``DSN_STORE_KEY_FILE``,
else :func:`default_key_file` (created with mode 0600 on first use). Light on purpose (no store, no SQLAlchemy;
``cryptography`` and ``pyarrow`` imported when used): the records import it. The store side (which columns, the
key table, rotation) is :mod:`pipeline.store.personal`; docs: ``docs/privacy.md``.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

KEY_ENV, KEY_FILE_ENV = "DSN_STORE_KEY", "DSN_STORE_KEY_FILE"
ENCRYPTED_BY_DEFAULT = True  # without DSN_STORE_KEY(_FILE), the default key file is used (and created)
PREFIX = "pd1."
LOOKUP_LENGTH = len(PREFIX) + 24  # 18 bytes in base64url
KEY_BYTES = 32
WRAPPED = b"lookup"  # associated data of the wrapped lookup key


class PersonalKeyError(RuntimeError):
    """The master key is missing, unreadable or not the one the store was encrypted with (message in French)."""


def default_key_file() -> Path:
    """``$XDG_CONFIG_HOME/dsn-pipeline/store.key`` (``~/.config/…`` by default), outside any store."""
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "dsn-pipeline" / "store.key"


def key_file() -> Path | None:
    """The master key file in use (None when the key comes from ``DSN_STORE_KEY`` or encryption is off)."""
    if os.environ.get(KEY_ENV):
        return None
    if os.environ.get(KEY_FILE_ENV):
        return Path(os.environ[KEY_FILE_ENV])
    return default_key_file() if ENCRYPTED_BY_DEFAULT else None


def _decoded(text: str, where: str) -> bytes:
    """A base64 key (standard or URL alphabet) as its 32 bytes."""
    try:
        key = base64.urlsafe_b64decode(text.strip().replace("+", "-").replace("/", "_"))
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise PersonalKeyError(f"clé de chiffrement illisible ({where}) : {KEY_BYTES} octets en base64 attendus")
    return key


def encoded(key: bytes) -> str:
    """A key as written in a key file or ``DSN_STORE_KEY``."""
    return base64.urlsafe_b64encode(key).decode()


@lru_cache(maxsize=8)
def _read_key(path: str, _mtime_ns: int) -> bytes:
    return _decoded(Path(path).read_text(encoding="ascii"), path)


def write_key_file(path: Path, key: bytes) -> None:
    """Write ``key`` to a new file readable by its owner only (its folder created with mode 0700)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(encoded(key) + "\n")


def master_key(create: bool = False) -> bytes | None:
    """The configured master key; None when encryption is off, or when its file is missing and not ``create``."""
    if os.environ.get(KEY_ENV):
        return _decoded(os.environ[KEY_ENV], KEY_ENV)
    path = key_file()
    if path is None:
        return None
    if not path.exists():
        if not create:
            return None
        try:
            write_key_file(path, os.urandom(KEY_BYTES))
        except FileExistsError:  # another process created it meanwhile
            pass
        except OSError as err:
            raise PersonalKeyError(f"fichier de clé impossible à créer ({path}) : {err.strerror or err}") from err
    try:
        return _read_key(str(path), path.stat().st_mtime_ns)
    except OSError as err:
        raise PersonalKeyError(f"fichier de clé illisible ({path}) : {err.strerror or err}") from err


def derived(master: bytes, purpose: bytes, length: int = KEY_BYTES) -> bytes:
    """A sub-key of the master key (HKDF-SHA256)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(hashes.SHA256(), length, salt=None, info=b"dsn-pipeline " + purpose).derive(master)


def fingerprint(master: bytes) -> str:
    """A short public name of a master key (stored, to refuse writing a store with another key)."""
    return hmac.new(master, b"dsn-pipeline key id", hashlib.sha256).hexdigest()[:16]


@cache
def _siv(master: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

    return AESSIV(derived(master, b"seal", 64))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def is_token(value) -> bool:
    """Whether ``value`` is a sealed NIR or IBAN."""
    return isinstance(value, str) and value.startswith(PREFIX)


@dataclass(frozen=True)
class Cipher:
    """The keys of one store: its master key (sealing) and its lookup key (keyed hash)."""

    master: bytes
    lookup_key: bytes

    def lookup(self, value: str) -> str:
        """``pd1.<keyed hash>``: what identities hold for a NIR."""
        digest = hmac.new(self.lookup_key, value.encode(), hashlib.sha256).digest()[:18]
        return PREFIX + base64.urlsafe_b64encode(digest).decode()

    def seal(self, value: str) -> str:
        """The token of a clear value (a token is kept as it is)."""
        if is_token(value):
            return value
        return f"{self.lookup(value)}.{_b64(_siv(self.master).encrypt(value.encode(), None))}"

    def seal_column(self, column):
        """A string column (Arrow) sealed, each distinct value once."""
        import pyarrow as pa
        import pyarrow.compute as pc

        column = pc.cast(column, pa.string())
        distinct = pc.drop_null(pc.unique(column))
        sealed = pa.array([self.seal(v) for v in distinct.to_pylist()], pa.string())
        return pc.take(sealed, pc.index_in(column, value_set=distinct))


def open_token(master: bytes, token: str) -> str:
    """The clear value of ``token`` under ``master``."""
    from cryptography.exceptions import InvalidTag

    try:
        return _siv(master).decrypt(_unb64(token[LOOKUP_LENGTH + 1:]), None).decode()
    except (InvalidTag, ValueError, binascii.Error):
        raise PersonalKeyError("NIR ou IBAN chiffré avec une autre clé que la clé configurée (DSN_STORE_KEY, "
                               "DSN_STORE_KEY_FILE) : impossible à déchiffrer") from None


def reveal(value):
    """The clear value of a token (anything else as it is), with the configured master key."""
    if not is_token(value):
        return value
    master = master_key()
    if master is None:
        raise PersonalKeyError("NIR ou IBAN chiffré dans la base mais aucune clé configurée (DSN_STORE_KEY, "
                               f"DSN_STORE_KEY_FILE ou {default_key_file()})")
    return open_token(master, value)


def wrap(master: bytes, lookup_key: bytes) -> str:
    """The lookup key encrypted (AES-GCM) by a key derived from the master key, as stored."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    return _b64(nonce + AESGCM(derived(master, b"wrap")).encrypt(nonce, lookup_key, WRAPPED))


def unwrap(master: bytes, wrapped: str) -> bytes:
    """The lookup key of :func:`wrap`."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    data = _unb64(wrapped)
    return AESGCM(derived(master, b"wrap")).decrypt(data[:12], data[12:], WRAPPED)
