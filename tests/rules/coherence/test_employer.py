"""Company and establishment coherence controls, their side blocks (S21.G00.12, 13, 44, 82, 85) included: each
fails on one edit of the clean mensuelle, and the clean file passes them all. The clean file has none of the side
blocks: the cases add them (12, 44, 82 after the establishment, 13 after the company, 85 at the end of the
déclaration). Main month March 2025, file date April 2025; the adhésions have technical ids 1 and 2; the
establishment's SIRET is 53464097409712."""
from __future__ import annotations

from tests.rules.coherence.records import add_block, control_case_tests, edits, put
from tests.rules.support import fix_totals, positions

CASES = [
    ("S21.G00.06.005/CCH-11", lambda r: put(r, "S21.G00.06.010", "BE")),
    ("S21.G00.11.004/CCH-11", lambda r: put(r, "S21.G00.11.016", "B-1000")),
    # the converse of « si le code postal est présent alors le code pays et le code de distribution à l'étranger
    # sont absents »: an address without any of the three
    ("S21.G00.11.004/CCH-11", lambda r: put(r, "S21.G00.11.004", None)),
    ("S21.G00.06.006/CCH-11", lambda r: put(r, "S21.G00.06.006", None)),
    ("S21.G00.11.004/CCH-11", lambda r: put(r, "S21.G00.11.015", "BE")),
    ("S21.G00.11.005/CCH-11", lambda r: put(r, "S21.G00.11.005", None)),
    ("S21.G00.11.017/CCH-11", lambda r: put(r, "S21.G00.11.017", "01")),
    ("S21.G00.11.024/CCH-11", lambda r: put(r, "S21.G00.11.024", "01")),
]

PASSING = [
    ("S21.G00.06.005/CCH-11", lambda r: edits(r, ("S21.G00.06.005", None), ("S21.G00.06.010", "BE"),
                                              ("S21.G00.06.011", "B-1000"))),
    # a foreign establishment: a country code, with or without a foreign distribution code (many countries
    # have no postal code), and no French postal code
    ("S21.G00.11.004/CCH-11", lambda r: edits(r, ("S21.G00.11.004", None), ("S21.G00.11.015", "BE"))),
    ("S21.G00.11.004/CCH-11", lambda r: edits(r, ("S21.G00.11.004", None), ("S21.G00.11.015", "HK"),
                                              ("S21.G00.11.016", "KOWLOON"))),
    ("S21.G00.11.017/CCH-11", lambda r: edits(r, ("S21.G00.11.017", "01"), ("S21.G00.40.029", "03"))),
    ("S21.G00.11.024/CCH-11", lambda r: edits(r, ("S20.G00.05.002", "02"), ("S21.G00.11.024", "01"))),
]


SIRET = "53464097409712"


def before(records, code: str, block: list):
    """A copy with ``block`` inserted before the first record ``code``."""
    index = positions(records, code)[0]
    return fix_totals(records[:index] + block + records[index:])


# where each establishment child goes, in the norm's block order: 12 first, 82 after the adhésions, 44 last
NEXT_BLOCK = {"S21.G00.12": "S21.G00.15.001", "S21.G00.82": "S21.G00.20.001", "S21.G00.44": "S21.G00.30.001"}


def etab(records, *blocks: list):
    """Blocks of one kind added to the establishment (children of S21.G00.11), at their place in the block
    order."""
    return before(records, NEXT_BLOCK[blocks[0][0][0][:10]], [r for b in blocks for r in b])


def company(records, *blocks: list):
    return add_block(records, "S21.G00.06.006", [r for b in blocks for r in b])


def places(records, *blocks: list):
    """Lieux de travail (children of S20.G00.05) inserted before the total."""
    return before(records, "S90.G00.90.001", [r for b in blocks for r in b])


def bank(usage: str = "01", iban: str = "FR7630006000011234567890189", bic: str | None = "AGRIFRPPXXX") -> list:
    return [("S21.G00.12.001", usage), *([("S21.G00.12.002", bic)] if bic else []), ("S21.G00.12.003", iban)]


def amorcage(records):
    """A signalement d'amorçage triggered by a hiring (the only use of the ASP bank account)."""
    return edits(records, ("S20.G00.05.001", "08"), ("S20.G00.05.011", "01"))


def oeth(*values: tuple) -> list:
    return [(f"S21.G00.13.{n}", v) for n, v in values]


def tax(code: str, amount: str | None = None, year: str | None = None, reason: str | None = None) -> list:
    return [("S21.G00.44.001", code), *([("S21.G00.44.002", amount)] if amount else []),
            *([("S21.G00.44.003", year)] if year else []), *([("S21.G00.44.004", reason)] if reason else [])]


def cotisation(code: str, reference: str = "1", start: str = "01032025", end: str = "31032025",
               crm: str | None = None) -> list:
    return [("S21.G00.82.001", "100.00"), ("S21.G00.82.002", code), ("S21.G00.82.003", start),
            ("S21.G00.82.004", end), ("S21.G00.82.005", reference), *([("S21.G00.82.006", crm)] if crm else [])]


OETH_YEAR = dict(reference="X", start="01012024", end="31122024")
OETH_SET = [cotisation(code, **OETH_YEAR) for code in ("065", "066", "067", "068")]


def place(identifier: str = SIRET, nature: str = "01", drop: tuple = (), **extra: str) -> list:
    """A lieu de travail; ``extra``: rubrique number → value (e.g. ``_006="BE"``)."""
    fields = {"001": identifier, "002": "6201Z", "003": "1 rue de la Paix", "004": "44000", "005": "NANTES",
              "010": nature, "011": "44109", **{k.lstrip("_"): v for k, v in extra.items()}}
    return [(f"S21.G00.85.{n}", v) for n, v in sorted(fields.items()) if n not in drop and v is not None]


PERSON = dict(_012="02", _013="DURAND", _015="Louise", _016="12041950", _017="ANGERS")


def private_employer(records, drop: tuple = (), **extra: str):
    """A particulier employeur (85.010 = 05) in the 2024 norm, which has 85.012 to 85.017."""
    return places(put(records, "S10.G00.00.006", "P24V01"),
                  place("PE000001", "05", drop=("002", *drop), **{**PERSON, **extra}))


SIDE_BLOCK_CASES = [
    ("S21.G00.12.001/CCH-11", lambda r: etab(put(r, "S20.G00.05.011", "01"), bank())),
    ("S21.G00.12.001/CCH-12", lambda r: etab(put(r, "S20.G00.05.001", "08"), bank())),
    ("S21.G00.12.001/CCH-13", lambda r: etab(amorcage(r), bank(), bank(iban="FR7610107001011234567890129"))),
    ("S21.G00.13.003/CCH-11", lambda r: company(r, oeth(("002", "01")))),
    ("S21.G00.13.004/CCH-11", lambda r: company(r, oeth(("002", "01"), ("003", "2.00"), ("004", "2026")))),
    ("S21.G00.13.004/CCH-12", lambda r: company(r, oeth(("004", "2024")))),
    ("S21.G00.44.001/CCH-11", lambda r: etab(r, tax("009"))),
    ("S21.G00.44.001/CCH-12", lambda r: etab(r, tax("006", amount="100.00"))),
    ("S21.G00.44.003/CCH-11", lambda r: etab(r, tax("001", year="2026"))),
    ("S21.G00.44.004/CCH-11", lambda r: etab(r, tax("002"))),
    ("S21.G00.82.002/CCH-14", lambda r: etab(r, cotisation("021"))),
    ("S21.G00.82.002/CCH-21", lambda r: etab(r, cotisation("060", reference="X", start="01122024"))),
    ("S21.G00.82.002/CCH-22", lambda r: etab(r, *OETH_SET[0:1], OETH_SET[3])),
    ("S21.G00.82.002/CCH-23", lambda r: etab(r, *OETH_SET[0:2], OETH_SET[3])),
    ("S21.G00.82.002/CCH-24", lambda r: etab(r, *OETH_SET[0:3])),
    ("S21.G00.82.003/CCH-11", lambda r: etab(r, cotisation("001", start="01052025", end="31052025"))),
    ("S21.G00.82.003/CCH-12", lambda r: etab(r, cotisation("054", reference="05", start="01042025",
                                                           end="30042025"))),
    ("S21.G00.82.005/CCH-12", lambda r: etab(r, cotisation("024", reference="ABC"))),
    ("S21.G00.82.005/CCH-14", lambda r: etab(r, cotisation("001", reference="9"))),
    ("S21.G00.82.006/CCH-11", lambda r: etab(r, cotisation("001", crm="CRM0001"))),
    ("S21.G00.85.001/CCH-11", lambda r: places(r, place("53464097509712"))),
    ("S21.G00.85.001/CCH-12", lambda r: places(r, place("53464097409713"))),
    ("S21.G00.85.001/CCH-13", lambda r: places(r, place(nature="03"))),
    ("S21.G00.85.002/CCH-11", lambda r: places(r, place(drop=("002",)))),
    ("S21.G00.85.002/CCH-12", lambda r: places(put(r, "S21.G00.40.046", "LIEU01"),
                                               place("LIEU01", "02", drop=("002",)))),
    ("S21.G00.85.004/CCH-12", lambda r: places(r, place(_006="BE"))),
    ("S21.G00.85.005/CCH-11", lambda r: places(r, place(drop=("005",)))),
    ("S21.G00.85.011/CCH-11", lambda r: places(r, place(drop=("011",)))),
    ("S21.G00.85.012/CCH-11", lambda r: private_employer(r, drop=("012",))),
    ("S21.G00.85.013/CCH-11", lambda r: private_employer(r, drop=("013",))),
    ("S21.G00.85.014/CCH-11", lambda r: places(put(r, "S10.G00.00.006", "P24V01"), place(_014="DURAND"))),
    ("S21.G00.85.015/CCH-11", lambda r: private_employer(r, drop=("015",))),
    ("S21.G00.85.016/CCH-11", lambda r: private_employer(r, drop=("016",))),
    ("S21.G00.85.016/CCH-12", lambda r: private_employer(r, _016="01011900")),
    ("S21.G00.85.017/CCH-11", lambda r: private_employer(r, drop=("017",))),
]

WELL_FORMED = {
    "S21.G00.12": lambda r: etab(amorcage(r), bank(), bank(), bank(usage="01", iban="FR7630006000011234567890189")),
    "S21.G00.13": lambda r: company(r, oeth(("002", "01"), ("003", "2.00"), ("004", "2025"))),
    "S21.G00.44": lambda r: etab(r, tax("009", amount="1000.00", year="2025"), tax("006", year="2025"),
                                 tax("002", year="2025", reason="001")),
    "S21.G00.82": lambda r: etab(r, cotisation("001"), cotisation("024", reference="05"),
                                 cotisation("021", reference="X"), cotisation("001", start="01042025",
                                                                              end="30042025"),
                                 cotisation("001", start="01022025", end="28022025", crm="CRM0001"), *OETH_SET),
    "S21.G00.85": lambda r: places(r, place(), place("DOMICILE", "03", drop=("002",)),
                                   place("LONDON", "02", drop=("002", "004", "005", "011"), _006="GB",
                                         _007="SW1A 1AA")),
    "S21.G00.85 P24": lambda r: private_employer(r, _014="MARTIN"),
}

SIDE_BLOCK_PASSING = [
    *[(code, WELL_FORMED[code[:10]]) for code, _m in SIDE_BLOCK_CASES if not code.startswith("S21.G00.85.01")],
    *[(code, WELL_FORMED["S21.G00.85 P24"]) for code, _m in SIDE_BLOCK_CASES if code.startswith("S21.G00.85.01")],
    ("S21.G00.85.002/CCH-12", lambda r: places(r, place("LIEU01", "02", drop=("002",)))),
    ("S21.G00.85.012/CCH-11", lambda r: places(put(r, "S10.G00.00.006", "P24V01"), place())),
    # a period without dates (82.003/82.004 are mandatory: the structure checks report them) is not judged
    ("S21.G00.82.006/CCH-11", lambda r: etab(r, [(c, v) for c, v in cotisation("001", crm="CRM0001")
                                                 if c not in ("S21.G00.82.003", "S21.G00.82.004")])),
]


MODULE = "tests/rules/coherence/test_employer.py"


clean_codes, test_control, test_control_passes, test_every_control_has_a_case = control_case_tests(
    MODULE, CASES + SIDE_BLOCK_CASES, PASSING + SIDE_BLOCK_PASSING)
