"""Controls about the deposit and the outside registers: the machine-to-machine envoi rule, and the
receiving-side controls (SIRENE, certificates) that one file cannot settle."""
from __future__ import annotations

import numpy as np

from .registry import Finding, rule

NOT_APPLICABLE = {
    "S21.G00.06.001/CME-11": "needs the INSEE SIRENE register (is the SIREN active?)",
    "S21.G00.11.001/CME-11": "needs the INSEE SIRENE register (is the establishment active in the month?)",
    "S21.G00.85.001/CME-11": "needs the INSEE SIRENE register (is the workplace SIRET active?)",
    "S89.G00.32.005/CME-11": "needs the INSEE SIRENE register (is the SIRET active in the period?)",
    "S20.G00.05.006/CID-11": "needs the platform's register of certified declarations",
}


@rule("S20.G00.05.001/CST-11", scope="envoi",
      test="tests/rules/test_platform.py::test_machine_to_machine_envoi_with_two_declarations")
def one_declaration_per_machine_to_machine_envoi(ctx):
    """An envoi deposited machine to machine (S10.G00.95.006 = MtoM, as the platform records it) holds one S20."""
    suivi = ctx.text("S10.G00.95")
    if suivi.empty:
        return []
    mtom = set(suivi.loc[suivi["S10.G00.95.006"].fillna("").str.upper() == "MTOM", "envoi_id"])
    declarations = ctx.text("S20.G00.05")
    findings = []
    for envoi, group in declarations.groupby("envoi_id"):
        if envoi in mtom and len(group) > 1:
            second = group.iloc[1]
            findings.append(Finding(instance=int(second["id"]), rubrique="S20.G00.05.001",
                                    value=second["S20.G00.05.001"],
                                    lines=tuple(int(n) for n in np.asarray(group["line"]))))
    return findings
