"""Payment (S21.G00.20/55) and Urssaf slip (S21.G00.22/23) coherence controls: each fails on one edit of the
clean mensuelle, and the clean file passes them all. Payments in the clean file: 0 prévoyance (with
components), 1 Urssaf, 2 DGFIP."""
from __future__ import annotations

from tests.rules.coherence.records import control_case_tests, edits, put
from tests.rules.support import fix_totals

PREVOYANCE, URSSAF, DGFIP = 0, 1, 2
OTHER_SIRET = "73282932000074"
AGIRC_ARRCO = "77568291700015"  # Groupe AG2R in the IVO table (family AAR)
ENTERTAINMENT_LEAVE = "77567608300030"  # Caisse des Congés spectacles (family AUD)
PAYROLL_ORGANISM = "13000548100010"  # Pôle Emploi (family PEM): not exempted from the French account rule
FOREIGN_IBAN = "DE89370400440532013000"


def without_components(records):
    return fix_totals([r for r in records if r[0][:10] != "S21.G00.55"])


CASES = [
    ("S21.G00.20.001/CCH-12", without_components),
    ("S21.G00.20.001/CCH-13", lambda r: put(without_components(r), "S21.G00.20.008", "D99999", PREVOYANCE)),
    ("S21.G00.20.002/CCH-11", lambda r: put(r, "S21.G00.20.002", None, DGFIP)),
    ("S21.G00.20.002/CCH-12", lambda r: put(r, "S21.G00.20.002", "CNIEG_COT_RS", URSSAF)),
    ("S21.G00.20.003/CCH-12", lambda r: put(r, "S21.G00.20.012", OTHER_SIRET, URSSAF)),
    ("S21.G00.20.004/CCH-12", lambda r: put(r, "S21.G00.20.012", OTHER_SIRET, URSSAF)),
    ("S21.G00.20.005/CCH-12", lambda r: put(r, "S21.G00.20.005", "800.00", PREVOYANCE)),
    ("S21.G00.20.005/CCH-13", lambda r: put(r, "S21.G00.20.005", "1000000000.00", DGFIP)),
    ("S21.G00.20.007/CCH-11", lambda r: put(r, "S21.G00.20.007", "28022025", URSSAF)),
    ("S21.G00.20.007/CCH-13", lambda r: put(r, "S21.G00.20.007", "30042025", URSSAF)),
    # the IVO table names the payee's family: Urssaf periods within one month, Agirc-Arrco within one year
    ("S21.G00.20.006/CCH-11", lambda r: put(r, "S21.G00.20.006", "01022025", URSSAF)),
    ("S21.G00.20.006/CCH-12", lambda r: edits(r, ("S21.G00.20.001", AGIRC_ARRCO, URSSAF),
                                              ("S21.G00.20.006", "01122024", URSSAF))),
    ("S21.G00.20.007/CCH-12", lambda r: edits(r, ("S21.G00.20.001", AGIRC_ARRCO, URSSAF),
                                              ("S21.G00.20.006", "01122024", URSSAF))),
    ("S21.G00.22.003/CCH-11", lambda r: put(r, "S21.G00.22.003", "01022025")),
    ("S21.G00.22.005/CCH-11", lambda r: put(r, "S21.G00.22.005", "-10.00")),
    ("S21.G00.20.004/CCH-13", lambda r: edits(r, ("S21.G00.20.001", PAYROLL_ORGANISM, URSSAF),
                                              ("S21.G00.20.004", FOREIGN_IBAN, URSSAF))),
    ("S21.G00.20.008/CCH-15", lambda r: put(r, "S21.G00.20.008", "D54810", URSSAF)),
    ("S21.G00.20.010/CCH-12", lambda r: put(r, "S21.G00.20.004", None, URSSAF)),
    ("S21.G00.20.010/CCH-14", lambda r: put(r, "S21.G00.20.010", "02", DGFIP)),
    ("S21.G00.20.012/CCH-11", lambda r: put(r, "S21.G00.20.012", OTHER_SIRET, PREVOYANCE)),
    ("S21.G00.20.012/CCH-12", lambda r: put(r, "S21.G00.20.010", "06", URSSAF)),
    ("S21.G00.20.012/CCH-13", lambda r: put(r, "S21.G00.20.012", "53464097409712", DGFIP)),
    ("S21.G00.20.012/CCH-14", lambda r: edits(r, ("S21.G00.20.010", "06", DGFIP),
                                              ("S21.G00.20.012", OTHER_SIRET, DGFIP))),
    ("S21.G00.20.013/CCH-11", lambda r: put(r, "S21.G00.20.013", "CRM1", URSSAF)),
    ("S21.G00.20.014/CCH-11", lambda r: put(r, "S21.G00.20.002", "DGFIP_SATD", DGFIP)),
    ("S21.G00.22.002/CCH-13", lambda r: put(r, "S21.G00.22.002", "CNIEG_COT_RS")),
    ("S21.G00.22.004/CCH-11", lambda r: put(r, "S21.G00.22.004", "28022025")),
    ("S21.G00.22.004/CCH-12", lambda r: put(r, "S21.G00.22.004", "30042025")),
    ("S21.G00.22.006/CCH-11", lambda r: put(r, "S21.G00.22.006", "CRM1")),
    ("S21.G00.23.006/CCH-11", lambda r: put(r, "S21.G00.23.001", "900")),
    ("S21.G00.23.007/CCH-11", lambda r: put(r, "S21.G00.23.007", "CRM1")),
    ("S21.G00.55.003/CCH-11", lambda r: put(r, "S21.G00.55.003", "INCONNU")),
    ("S21.G00.55.004/CCH-11", lambda r: put(r, "S21.G00.55.004", "2025M05")),
    ("S21.G00.55.005/CCH-11", lambda r: put(r, "S21.G00.55.005", "CRM1")),
]

PASSING = [
    ("S21.G00.20.001/CCH-13", without_components),
    # an Urssaf period over two months of one year is fine for Agirc-Arrco; one month is fine for Urssaf; a
    # prévoyance payment over a quarter (the clean file's) is not concerned; the OC dates 01012000 are one day
    ("S21.G00.20.006/CCH-12", lambda r: edits(r, ("S21.G00.20.001", AGIRC_ARRCO, URSSAF),
                                              ("S21.G00.20.006", "01022025", URSSAF))),
    ("S21.G00.20.007/CCH-12", lambda r: edits(r, ("S21.G00.20.001", AGIRC_ARRCO, URSSAF),
                                              ("S21.G00.20.006", "01022025", URSSAF))),
    ("S21.G00.20.006/CCH-11", lambda r: edits(r, ("S21.G00.20.006", "01012000", PREVOYANCE),
                                              ("S21.G00.20.007", "01012000", PREVOYANCE))),
    # an organism the 2021 table does not know is not an Urssaf: nothing to check
    ("S21.G00.20.006/CCH-11", lambda r: edits(r, ("S21.G00.20.001", OTHER_SIRET, URSSAF),
                                              ("S21.G00.20.006", "01022025", URSSAF))),
    ("S21.G00.22.003/CCH-11", lambda r: put(r, "S21.G00.22.003", "15032025")),
    # a negative Urssaf slip for a past period (ending before the latest payment date) is a regularisation
    ("S21.G00.22.005/CCH-11", lambda r: edits(r, ("S21.G00.22.003", "01022025"), ("S21.G00.22.004", "28022025"),
                                              ("S21.G00.22.005", "-10.00"))),
    ("S21.G00.22.005/CCH-11", lambda r: edits(r, ("S20.G00.05.002", "02"), ("S21.G00.22.005", "-10.00"))),
    # a foreign account is allowed for the Urssaf, the Congés spectacles, a prévoyance organism
    ("S21.G00.20.004/CCH-13", lambda r: put(r, "S21.G00.20.004", FOREIGN_IBAN, URSSAF)),
    ("S21.G00.20.004/CCH-13", lambda r: edits(r, ("S21.G00.20.001", ENTERTAINMENT_LEAVE, URSSAF),
                                              ("S21.G00.20.004", FOREIGN_IBAN, URSSAF))),
    ("S21.G00.20.004/CCH-13", lambda r: put(r, "S21.G00.20.004", FOREIGN_IBAN, PREVOYANCE)),
    ("S21.G00.20.012/CCH-11", lambda r: edits(r, ("S21.G00.20.005", "0.00", PREVOYANCE),
                                              ("S21.G00.20.012", OTHER_SIRET, PREVOYANCE))),
    ("S21.G00.20.012/CCH-14", lambda r: edits(r, ("S21.G00.20.010", "06", DGFIP),
                                              ("S21.G00.20.012", "53464097400011", DGFIP))),
    ("S21.G00.20.013/CCH-11", lambda r: edits(r, ("S21.G00.20.006", "01022025", URSSAF),
                                              ("S21.G00.20.007", "28022025", URSSAF),
                                              ("S21.G00.20.013", "CRM1", URSSAF))),
    ("S21.G00.23.006/CCH-11", lambda r: edits(r, ("S21.G00.23.001", "900"), ("S21.G00.23.006", "44109"))),
    ("S21.G00.55.004/CCH-11", lambda r: put(r, "S21.G00.55.004", "2025M04")),
    # missing values (all mandatory: the structure checks report them) are not values that break a control: a
    # period without dates is not one reaching the main month; a component without amount leaves the sum unknown
    ("S21.G00.20.013/CCH-11", lambda r: edits(r, ("S21.G00.20.006", None, URSSAF), ("S21.G00.20.007", None, URSSAF),
                                              ("S21.G00.20.013", "CRM1", URSSAF))),
    ("S21.G00.22.006/CCH-11", lambda r: edits(r, ("S21.G00.22.003", None), ("S21.G00.22.004", None),
                                              ("S21.G00.22.006", "CRM1"))),
    ("S21.G00.55.005/CCH-11", lambda r: edits(r, ("S21.G00.20.006", None, PREVOYANCE),
                                              ("S21.G00.20.007", None, PREVOYANCE), ("S21.G00.55.005", "CRM1"))),
    ("S21.G00.20.005/CCH-12", lambda r: edits(r, ("S21.G00.55.001", None), ("S21.G00.20.005", "800.00", PREVOYANCE))),
]

MODULE = "tests/rules/coherence/test_organism_payments.py"


clean_codes, test_control, test_control_passes, test_every_control_has_a_case = control_case_tests(
    MODULE, CASES, PASSING)
