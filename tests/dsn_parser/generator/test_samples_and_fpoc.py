"""The committed sample set regenerates byte for byte; the FPOC sheet matches the referential."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from lxml import etree

from dsn_parser.generator.fpoc_xml import RATED_ELEMENTS
from dsn_parser.generator.samples import write_samples

from .helpers import build_tree
from .test_norm_validity import check_values
from .test_series import check_totals

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "samples"


def test_samples_regenerate_byte_for_byte(tmp_path):
    written = write_samples(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in SAMPLES.iterdir())
    for path in written:
        assert path.read_bytes() == (SAMPLES / path.name).read_bytes(), path.name
    assert sum(p.stat().st_size for p in SAMPLES.iterdir()) < 1_000_000


def test_sample_dsn_files_are_valid():
    for path in SAMPLES.glob("*.dsn"):
        text = path.read_bytes().decode("iso-8859-1")
        assert "\r" not in text and text.endswith("\n")
        records = [tuple(line.split(",'", 1)) for line in text.splitlines()]
        records = [(code, value[:-1]) for code, value in records]
        check_totals(records)
        problems = [p for p in check_values(records) if p[1] != "S10.G00.00.006"]
        assert problems == [], path.name
        build_tree(records)


def test_lot_and_annule_remplace():
    lot = (SAMPLES / "lot_oc_V01R02.dsn").read_text(encoding="iso-8859-1").splitlines()
    assert lot[0] == "S05.G51.00.001,'V01R02'" and lot[-2].startswith("S95.G51.00.001")
    assert sum(line.startswith("S10.G00.00.001") for line in lot) == 2
    assert "S96.G51.00.002,'2'" in lot
    replaced = (SAMPLES / "mensuelle_P25V01_202503_annule_remplace.dsn").read_text(encoding="iso-8859-1")
    original = (SAMPLES / "mensuelle_P25V01_202503.dsn").read_text(encoding="iso-8859-1").splitlines()
    # a mensuelle replaces the one of the same SIREN, establishment, month and fraction; its model forbids
    # naming the replaced declaration (S20.G00.05.006, DSN-Val usage "DSN Mensuelle")
    for prefix in ("S20.G00.05.003", "S20.G00.05.005", "S21.G00.06.001", "S21.G00.11.001"):
        assert next(line for line in original if line.startswith(prefix)) in replaced.splitlines()
    assert "S20.G00.05.002,'03'" in replaced and "S20.G00.05.006" not in replaced


def test_fpoc_matches_referential(company):
    root = etree.fromstring(company.fpoc_xml())
    referential = company.referential
    assert root.tag == "LotFicheParam"
    sheet = root.find("FICHE")
    assert sheet.find("Entreprise").get("SIREN") == company.company.siren
    seen = set()
    for group in sheet.findall("GROUPE"):
        statuts = {v.text for v in group.findall("CriteresSalaries/StatutCategoriel/ValeursIncluses")}
        for params in group.findall("ParametresContrats"):
            contract = referential.contract(params.find("Contrat").get("ReferenceContrat"))
            assert params.get("Periodicite") == contract.periodicity
            assert params.find("Organisme").get("CodeOC") == referential.organisme.code
            option = contract.option(params.find("Option").get("CodeOption"))
            population = next(p for p in contract.populations
                              if p.code == params.find("Population").get("CodePopulation"))
            assert set(population.statuts) == statuts
            expected = {c.code: c for c in contract.expected_composants(option, population)}
            codes = {v: k for k, v in RATED_ELEMENTS.items()}
            for element in params.find("ElementsDeCalculAttendus"):
                code = codes.get(element.tag) or element.get("ValeurCodeNature")
                value = Decimal((element.findtext("Taux") or element.findtext("Montant")))
                assert value == (expected[code].rate if expected[code].rate is not None else expected[code].amount)
                expected.pop(code)
            assert not expected
            seen.add((contract.reference, option.code, population.code))
    assert seen == {(c.reference, o.code, p.code) for c in referential.contracts for o in c.options
                    for p in c.populations}
