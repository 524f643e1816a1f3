"""Each error kind plants exactly the anomaly it names and keeps the rest of the file coherent."""
from __future__ import annotations

import random
from decimal import Decimal

import pytest

from dsn_parser.generator import ERROR_KINDS, inject
from dsn_parser.generator.keys import NIR_PATTERN, luhn_ok

from .helpers import build_tree
from .test_norm_validity import check_values
from .test_payments import base31_by_contract, establishments, oc_payment
from .test_series import check_totals

REQUIRED = """bad_siren_key bad_siret_key bad_nir_format duplicate_nir placeholder_nir nir_trailing_nines bad_date
unknown_enum_value value_too_long missing_mandatory_rubrique wrong_s90_line_count wrong_s90_declaration_count
base31_nonzero_amount base31_without_affiliation missing_059 two_059 oc_payment_mismatch contract_payment_mismatch
dgfip_payment_mismatch urssaf_bordereau_mismatch unknown_contract wrong_oc_code unknown_option population_not_allowed
employee_outside_criteria missing_affiliation missing_composant wrong_rate wrong_amount missing_payment
wrong_periodicity""".split()
S90_KINDS = {"wrong_s90_line_count", "wrong_s90_declaration_count"}
FORMAT_KINDS = {"bad_nir_format", "bad_date", "unknown_enum_value", "value_too_long"}
PAYMENT_KINDS = {"oc_payment_mismatch", "contract_payment_mismatch"}


def test_registry_covers_the_required_kinds():
    assert set(REQUIRED) <= set(ERROR_KINDS)
    assert all(kind.name == name and kind.description for name, kind in ERROR_KINDS.items())


@pytest.fixture(scope="module")
def march(series):
    return series[2]


@pytest.mark.parametrize("name", sorted(ERROR_KINDS))
def test_mutation_is_reported_and_the_rest_stays_valid(march, name):
    records, mutation = inject(march, name, seed=3)
    assert records != march and mutation.kind == name
    if mutation.after is None:  # removal: index is in the original list
        assert march[mutation.index] == (mutation.code, mutation.before)
    else:
        assert records[mutation.index] == (mutation.code, mutation.after)
        assert mutation.before is None or march[mutation.index] == (mutation.code, mutation.before)
    if name not in S90_KINDS:
        check_totals(records)
    problems = {(march_line[1]) for march_line in check_values(records)}
    if name not in FORMAT_KINDS:
        assert problems == set(), problems
    if name not in PAYMENT_KINDS:
        for establishment in establishments(records):
            payment = oc_payment(establishment, establishment.all("S21.G00.15")[0].get("002"))
            if payment is not None:
                assert payment.amount("005") == sum(p.amount("001") for p in payment.all("S21.G00.55"))


def test_same_seed_same_mutation(march):
    assert inject(march, "wrong_amount", 5) == inject(march, "wrong_amount", 5)
    assert ERROR_KINDS["duplicate_nir"].apply(march, random.Random(1)).mutation.kind == "duplicate_nir"


def test_identifier_errors(march):
    siren = inject(march, "bad_siren_key").records
    assert not luhn_ok(dict(siren)["S21.G00.06.001"])
    siret = inject(march, "bad_siret_key")
    assert not luhn_ok(dict(siret.records)["S21.G00.06.001"] + siret.mutation.after)
    assert not NIR_PATTERN.fullmatch(inject(march, "bad_nir_format").mutation.after)
    assert inject(march, "placeholder_nir").mutation.after[1:] == "9" * 12
    assert inject(march, "nir_trailing_nines").mutation.after.endswith("999999")
    nirs = [v for c, v in inject(march, "duplicate_nir").records if c == "S21.G00.30.001"]
    assert len(nirs) == len(set(nirs)) + 1


def test_check_values_flags_format_kinds(march):
    for name in FORMAT_KINDS - {"bad_date"}:
        records, mutation = inject(march, name)
        assert (mutation.index, mutation.code) in {(p[0], p[1]) for p in check_values(records)}


def test_payment_errors_hit_the_expected_sum(march):
    code = dict(march)["S21.G00.15.002"]
    records, _ = inject(march, "oc_payment_mismatch")
    payment = oc_payment(establishments(records)[0], code)
    assert payment.amount("005") != sum(p.amount("001") for p in payment.all("S21.G00.55"))

    records, mutation = inject(march, "contract_payment_mismatch")
    establishment = establishments(records)[0]
    part = next(p for p in oc_payment(establishment, code).all("S21.G00.55") if p.line == mutation.index)
    original = next(p for p in oc_payment(establishments(march)[0], code).all("S21.G00.55") if p.line == mutation.index)
    assert part.amount("001") - original.amount("001") == Decimal("10.00")

    for name in ("wrong_amount", "two_059", "missing_059", "missing_composant", "wrong_rate", "missing_affiliation"):
        records, _ = inject(march, name)
        establishment = establishments(records)[0]
        monthly = {p.get("003"): p.amount("001") for p in oc_payment(establishment, code).all("S21.G00.55")
                   if p.get("004")[4] == "M"}
        if name in ("two_059", "missing_059"):
            continue  # base31_by_contract insists on exactly one 059
        due = base31_by_contract(establishment)
        for reference, paid in monthly.items():
            assert paid == due[reference], name

    dgfip = inject(march, "dgfip_payment_mismatch").records
    establishment = establishments(dgfip)[0]
    assert oc_payment(establishment, "DGFIP").amount("005") != sum(
        v.amount("009") for v in establishment.all("S21.G00.50"))


def test_oc_link_errors(company, march):
    referential = company.referential
    records, mutation = inject(march, "unknown_contract")
    assert referential.contract(mutation.after) is None
    assert dict(inject(march, "wrong_oc_code").records)["S21.G00.15.002"] != referential.organisme.code
    records, mutation = inject(march, "base31_without_affiliation")
    person = [p for p in build_tree(records)[0].all("S21.G00.30") if p.line < mutation.index][-1]
    assert mutation.after not in {a.get("012") for a in person.all("S21.G00.70")}
    records, mutation = inject(march, "employee_outside_criteria")
    assert records[mutation.index][1] == "04"
    records, mutation = inject(march, "population_not_allowed")
    adhesion = records[mutation.index + 2][1]
    reference = dict((a.get("005"), a.get("001")) for a in establishments(records)[0].all("S21.G00.15"))[adhesion]
    assert mutation.after not in {p.code for p in referential.contract(reference).populations}
    records, mutation = inject(march, "missing_affiliation")
    assert len([c for c, _ in records if c == "S21.G00.70.012"]) == len(
        [c for c, _ in march if c == "S21.G00.70.012"]) - 1
    records, mutation = inject(march, "missing_payment")
    assert oc_payment(establishments(records)[0], referential.organisme.code) is None
    records, mutation = inject(march, "wrong_periodicity")
    contract = referential.contract(records[mutation.index - 1][1])
    assert mutation.after != mutation.before == contract.period_code(company.months[2])
