"""S89 coherence controls (honoraires, retraite supplémentaire, actions gratuites, stock options, BSPCE,
individus non salariés): the clean mensuelle has no S89 block, so every case starts from the clean file plus a
well-formed S89 set (which must pass every control) and breaks one thing.

The set (main month March 2025, file date 5 April 2025, SIREN 534640974): one bénéficiaire des honoraires (a
person) with one rémunération; S89.G00.67, 87, 88 and 89 for the first employee (NIR 2910360704270); two
individus non salariés: occurrence 0 paid for a third party (type 05: bases 50, 51, 52, 53 = 92 occurrences 0–3,
the base 50 with a régularisation PAS and a cotisation), occurrence 1 an allowance (type 01: bases 50, 23, 43 = 92
occurrences 4–6, the base 50 with a cotisation)."""
from __future__ import annotations

from tests.rules.coherence.records import codes_tested_by, control_case_tests, edits
from tests.rules.support import fix_totals

MODULE = "tests/rules/coherence/test_non_salaries.py"
NIR = "2910360704270"  # first employee, born 7 March 1991
NTT = "1534640974A01"  # sex digit + the company's SIREN + own id

HONORAIRES = [("S89.G00.32.001", "AVOCAT"), ("S89.G00.32.002", "DUPONT"), ("S89.G00.32.003", "JEAN"),
              ("S89.G00.32.008", "1 RUE DE LA PAIX"), ("S89.G00.32.011", "75002"), ("S89.G00.32.012", "PARIS"),
              ("S89.G00.32.017", "2024"), ("S89.G00.43.001", "01"), ("S89.G00.43.002", "1500.00")]
RETRAITE = [("S89.G00.67.001", NIR), ("S89.G00.67.003", "1000.00"), ("S89.G00.67.004", "1.50"),
            ("S89.G00.67.005", "2025")]
ACTIONS = [("S89.G00.87.001", "02"), ("S89.G00.87.002", "10"), ("S89.G00.87.003", "15.00"),
           ("S89.G00.87.004", "100.00"), ("S89.G00.87.005", "01012024"), ("S89.G00.87.006", "01032025"),
           ("S89.G00.87.007", NIR)]
OPTIONS = [("S89.G00.88.001", "02"), ("S89.G00.88.002", "10"), ("S89.G00.88.003", "15.00"),
           ("S89.G00.88.004", "10.00"), ("S89.G00.88.005", "100.00"), ("S89.G00.88.006", "01012023"),
           ("S89.G00.88.007", "01032025"), ("S89.G00.88.008", NIR)]
BSPCE = [("S89.G00.89.001", "10"), ("S89.G00.89.002", "10.00"), ("S89.G00.89.003", "15.00"),
         ("S89.G00.89.004", "100.00"), ("S89.G00.89.005", "01032025"), ("S89.G00.89.006", "24"),
         ("S89.G00.89.007", NIR)]


def non_salarie(nir: str, birth: str, department: str) -> list:
    return [("S89.G00.91.001", nir), ("S89.G00.91.002", "MARTIN"), ("S89.G00.91.004", "PAUL"),
            ("S89.G00.91.005", "01"), ("S89.G00.91.006", birth), ("S89.G00.91.007", "PARIS"),
            ("S89.G00.91.008", "3 RUE DES LILAS"), ("S89.G00.91.009", "75001"), ("S89.G00.91.010", "PARIS"),
            ("S89.G00.91.017", "05"), ("S89.G00.91.018", "02"), ("S89.G00.91.019", department),
            ("S89.G00.91.020", "FR")]


UNCAPPED = [("S89.G00.92.006", "900.00"), ("S89.G00.92.007", "5.00"), ("S89.G00.92.008", "13"),
            ("S89.G00.92.010", "50.00"), ("S89.G00.92.013", "1000.00"), ("S89.G00.92.016", "850.00"),
            ("S89.G00.92.017", "920.00")]
REGULARISATION = [("S89.G00.93.001", "022025"), ("S89.G00.93.002", "01"), ("S89.G00.93.003", "-10.00"),
                  ("S89.G00.93.006", "5.00"), ("S89.G00.93.007", "-0.50"), ("S89.G00.93.009", "-10.00")]
COTISATION = [("S89.G00.94.001", "001"), ("S89.G00.94.002", "50.00")]


def base(kind: str, code: str, *extra) -> list:
    rubriques = [("S89.G00.92.001", kind), ("S89.G00.92.002", code), ("S89.G00.92.003", "1000.00"),
                 ("S89.G00.92.004", "01032025"), ("S89.G00.92.005", "31032025"), ("S89.G00.92.011", "15032025"),
                 *extra]
    return sorted(rubriques)


def s89_set(third_party_cotisation: bool = True, allowance_cotisation: bool = True) -> list:
    third = non_salarie("1850575123456", "01051985", "75") + base("05", "50", *UNCAPPED) + REGULARISATION + (
        COTISATION if third_party_cotisation else []) + base("05", "51") + base("05", "52") + base("05", "53")
    allowance = non_salarie("1800213055123", "01021980", "13") + base("01", "50", *UNCAPPED) + (
        COTISATION if allowance_cotisation else []) + base("01", "23") + base("01", "43")
    return HONORAIRES + RETRAITE + ACTIONS + OPTIONS + BSPCE + third + allowance


def with_s89(records, **options):
    """The records with the S89 set added at the end of the déclaration."""
    at = next(i for i, (c, _v) in enumerate(records) if c.startswith("S90"))
    return fix_totals(records[:at] + s89_set(**options) + records[at:])


def s89(*changes):
    """A mutation: the S89 set, then ``put`` changes ``(code, value[, occurrence])``."""
    return lambda r: edits(with_s89(r), *changes)


def company_beneficiary(nic: str, *more):
    return s89(("S89.G00.32.002", None), ("S89.G00.32.003", None), ("S89.G00.32.004", "534640974"),
               ("S89.G00.32.005", nic), *more)


IDENTITY = [("S89.G00.67.001", "S89.G00.67.002", "CCH-11", "CCH-12"),
            ("S89.G00.87.007", "S89.G00.87.008", "CCH-12", "CCH-13"),
            ("S89.G00.88.008", "S89.G00.88.009", "CCH-12", "CCH-13"),
            ("S89.G00.89.007", "S89.G00.89.008", "CCH-12", "CCH-13")]
CORSICA_1991 = "2910320704270"  # département 20 for someone born in 1991

IDENTITY_CASES = [case for nir, ntt, siren, same in IDENTITY for case in (
    (f"{nir}/CCH-11", s89(("S21.G00.30.001", CORSICA_1991), (nir, CORSICA_1991))),
    (f"{nir}/CCH-12", s89((nir, "1999999999999"))),
    (f"{nir}/CCH-13", s89((nir, "1850575123456"))),
    (f"{nir}/CCH-14", s89((nir, None))),
    (f"{nir}/CCH-15", s89((nir, "2910360999999"))),
    (f"{ntt}/{siren}", s89((ntt, "1123456789A01"))),
    (f"{ntt}/{same}", s89((ntt, NTT))),
)]

CASES = IDENTITY_CASES + [
    ("S89.G00.67.005/CCH-11", s89(("S89.G00.67.005", "2026"))),
    ("S89.G00.32.001/CCH-12", s89(("S89.G00.43.002", "-5.00"))),
    ("S89.G00.32.003/CCH-11", s89(("S89.G00.32.003", None))),
    ("S89.G00.32.003/CCH-12", s89(("S89.G00.32.006", "CABINET DUPONT"))),
    ("S89.G00.32.005/CCH-11", company_beneficiary("09713", ("S89.G00.32.006", "CABINET DUPONT"))),
    ("S89.G00.32.006/CCH-11", company_beneficiary("09712")),
    ("S89.G00.32.011/CCH-12", s89(("S89.G00.32.013", "FR"))),
    ("S89.G00.32.012/CCH-11", s89(("S89.G00.32.012", None))),
    ("S89.G00.32.017/CCH-11", s89(("S89.G00.32.017", "2026"))),
    ("S89.G00.87.004/CCH-11", s89(("S89.G00.87.004", None))),
    ("S89.G00.87.005/CCH-11", s89(("S89.G00.87.005", None))),
    ("S89.G00.87.006/CCH-11", s89(("S89.G00.87.001", "01"))),
    ("S89.G00.88.005/CCH-11", s89(("S89.G00.88.005", None))),
    ("S89.G00.88.006/CCH-11", s89(("S89.G00.88.006", None))),
    ("S89.G00.88.007/CCH-11", s89(("S89.G00.88.001", "01"))),
    ("S89.G00.91.001/CCH-11", s89(("S89.G00.91.001", "1850520123456"))),
    ("S89.G00.91.001/CCH-12", s89(("S89.G00.91.001", "1999999999999"))),
    ("S89.G00.91.001/CCH-13", s89(("S89.G00.91.001", "1850575123456", 1))),
    ("S89.G00.91.001/CCH-14", s89(("S20.G00.05.001", "08"))),
    ("S89.G00.91.001/CCH-15", s89(("S89.G00.91.001", "1850575999999"))),
    ("S89.G00.91.006/CCH-11", s89(("S89.G00.91.006", "01051986"))),
    ("S89.G00.91.006/CCH-12", s89(("S89.G00.91.006", "01051900"))),
    ("S89.G00.91.009/CCH-11", s89(("S89.G00.91.011", "FR"))),
    ("S89.G00.91.010/CCH-11", s89(("S89.G00.91.010", None))),
    ("S89.G00.91.018/CCH-11", s89(("S89.G00.91.017", "05"), ("S89.G00.91.018", "01"))),
    ("S89.G00.91.019/CCH-11", s89(("S89.G00.91.019", "20"))),
    ("S89.G00.91.021/CCH-12", s89(("S89.G00.91.001", None))),
    ("S89.G00.91.021/CCH-13", s89(("S89.G00.91.021", "1123456789A01"))),
    ("S89.G00.91.021/CCH-14", s89(("S89.G00.91.021", NTT), ("S89.G00.91.021", NTT, 1))),
    ("S89.G00.91.021/CCH-15", s89(("S20.G00.05.001", "08"), ("S89.G00.91.001", None), ("S89.G00.91.021", NTT))),
    ("S89.G00.92.001/CCH-11", s89(("S89.G00.91.017", None))),
    ("S89.G00.92.001/CCH-12", s89(("S89.G00.92.002", "53", 5))),
    ("S89.G00.92.001/CCH-13", s89(("S89.G00.92.002", "23", 3))),
    ("S89.G00.92.001/CCH-14", s89(("S89.G00.92.001", "06", 1))),
    ("S89.G00.92.001/CCH-15", s89(("S89.G00.92.011", "20032025", 1))),
    ("S89.G00.92.005/CCH-11", s89(("S89.G00.92.005", "28022025"))),
    ("S89.G00.92.006/CCH-12", s89(("S89.G00.92.006", None))),
    ("S89.G00.92.007/CCH-11", s89(("S89.G00.92.007", "5.00", 1))),
    ("S89.G00.92.008/CCH-11", s89(("S89.G00.92.008", "99"))),
    ("S89.G00.92.008/CCH-12", s89(("S89.G00.92.008", None))),
    ("S89.G00.92.009/CCH-11", s89(("S89.G00.92.008", "01"))),
    ("S89.G00.92.010/CCH-11", s89(("S89.G00.92.010", "80.00"))),
    ("S89.G00.92.010/CCH-12", s89(("S89.G00.92.010", None))),
    ("S89.G00.92.011/CCH-12", s89(("S89.G00.92.011", "01052025"))),
    ("S89.G00.92.013/CCH-11", s89(("S89.G00.92.013", None))),
    ("S89.G00.92.015/CCH-11", s89(("S89.G00.92.015", "CRM123"))),
    ("S89.G00.92.016/CCH-11", s89(("S89.G00.92.016", None))),
    ("S89.G00.92.017/CCH-11", s89(("S89.G00.92.017", "100.00", 2))),
    ("S89.G00.93.001/CCH-11", s89(("S89.G00.92.002", "43"))),
    ("S89.G00.93.001/CCH-12", s89(("S89.G00.93.001", "042025"))),
    ("S89.G00.93.002/CCH-11", s89(("S89.G00.93.006", None))),
    ("S89.G00.93.002/CCH-12", s89(("S89.G00.93.002", "02"))),
    ("S89.G00.93.002/CCH-13", s89(("S89.G00.93.002", "03"), ("S89.G00.93.006", None))),
    ("S89.G00.93.002/CCH-14", s89(("S89.G00.93.002", "03"), ("S89.G00.93.003", "10.00"))),
    ("S89.G00.93.002/CCH-16", s89(("S89.G00.93.001", "122024"))),
    ("S89.G00.93.002/CCH-17", s89(("S20.G00.05.005", "01012025"), ("S89.G00.93.001", "012025"))),
    ("S89.G00.93.002/CCH-18", s89(("S89.G00.93.004", "100.00"))),
    ("S89.G00.93.002/CCH-19", s89(("S89.G00.93.002", "02"), ("S89.G00.93.005", "1.00"),
                                  ("S89.G00.93.013", "1000.00"))),
    ("S89.G00.93.002/CCH-20", s89(("S89.G00.93.002", "04"), ("S89.G00.93.003", None))),
    ("S89.G00.93.002/CCH-21", s89(("S89.G00.93.002", "04"))),
    ("S89.G00.93.008/CCH-11", s89(("S89.G00.93.008", "5.00"), ("S89.G00.93.009", None))),
    ("S89.G00.93.009/CCH-11", s89(("S89.G00.93.003", None))),
    ("S89.G00.94.001/CCH-11", lambda r: with_s89(r, allowance_cotisation=False)),
    ("S89.G00.94.001/CCH-12", lambda r: with_s89(r, third_party_cotisation=False)),
]

# The well-formed set passes every control; then edits that the norm admits.
PASSING = [(code, s89()) for code, _m in CASES] + [
    ("S89.G00.32.005/CCH-11", company_beneficiary("09712", ("S89.G00.32.006", "CABINET DUPONT"))),
    ("S89.G00.32.003/CCH-12", company_beneficiary("09712", ("S89.G00.32.006", "CABINET DUPONT"))),
    ("S89.G00.32.011/CCH-12", s89(("S89.G00.32.011", None), ("S89.G00.32.012", None), ("S89.G00.32.013", "BE"),
                                  ("S89.G00.32.014", "B-1000 BRUXELLES"))),
    ("S89.G00.67.002/CCH-12", s89(("S21.G00.30.020", NTT), ("S89.G00.67.002", NTT))),
    ("S89.G00.67.001/CCH-14", s89(("S21.G00.30.020", NTT), ("S89.G00.67.001", None), ("S89.G00.67.002", NTT))),
    ("S89.G00.87.005/CCH-11", s89(("S89.G00.87.001", "01"), ("S89.G00.87.004", None), ("S89.G00.87.005", None),
                                  ("S89.G00.87.006", None))),
    ("S89.G00.91.019/CCH-11", s89(("S89.G00.91.019", "2A"))),
    ("S89.G00.91.001/CCH-14", s89(("S20.G00.05.001", "04"))),
    ("S89.G00.92.001/CCH-12", s89(("S89.G00.91.018", "10", 1), ("S89.G00.92.002", "53", 5))),
    ("S89.G00.92.001/CCH-14", s89(("S89.G00.92.001", "06", 0))),
    ("S89.G00.92.008/CCH-11", s89(("S89.G00.92.007", "0.00"), ("S89.G00.92.008", "99"), ("S89.G00.92.010", "0.00"))),
    ("S89.G00.92.015/CCH-11", s89(("S89.G00.92.004", "01022025"), ("S89.G00.92.005", "28022025"),
                                  ("S89.G00.92.015", "CRM123"))),
    ("S89.G00.93.001/CCH-11", s89(("S89.G00.92.002", "23"))),
    # missing values: no NIR (the non-salarié may have an NTT) has no year to compare (a guard: the nullable
    # integers keep NA); a base without period end (92.005 is mandatory) is not judged
    ("S89.G00.91.006/CCH-11", s89(("S89.G00.91.001", None), ("S89.G00.91.006", "01051986"))),
    ("S89.G00.92.015/CCH-11", s89(("S89.G00.92.005", None), ("S89.G00.92.015", "CRM123"))),
    ("S89.G00.93.002/CCH-17", s89(("S20.G00.05.005", "01012025"), ("S89.G00.93.001", "122024"))),
    ("S89.G00.93.002/CCH-21", s89(("S89.G00.93.002", "04"), ("S89.G00.93.006", None), ("S89.G00.93.007", "0.00"))),
]

clean_codes, test_control, test_control_passes, test_every_control_has_a_case = control_case_tests(
    MODULE, CASES, PASSING)


def test_cases_cover_the_module():
    assert len(codes_tested_by(MODULE)) == len(CASES)
