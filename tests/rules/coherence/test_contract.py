"""Contrat and changes-contrat coherence controls: each fails on one edit of the clean mensuelle, and the clean
file passes them all. The first contract of the clean file is a private-law CDI (40.007 = 01) in hours,
outside the public service (40.026 = 99), with its work place the establishment itself."""
from __future__ import annotations

from tests.rules.coherence.records import add_block, control_case_tests, edits, instances
from tests.rules.support import fix_totals

OTHER_SIRET = "73282932000074"
LAST_OF_CONTRACT = "S21.G00.40.043"


def second_contract_same_number(records):
    start, end = instances(records, "S21.G00.40")[0]
    return fix_totals(records[:end] + records[start:end] + records[end:])


def without(records, block):
    return fix_totals([r for r in records if r[0][:10] != block])


def change(*rubriques):
    """A S21.G00.41 block on the first contract."""
    return lambda r: add_block(r, LAST_OF_CONTRACT, list(rubriques))


def set_(*changes):
    return lambda r: edits(r, *changes)


RESERVED = [("005/CCH-21", "999999"), ("022/CCH-11", "99"), ("041/CCH-11", "ZZZ"), ("057/CCH-12", "ZZ9"),
            ("060/CCH-12", "ZZ9"), ("061/CCH-12", "ZZ9"), ("063/CCH-12", "ZZ9"), ("064/CCH-12", "ZZ9"),
            ("065/CCH-12", "ZZ9"), ("069/CCH-11", "ZZZ"), ("071/CCH-11", "000"), ("079/CCH-11", "99999"),
            ("080/CCH-12", "999"), ("081/CCH-11", "999999999")]
PUBLIC_SERVICE_ONLY = [("052", "ABC"), ("057", "350"), ("058", "300"), ("059", "10"), ("060", "350"),
                       ("061", "350"), ("062", "01"), ("064", "350"), ("065", "01"), ("080", "10")]
CHANGE = ("S21.G00.41.001", "15032025")

CASES = [
    *[(f"S21.G00.40.{c}", set_((f"S21.G00.40.{c[:3]}", v))) for c, v in RESERVED],
    *[(f"S21.G00.40.{c}/CCH-11", set_((f"S21.G00.40.{c}", v))) for c, v in PUBLIC_SERVICE_ONLY],
    ("S21.G00.40.001/CCH-13", set_(("S21.G00.62.001", "01012000"))),
    ("S21.G00.40.001/CCH-15", set_(("S21.G00.40.001", "01011980"))),
    ("S21.G00.40.003/CCH-11", set_(("S21.G00.40.002", "05"))),
    ("S21.G00.40.003/CCH-16", set_(("S21.G00.71.002", "RETA"))),
    ("S21.G00.40.003/CCH-17", set_(("S21.G00.71.002", "RETC", 1))),
    ("S21.G00.40.005/CCH-11", set_(("S21.G00.40.005", "T389N"))),
    ("S21.G00.40.005/CCH-12", set_(("S21.G00.40.004", "352a"))),
    ("S21.G00.40.005/CCH-13", set_(("S21.G00.40.005", "06"))),
    ("S21.G00.40.005/CCH-14", set_(("S21.G00.40.004", "643a"))),
    ("S21.G00.40.005/CCH-19", set_(("S21.G00.40.005", "S001"))),
    ("S21.G00.40.008/CCH-11", set_(("S21.G00.40.008", "81"))),
    ("S21.G00.40.008/CCH-12", set_(("S21.G00.40.008", "70"))),
    ("S21.G00.40.008/CCH-13", set_(("S21.G00.40.007", "02"), ("S21.G00.40.008", "80"), ("S21.G00.40.010", "31122025"))),
    ("S21.G00.40.008/CCH-14", set_(("S21.G00.40.007", "07"), ("S21.G00.40.008", "64"))),
    ("S21.G00.40.008/CCH-15", set_(("S21.G00.40.007", "07"), ("S21.G00.40.008", "21"))),
    ("S21.G00.40.008/CCH-16", set_(("S21.G00.40.008", "71"))),
    ("S21.G00.40.009/CCH-12", second_contract_same_number),
    ("S21.G00.40.009/CCH-13", set_(("S21.G00.40.009", "CT999999"))),
    ("S21.G00.40.009/CCH-15", set_(("S21.G00.40.007", "03"), ("S21.G00.40.009", "00000"))),
    ("S21.G00.40.010/CCH-11", set_(("S21.G00.40.010", "01012019"))),
    ("S21.G00.40.010/CCH-12", set_(("S21.G00.40.007", "02"))),
    ("S21.G00.40.011/CCH-11", set_(("S21.G00.40.011", "31"))),
    ("S21.G00.40.011/CCH-12", set_(("S21.G00.40.011", "12"))),
    ("S21.G00.40.011/CCH-13", set_(("S21.G00.40.012", "300.00"))),
    ("S21.G00.40.011/CCH-15", lambda r: without(r, "S21.G00.53")),
    ("S21.G00.40.012/CCH-11", set_(("S21.G00.40.012", "0.00"))),
    ("S21.G00.40.014/CCH-11", set_(("S21.G00.40.014", "41"))),
    ("S21.G00.40.018/CCH-14", set_(("S21.G00.40.018", "300"))),
    ("S21.G00.40.019/CCH-11", set_(("S21.G00.40.019", OTHER_SIRET))),
    ("S21.G00.40.019/CCH-12", set_(("S21.G00.40.007", "03"))),
    ("S21.G00.40.020/CCH-12", set_(("S21.G00.40.020", "120"))),
    ("S21.G00.40.021/CCH-12", set_(("S21.G00.40.021", "11"))),
    ("S21.G00.40.021/CCH-13", set_(("S21.G00.40.021", "14"))),
    ("S21.G00.40.027/CCH-11", set_(("S21.G00.40.029", "01"), ("S21.G00.40.027", "01"))),
    ("S21.G00.40.027/CCH-12", set_(("S21.G00.40.029", "02"), ("S21.G00.40.033", "X123"))),
    ("S21.G00.40.029/CCH-11", set_(("S21.G00.40.029", "05"))),
    ("S21.G00.40.030/CCH-11", set_(("S21.G00.40.029", "03"))),
    ("S21.G00.40.031/CCH-11", set_(("S21.G00.40.029", "01"), ("S21.G00.40.031", "01"))),
    ("S21.G00.40.032/CCH-11", set_(("S21.G00.40.029", "01"), ("S21.G00.40.032", "01012020"))),
    ("S21.G00.40.033/CCH-11", set_(("S21.G00.40.029", "02"))),
    ("S21.G00.40.033/CCH-12", set_(("S21.G00.40.029", "02"), ("S21.G00.40.032", "01012005"),
                                   ("S21.G00.40.033", "X1234"))),
    ("S21.G00.40.039/CCH-11", set_(("S21.G00.40.039", "300"))),
    ("S21.G00.40.040/CCH-11", set_(("S21.G00.40.039", "147"))),
    ("S21.G00.40.040/CCH-12", set_(("S21.G00.40.046", OTHER_SIRET))),
    ("S21.G00.40.040/CCH-15", set_(("S21.G00.40.040", "RA123"))),
    ("S21.G00.40.042/CCH-11", set_(("S21.G00.40.018", "300"))),
    ("S21.G00.40.046/CCH-11", set_(("S21.G00.40.007", "03"))),
    ("S21.G00.40.046/CCH-12", set_(("S21.G00.40.007", "08"))),
    ("S21.G00.40.046/CCH-13", set_(("S21.G00.40.046", OTHER_SIRET))),
    ("S21.G00.40.050/CCH-11", set_(("S21.G00.40.050", "12345"))),
    ("S21.G00.40.053/CCH-11", set_(("S21.G00.40.053", "01"))),
    ("S21.G00.40.054/CCH-11", set_(("S21.G00.40.054", "35.00"))),
    ("S21.G00.40.063/CCH-11", set_(("S21.G00.40.062", "01"))),
    ("S21.G00.40.066/CCH-11", set_(("S21.G00.40.007", "20"))),
    ("S21.G00.40.074/CCH-11", set_(("S21.G00.40.074", "03"))),
    ("S21.G00.40.075/CCH-11", set_(("S21.G00.40.075", "1"))),
    ("S21.G00.40.076/CCH-11", set_(("S21.G00.40.007", "93"))),
    ("S21.G00.40.078/CCH-11", set_(("S21.G00.40.078", "01"))),
    ("S21.G00.40.078/CCH-12", set_(("S21.G00.40.078", "01"))),
    ("S21.G00.41.001/CCH-12", change(CHANGE)),
    ("S21.G00.41.001/CCH-14", change(CHANGE, ("S21.G00.41.028", "01032025"))),
    ("S21.G00.41.001/CCH-15", change(("S21.G00.41.001", "01052025"), ("S21.G00.41.002", "05"))),
    ("S21.G00.41.001/CCH-16", change(CHANGE, ("S21.G00.41.002", "05"), ("S21.G00.41.014", "CT000000"))),
    ("S21.G00.41.028/CCH-12", change(CHANGE, ("S21.G00.41.014", "CT000000"), ("S21.G00.41.028", "01032025"))),
    ("S21.G00.41.028/CCH-13", change(CHANGE, ("S21.G00.41.002", "05"), ("S21.G00.41.028", "15022025"))),
    ("S21.G00.41.028/CCH-14", change(CHANGE, ("S21.G00.41.002", "05"), ("S21.G00.41.028", "01012010"))),
    ("S21.G00.41.028/CCH-15", change(CHANGE, ("S21.G00.41.002", "05"), ("S21.G00.41.028", "01042025"))),
]

VALID_CHANGE = change(CHANGE, ("S21.G00.41.002", "05"), ("S21.G00.41.028", "01032025"))
# The clean contract has no S21.G00.40.029: a missing management type is not one "différent de 02".
PASSING = [
    ("S21.G00.40.027/CCH-11", set_(("S21.G00.40.027", "01"))),
    ("S21.G00.40.032/CCH-11", set_(("S21.G00.40.032", "01012020"))),
    # « renseignée avec une valeur différente de 134 / 136 »: a missing 40.020 (mandatory) is not a different one
    ("S21.G00.40.053/CCH-11", set_(("S21.G00.40.020", None), ("S21.G00.40.053", "01"))),
    ("S21.G00.40.075/CCH-11", set_(("S21.G00.40.020", None), ("S21.G00.40.075", "1"))),
    ("S21.G00.40.014/CCH-11", set_(("S21.G00.40.020", None), ("S21.G00.40.014", "41"))),
    ("S21.G00.40.003/CCH-16", set_(("S21.G00.40.020", None), ("S21.G00.71.002", "RETA"))),
    # a change block without S21.G00.41.028 has no depth to check (a null date is not "not the 1st")
    ("S21.G00.41.028/CCH-13", change(CHANGE, ("S21.G00.41.002", "05"))),
    # the contract's start date (11082019 in the clean file) is allowed although not the 1st of a month
    ("S21.G00.41.028/CCH-13", change(CHANGE, ("S21.G00.41.002", "05"), ("S21.G00.41.028", "11082019"))),
    ("S21.G00.40.005/CCH-11", set_(("S21.G00.40.004", "389b"), ("S21.G00.40.005", "T389N"))),
    ("S21.G00.40.010/CCH-12", set_(("S21.G00.40.007", "02"), ("S21.G00.40.010", "31122025"))),
    ("S21.G00.40.019/CCH-12", set_(("S21.G00.40.007", "03"), ("S21.G00.40.019", OTHER_SIRET))),
    ("S21.G00.40.040/CCH-12", set_(("S21.G00.40.046", OTHER_SIRET), ("S21.G00.40.040", "745BD"))),
    ("S21.G00.40.057/CCH-11", set_(("S21.G00.40.026", "01"), ("S21.G00.40.057", "350"))),
    *[(code, VALID_CHANGE) for code in ("S21.G00.41.001/CCH-12", "S21.G00.41.001/CCH-14", "S21.G00.41.001/CCH-15",
                                        "S21.G00.41.001/CCH-16", "S21.G00.41.028/CCH-12", "S21.G00.41.028/CCH-13",
                                        "S21.G00.41.028/CCH-14", "S21.G00.41.028/CCH-15")],
]

MODULE = "tests/rules/coherence/test_contract.py"


clean_codes, test_control, test_control_passes, test_every_control_has_a_case = control_case_tests(
    MODULE, CASES, PASSING)
