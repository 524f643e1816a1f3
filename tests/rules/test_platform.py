"""The machine-to-machine envoi rule: one S20 per envoi when the platform says the deposit was MtoM."""
from __future__ import annotations

from rules import REGISTRY
from tests.rules.support import codes, validate_records

ENVOI = [("S10.G00.00.001", "LOGICIEL"), ("S10.G00.00.006", "P25V01"), ("S10.G00.95.006", "MtoM")]
DECLARATION = [("S20.G00.05.001", "01"), ("S20.G00.05.002", "01"), ("S21.G00.06.001", "552100554"),
               ("S21.G00.11.001", "00017")]
CODE = "S20.G00.05.001/CST-11"


def test_machine_to_machine_envoi_with_two_declarations(tmp_path):
    report = validate_records(ENVOI + DECLARATION * 2, tmp_path)
    assert CODE in codes(report)


def test_one_declaration_or_another_deposit_mode_passes(tmp_path):
    assert CODE not in codes(validate_records(ENVOI + DECLARATION, tmp_path, name="one.dsn"))
    web = [(c, "WEB" if c == "S10.G00.95.006" else v) for c, v in ENVOI]
    assert CODE not in codes(validate_records(web + DECLARATION * 2, tmp_path, name="web.dsn"))


def test_rule_is_registered_with_its_official_message():
    assert "machine to machine" in REGISTRY[CODE].description
