"""Files in the form certified payroll software writes them (generator style "certified") on every norm version
P22V01–P26V01: no blocking anomaly and no engine error, and each certified form is really in the files."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from dsn_parser import load_catalog, read_dsn
from dsn_parser.generator.certified import NEW_IN_P24V01, OC_PERIOD, RENUMBERED, former_number
from dsn_parser.generator.generated import GeneratedCompany, generate_company
from dsn_parser.generator.values import d8, days
from dsn_parser.writer import Record, write_records
from rules import ValidationOptions, validate, versions
from rules.engine import ENGINE_ERROR
from rules.fpoc import load_for_validation

FIRST_MONTH = {"P22V01": date(2022, 1, 1), "P23V01": date(2023, 1, 1), "P24V01": date(2024, 1, 1),
               "P25V01": date(2025, 1, 1), "P26V01": date(2026, 1, 1)}
NORMS = tuple(FIRST_MONTH)
KINDS = ("month1", "month2", "month3", "arret", "fctu")


@cache
def _company(norm: str) -> GeneratedCompany:
    return generate_company(11, employees=10, months=3, start_month=FIRST_MONTH[norm], norm=norm, style="certified")


@cache
def _file(norm: str, kind: str) -> tuple[Record, ...]:
    company = _company(norm)
    if kind.startswith("month"):
        return tuple(company.series()[int(kind[-1]) - 1])
    return tuple(company.arret_signalement() if kind == "arret" else company.fctu_signalement())


def _mensuelles(norm: str) -> list[tuple[Record, ...]]:
    return [_file(norm, f"month{rank}") for rank in (1, 2, 3)]


def _blocks(records) -> list[tuple[str, dict[str, str]]]:
    """(block code, rubrique number -> value) of each block instance, in file order."""
    out: list[tuple[str, dict[str, str]]] = []
    for code, value in records:
        block, number = code[:10], code[11:]
        if not out or out[-1][0] != block or number <= max(out[-1][1]):
            out.append((block, {}))
        out[-1][1][number] = value
    return out


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    """The FPOC sheet of each version's company, loaded for validation."""
    tmp = tmp_path_factory.mktemp("certified")

    @cache
    def sheet(norm: str):
        path = tmp / f"fpoc_{norm}.xml"
        path.write_bytes(_company(norm).fpoc_xml())
        referential, problems = load_for_validation(path)
        assert problems == ()
        return referential
    return sheet


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("norm", NORMS)
def test_certified_file_has_no_blocking_anomaly(norm, kind, sheets, tmp_path):
    """Every file is checked with the company's FPOC sheet too (FPOC- adhésions, bases and composants)."""
    referential = sheets(norm)
    path = write_records(list(_file(norm, kind)), tmp_path / f"{norm}_{kind}.dsn")
    report = validate(read_dsn(path), ValidationOptions(referential=referential))
    assert report.declarations
    assert [(a.code, a.line, a.message) for a in report.anomalies
            if a.severity == "blocking" or a.code == ENGINE_ERROR] == []


@pytest.mark.parametrize("norm", NORMS)
def test_oc_payments_carry_01012000(norm):
    organisme = _company(norm).company.referential.organisme.code
    payments = [values for records in _mensuelles(norm) for block, values in _blocks(records)
                if block == "S21.G00.20"]
    oc = [p for p in payments if p["001"] == organisme]
    assert len(oc) == 3 and all(p["006"] == p["007"] == OC_PERIOD for p in oc)
    others = [p for p in payments if p["001"] != organisme]
    assert others and all(p["006"] != OC_PERIOD and p["006"][:2] == "01" for p in others)


@pytest.mark.parametrize("norm", NORMS)
def test_remuneration_001_carries_the_ceiling_days_from_p25(norm):
    for records in _mensuelles(norm) + [_file(norm, "fctu")]:
        remuneration, found = None, {}
        for block, values in _blocks(records):
            if block == "S21.G00.51":
                remuneration = values
                found[id(values)] = (values, [])
            elif block == "S21.G00.53":
                found[id(remuneration)][1].append(values)
        pay_001 = [(r, activities) for r, activities in found.values() if r["011"] == "001"]
        assert pay_001
        for pay, activities in pay_001:
            if norm >= "P25V01":
                start, end = (date(int(v[4:]), int(v[2:4]), int(v[:2])) for v in (pay["001"], pay["002"]))
                assert activities == [{"001": "01", "002": f"{days(start, end)}.00", "003": "40"}]
            else:
                assert activities == []
        assert all(a["003"] != "40" for r, activities in found.values() if r["011"] != "001" for a in activities)


@pytest.mark.parametrize("norm", NORMS)
def test_urssaf_bordereau_lines_carry_assiettes_only(norm):
    for records in _mensuelles(norm):
        blocks = _blocks(records)
        slip = next(values for block, values in blocks if block == "S21.G00.22")
        lines = [values for block, values in blocks if block == "S21.G00.23"]
        bare = [line for line in lines if "005" not in line]
        assert len(bare) > len(lines) / 2 and all("004" in line and "003" not in line for line in bare)
        total = Decimal(slip["005"])
        assert total == total.to_integral_value()  # rounded to the euro
        assert total != sum(Decimal(line["005"]) for line in lines if "005" in line)
        payment = next(v for b, v in blocks if b == "S21.G00.20" and v["001"] == slip["001"])
        assert Decimal(payment["005"]) == total


@pytest.mark.parametrize("norm", NORMS)
def test_dgfip_payment_is_rounded_to_the_euro(norm):
    gaps = set()
    for records in _mensuelles(norm):
        blocks = _blocks(records)
        paid = Decimal(next(v["005"] for b, v in blocks if b == "S21.G00.20" and v["001"] == "DGFIP"))
        withheld = sum(Decimal(v["009"]) for b, v in blocks if b == "S21.G00.50")
        assert paid == paid.to_integral_value() and abs(paid - withheld) <= Decimal("0.50")
        gaps.add(paid - withheld)
    assert gaps != {Decimal(0)}  # the rounding is visible in at least one month


@pytest.mark.parametrize("norm", NORMS)
def test_no_composant_of_zero_and_a_cadre_below_the_pmss(norm):
    bases31 = []  # composant types of each base 31
    for records in _mensuelles(norm):
        for block, values in _blocks(records):
            if block == "S21.G00.78" and values["001"] == "31":
                bases31.append([])
            elif block == "S21.G00.79":
                assert Decimal(values["004"]) != 0
                bases31[-1].append(values["001"])
    # the prévoyance cadres has tranches A and B: below the PMSS a cadre declares tranche A only
    assert ["11"] in bases31 and ["11", "13"] in bases31


@pytest.mark.parametrize("norm", NORMS)
def test_contract_renumbering_is_a_change_block_without_optional_rubriques(norm):
    employee = _company(norm).employees[RENUMBERED]
    former = former_number(employee)
    months = _company(norm).months
    numbers = []
    for month, records in zip(months, _mensuelles(norm)):
        blocks = _blocks(records)
        contracts = [values for block, values in blocks if block == "S21.G00.40"]
        numbers.append({c["009"] for c in contracts} & {former, employee.contract_no})
        changes = [values for block, values in blocks if block == "S21.G00.41"]
        if month == months[1]:
            assert changes == [{"001": d8(month), "014": former}]  # no S21.G00.41.028 nor any other
        else:
            assert changes == []
    assert numbers == [{former}, {employee.contract_no}, {employee.contract_no}]


@pytest.mark.parametrize("norm", NORMS)
def test_only_what_the_version_has(norm):
    codes = {code for kind in KINDS for code, _value in _file(norm, kind)}
    assert {code for code in codes if not versions.exists(code, norm) or not versions.exists(code[:10], norm)} == set()
    assert any(code.startswith("S21.G00.58.") for code in codes) == (norm >= "P24V01")


def test_new_in_p24v01_is_the_official_difference():
    """The generator's list (it may not import rules) is what rules.versions derives from the official sources."""
    catalog = load_catalog("P24V01")
    new = {code for code in [*catalog.blocks, *catalog.rubriques]
           if versions.exists(code, "P24V01") and not versions.exists(code, "P21V01")}
    assert {code for code in new if len(code) == 10 or code[:10] not in new} == NEW_IN_P24V01
