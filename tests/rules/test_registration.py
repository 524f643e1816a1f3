"""Every rule code is findable by grep: spelled as a literal in exactly one source file, the module that
registers it (docs/rules.md's module column)."""
from __future__ import annotations

from pathlib import Path

from rules import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
READER_ISSUES = "dsn_parser/issues.py"  # the reader's CV/CST codes, registered by rules.syntax
SOURCES = {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
           for path in [*(ROOT / "rules").rglob("*.py"), ROOT / READER_ISSUES]}


def _module_file(module: str) -> str:
    path = module.replace(".", "/")
    return f"{path}.py" if f"{path}.py" in SOURCES else f"{path}/__init__.py"


def _spelled_in(code: str) -> list[str]:
    return sorted(name for name, text in SOURCES.items() if f'"{code}"' in text)


def test_every_registered_code_is_spelled_as_a_literal():
    assert [code for code in REGISTRY if not _spelled_in(code)] == []


def test_every_code_is_spelled_in_one_file_the_registering_module():
    wrong = {}
    for code, rule in REGISTRY.items():
        expected = [READER_ISSUES] if rule.module == "rules.syntax" else [_module_file(rule.module)]
        files = _spelled_in(code)
        if code == "CST02_1":  # the reader's orphan block, extended by the catalog's mandatory-block check
            expected = [READER_ISSUES, "rules/catalog_checks.py"]
        if files != expected:
            wrong[code] = (rule.module, files)
    assert wrong == {}


def test_every_rule_names_the_module_that_registers_it():
    for rule in REGISTRY.values():
        assert rule.module and rule.module.split(".")[0] == "rules", rule.code
