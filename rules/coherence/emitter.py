"""Coherence controls of the émetteur block (S10.G00.01): its address."""
from __future__ import annotations

from ..registry import rule
from .conditions import bad_address, found, has

EMETTEUR = "S10.G00.01"
TEST = "tests/rules/coherence/test_emitter.py::test_control"

NOT_APPLICABLE: dict[str, str] = {}


@rule("S10.G00.01.005/CCH-12", scope="block", test=TEST)
def emitter_address(ctx):
    emitter = ctx.table(EMETTEUR)
    # same wording, and the same reading, as the company and establishment addresses (employer.py)
    return found(ctx, EMETTEUR, emitter, bad_address(emitter, "S10.G00.01.005", "S10.G00.01.007", "S10.G00.01.008"),
                 "S10.G00.01.005")


@rule("S10.G00.01.006/CCH-11", scope="block", test=TEST)
def emitter_locality(ctx):
    emitter = ctx.table(EMETTEUR)
    return found(ctx, EMETTEUR, emitter, has(emitter, "S10.G00.01.005") & ~has(emitter, "S10.G00.01.006"),
                 "S10.G00.01.006")
