"""The reader's syntax issues as anomalies, under their DSN-Val stage codes (CV…, CST…)."""
from __future__ import annotations

from dsn_parser.issues import ISSUE_KINDS

from .registry import Finding, Rule, register

SEVERITY = {"unknown_norm": "warning", "mixed_norms": "warning"}


def _check_for(kind: str):
    def check(ctx):
        return [Finding(line=i.line, rubrique=i.rubrique, value=i.raw, fields={"detail": i.message})
                for i in ctx.parsed.issues if i.kind == kind]
    return check


def _register_all() -> None:
    by_code: dict[str, list[str]] = {}
    for kind, (code, _template) in ISSUE_KINDS.items():
        by_code.setdefault(code, []).append(kind)
    for code, kinds in by_code.items():
        checks = [_check_for(kind) for kind in kinds]
        family = "CST" if code.startswith("CST") else "CSL"
        register(Rule(code=code, family=family, severity=SEVERITY.get(kinds[0], "blocking"), scope="file",
                      message="{detail}", check=lambda ctx, checks=checks: [f for c in checks for f in c(ctx)],
                      description="Contrôle de lecture (étape de conversion de DSN-Val) : " + ", ".join(kinds)))


_register_all()
