"""FPOC XML loading: structure and value checks, one problem code at a time."""

import time
from pathlib import Path

import pytest
from lxml import etree

from rules.fpoc import Severity, load_fpoc_xml
from rules.fpoc.xml_loader import element_paths
from tests.rules.fpoc.support import FIXTURES, last_step, line_of

VALID = FIXTURES / "sheet_two_contracts.xml"


def test_valid_sheet_loads_without_problems():
    result = load_fpoc_xml(VALID)

    assert result.problems == ()
    (sheet,) = result.referential.sheets
    assert sheet.identifier == "FP-2025-0001"
    assert [line.contract.reference for line in sheet.parameters] == ["PREV-CAD-2025", "SANTE-2025"]


def test_broken_xml_gives_one_problem_with_the_parser_line():
    path = FIXTURES / "sheet_broken_xml.xml"

    result = load_fpoc_xml(path)

    (problem,) = result.problems
    assert problem.code == "FPOC-REF-01"
    assert problem.line == line_of(path.read_text(encoding="utf-8"), "</ParametresContrats>")
    assert problem.file == str(path)
    assert result.referential.sheets == ()


def test_missing_file_is_reported_not_raised(tmp_path):
    result = load_fpoc_xml(tmp_path / "absent.xml")

    assert [p.code for p in result.problems] == ["FPOC-REF-02"]


def test_missing_codeoc_points_at_organisme():
    path = FIXTURES / "sheet_missing_codeoc.xml"

    result = load_fpoc_xml(path)

    (problem,) = result.problems
    assert (problem.code, problem.attribute, last_step(problem.element)) == ("FPOC-REF-05", "CodeOC", "Organisme")
    assert problem.line == line_of(path.read_text(encoding="utf-8"), "<Organisme")
    assert result.referential.sheets == ()


def test_bad_rates_report_each_taux_element():
    path = FIXTURES / "sheet_bad_rate.xml"
    text = path.read_text(encoding="utf-8")

    result = load_fpoc_xml(path)

    assert [(p.code, p.value, p.line, last_step(p.element)) for p in result.problems] == [
        ("FPOC-REF-17", "1,18", line_of(text, "1,18"), "Taux"),
        ("FPOC-REF-17", "100.00", line_of(text, "100.00"), "Taux"),
    ]


def test_lot_loads_every_sheet():
    result = load_fpoc_xml(FIXTURES / "lot_two_sheets.xml")

    assert result.problems == ()
    assert [s.identifier for s in result.referential.sheets] == ["FP-SIEGE", "FP-USINE"]
    assert result.referential.sheets[0].nics == ("00011", "00029")


def test_bad_sheet_of_a_lot_is_rejected_and_the_others_load():
    path = FIXTURES / "lot_one_bad_sheet.xml"

    result = load_fpoc_xml(path)

    assert [s.identifier for s in result.referential.sheets] == ["FP-GOOD"]
    (problem,) = result.errors
    assert result.problems == result.errors
    assert problem.code == "FPOC-REF-09"
    assert problem.element.startswith("/LotFicheParam/FICHE[1]/")
    assert problem.line == line_of(path.read_text(encoding="utf-8"), 'CodeOC="Z99"')


# Each case edits the valid sheet: (replacements, code, text on the expected line, element, attribute).
CASES = {
    "unexpected root": ([("<FICHE ", "<FICHES "), ("</FICHE>", "</FICHES>")], "FPOC-REF-03", "<FICHES", "FICHES", None),
    "missing element": ([('<Organisme CodeOC="A12345"/>', "")], "FPOC-REF-04", 'DateFinValidite="31122025"', "ParametresContrats", None),
    "unknown element": ([("<Message>", "<Remarque>"), ("</Message>", "</Remarque>")], "FPOC-REF-06", "<Remarque>", "Remarque", None),
    "repeated element": (
        [('<Organisme CodeOC="A12345"/>', '<Organisme CodeOC="A12345"/><Organisme CodeOC="A12346"/>')],
        "FPOC-REF-07", "A12346", "Organisme", None,
    ),
    "label too long": ([('LibelleContrat="Frais de santé"', f'LibelleContrat="{"x" * 61}"')], "FPOC-REF-08", "x" * 61, "Contrat", "LibelleContrat"),
    "bad organism code": ([('CodeOC="A12345"', 'CodeOC="X1"')], "FPOC-REF-09", 'CodeOC="X1"', "Organisme", "CodeOC"),
    "bad former organism code": ([('AncienCodeOC="P0942"', 'AncienCodeOC="P094"')], "FPOC-REF-09", "P094", "Organisme", "AncienCodeOC"),
    "bad delegataire": ([('CodeDELEG="D12345"', 'CodeDELEG="E12345"')], "FPOC-REF-10", "E12345", "Organisme", "CodeDELEG"),
    "bad siren": ([('SIREN="552100554"', 'SIREN="55210055"')], "FPOC-REF-11", "55210055", "Entreprise", "SIREN"),
    "bad nic": ([('NIC="00011"', 'NIC="0011"')], "FPOC-REF-11", 'NIC="0011"', "Entreprise", "NIC"),
    "bad group number": ([('NumeroGrp="1"', 'NumeroGrp="1234567"')], "FPOC-REF-12", "1234567", "GROUPE", "NumeroGrp"),
    "impossible date": ([('DateFinValidite="31122025"', 'DateFinValidite="31022025"')], "FPOC-REF-13", "31022025", "ParametresContrats", "DateFinValidite"),
    "bad creation date": ([('DateHeureCreation="2025-01-02T10:15:00"', 'DateHeureCreation="02/01/2025"')], "FPOC-REF-13", "02/01/2025", "FICHE", "DateHeureCreation"),
    "end before start": ([('DateFinValidite="31122025"', 'DateFinValidite="31122024"')], "FPOC-REF-14", "31122024", "ParametresContrats", "DateFinValidite"),
    "bad periodicity": ([('Periodicite="Mensuel"', 'Periodicite="mensuel"')], "FPOC-REF-15", '"mensuel"', "ParametresContrats", "Periodicite"),
    "bad change code": ([('Changement="01"', 'Changement="06"')], "FPOC-REF-16", '"06"', "ParametresContrats", "Changement"),
    "rate of 100": ([("<Taux>1.18</Taux>", "<Taux>100</Taux>")], "FPOC-REF-17", "<Taux>100<", "Taux", None),
    "negative amount": ([("<Montant>45.50</Montant>", "<Montant>-3</Montant>")], "FPOC-REF-18", "-3", "Montant", None),
    "bad nature": ([('ValeurCodeNature="20"', 'ValeurCodeNature="22"')], "FPOC-REF-19", '"22"', "BaseMontantSpecifique", "ValeurCodeNature"),
    "specific base without value": ([("<Montant>45.50</Montant>", "")], "FPOC-REF-20", "ValeurCodeNature", "BaseMontantSpecifique", None),
    "specific base with both": ([("<Montant>45.50</Montant>", "<Montant>45.50</Montant><Taux>1</Taux>")], "FPOC-REF-20", "ValeurCodeNature", "BaseMontantSpecifique", None),
    "included and excluded": (
        [("<ValeursExclues>29</ValeursExclues>", "<ValeursExclues>29</ValeursExclues><ValeursIncluses>01</ValeursIncluses>")],
        "FPOC-REF-21", "<NatureContrat>", "NatureContrat", None,
    ),
    "empty criterion": ([("<NatureContrat><ValeursExclues>29</ValeursExclues></NatureContrat>", "<NatureContrat/>")], "FPOC-REF-21", "<NatureContrat/>", "NatureContrat", None),
    "bounds reversed": ([('BorneINF="50"', 'BorneINF="160"')], "FPOC-REF-22", 'BorneINF="160"', "QuotiteDeTravail", None),
    "bad seniority unit": ([('UniteAnciennete="02"', 'UniteAnciennete="04"')], "FPOC-REF-22", '"04"', "AncienneteEntrepriseGroupe", None),
    "non numeric bound": ([('BorneINF="6"', 'BorneINF="six"')], "FPOC-REF-22", "six", "AncienneteEntrepriseGroupe", "BorneINF"),
    "duplicate composant": ([("<TBPrev><Taux>1.17</Taux></TBPrev>", "<TAPrev><Taux>1.17</Taux></TAPrev>")], "FPOC-REF-23", "<TAPrev><Taux>1.17", "TAPrev", None),
    "overlapping lines": (
        [
            ('ReferenceContrat="SANTE-2025"', 'ReferenceContrat="PREV-CAD-2025"'),
            ('CodeOC="A12345"', 'CodeOC="P1030" CodeDELEG="D12345"'),
            ('CodeOption="OPT1"', 'CodeOption="BASE"'),
        ],
        "FPOC-REF-24", 'DateFinValidite="31122025"', "ParametresContrats", None,
    ),
}


def _edited(tmp_path: Path, replacements: list[tuple[str, str]]) -> tuple[Path, str]:
    text = VALID.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "sheet.xml"
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize(("replacements", "code", "needle", "element", "attribute"), CASES.values(), ids=CASES.keys())
def test_each_problem_code_has_its_line_and_element(tmp_path, replacements, code, needle, element, attribute):
    path, text = _edited(tmp_path, replacements)

    result = load_fpoc_xml(path)

    matching = [p for p in result.problems if p.code == code]
    assert len(matching) == 1, result.problems
    problem = matching[0]
    assert problem.line == line_of(text, needle)
    assert last_step(problem.element) == element
    assert problem.attribute == attribute
    assert problem.message_fr
    if problem.severity is Severity.ERROR:
        assert result.referential.sheets == ()
    else:
        assert len(result.referential.sheets) == 1


# Documents whose paths exercise every numbering rule of getpath: same-named siblings, prefixes, default namespaces.
PATH_DOCUMENTS = [
    VALID.read_bytes(),
    (FIXTURES / "lot_two_sheets.xml").read_bytes(),
    b'<LotFicheParam><FICHE/><FICHE><GROUPE/><x/><GROUPE/></FICHE><a:b xmlns:a="u"/><a:b xmlns:a="v"/>'
    b'<c xmlns="w"><d/></c><c/><!-- note --></LotFicheParam>',
    b'<r xmlns="q"><s/><s/><t/></r>',
]


@pytest.mark.parametrize("document", PATH_DOCUMENTS)
def test_element_paths_are_those_of_getpath(document):
    tree = etree.ElementTree(etree.fromstring(document))

    paths = element_paths(tree.getroot())

    elements = [e for e in tree.getroot().iter() if isinstance(e.tag, str)]
    assert len(paths) == len(elements)
    assert all(paths[e] == tree.getpath(e) for e in elements)


def test_a_sheet_of_50000_elements_loads_in_linear_time(tmp_path):
    # getpath per element made this take about 45 s (200,000 elements: over 5 minutes); linear, it takes ~3 s.
    path = tmp_path / "lot.xml"
    path.write_text("<LotFicheParam>\n" + "<FICHE/>\n" * 49_999 + "<FICHE><Intrus/></FICHE>\n</LotFicheParam>\n",
                    encoding="utf-8")
    start = time.monotonic()

    result = load_fpoc_xml(path)

    assert time.monotonic() - start < 20
    assert result.referential.sheets == ()
    last = [p for p in result.problems if p.code == "FPOC-REF-06"]
    assert [(p.line, p.element) for p in last] == [(50_001, "/LotFicheParam/FICHE[50000]/Intrus")]
    first = result.problems[0]
    assert (first.code, first.line, first.element) == ("FPOC-REF-04", 2, "/LotFicheParam/FICHE[1]")
