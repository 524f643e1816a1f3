from datetime import date
import random

from hypothesis import given, strategies as st

from dsn_parser.generator.keys import (NIR_PATTERN, birth_department, luhn_complete, luhn_ok, make_iban, make_nir,
                                       make_siren, make_siret, nir15, nir_key)

seeds = st.integers(min_value=0, max_value=2**32)


def test_luhn_known_values():
    assert luhn_ok("732829320")          # a textbook valid SIREN
    assert not luhn_ok("732829321")
    assert not luhn_ok("73282932a")


@given(seeds)
def test_siren_and_siret_pass_luhn(seed):
    rng = random.Random(seed)
    siren = make_siren(rng)
    siret = make_siret(siren, rng)
    assert len(siren) == 9 and luhn_ok(siren)
    assert len(siret) == 14 and siret.startswith(siren) and luhn_ok(siret) and siret[9:] != "00000"


@given(st.text(alphabet="0123456789", min_size=1, max_size=20))
def test_luhn_complete_appends_the_only_valid_digit(prefix):
    completed = luhn_complete(prefix)
    assert luhn_ok(completed)
    assert [luhn_ok(prefix + d) for d in "0123456789"].count(True) == 1


@given(seeds, st.sampled_from("12"), st.dates(min_value=date(1940, 1, 1), max_value=date(2009, 12, 31)))
def test_nir_matches_regexp_and_identity(seed, sex, birth):
    rng = random.Random(seed)
    dept = birth_department(rng, birth.year)
    nir = make_nir(sex, birth, dept, rng)
    assert NIR_PATTERN.fullmatch(nir)
    assert nir[0] == sex and nir[1:3] == f"{birth.year % 100:02d}" and nir[3:5] == f"{birth.month:02d}"
    assert nir[5:7] == dept
    assert dept not in ("2A", "2B") or birth.year >= 1976
    assert dept != "20" or birth.year < 1976
    assert not nir.endswith("999999")


@given(seeds)
def test_nir15_key(seed):
    rng = random.Random(seed)
    nir = make_nir("2", date(1985, 7, 14), birth_department(rng, 1985), rng)
    full = nir15(nir)
    number = int(nir.replace("2A", "19").replace("2B", "18"))
    assert len(full) == 15 and (number + int(full[13:])) % 97 == 0 and 1 <= nir_key(nir) <= 97


def test_corsican_nir_key_substitution():
    assert nir_key("176052A001001") == 97 - int("1760519001001") % 97


@given(seeds)
def test_iban_key(seed):
    iban = make_iban(random.Random(seed))
    rearranged = iban[4:] + iban[:4]
    assert len(iban) == 27 and int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1
