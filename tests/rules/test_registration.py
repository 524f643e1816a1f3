"""Every rule code is findable by grep: spelled as a literal in the sources that register it."""
from __future__ import annotations

from pathlib import Path

from rules import REGISTRY

ROOT = Path(__file__).resolve().parents[2]


def test_every_registered_code_is_spelled_as_a_literal():
    sources = [path.read_text(encoding="utf-8") for path in (ROOT / "rules").rglob("*.py")]
    sources.append((ROOT / "dsn_parser" / "issues.py").read_text(encoding="utf-8"))  # the reader's CV/CST codes
    text = "\n".join(sources)
    assert [code for code in REGISTRY if f'"{code}"' not in text] == []


def test_every_rule_names_the_module_that_registers_it():
    for rule in REGISTRY.values():
        assert rule.module and rule.module.split(".")[0] == "rules", rule.code
