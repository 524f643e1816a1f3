"""Coherence controls of the company (S21.G00.06) and establishment (S21.G00.11) blocks."""
from __future__ import annotations

from ..registry import rule
from .conditions import (CONTRAT, ENTREPRISE, ETABLISSEMENT, any_by, bad_address, findings, has, isin, mask,
                         model_allows, of_declaration)

TEST = "tests/rules/coherence/test_employer.py::test_control"
NOT_APPLICABLE: dict[str, str] = {}


@rule("S21.G00.06.005/CCH-11", scope="block", test=TEST)
def company_address(ctx):
    company = ctx.text(ENTREPRISE)
    bad = bad_address(company, "S21.G00.06.005", "S21.G00.06.010", "S21.G00.06.011") & mask(
        model_allows(ctx, company, "S21.G00.06.005"))
    return findings(ctx, ENTREPRISE, bad, "S21.G00.06.005", related=["S21.G00.06.010", "S21.G00.06.011"])


@rule("S21.G00.06.006/CCH-11", scope="block", test=TEST)
def company_locality(ctx):
    company = ctx.text(ENTREPRISE)
    bad = has(company, "S21.G00.06.005") & ~has(company, "S21.G00.06.006")
    return findings(ctx, ENTREPRISE, bad, "S21.G00.06.006", related=["S21.G00.06.005"])


@rule("S21.G00.11.004/CCH-11", scope="block", test=TEST)
def establishment_address(ctx):
    etab = ctx.text(ETABLISSEMENT)
    bad = bad_address(etab, "S21.G00.11.004", "S21.G00.11.015", "S21.G00.11.016")
    return findings(ctx, ETABLISSEMENT, bad, "S21.G00.11.004", related=["S21.G00.11.015", "S21.G00.11.016"])


@rule("S21.G00.11.005/CCH-11", scope="block", test=TEST)
def establishment_locality(ctx):
    etab = ctx.text(ETABLISSEMENT)
    bad = has(etab, "S21.G00.11.004") & ~has(etab, "S21.G00.11.005")
    return findings(ctx, ETABLISSEMENT, bad, "S21.G00.11.005", related=["S21.G00.11.004"])


@rule("S21.G00.11.017/CCH-11", scope="block", test=TEST)
def legal_nature_iff_adhering_employer(ctx):
    etab, contrat = ctx.text(ETABLISSEMENT), ctx.text(CONTRAT)
    adhering = any_by(contrat, "etablissement_id", isin(contrat, "S21.G00.40.029", ["03", "04"]))
    needed = etab["id"].isin(adhering).to_numpy(dtype=bool)
    return findings(ctx, ETABLISSEMENT, needed != has(etab, "S21.G00.11.017"), "S21.G00.11.017")


@rule("S21.G00.11.024/CCH-11", scope="block", test=TEST)
def exit_request_only_without_individuals(ctx):
    etab = ctx.text(ETABLISSEMENT)
    kind = of_declaration(ctx, etab, "S20.G00.05.002", typed=False)
    bad = has(etab, "S21.G00.11.024") & ~mask(kind.isin(["02", "05"]))
    return findings(ctx, ETABLISSEMENT, bad, "S21.G00.11.024")
