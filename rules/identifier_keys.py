"""Identifier algorithms, no rule: SIREN/SIRET (Luhn, La Poste), IBAN (ISO 13616) and French BBAN (clé RIB) keys,
the NIR key and its département by birth year, JJMMAAAA calendar dates. Vectorised over a column where a rule
checks a whole rubrique; ``iban_valid``, ``rib_key_valid`` and ``nir_key_valid`` take one value."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

LA_POSTE = "356000000"  # its SIRETs have a digit sum divisible by 5 instead of a Luhn key
# French BBAN (bank 5, branch 5, account 11, RIB key 2): IBANs of France and Monaco.
RIB_COUNTRIES = ("FR", "MC")
_RIB_LETTERS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")


def _digits(values: pd.Series, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(mask of values made of exactly ``width`` digits, their digit matrix)."""
    text = values.astype(pd.StringDtype())
    shaped = text.str.fullmatch(f"[0-9]{{{width}}}").to_numpy(dtype=bool, na_value=False)
    joined = "".join(text[shaped].tolist()).encode("ascii")
    matrix = (np.frombuffer(joined, dtype=np.uint8).reshape(-1, width).astype(np.int64) - 48)
    return shaped, matrix


def luhn_valid(values: pd.Series, width: int) -> np.ndarray:
    """True where a value is ``width`` digits passing the Luhn check (SIREN: 9, SIRET: 14)."""
    shaped, matrix = _digits(values, width)
    doubled = matrix[:, ::-1].copy()
    doubled[:, 1::2] *= 2
    doubled[doubled > 9] -= 9
    out = np.zeros(len(values), dtype=bool)
    out[shaped] = doubled.sum(axis=1) % 10 == 0
    return out


def siret_valid(values: pd.Series) -> np.ndarray:
    """True where a 14-digit SIRET passes its key: Luhn, or a digit sum divisible by 5 for La Poste."""
    shaped, matrix = _digits(values, 14)
    text = values.astype(pd.StringDtype())
    la_poste = (text.str.slice(0, 9) == LA_POSTE).to_numpy(dtype=bool, na_value=False)
    out = luhn_valid(values, 14)
    by_sum = np.zeros(len(values), dtype=bool)
    by_sum[shaped] = matrix.sum(axis=1) % 5 == 0
    return np.where(la_poste, by_sum, out)


def iban_valid(value: str) -> bool:
    """ISO 13616 key: the IBAN moved 4 characters and turned into digits is 1 modulo 97."""
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", value):
        return False
    moved = value[4:] + value[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def rib_key_valid(iban: str) -> bool:
    """French BBAN key (clé RIB) of a French or Monegasque IBAN: 97 − (89·bank + 15·branch + 3·account) mod 97."""
    bban = iban[4:].translate(_RIB_LETTERS)
    if len(bban) != 23 or not bban.isdigit():
        return False
    bank, branch, account, key = int(bban[:5]), int(bban[5:10]), int(bban[10:21]), int(bban[21:])
    return 97 - (89 * bank + 15 * branch + 3 * account) % 97 == key


def calendar_valid(values: pd.Series, allow_99: bool = False) -> np.ndarray:
    """True where a JJMMAAAA value is a calendar day; with ``allow_99``, day or month 99 (unknown) is admitted."""
    text = values.astype(pd.StringDtype())
    shaped = text.str.fullmatch("[0-9]{8}").to_numpy(dtype=bool, na_value=False)
    real = pd.to_datetime(text.where(shaped), format="%d%m%Y", errors="coerce").notna().to_numpy()
    if not allow_99:
        return shaped & real
    day, month = text.str.slice(0, 2), text.str.slice(2, 4)
    unknown = ((day == "99") | (month == "99")).to_numpy(dtype=bool, na_value=False)
    day_ok = day.str.fullmatch("0[1-9]|[12][0-9]|3[01]|99").to_numpy(dtype=bool, na_value=False)
    month_ok = month.str.fullmatch("0[1-9]|1[0-2]|99").to_numpy(dtype=bool, na_value=False)
    return shaped & np.where(unknown, day_ok & month_ok, real)


def nir_key_valid(nir: str, key: str) -> bool:
    """The NIR key of a 13-character NIR: 97 − (the NIR, Corsica 2A/2B read as 19/18) mod 97."""
    number = int(nir.replace("2A", "19").replace("2B", "18"))
    return 97 - number % 97 == int(key)


def birth_department_consistent(nir: pd.Series, birth_date: pd.Series) -> np.ndarray:
    """False where the NIR's département (characters 6–7) did not exist in the birth year (CCH-11): 2A/2B
    before 1976, 20 from 1976, 96 from 1968."""
    department = nir.astype(pd.StringDtype()).str.slice(5, 7)
    year = pd.to_numeric(birth_date.astype(pd.StringDtype()).str.slice(4, 8), errors="coerce")
    year = year.to_numpy(dtype=float, na_value=np.nan)
    corsica = department.isin(["2A", "2B"]).to_numpy(dtype=bool, na_value=False) & (year < 1976)
    twenty = (department == "20").to_numpy(dtype=bool, na_value=False) & (year >= 1976)
    ninety_six = (department == "96").to_numpy(dtype=bool, na_value=False) & (year >= 1968)
    return ~(corsica | twenty | ninety_six)
