"""Masking of personal data (NIR, NTT, names, birth dates and places, addresses, e-mails, phones, IBAN, BIC).

Which rubriques hold personal data is decided from the catalogs, by data type and meaning, never by a hand
list (:func:`personal_kind`): a NIR-typed rubrique, an NTT, an IBAN or BIC, an e-mail or phone anywhere; names,
birth dates and places and addresses in the blocks that describe a natural person (a block holding a NIR, an
NTT, an identity-typed rubrique or a first name). Values are masked by their kind (:func:`mask_personal`); free text (a raw line
echoed by the reader) by the rubrique found in it and by content (:func:`mask_text`: NIR shapes with a valid
key, IBAN shapes with a valid check).
"""
from __future__ import annotations

import re
from functools import cache


PERSONAL_KINDS = ("nir", "ntt", "name", "birth_date", "birth_place", "address", "iban", "bic", "email", "phone")
_ADDRESS_TYPES = ("Adresse", "Hexaposte")
_NAME_LABEL = re.compile(r"^(anciens? )?(nom|prénom)s?\b", re.IGNORECASE)
_FIRST_NAME_LABEL = re.compile(r"^(anciens? )?prénoms?\b", re.IGNORECASE)


def _kind_anywhere(type_id: str, label: str) -> str | None:
    """The personal kind a rubrique has whatever its block."""
    low = label.lower()
    if "nir" in type_id.lower():
        return "nir"
    if low.startswith("numéro technique temporaire"):
        return "ntt"
    if "iban" in type_id.lower() or low == "iban":
        return "iban"
    if "bic" in type_id.lower() or low == "bic":
        return "bic"
    if "email" in type_id.lower() or "mél" in low:
        return "email"
    if type_id == "Telephone":
        return "phone"
    return None


def _kind_of_person(type_id: str, label: str, is_date: bool) -> str | None:
    """The personal kind of a rubrique of a block describing a natural person."""
    low = label.lower()
    if "naissance" in low and not low.startswith(("code département", "code pays", "pays", "libellé du pays")):
        return "birth_date" if is_date or "DDN" in type_id or low.startswith("date") else "birth_place"
    if type_id.startswith("Identite_") or _NAME_LABEL.match(label):
        return "name"
    if any(t in type_id for t in _ADDRESS_TYPES) or low in ("code postal", "localité"):
        return "address"
    return None


@cache
def personal_rubriques(version: str) -> dict[str, str]:
    """Rubrique code → personal kind, for one catalog version."""
    from dsn_parser.catalog import load_catalog

    catalog = load_catalog(version)
    kinds: dict[str, str] = {}
    person_blocks = set()
    for code, rubrique in catalog.rubriques.items():
        kind = _kind_anywhere(rubrique.type.id, rubrique.name)
        if kind is not None:
            kinds[code] = kind
        if kind in ("nir", "ntt") or rubrique.type.id.startswith("Identite_") or _FIRST_NAME_LABEL.match(rubrique.name):
            person_blocks.add(code.rsplit(".", 1)[0])
    for code, rubrique in catalog.rubriques.items():
        if code not in kinds and code.rsplit(".", 1)[0] in person_blocks:
            kind = _kind_of_person(rubrique.type.id, rubrique.name, rubrique.type.nature == "Date")
            if kind is not None:
                kinds[code] = kind
    return kinds


@cache
def all_personal_rubriques() -> dict[str, str]:
    """Rubrique code → personal kind over every shipped catalog (the newest version's kind wins)."""
    from dsn_parser.catalog import available_versions

    kinds: dict[str, str] = {}
    for version in available_versions():
        kinds.update(personal_rubriques(version))
    return kinds


def mask_nir(value: str) -> str:
    """Keep sex and birth year (3 characters), hide the rest: ``185**********``."""
    return value[:3] + "*" * max(len(value) - 3, 0) if value else value


def mask_personal(kind: str, value: str | None) -> str | None:
    """A personal value of ``kind`` (one of :data:`PERSONAL_KINDS`) as it may be shown without unmasking.

    NIR/NTT keep sex and birth year, a birth date its year (``1985-**-**``, ``****1985``), an IBAN its country and key and
    its last four characters, a BIC its bank code; other kinds keep their first character.
    """
    if value is None or value == "":
        return value
    if kind not in PERSONAL_KINDS:
        raise ValueError(f"type de donnée personnelle inconnu : {kind}")
    value = str(value)
    if kind in ("nir", "ntt"):
        return mask_nir(value)
    if kind == "birth_date" and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return value[:4] + "-**-**"
    if kind == "birth_date" and re.fullmatch(r"[0-9]{8}", value):  # DSN form JJMMAAAA
        return "****" + value[4:]
    if kind == "iban":
        return value[:4] + "*" * max(len(value) - 8, 0) + value[-4:] if len(value) > 8 else "*" * len(value)
    if kind == "bic":
        return value[:4] + "*" * max(len(value) - 4, 0)
    return value[:1] + "*" * (len(value) - 1)


def mask_value(rubrique: str | None, value: str | None, unmask: bool = False) -> str | None:
    """The value of a rubrique as it may be shown: masked by its kind when it holds personal data."""
    if value is None or unmask or rubrique is None:
        return value
    kind = all_personal_rubriques().get(rubrique)
    return value if kind is None else mask_personal(kind, value)


_NIR_SHAPE = re.compile(r"(?<![0-9A-Z])([12][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{6})([0-9]{2})?(?![0-9A-Z])")
_IBAN_SHAPE = re.compile(r"(?<![0-9A-Z])([A-Z]{2}[0-9]{2}[A-Z0-9]{11,30})(?![0-9A-Z])")
_RAW_LINE = re.compile(r"(S[0-9]{2}\.G[0-9]{2}\.[0-9]{2}\.[0-9]{3}),'(.*)'")


def mask_text(text: str | None) -> str | None:
    """Free text with its personal data masked: a raw DSN line by its rubrique, and by content every NIR
    (13 characters, or 15 with a valid key) and every IBAN with a valid check."""
    if not text:
        return text
    from .identifier_keys import iban_valid, nir_key_valid  # here: that module loads numpy and pandas

    raw = _RAW_LINE.search(text)
    if raw and raw.group(1) in all_personal_rubriques():
        shown = mask_value(raw.group(1), raw.group(2))
        text = text[:raw.start(2)] + shown + text[raw.end(2):]

    def nir(match: re.Match) -> str:
        number, key = match.group(1), match.group(2)
        if key is not None and not nir_key_valid(number, key):
            return match.group(0)
        return mask_nir(match.group(0))

    def iban(match: re.Match) -> str:
        value = match.group(1)
        return mask_personal("iban", value) if iban_valid(value) else value

    return _IBAN_SHAPE.sub(iban, _NIR_SHAPE.sub(nir, text))
