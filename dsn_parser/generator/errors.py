"""Error injection: named mutators that plant ONE known anomaly in a generated mensuelle.

Each :class:`ErrorKind` returns the mutated records and a :class:`Mutation` naming the rubrique changed.
Everything else stays valid: when lines are added or dropped the S90 line count is fixed (unless the error is
about S90), and when a 059 amount moves the contract's S21.G00.55.001 and the OC's S21.G00.20.005 follow.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from ..writer import Record
from .keys import luhn_ok
from .values import amount, cents, rate3

FLAT_COMPOSANTS = ("20", "21")


@dataclass(frozen=True)
class Mutation:
    """What a mutator changed.

    ``index`` is the position of the changed or inserted record in the mutated list; for a removal it is the
    position in the original list where the dropped lines started (``after`` is then None). ``related`` lists
    other positions (in the mutated list) adjusted to keep the rest of the file coherent.
    """

    kind: str
    index: int
    code: str
    before: str | None
    after: str | None
    related: tuple[int, ...] = ()


class Mutated(NamedTuple):
    """Result of an :class:`ErrorKind`: the new records and the :class:`Mutation`."""

    records: list[Record]
    mutation: Mutation


@dataclass(frozen=True)
class ErrorKind:
    """A named anomaly and the function planting it."""

    name: str
    description: str
    mutate: Callable[[list[Record], random.Random], tuple[list[Record], int, str, str | None, str | None, tuple[int, ...]]]

    def apply(self, records: list[Record], rng: random.Random) -> Mutated:
        """Plant the anomaly in a copy of ``records``."""
        new, index, code, before, after, related = self.mutate(list(records), rng)
        return Mutated(new, Mutation(self.name, index, code, before, after, related))


# --- navigation -------------------------------------------------------------------------------------------

def _indices(records: list[Record], code: str) -> list[int]:
    return [i for i, (c, _) in enumerate(records) if c == code]


def _first(records: list[Record], code: str) -> int:
    found = _indices(records, code)
    if not found:
        raise ValueError(f"no {code} in the records")
    return found[0]


def _span(records: list[Record], start: int, children: tuple[str, ...] = ()) -> tuple[int, int]:
    """[start, end) of the block instance starting at ``start``, with its ``children`` blocks."""
    block, last, end = records[start][0][:10], records[start][0], start + 1
    while end < len(records):
        code = records[end][0]
        if (code[:10] == block and last[:10] == block and code > last) or code[:10] in children:
            last, end = code, end + 1
        else:
            break
    return start, end


def _owner(records: list[Record], index: int, code: str) -> int:
    """Index of the nearest ``code`` line at or before ``index``."""
    return max(i for i in range(index + 1) if records[i][0] == code)


def _individual(records: list[Record], index: int) -> tuple[int, int]:
    """[start, end) of the individual (S21.G00.30 subtree) containing ``index``."""
    start = _owner(records, index, "S21.G00.30.001")
    end = start + 1
    while end < len(records):
        code = records[end][0]
        if code == "S21.G00.30.001" or not code.startswith("S21.G00.") or code[:10] in ("S21.G00.06", "S21.G00.11"):
            break
        end += 1
    return start, end


def _values_in(records: list[Record], span: tuple[int, int], code: str) -> list[tuple[int, str]]:
    return [(i, records[i][1]) for i in range(*span) if records[i][0] == code]


def _oc_payment(records: list[Record], establishment: int) -> int | None:
    """Index of the OC S21.G00.20.001 in the establishment starting at ``establishment``."""
    codes = {v for i, v in _values_after(records, establishment, "S21.G00.15.002")}
    for i, value in _values_after(records, establishment, "S21.G00.20.001"):
        if value in codes:
            return i
    return None


def _values_after(records: list[Record], establishment: int, code: str) -> list[tuple[int, str]]:
    """(index, value) of ``code`` in the establishment header starting at ``establishment`` (before individuals)."""
    result = []
    for i in range(establishment, len(records)):
        c = records[i][0]
        if c in ("S21.G00.30.001", "S90.G00.90.001") or (c == "S21.G00.11.001" and i != establishment):
            break
        if c == code:
            result.append((i, records[i][1]))
    return result


def _contract_of_base(records: list[Record], base: int) -> str:
    """Contract reference (15.001) of the base 31 starting at ``base``."""
    ident = next(v for i, v in _values_in(records, _span(records, base), "S21.G00.78.005"))
    person = _individual(records, base)
    adhesion = None
    for i, value in _values_in(records, person, "S21.G00.70.012"):
        if value == ident:
            adhesion = records[i + 1][1]
    establishment = _owner(records, base, "S21.G00.11.001")
    for i, value in _values_after(records, establishment, "S21.G00.15.005"):
        if value == adhesion:
            return records[_owner(records, i, "S21.G00.15.001")][1]
    raise ValueError("base 31 not linked to an adhésion")


def _bases31(records: list[Record]) -> list[int]:
    return [i for i, (c, v) in enumerate(records) if c == "S21.G00.78.001" and v == "31"]


def _add(value: str, delta: Decimal) -> str:
    return amount(Decimal(value) + delta)


def _shift_payment(records: list[Record], base: int, delta: Decimal) -> tuple[int, ...]:
    """Move the contract's 55.001 and the OC's 20.005 by ``delta`` (when the contract is paid this month)."""
    reference = _contract_of_base(records, base)
    establishment = _owner(records, base, "S21.G00.11.001")
    for i, value in _values_after(records, establishment, "S21.G00.55.003"):
        if value == reference:
            payment = _payment_amount(records, _owner(records, i, "S21.G00.20.001"))
            records[i - 1] = (records[i - 1][0], _add(records[i - 1][1], delta))
            records[payment] = (records[payment][0], _add(records[payment][1], delta))
            return i - 1, payment
    return ()


def _payment_amount(records: list[Record], payment: int) -> int:
    """Index of the 20.005 of the S21.G00.20 starting at ``payment``."""
    return next(i for i in range(payment, len(records)) if records[i][0] == "S21.G00.20.005")


def fix_line_counts(records: list[Record]) -> tuple[int, ...]:
    """Recompute S90.G00.90.001 of every envoi in ``records``; return the positions rewritten."""
    fixed, start = [], None
    for i, (code, _) in enumerate(records):
        if code == "S10.G00.00.001":
            start = i
        elif code == "S90.G00.90.001" and start is not None:
            records[i] = (code, str(i - start + 2))
            fixed.append(i)
    return tuple(fixed)


def _recompute_059(records: list[Record], base: int) -> Decimal:
    """Set the 059 amount of the base 31 at ``base`` from its composants and rate; return the change."""
    span = _span(records, base, ("S21.G00.79", "S21.G00.81"))
    rate = Decimal(next(v for _, v in _values_in(records, span, "S21.G00.81.007")))
    total = Decimal(0)
    for i, code in _values_in(records, span, "S21.G00.79.001"):
        value = Decimal(records[i + 1][1])
        total += value if code in FLAT_COMPOSANTS else value * rate / 100
    at = next(i for i, _ in _values_in(records, span, "S21.G00.81.004"))
    delta = cents(total) - Decimal(records[at][1])
    records[at] = (records[at][0], amount(cents(total)))
    return delta


def _set(records: list[Record], index: int, value: str) -> tuple[str, str]:
    before = records[index][1]
    records[index] = (records[index][0], value)
    return before, value


# --- mutators ---------------------------------------------------------------------------------------------

def _bad_siren_key(records, rng):
    i = _first(records, "S21.G00.06.001")
    siren = records[i][1]
    bad = next(siren[:-1] + d for d in rng.sample("0123456789", 10) if not luhn_ok(siren[:-1] + d))
    return records, i, records[i][0], *_set(records, i, bad), ()


def _bad_siret_key(records, rng):
    i = _first(records, "S21.G00.11.001")
    siren, nic = records[_owner(records, i, "S21.G00.06.001")][1], records[i][1]
    bad = next(nic[:-1] + d for d in rng.sample("0123456789", 10)
               if not luhn_ok(siren + nic[:-1] + d) and nic[:-1] + d != "00000")
    before, after = _set(records, i, bad)
    related = []
    for j, (code, value) in enumerate(records):
        if value == siren + nic and code in ("S21.G00.40.019", "S21.G00.20.002", "S21.G00.22.002"):
            records[j] = (code, siren + bad)
            related.append(j)
    return records, i, "S21.G00.11.001", before, after, tuple(related)


def _random_of(records, code, rng):
    return rng.choice(_indices(records, code))


def _nir_change(make: Callable[[str], str]):
    def mutate(records, rng):
        i = _random_of(records, "S21.G00.30.001", rng)
        return records, i, "S21.G00.30.001", *_set(records, i, make(records[i][1])), ()
    return mutate


def _duplicate_nir(records, rng):
    people = _indices(records, "S21.G00.30.001")
    source, target = sorted(rng.sample(people, 2))
    related = []
    for code in ("S21.G00.30.005", "S21.G00.30.006", "S21.G00.30.014"):
        src = dict((c, j) for j, (c, _) in enumerate(records[slice(*_individual(records, source))], start=source))
        dst = dict((c, j) for j, (c, _) in enumerate(records[slice(*_individual(records, target))], start=target))
        records[dst[code]] = (code, records[src[code]][1])
        related.append(dst[code])
    return records, target, "S21.G00.30.001", *_set(records, target, records[source][1]), tuple(related)


def _value_change(code: str, make: Callable[[str], str]):
    def mutate(records, rng):
        i = _random_of(records, code, rng)
        return records, i, code, *_set(records, i, make(records[i][1])), ()
    return mutate


def _missing_mandatory(records, rng):
    i = _random_of(records, "S21.G00.40.007", rng)
    before = records[i][1]
    del records[i]
    return records, i, "S21.G00.40.007", before, None, fix_line_counts(records)


def _s90(code: str):
    def mutate(records, rng):
        i = _first(records, code)
        return records, i, code, *_set(records, i, str(int(records[i][1]) + 1)), ()
    return mutate


def _base31_nonzero(records, rng):
    base = rng.choice(_bases31(records))
    i = base + 3
    composant = _values_in(records, _span(records, base, ("S21.G00.79",)), "S21.G00.79.004")[0][1]
    return records, i, "S21.G00.78.004", *_set(records, i, composant if composant != "0.00" else "100.00"), ()


def _base31_without_affiliation(records, rng):
    base = rng.choice(_bases31(records))
    start, end = _span(records, base, ("S21.G00.79", "S21.G00.81"))
    used = {v for _, v in _values_in(records, _individual(records, base), "S21.G00.70.012")}
    orphan = next(str(n) for n in range(9, 1000) if str(n) not in used)
    copy = []
    for code, value in records[start:end]:
        if code == "S21.G00.78.005":
            value = orphan
        elif code in ("S21.G00.79.004", "S21.G00.81.004"):
            value = "0.00"
        copy.append((code, value))
    records[end:end] = copy
    return records, end + 4, "S21.G00.78.005", None, orphan, fix_line_counts(records)


def _span_of_059(records, base):
    span = _span(records, base, ("S21.G00.79", "S21.G00.81"))
    at = next(i for i, v in _values_in(records, span, "S21.G00.81.001") if v == "059")
    return _span(records, at)


def _missing_059(records, rng):
    base = rng.choice(_bases31(records))
    start, end = _span_of_059(records, base)
    value = Decimal(records[start + 1][1])
    related = _shift_payment(records, base, -value)
    del records[start:end]
    return records, start, "S21.G00.81.001", "059", None, related + fix_line_counts(records)


def _two_059(records, rng):
    base = rng.choice(_bases31(records))
    start, end = _span_of_059(records, base)
    related = _shift_payment(records, base, Decimal(records[start + 1][1]))
    records[end:end] = records[start:end]
    return records, end, "S21.G00.81.001", None, "059", related + fix_line_counts(records)


def _oc_payment_index(records):
    return next(p for e in _indices(records, "S21.G00.11.001") if (p := _oc_payment(records, e)) is not None)


def _oc_payment_mismatch(records, rng):
    i = _payment_amount(records, _oc_payment_index(records))
    return records, i, "S21.G00.20.005", *_set(records, i, _add(records[i][1], Decimal("10.00"))), ()


def _contract_payment_mismatch(records, rng):
    i = _first(records, "S21.G00.55.001")
    payment = _payment_amount(records, _owner(records, i, "S21.G00.20.001"))
    _set(records, payment, _add(records[payment][1], Decimal("10.00")))
    return records, i, "S21.G00.55.001", *_set(records, i, _add(records[i][1], Decimal("10.00"))), (payment,)


def _dgfip_payment_mismatch(records, rng):
    i = _payment_amount(records, next(j for j, (c, v) in enumerate(records) if c == "S21.G00.20.001" and v == "DGFIP"))
    return records, i, "S21.G00.20.005", *_set(records, i, _add(records[i][1], Decimal("1.00"))), ()


def _urssaf_bordereau_mismatch(records, rng):
    i = _first(records, "S21.G00.22.005")
    return records, i, "S21.G00.22.005", *_set(records, i, _add(records[i][1], Decimal("5.00"))), ()


def _unknown_contract(records, rng):
    i = _first(records, "S21.G00.15.001")
    old, new = records[i][1], f"INCONNU-{rng.randint(100000, 999999)}"
    related = tuple(j for j, (c, v) in enumerate(records) if c == "S21.G00.55.003" and v == old)
    for j in related:
        records[j] = ("S21.G00.55.003", new)
    return records, i, "S21.G00.15.001", *_set(records, i, new), related


def _wrong_oc_code(records, rng):
    codes = _indices(records, "S21.G00.15.002")
    old = records[codes[0]][1]
    new = next(c for c in (f"P{rng.randint(1000, 9999)}" for _ in range(100)) if c != old)
    related = [j for j in codes[1:] if records[j][1] == old]
    related += [j for j in _indices(records, "S21.G00.20.001") if records[j][1] == old]
    for j in related:
        records[j] = (records[j][0], new)
    return records, codes[0], "S21.G00.15.002", *_set(records, codes[0], new), tuple(related)


def _unknown_option(records, rng):
    i = _random_of(records, "S21.G00.70.004", rng)
    return records, i, "S21.G00.70.004", *_set(records, i, "OPTION-INCONNUE"), ()


def _population_not_allowed(records, rng):
    pairs = [(j, records[j][1], records[j + 2][1]) for j in _indices(records, "S21.G00.70.005")]
    i, _, adhesion = rng.choice(pairs)
    own = {p for _, p, a in pairs if a == adhesion}
    other = sorted({p for _, p, a in pairs if a != adhesion} - own) or ["POPULATION-HORS-CONTRAT"]
    return records, i, "S21.G00.70.005", *_set(records, i, other[0]), ()


def _employee_outside_criteria(records, rng):
    statut_of = {}
    for j in _indices(records, "S21.G00.70.005"):
        statut_of.setdefault(records[j][1], set()).add(
            next(v for _, v in _values_in(records, _individual(records, j), "S21.G00.40.003")))
    cadre_only = {p for p, statuts in statut_of.items() if statuts <= {"01", "02"}}
    candidates = [j for j in _indices(records, "S21.G00.40.003") if records[j][1] in ("01", "02")
                  and any(v in cadre_only for _, v in _values_in(records, _individual(records, j), "S21.G00.70.005"))]
    i = rng.choice(candidates)
    return records, i, "S21.G00.40.003", *_set(records, i, "04"), ()


def _missing_affiliation(records, rng):
    i = _random_of(records, "S21.G00.70.012", rng)
    person = _individual(records, i)
    ident = records[i][1]
    base = next(j for j, v in _values_in(records, person, "S21.G00.78.005") if v == ident) - 4
    start70, end70 = _span(records, _owner(records, i, "S21.G00.70.004"), ("S21.G00.73",))
    value = Decimal(records[_span_of_059(records, base)[0] + 1][1])
    related = _shift_payment(records, base, -value)
    start31, end31 = _span(records, base, ("S21.G00.79", "S21.G00.81"))
    before = records[start70][1]
    del records[start31:end31]
    del records[start70:end70]
    return records, start70, "S21.G00.70.004", before, None, related + fix_line_counts(records)


def _missing_composant(records, rng):
    candidates = [b for b in _bases31(records)
                  if len(_values_in(records, _span(records, b, ("S21.G00.79", "S21.G00.81")), "S21.G00.79.001")) > 1]
    base = rng.choice(candidates)
    i = _values_in(records, _span(records, base, ("S21.G00.79",)), "S21.G00.79.001")[-1][0]
    before = records[i][1]
    del records[i:i + 2]
    related = _shift_payment(records, base, _recompute_059(records, base))
    return records, i, "S21.G00.79.001", before, None, related + fix_line_counts(records)


def _wrong_rate(records, rng):
    base = rng.choice(_bases31(records))
    start, _ = _span_of_059(records, base)
    i = start + 2
    before, after = _set(records, i, rate3(Decimal(records[i][1]) + Decimal("0.250")))
    related = _shift_payment(records, base, _recompute_059(records, base))
    return records, i, "S21.G00.81.007", before, after, (start + 1,) + related


def _wrong_amount(records, rng):
    base = rng.choice(_bases31(records))
    i = _span_of_059(records, base)[0] + 1
    before, after = _set(records, i, _add(records[i][1], Decimal("1.37")))
    return records, i, "S21.G00.81.004", before, after, _shift_payment(records, base, Decimal("1.37"))


def _missing_payment(records, rng):
    i = _oc_payment_index(records)
    start, end = _span(records, i, ("S21.G00.55",))
    before = records[i][1]
    del records[start:end]
    return records, i, "S21.G00.20.001", before, None, fix_line_counts(records)


def _wrong_periodicity(records, rng):
    periods = _indices(records, "S21.G00.55.004")
    monthly = [j for j in periods if records[j][1][4] == "M"]
    i = rng.choice(monthly or periods)
    value = records[i][1]
    if value[4] == "M":
        new = f"{value[:4]}T{(int(value[5:]) - 1) // 3 + 1:02d}"
    else:
        new = f"{value[:4]}M{int(value[5:]) * 3:02d}"
    return records, i, "S21.G00.55.004", *_set(records, i, new), ()


ERROR_KINDS: dict[str, ErrorKind] = {kind.name: kind for kind in (
    ErrorKind("bad_siren_key", "S21.G00.06.001 SIREN fails its Luhn key", _bad_siren_key),
    ErrorKind("bad_siret_key", "S21.G00.11.001 NIC makes the SIRET fail its Luhn key (40.019/20.002/22.002 follow)",
              _bad_siret_key),
    ErrorKind("bad_nir_format", "S21.G00.30.001 with birth month 13 (fails the NIR regexp)",
              _nir_change(lambda nir: nir[:3] + "13" + nir[5:])),
    ErrorKind("duplicate_nir", "two individuals share one NIR (30.005/.006/.014 copied so the NIR stays consistent)",
              _duplicate_nir),
    ErrorKind("placeholder_nir", "S21.G00.30.001 = 1999999999999 or 2999999999999",
              _nir_change(lambda nir: nir[0] + "9" * 12)),
    ErrorKind("nir_trailing_nines", "S21.G00.30.001 ending with six 9s", _nir_change(lambda nir: nir[:7] + "999999")),
    ErrorKind("bad_date", "S21.G00.40.001 = 31 February (impossible date)",
              _value_change("S21.G00.40.001", lambda value: "3102" + value[4:])),
    ErrorKind("unknown_enum_value", "S21.G00.30.005 sexe = 03 (outside the enumeration)",
              _value_change("S21.G00.30.005", lambda value: "03")),
    ErrorKind("value_too_long", "S21.G00.30.002 of 81 characters (max 80)",
              _value_change("S21.G00.30.002", lambda value: (value + " " + "X" * 80)[:81])),
    ErrorKind("missing_mandatory_rubrique", "S21.G00.40.007 nature du contrat dropped", _missing_mandatory),
    ErrorKind("wrong_s90_line_count", "S90.G00.90.001 one more than the envoi's lines", _s90("S90.G00.90.001")),
    ErrorKind("wrong_s90_declaration_count", "S90.G00.90.002 one more than the S20 count", _s90("S90.G00.90.002")),
    ErrorKind("base31_nonzero_amount", "S21.G00.78.004 of a base 31 is not 0.00", _base31_nonzero),
    ErrorKind("base31_without_affiliation", "an extra zero-amount base 31 whose 78.005 matches no 70.012",
              _base31_without_affiliation),
    ErrorKind("missing_059", "a base 31 without its S21.G00.81 059 (payments follow)", _missing_059),
    ErrorKind("two_059", "a base 31 with two S21.G00.81 059 (payments follow)", _two_059),
    ErrorKind("oc_payment_mismatch", "OC S21.G00.20.005 differs from Σ 55.001", _oc_payment_mismatch),
    ErrorKind("contract_payment_mismatch", "S21.G00.55.001 differs from Σ 059 of its contract (20.005 follows)",
              _contract_payment_mismatch),
    ErrorKind("dgfip_payment_mismatch", "DGFIP S21.G00.20.005 differs from Σ 50.009", _dgfip_payment_mismatch),
    ErrorKind("urssaf_bordereau_mismatch", "S21.G00.22.005 differs from Σ 23.005 and the URSSAF payment",
              _urssaf_bordereau_mismatch),
    ErrorKind("unknown_contract", "S21.G00.15.001 (and its 55.003) not in the referential", _unknown_contract),
    ErrorKind("wrong_oc_code", "S21.G00.15.002 (and the OC 20.001) another organism code", _wrong_oc_code),
    ErrorKind("unknown_option", "S21.G00.70.004 option not in the contract", _unknown_option),
    ErrorKind("population_not_allowed", "S21.G00.70.005 population of another contract", _population_not_allowed),
    ErrorKind("employee_outside_criteria", "a cadre-population member with S21.G00.40.003 = 04 (non-cadre)",
              _employee_outside_criteria),
    ErrorKind("missing_affiliation", "an S21.G00.70 and its base 31 dropped for a qualifying employee",
              _missing_affiliation),
    ErrorKind("missing_composant", "an expected S21.G00.79 dropped (059 recomputed, payments follow)",
              _missing_composant),
    ErrorKind("wrong_rate", "S21.G00.81.007 of a 059 + 0.25 point (81.004 recomputed, payments follow)", _wrong_rate),
    ErrorKind("wrong_amount", "S21.G00.81.004 of a 059 + 1.37 (payments follow)", _wrong_amount),
    ErrorKind("missing_payment", "the OC S21.G00.20 and its 55 dropped", _missing_payment),
    ErrorKind("wrong_periodicity", "S21.G00.55.004 with the wrong cadence (M <-> T)", _wrong_periodicity),
)}


def inject(records: list[Record], kind: str, seed: int = 0) -> Mutated:
    """Plant the error ``kind`` of :data:`ERROR_KINDS` in ``records`` with a seeded choice of target."""
    return ERROR_KINDS[kind].apply(records, random.Random(seed))
