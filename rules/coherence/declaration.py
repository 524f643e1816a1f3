"""Coherence controls of the envoi (S10.G00.00) and the déclaration (S20.G00.05): nature, type, fraction,
annulment, deposit point and signalement trigger against the blocks the déclaration holds."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..registry import rule
from .conditions import (ADHESION, CONTRAT, DECLARATION, ENVOI, INDIVIDU, NON_SALARIE, count_by, counted, differs,
                         findings, has, isin, lookup, of_envoi, pairs_in, truth)

TEST = "tests/rules/coherence/test_declaration.py::test_control"
NOT_APPLICABLE: dict[str, str] = {}

SIGNALEMENTS = ("04", "05", "07", "08")


def _decl(ctx) -> pd.DataFrame:
    return ctx.text(DECLARATION)


def _count(ctx, block: str) -> np.ndarray:
    """Number of ``block`` instances in each déclaration (0 when the block is unknown to the norm)."""
    decl = _decl(ctx)
    if block not in ctx.catalog.blocks:
        return np.zeros(len(decl), dtype=np.int64)
    return counted(decl, "id", count_by(ctx.table(block), "declaration_id"))


def _people(ctx) -> np.ndarray:
    """Number of individus (S21.G00.30) plus non-salariés (S89.G00.91) of each déclaration."""
    return _count(ctx, INDIVIDU) + _count(ctx, NON_SALARIE)


@rule("S10.G00.00.008/CCH-11", scope="envoi", test=TEST)
def envoi_neant(ctx):
    envoi, decl = ctx.text(ENVOI), _decl(ctx)
    empty = isin(decl, "S20.G00.05.001", ["01"]) & isin(decl, "S20.G00.05.002", ["02", "05"])
    all_empty = pd.Series(empty, index=decl.index).groupby(decl["envoi_id"]).all()
    expected = all_empty.reindex(envoi["id"].to_numpy()).fillna(False).to_numpy(dtype=bool)
    return findings(ctx, ENVOI, expected != isin(envoi, "S10.G00.00.008", ["02"]), "S10.G00.00.008")


@rule("S20.G00.05.001/CCH-11", scope="declaration", test=TEST)
def amorcage_one_individual(ctx):
    decl = _decl(ctx)
    return findings(ctx, DECLARATION, isin(decl, "S20.G00.05.001", ["08"]) & (_people(ctx) != 1), "S20.G00.05.001")


@rule("S20.G00.05.001/CCH-12", scope="declaration", test=TEST)
def amorcage_seniority(ctx):
    decl = _decl(ctx)
    bad = isin(decl, "S20.G00.05.001", ["08"]) & (_count(ctx, ADHESION) > 0) & (_count(ctx, "S21.G00.86") == 0)
    return findings(ctx, DECLARATION, bad, "S20.G00.05.001")


@rule("S20.G00.05.001/CCH-13", scope="declaration", test=TEST)
def amorcage_affiliations(ctx):
    adh, aff = ctx.text(ADHESION), ctx.text("S21.G00.70")
    nature = lookup(adh, "declaration_id", _decl(ctx), "S20.G00.05.001")
    linked = pairs_in(adh["declaration_id"], adh["S21.G00.15.005"], aff["declaration_id"], aff["S21.G00.70.013"])
    return findings(ctx, ADHESION, truth(nature == "08") & ~linked, "S21.G00.15.005")


@rule("S20.G00.05.002/CCH-11", scope="envoi", test=TEST)
def declaration_and_its_annulment(ctx):
    decl = _decl(ctx)
    ids = decl["S20.G00.05.007"] + decl["S20.G00.05.004"]
    own = {(e, i) for e, i in zip(decl["envoi_id"], ids) if isinstance(i, str)}
    targets = zip(decl["envoi_id"], decl["S20.G00.05.006"])
    bad = np.array([isinstance(t, str) and (e, t) in own for e, t in targets], dtype=bool)
    return findings(ctx, DECLARATION, bad, "S20.G00.05.006")


@rule("S20.G00.05.002/CCH-13", scope="declaration", test=TEST)
def annul_only_for_some_natures(ctx):
    decl = _decl(ctx)
    bad = isin(decl, "S20.G00.05.002", ["04"]) & ~isin(decl, "S20.G00.05.001", ["07", "08", "09"])
    return findings(ctx, DECLARATION, bad, "S20.G00.05.002")


@rule("S20.G00.05.002/CCH-14", scope="declaration", test=TEST)
def without_individual_only_mensuelle(ctx):
    decl = _decl(ctx)
    bad = isin(decl, "S20.G00.05.002", ["02", "05"]) & has(decl, "S20.G00.05.001") & \
        ~isin(decl, "S20.G00.05.001", ["01"])
    return findings(ctx, DECLARATION, bad, "S20.G00.05.002")


@rule("S20.G00.05.002/CCH-15", scope="declaration", test=TEST)
def no_replacement_of_amorcage(ctx):
    decl = _decl(ctx)
    bad = isin(decl, "S20.G00.05.002", ["03"]) & isin(decl, "S20.G00.05.001", ["08"])
    return findings(ctx, DECLARATION, bad, "S20.G00.05.002")


@rule("S20.G00.05.002/CCH-16", scope="declaration", test=TEST)
def normal_needs_individual(ctx):
    decl = _decl(ctx)
    bad = isin(decl, "S20.G00.05.002", ["01", "03"]) & (_people(ctx) == 0)
    return findings(ctx, DECLARATION, bad, "S20.G00.05.002")


@rule("S20.G00.05.003/CCH-11", scope="declaration", test=TEST)
def signalement_fraction(ctx):
    decl = _decl(ctx)
    bad = isin(decl, "S20.G00.05.001", SIGNALEMENTS) & has(decl, "S20.G00.05.003") & \
        ~isin(decl, "S20.G00.05.003", ["11"])
    return findings(ctx, DECLARATION, bad, "S20.G00.05.003")


@rule("S20.G00.05.006/CCH-12", scope="declaration", test=TEST)
def annulled_id_only_for_replacements(ctx):
    decl = _decl(ctx)
    bad = has(decl, "S20.G00.05.006") & differs(decl, "S20.G00.05.002", ["03", "04"])
    return findings(ctx, DECLARATION, bad, "S20.G00.05.006")


@rule("S20.G00.05.008/CCH-11", scope="declaration", test=TEST)
def agricultural_part_not_on_net_entreprises(ctx):
    decl = _decl(ctx)
    bad = isin(decl, "S20.G00.05.008", ["02"]) & truth(of_envoi(ctx, decl, "S10.G00.00.007") == "01")
    return findings(ctx, DECLARATION, bad, "S20.G00.05.008")


@rule("S20.G00.05.008/CCH-12", scope="declaration", test=TEST)
def general_part_not_on_msa(ctx):
    decl = _decl(ctx)
    bad = isin(decl, "S20.G00.05.008", ["03"]) & truth(of_envoi(ctx, decl, "S10.G00.00.007") == "02")
    return findings(ctx, DECLARATION, bad, "S20.G00.05.008")


@rule("S20.G00.05.009/CCH-11", scope="declaration", test=TEST)
def business_id_not_a_nir(ctx):
    decl, ind = _decl(ctx), ctx.text(INDIVIDU)
    with_nir = ind[ind["S21.G00.30.001"].notna()]
    nirs = set(zip(with_nir["declaration_id"], with_nir["S21.G00.30.001"]))
    bad = np.array([(d, v) in nirs for d, v in zip(decl["id"], decl["S20.G00.05.009"])], dtype=bool)
    return findings(ctx, DECLARATION, bad, "S20.G00.05.009")


@rule("S20.G00.05.011/CCH-11", scope="declaration", test=TEST)
def non_salarie_trigger(ctx):
    decl = _decl(ctx)
    rate_call, present = isin(decl, "S20.G00.05.011", ["06"]), _count(ctx, NON_SALARIE) > 0
    # the block is forbidden only when .011 holds another value: a mensuelle (no .011) may declare non-salariés
    bad = (rate_call & ~present) | (has(decl, "S20.G00.05.011") & ~rate_call & present)
    return findings(ctx, DECLARATION, bad, "S20.G00.05.011")


@rule("S20.G00.05.011/CCH-12", scope="declaration", test=TEST)
def trigger_needs_adhesion(ctx):
    decl = _decl(ctx)
    bad = isin(decl, "S20.G00.05.011", ["03", "04", "05"]) & (_count(ctx, ADHESION) == 0)
    return findings(ctx, DECLARATION, bad, "S20.G00.05.011")


@rule("S20.G00.05.011/CCH-13", scope="declaration", test=TEST)
def trigger_forbids_adhesion_and_workplace(ctx):
    decl = _decl(ctx)
    bad = isin(decl, "S20.G00.05.011", ["06", "07"]) & ((_count(ctx, ADHESION) + _count(ctx, "S21.G00.85")) > 0)
    return findings(ctx, DECLARATION, bad, "S20.G00.05.011")


@rule("S20.G00.05.011/CCH-14", scope="declaration", test=TEST)
def trigger_forbids_contract_and_seniority(ctx):
    decl = _decl(ctx)
    bad = isin(decl, "S20.G00.05.011", ["07"]) & ((_count(ctx, CONTRAT) + _count(ctx, "S21.G00.86")) > 0)
    return findings(ctx, DECLARATION, bad, "S20.G00.05.011")


@rule("S20.G00.05.012/CCH-11", scope="declaration", test=TEST)
def trigger_needs_last_siret(ctx):
    decl = _decl(ctx)
    bad = isin(decl, "S20.G00.05.011", ["02", "07"]) & ~has(decl, "S20.G00.05.012")
    return findings(ctx, DECLARATION, bad, "S20.G00.05.012")
