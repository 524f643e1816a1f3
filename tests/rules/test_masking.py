"""Personal values masked by their kind."""
from __future__ import annotations

import pytest

from rules.masking import PERSONAL_KINDS, mask_personal


@pytest.mark.parametrize("kind, value, shown", [
    ("nir", "1850375123456", "185**********"),
    ("ntt", "ABC123", "ABC***"),
    ("birth_date", "1985-03-12", "1985-**-**"),
    ("birth_date", "12031985", "****1985"),
    ("birth_date", "MARQUEUR", "M*******"),
    ("iban", "FR7630006000011234567890189", "FR76*******************0189"),
    ("iban", "FR76", "****"),
    ("bic", "BNPAFRPPXXX", "BNPA*******"),
    ("name", "Durand", "D*****"),
    ("address", "12 rue des Lilas", "1" + "*" * 15),
])
def test_each_kind_keeps_only_what_identifies_no_one(kind, value, shown):
    assert mask_personal(kind, value) == shown


def test_empty_values_pass_and_an_unknown_kind_is_refused():
    assert all(mask_personal(kind, None) is None and mask_personal(kind, "") == "" for kind in PERSONAL_KINDS)
    with pytest.raises(ValueError, match="inconnu"):
        mask_personal("salary", "1000")


def test_every_nir_or_iban_typed_rubrique_of_every_catalog_is_personal():
    from dsn_parser.catalog import available_versions, load_catalog
    from rules.masking import all_personal_rubriques

    kinds = all_personal_rubriques()
    for version in available_versions():
        for code, rubrique in load_catalog(version).rubriques.items():
            type_id = rubrique.type.id.lower()
            if "nir" in type_id:
                assert kinds[code] == "nir", (version, code)
            if "iban" in type_id or rubrique.name == "IBAN":
                assert kinds[code] == "iban", (version, code)


@pytest.mark.parametrize("code, kind", [
    ("S21.G00.30.300", "nir"), ("S21.G00.30.020", "ntt"), ("S21.G00.30.002", "name"), ("S21.G00.30.004", "name"),
    ("S21.G00.30.006", "birth_date"), ("S21.G00.30.007", "birth_place"), ("S21.G00.30.008", "address"),
    ("S21.G00.30.018", "email"), ("S20.G00.07.002", "phone"), ("S21.G00.60.007", "iban"), ("S21.G00.20.003", "bic"),
    ("S21.G00.73.006", "name"), ("S21.G00.73.005", "birth_date"), ("S10.G00.95.001", "name"),
    # not personal: a company's address and name, counts and software names
    ("S21.G00.11.003", None), ("S10.G00.01.003", None), ("S21.G00.70.007", None), ("S10.G00.00.001", None),
    ("S21.G00.06.005", None),
])
def test_the_kind_comes_from_type_and_meaning(code, kind):
    from rules.masking import all_personal_rubriques

    assert all_personal_rubriques().get(code) == kind


def test_mask_value_keeps_the_year_of_a_dsn_birth_date_and_leaves_the_rest():
    from rules.masking import mask_value

    assert mask_value("S21.G00.30.006", "12031985") == "****1985"
    assert mask_value("S21.G00.30.300", "1850375123456") == "185**********"
    assert mask_value("S21.G00.11.003", "12 rue de la Paix") == "12 rue de la Paix"
    assert mask_value("S21.G00.30.001", "1850375123456", unmask=True) == "1850375123456"


def test_mask_text_finds_raw_lines_valid_nirs_and_valid_ibans():
    from rules.masking import mask_text

    nir = "185037512345"  # 12 digits + the 13th: a 13-character NIR
    key = 97 - int(nir + "6") % 97
    assert mask_text("S21.G00.30.002,'Durand' ") == "S21.G00.30.002,'D*****' "
    assert mask_text(f"valeur {nir}6 refusée") == "valeur 185********** refusée"
    assert mask_text(f"{nir}6{key:02d}") == "185************"
    assert mask_text(f"{nir}6{(key + 1) % 97:02d}") == f"{nir}6{(key + 1) % 97:02d}"  # wrong key: not a NIR
    assert mask_text("FR7630006000011234567890189") == "FR76*******************0189"
    assert mask_text("FR7630006000011234567890188") == "FR7630006000011234567890188"  # bad check
    assert mask_text("SIRET 84860229800011") == "SIRET 84860229800011"
