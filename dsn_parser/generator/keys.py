"""Valid French identifiers for generated DSN: SIREN/SIRET (Luhn), NIR (13 characters), NTT, IBAN (RIB key)."""
from __future__ import annotations

import random
import re
from datetime import date

NIR_PATTERN = re.compile(
    r"[1-2][0-9]{2}(0[1-9]|1[0-2]|20|3[0-9]|4[0-2]|[5-9][0-9])(0[1-9]|[1-9][0-9]|2A|2B)"
    r"(00[1-9]|0[1-9][0-9]|[1-9][0-9]{2})(00[1-9]|0[1-9][0-9]|[1-9][0-9]{2})"
)

#: Metropolitan birth départements as written in S21.G00.30.014 (Corsica handled by :func:`birth_department`).
DEPARTMENTS = tuple(f"{n:02d}" for n in range(1, 96) if n != 20)


def luhn_ok(digits: str) -> bool:
    """True when ``digits`` (only 0-9) passes the Luhn check."""
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_complete(prefix: str) -> str:
    """``prefix`` followed by the one digit that makes it pass the Luhn check."""
    for digit in "0123456789":
        if luhn_ok(prefix + digit):
            return prefix + digit
    raise AssertionError("unreachable: one Luhn digit always exists")


def make_siren(rng: random.Random) -> str:
    """A random 9-digit SIREN with a valid Luhn key (never La Poste's 356000000)."""
    while True:
        siren = luhn_complete(str(rng.randint(10_000_000, 99_999_999)))
        if siren != "356000000":
            return siren


def make_siret(siren: str, rng: random.Random) -> str:
    """A 14-digit SIRET of ``siren`` whose NIC makes the whole SIRET pass the Luhn check."""
    while True:
        siret = luhn_complete(siren + f"{rng.randint(1, 999):04d}")
        if siret[9:] != "00000":
            return siret


def birth_department(rng: random.Random, birth_year: int) -> str:
    """A birth département code valid for ``birth_year`` (Corsica is 20 before 1976, 2A/2B from 1976)."""
    if rng.random() < 0.02:
        return "20" if birth_year < 1976 else rng.choice(("2A", "2B"))
    return rng.choice(DEPARTMENTS)


def make_nir(sex: str, birth_date: date, dept: str, rng: random.Random) -> str:
    """A 13-character NIR for sex ``1``/``2``, born in ``birth_date``'s year/month in département ``dept``.

    The commune and order numbers are random (001-990 and 001-998), so the NIR never ends with six 9s.
    """
    if sex not in ("1", "2"):
        raise ValueError(f"sex must be '1' or '2', not {sex!r}")
    nir = f"{sex}{birth_date.year % 100:02d}{birth_date.month:02d}{dept}{rng.randint(1, 990):03d}{rng.randint(1, 998):03d}"
    if not NIR_PATTERN.fullmatch(nir):
        raise ValueError(f"cannot build a NIR from département {dept!r}")
    return nir


def nir_key(nir13: str) -> int:
    """The 2-digit key of a 13-character NIR: 97 - (NIR mod 97), with 2A -> 19 and 2B -> 18."""
    number = int(nir13.upper().replace("2A", "19").replace("2B", "18"))
    return 97 - number % 97


def nir15(nir13: str) -> str:
    """The 15-character NIR (13 characters followed by the key)."""
    return f"{nir13}{nir_key(nir13):02d}"


def make_ntt(sex: str, siren: str, own_id: str) -> str:
    """A numéro technique temporaire (S21.G00.30.020): sex digit + SIREN + the employer's own id."""
    return f"{sex}{siren}{own_id}"[:40]


def rib_key(bank: str, branch: str, account: str) -> str:
    """The 2-digit clé RIB of a French BBAN (digits only): 97 - (89 bank + 15 branch + 3 account) mod 97."""
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97:02d}"


def make_iban(rng: random.Random) -> str:
    """A French IBAN (27 characters) with a valid clé RIB and a valid ISO 7064 mod 97-10 key."""
    bank, branch = f"{rng.randint(10000, 99999)}", f"{rng.randint(10000, 99999)}"
    account = f"{rng.randint(0, 10**11 - 1):011d}"
    bban = bank + branch + account + rib_key(bank, branch, account)
    check = 98 - int(bban + "152700") % 97  # F=15, R=27, key 00
    return f"FR{check:02d}{bban}"
