"""Coherence controls of the pay blocks: versement individu (S21.G00.50), rémunération (51), prime (52),
activité (53), autre élément brut (54), régularisation PAS (56), élément de revenu net (58).

The first part holds the row-context helpers the part-C coherence modules share (arret, fin_contrat,
affiliation, bases, signals): the declaration's nature and dates, the contract of a row, the end of a contract,
and how a masked selection of rows becomes the findings table the engine reads.
"""
from __future__ import annotations


import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


from ..registry import rule

DECLARATION, ETABLISSEMENT, CONTRAT = "S20.G00.05", "S21.G00.11", "S21.G00.40"
MENSUELLES = ("01", "09")  # DSN mensuelle and DSN de substitution (dated by the main month, § 4.4.12)
FCTU = "07"
CANCELLED_END = "099"

# ---------------------------------------------------------------------------------------------------------
# Row context shared by the part-C coherence modules


def col(frame: pd.DataFrame, code: str) -> pd.Series:
    """A column of a block table, or an all-missing column when the norm has no such rubrique."""
    if code in frame.columns:
        return frame[code]
    return pd.Series(pd.NA, index=frame.index, dtype="object")


def num(frame: pd.DataFrame, code: str) -> pd.Series:
    """A decimal or integer column as float64 (NaN when missing), for comparisons."""
    values = col(frame, code)
    if isinstance(values.dtype, pd.ArrowDtype) and pa.types.is_decimal(values.dtype.pyarrow_dtype):
        floats = pc.cast(pa.array(values.array), pa.float64()).to_numpy(zero_copy_only=False)
        return pd.Series(floats, index=values.index, dtype="float64")
    if isinstance(values.dtype, pd.Int64Dtype):
        return values.astype("float64")
    return pd.to_numeric(values.astype("object"), errors="coerce").astype("float64")


def nonzero(frame: pd.DataFrame, code: str) -> np.ndarray:
    """Rows whose amount ``code`` is present and not 0 (a missing amount is neither zero nor non-zero)."""
    return truth(num(frame, code).fillna(0) != 0)


def day(frame: pd.DataFrame, code: str) -> pd.Series:
    """A date column (NaT when missing)."""
    values = col(frame, code)
    return values if pd.api.types.is_datetime64_any_dtype(values) else pd.Series(pd.NaT, index=frame.index,
                                                                                  dtype="datetime64[ms]")


def by_id(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``values`` (indexed by block id) for each id of ``keys``, NA when absent; unlike ``Series.map``, this also
    works when ``values`` is an empty date column (pandas 3 raises there)."""
    return pd.Series(values.reindex(keys.to_numpy()).to_numpy(), index=keys.index, dtype=values.dtype)


def txt(frame: pd.DataFrame, code: str) -> pd.Series:
    """A string column (missing values as NA)."""
    return col(frame, code).astype(pd.StringDtype())


def has(frame: pd.DataFrame, code: str) -> pd.Series:
    """True where the rubrique is filled in (with a value of its type)."""
    return col(frame, code).notna()


def truth(values) -> np.ndarray:
    """A boolean mask with missing values as False."""
    return pd.Series(values).fillna(False).to_numpy(dtype=bool)


def is_in(frame: pd.DataFrame, code: str, values) -> pd.Series:
    return txt(frame, code).isin(list(values)).astype(bool)


def table(ctx, block: str) -> pd.DataFrame:
    """The typed table of a block; empty when the file's norm has no such block."""
    if block not in ctx.catalog.blocks:
        return pd.DataFrame({"id": pd.Series(dtype="int64"), "line": pd.Series(dtype="int64")})
    return ctx.table(block)


def per_run(ctx, name: str, build):
    """A helper table computed once per validation run and kept on the context."""
    cache = ctx.__dict__.setdefault("_coherence", {})
    if name not in cache:
        cache[name] = build(ctx)
    return cache[name]


def declarations(ctx) -> pd.DataFrame:
    """Per déclaration id: nature, main month start and end, end of the following month, file date."""
    return per_run(ctx, "declarations", _declarations)


def _declarations(ctx) -> pd.DataFrame:
    decl = ctx.table(DECLARATION)
    month = day(decl, "S20.G00.05.005")
    return pd.DataFrame({
        "nature": txt(decl, "S20.G00.05.001").to_numpy(),
        "month_start": month.to_numpy(),
        "month_end": (month + pd.offsets.MonthEnd(1)).to_numpy(),
        "next_month_end": (month + pd.offsets.MonthEnd(2)).to_numpy(),
        "file_date": day(decl, "S20.G00.05.007").to_numpy(),
    }, index=decl["id"].to_numpy())


def of_declaration(ctx, frame: pd.DataFrame, what: str) -> pd.Series:
    """One declaration attribute (see :func:`declarations`) for each row of a block table."""
    if frame.empty or "declaration_id" not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="object")
    return frame["declaration_id"].map(declarations(ctx)[what])


def main_year(ctx, frame: pd.DataFrame) -> pd.Series:
    """The year of the main declared month (S20.G00.05.005) of each row's déclaration."""
    return pd.to_datetime(of_declaration(ctx, frame, "month_start")).dt.year


def nature_in(ctx, frame: pd.DataFrame, natures) -> pd.Series:
    """True for the rows of a déclaration of one of ``natures``."""
    return of_declaration(ctx, frame, "nature").isin(list(natures)).astype(bool)


def contract_end(ctx) -> pd.DataFrame:
    """Per contrat id: end date (S21.G00.62.001), motif (62.002), and the end date unless it is an annulation."""
    return per_run(ctx, "contract_end", _contract_end)


def _contract_end(ctx) -> pd.DataFrame:
    fin = table(ctx, "S21.G00.62")
    if fin.empty:
        return pd.DataFrame({"end": pd.Series(dtype="datetime64[ms]"), "motif": pd.Series(dtype="string"),
                             "effective_end": pd.Series(dtype="datetime64[ms]")})
    fin = fin.drop_duplicates("contrat_id")
    motif = txt(fin, "S21.G00.62.002")
    end = day(fin, "S21.G00.62.001")
    return pd.DataFrame({"end": end.to_numpy(), "motif": motif.to_numpy(),
                         "effective_end": end.where(truth(motif != CANCELLED_END)).to_numpy()},
                        index=fin["contrat_id"].to_numpy())


def by_contract_id(ctx, frame: pd.DataFrame, code: str) -> pd.Series:
    """A rubrique of the row's contract (rows under S21.G00.40, keyed by ``contrat_id``)."""
    contrat = ctx.table(CONTRAT)
    return by_id(frame["contrat_id"], pd.Series(col(contrat, code).to_numpy(), index=contrat["id"].to_numpy()))


def end_of_contract(ctx, frame: pd.DataFrame, what: str, key: str = "contrat_id") -> pd.Series:
    """An attribute of the end of the row's contract (see :func:`contract_end`), by contrat id column ``key``."""
    return by_id(frame[key], contract_end(ctx)[what]) if len(frame) else pd.Series(dtype="object")


_CONTRACT_NUMBER = {"S21.G00.51": "S21.G00.51.010", "S21.G00.52": "S21.G00.52.006"}


def _contract_positions(ctx, block: str) -> np.ndarray:
    """Per row of the rémunération (51), prime (52) or activité (53) table: the position, in the contrat table,
    of the contract its number designates among the individu's contracts (activité: its rémunération's
    number); -1 when none. Computed once per run."""
    def build(ctx) -> np.ndarray:
        frame = ctx.table(block)
        if block == "S21.G00.53":
            rem = ctx.table("S21.G00.51").set_index("id")
            # strings even when no activité has a known rémunération (the map then gives float NaN)
            numbers = frame["remuneration_id"].map(txt(rem, "S21.G00.51.010")).astype(pd.StringDtype())
        else:
            numbers = txt(frame, _CONTRACT_NUMBER[block])
        contrat = ctx.table(CONTRAT)
        right = pd.DataFrame({"_ind": contrat["individu_id"].to_numpy(),
                              "_num": txt(contrat, "S21.G00.40.009").to_numpy(),
                              "_pos": np.arange(len(contrat), dtype=np.int64)})
        right = right.dropna(subset=["_num"]).drop_duplicates(["_ind", "_num"])
        left = pd.DataFrame({"_ind": frame["individu_id"].to_numpy(), "_num": numbers.to_numpy()})
        return left.merge(right, how="left", on=["_ind", "_num"])["_pos"].fillna(-1).to_numpy(np.int64)
    return per_run(ctx, f"contract positions {block}", build)


def contract_by_number(ctx, block: str, codes: list[str], rows: np.ndarray | None = None) -> pd.DataFrame:
    """Columns ``codes`` of the contract (S21.G00.40) that each row of ``block``'s table designates by its
    contract number (rémunération 51.010, prime 52.006, activité: its rémunération's 51.010), plus
    ``contrat_id`` (NA when no contract of the individu has that number). ``rows``: a boolean mask of the
    table's rows to keep. Missing contract values are NaN / NaT, as after a left merge."""
    frame = ctx.table(block)
    positions = _contract_positions(ctx, block)
    index = frame.index
    if rows is not None:
        positions, index = positions[rows], index[rows]
    matched = positions >= 0
    safe = np.maximum(positions, 0)
    contrat = ctx.table(CONTRAT)
    ids = contrat["id"].to_numpy()[safe] if len(contrat) else np.zeros(len(safe), dtype=np.int64)
    out = {"contrat_id": pd.arrays.IntegerArray(ids.astype(np.int64), ~matched)}
    for code in codes:
        values = col(contrat, code).to_numpy()
        out[code] = pd.Series(values[safe] if len(contrat) else np.full(len(safe), np.nan, dtype=object),
                              index=index).where(matched)
    return pd.DataFrame(out, index=index)


def previous_numbers(ctx) -> set[tuple[int, str]]:
    """(individu id, contract number) of the numbers declared before (S21.G00.45.002)."""
    previous = table(ctx, "S21.G00.45")
    if previous.empty:
        return set()
    numbers = txt(previous, "S21.G00.45.002")
    present = numbers.notna().to_numpy(dtype=bool)
    return set(zip(previous["individu_id"].to_numpy()[present], numbers[present]))


def found(ctx, block: str, frame: pd.DataFrame, mask, rubrique: str | None = None) -> pd.DataFrame:
    """The findings table for the rows of ``frame`` (the table of ``block``, or a row subset of it) selected by
    ``mask``: the line and raw value of ``rubrique`` when the row has it, else the block's first line."""
    selected = truth(mask)
    rubrique = rubrique or block
    rows = frame.index.to_numpy()[selected]
    line = frame["line"].to_numpy()[selected].astype("int64")
    value = np.full(len(rows), None, dtype=object)
    if len(rows):
        if f"{rubrique}#line" in frame.columns:
            own = frame[f"{rubrique}#line"][selected].to_numpy(dtype="float64", na_value=np.nan)
            line = np.where(np.isnan(own), line, np.nan_to_num(own)).astype("int64")
        text = ctx.text(block) if block in ctx.catalog.blocks else None
        if text is not None and rubrique in text.columns:
            value = text[rubrique].take(rows).to_numpy(dtype=object, na_value=None)
    return pd.DataFrame({"line": line, "instance": frame["id"].to_numpy()[selected], "rubrique": rubrique,
                         "value": value})


def missing_child(parent: pd.DataFrame, child: pd.DataFrame, parent_key: str, child_mask=None) -> pd.Series:
    """True for the parent rows that have no child row (optionally: no child selected by ``child_mask``)."""
    children = child if child_mask is None else child.loc[truth(child_mask)]
    return ~parent["id"].isin(children[parent_key]) if parent_key in children else pd.Series(True, index=parent.index)


def later_duplicates(frame: pd.DataFrame, keys: list[pd.Series]) -> pd.Series:
    """True for the rows whose key repeats an earlier row's key (missing key parts compare equal)."""
    key = pd.DataFrame({i: k.array for i, k in enumerate(keys)}, index=frame.index)
    return key.duplicated(keep="first")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.50 Versement individu

VERSEMENT, REMUNERATION, PRIME, ACTIVITE, AUTRE_BRUT, REGUL_PAS, NET = (
    "S21.G00.50", "S21.G00.51", "S21.G00.52", "S21.G00.53", "S21.G00.54", "S21.G00.56", "S21.G00.58")
TEST = "tests/rules/coherence/test_remuneration.py::"


def _net_social_missing(ctx, versement: pd.DataFrame) -> pd.Series:
    """True for the versements of a non-Monaco establishment without a 58 of type 03 (montant net social)."""
    etab = ctx.table(ETABLISSEMENT)
    postcode = versement["etablissement_id"].map(pd.Series(txt(etab, "S21.G00.11.004").to_numpy(),
                                                           index=etab["id"].to_numpy()))
    not_monaco = truth(postcode.notna() & ~postcode.astype("string").str.startswith("98").fillna(True))
    net = table(ctx, NET)
    return pd.Series(not_monaco, index=versement.index) & missing_child(
        versement, net, "versement_individu_id", is_in(net, "S21.G00.58.003", ["03"]) if len(net) else None)


@rule("S21.G00.50.001/CCH-13", scope="block", test=TEST + "test_fails")
def payment_after_next_month(ctx):
    versement = ctx.table(VERSEMENT)
    return found(ctx, VERSEMENT, versement,
                 day(versement, "S21.G00.50.001") > of_declaration(ctx, versement, "next_month_end"),
                 "S21.G00.50.001")


@rule("S21.G00.50.001/CCH-14", scope="block", test=TEST + "test_fails")
def net_social_current_month(ctx):
    versement = ctx.table(VERSEMENT)
    paid = day(versement, "S21.G00.50.001")
    month_end = of_declaration(ctx, versement, "month_end")
    late = pd.Series(truth(paid > month_end), index=versement.index)
    shifted = late.groupby(versement["individu_id"]).transform("any")
    return found(ctx, VERSEMENT, versement, truth(paid >= of_declaration(ctx, versement, "month_start"))
                 & ~shifted & _net_social_missing(ctx, versement), "S21.G00.50.001")


@rule("S21.G00.50.001/CCH-15", scope="block", test=TEST + "test_fails")
def net_social_shifted_pay(ctx):
    versement = ctx.table(VERSEMENT)
    late = truth(day(versement, "S21.G00.50.001") > of_declaration(ctx, versement, "month_end"))
    return found(ctx, VERSEMENT, versement, late & _net_social_missing(ctx, versement), "S21.G00.50.001")


@rule("S21.G00.50.003/CCH-11", scope="block", test=TEST + "test_fails")
def duplicate_payment_number(ctx):
    versement = ctx.table(VERSEMENT)
    numbered = has(versement, "S21.G00.50.003")
    twice = later_duplicates(versement, [versement["individu_id"], txt(versement, "S21.G00.50.003")])
    return found(ctx, VERSEMENT, versement, numbered & twice, "S21.G00.50.003")


@rule("S21.G00.50.003/CCH-12", scope="block", test=TEST + "test_fails")
def payment_number_required(ctx):
    versement = ctx.table(VERSEMENT)
    several = versement.groupby("individu_id")["id"].transform("size") > 1
    return found(ctx, VERSEMENT, versement, several & ~has(versement, "S21.G00.50.003"), "S21.G00.50.003")


@rule("S21.G00.50.007/CCH-11", scope="block", test=TEST + "test_fails")
def no_pas_rate_for_old_overpayment(ctx):
    versement = ctx.table(VERSEMENT)
    nonzero = truth(num(versement, "S21.G00.50.006").fillna(0) != 0) | truth(
        num(versement, "S21.G00.50.009").fillna(0) != 0)
    return found(ctx, VERSEMENT, versement, is_in(versement, "S21.G00.50.007", ["99"]) & nonzero, "S21.G00.50.007")


@rule("S21.G00.50.008/CCH-11", scope="block", test=TEST + "test_fails")
def pas_rate_id_iff_dgfip_rate(ctx):
    versement = ctx.table(VERSEMENT)
    return found(ctx, VERSEMENT, versement,
                 is_in(versement, "S21.G00.50.007", ["01"]) != has(versement, "S21.G00.50.008"), "S21.G00.50.008")


@rule("S21.G00.50.009/CCH-11", scope="block", test=TEST + "test_fails")
def pas_amount_is_rate_times_base(ctx):
    versement = ctx.table(VERSEMENT)
    expected = num(versement, "S21.G00.50.013") * num(versement, "S21.G00.50.006") / 100
    gap = (num(versement, "S21.G00.50.009") - expected).abs()
    return found(ctx, VERSEMENT, versement, truth(gap > 1.0), "S21.G00.50.009")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.51 Rémunération

GROSS_TYPES = ("001", "002")
REQUIRED_TYPES = ("001", "002", "003", "010")


def _remuneration(ctx, codes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rémunération table and, per row, ``codes`` of the contract its number (51.010) designates."""
    rem = ctx.table(REMUNERATION)
    return rem, contract_by_number(ctx, REMUNERATION, codes)


def _in_month(ctx, frame: pd.DataFrame, dates: pd.Series) -> np.ndarray:
    return truth(dates >= of_declaration(ctx, frame, "month_start")) & truth(
        dates <= of_declaration(ctx, frame, "month_end"))


@rule("S21.G00.51.001/CCH-11", scope="block", test=TEST + "test_fails")
def pay_period_before_contract(ctx):
    rem, contract = _remuneration(ctx, ["S21.G00.40.001"])
    start = day(rem, "S21.G00.51.001")
    gross = is_in(rem, "S21.G00.51.011", GROSS_TYPES) & nonzero(rem, "S21.G00.51.013")
    early = truth(start < pd.to_datetime(contract["S21.G00.40.001"]) - pd.Timedelta(days=2))
    return found(ctx, REMUNERATION, rem, gross & _in_month(ctx, rem, start) & early, "S21.G00.51.001")


@rule("S21.G00.51.002/CCH-11", scope="block", test=TEST + "test_fails")
def pay_period_order(ctx):
    rem = ctx.table(REMUNERATION)
    return found(ctx, REMUNERATION, rem, day(rem, "S21.G00.51.002") < day(rem, "S21.G00.51.001"), "S21.G00.51.002")


@rule("S21.G00.51.002/CCH-13", scope="block", test=TEST + "test_fails")
def pay_period_after_contract_end(ctx):
    rem, contract = _remuneration(ctx, [])
    end = day(rem, "S21.G00.51.002")
    contract_end_day = pd.to_datetime(by_id(contract["contrat_id"], contract_end(ctx)["effective_end"]))
    gross = is_in(rem, "S21.G00.51.011", GROSS_TYPES) & nonzero(rem, "S21.G00.51.013")
    late = truth(end > contract_end_day + pd.Timedelta(days=2))
    return found(ctx, REMUNERATION, rem, gross & _in_month(ctx, rem, end) & late, "S21.G00.51.002")


@rule("S21.G00.51.010/CCH-11", scope="block", test=TEST + "test_fails")
def pay_contract_exists(ctx):
    rem, contract = _remuneration(ctx, [])
    unknown = has(rem, "S21.G00.51.010") & contract["contrat_id"].isna()
    return found(ctx, REMUNERATION, rem, nature_in(ctx, rem, MENSUELLES) & unknown, "S21.G00.51.010")


def _unknown_in_fctu(ctx, frame: pd.DataFrame, number: str, contract: pd.DataFrame) -> np.ndarray:
    if FCTU not in set(declarations(ctx)["nature"]):
        return np.zeros(len(frame), dtype=bool)
    previous = previous_numbers(ctx)
    in_previous = np.array([(i, n) in previous for i, n in zip(frame["individu_id"], txt(frame, number))], dtype=bool)
    return truth(nature_in(ctx, frame, [FCTU]) & has(frame, number) & contract["contrat_id"].isna()) & ~in_previous


@rule("S21.G00.51.010/CCH-12", scope="block", test=TEST + "test_fails")
def pay_contract_exists_fctu(ctx):
    rem, contract = _remuneration(ctx, [])
    return found(ctx, REMUNERATION, rem, _unknown_in_fctu(ctx, rem, "S21.G00.51.010", contract), "S21.G00.51.010")


def _missing_types(ctx, natures, required, exclude_natures=()) -> pd.DataFrame:
    """First rémunération of each (versement, contract) pair that lacks one of the ``required`` types."""
    rem, contract = _remuneration(ctx, ["S21.G00.40.007"])
    scope = truth(nature_in(ctx, rem, natures) & contract["contrat_id"].notna()
                  & ~contract["S21.G00.40.007"].isin(list(exclude_natures)))
    rem, contract = rem.loc[scope], contract.loc[scope]
    if rem.empty:
        return found(ctx, REMUNERATION, rem, [], "S21.G00.51.011")
    pair = [rem["versement_individu_id"], contract["contrat_id"]]
    kinds = txt(rem, "S21.G00.51.011")
    present_all = pd.Series(True, index=rem.index)
    for kind in required:
        present_all &= pd.Series((kinds == kind).fillna(False).to_numpy(dtype=bool), index=rem.index).groupby(
            pair).transform("any")
    first = ~later_duplicates(rem, pair)
    return found(ctx, REMUNERATION, rem, first & ~present_all, "S21.G00.51.011")


@rule("S21.G00.51.011/CCH-11", scope="block", test=TEST + "test_fails")
def required_pay_types(ctx):
    return _missing_types(ctx, MENSUELLES, REQUIRED_TYPES, exclude_natures=("93",))


def _service_lines(ctx) -> pd.DataFrame:
    """Maritime service lines (contract nature 93) of mensuelles, one row each with: ``row`` (index in the
    contract table), ``nonzero_002`` (the main contract its 40.076 designates has a non-zero 002 pay; NA when
    that contract has no 002 pay), and ``types`` (the pay types declared for the service line itself)."""
    contrat = ctx.table(CONTRAT)
    if not is_in(contrat, "S21.G00.40.007", ["93"]).any():
        return pd.DataFrame({"row": [], "nonzero_002": pd.Series(dtype=bool), "types": []})
    rem = ctx.table(REMUNERATION)
    pay = pd.DataFrame({"individu_id": rem["individu_id"], "number": txt(rem, "S21.G00.51.010"),
                        "kind": txt(rem, "S21.G00.51.011"),
                        "nonzero": truth(num(rem, "S21.G00.51.013").fillna(0) != 0)})
    main_numbers = txt(contrat, "S21.G00.40.009").where(is_in(contrat, "S21.G00.40.007", ["91", "92"]))
    mains = pd.DataFrame({"individu_id": contrat["individu_id"], "main": main_numbers}).dropna()
    gross = pay.loc[truth(pay["kind"] == "002")].merge(mains, left_on=["individu_id", "number"],
                                                       right_on=["individu_id", "main"])
    nonzero = gross.groupby(["individu_id", "main"])["nonzero"].any().rename("nonzero_002").reset_index()
    service = truth(nature_in(ctx, contrat, MENSUELLES) & is_in(contrat, "S21.G00.40.007", ["93"]))
    lines = pd.DataFrame({"row": contrat.index[service], "individu_id": contrat["individu_id"][service].to_numpy(),
                          "main": txt(contrat, "S21.G00.40.076")[service].to_numpy(),
                          "number": txt(contrat, "S21.G00.40.009")[service].to_numpy()})
    lines = lines.merge(nonzero, on=["individu_id", "main"], how="inner")
    kinds = pay.dropna(subset=["number", "kind"]).groupby(["individu_id", "number"])["kind"].agg(frozenset)
    lines["types"] = [kinds.get((i, n), frozenset()) for i, n in zip(lines["individu_id"], lines["number"])]
    return lines


def _service_line_findings(ctx, bad_rows) -> pd.DataFrame:
    contrat = ctx.table(CONTRAT)
    return found(ctx, CONTRAT, contrat, contrat.index.isin(list(bad_rows)), "S21.G00.40.076").assign(
        rubrique="S21.G00.51.011")


@rule("S21.G00.51.011/CCH-12", scope="block", test=TEST + "test_fails")
def service_line_needs_002(ctx):
    lines = _service_lines(ctx)
    return _service_line_findings(ctx, lines.loc[lines["nonzero_002"] & ~lines["types"].map(
        lambda t: "002" in t).astype(bool), "row"])


@rule("S21.G00.51.011/CCH-13", scope="block", test=TEST + "test_fails")
def service_line_needs_all_types(ctx):
    lines = _service_lines(ctx)
    return _service_line_findings(ctx, lines.loc[~lines["nonzero_002"] & ~lines["types"].map(
        lambda t: set(REQUIRED_TYPES) <= t).astype(bool), "row"])


@rule("S21.G00.51.011/CCH-15", scope="block", test=TEST + "test_fails")
def required_pay_types_fctu(ctx):
    return _missing_types(ctx, [FCTU], ("001", "002", "010"))


def _typed_after_2024(ctx, kind: str) -> pd.DataFrame:
    rem = ctx.table(REMUNERATION)
    since = pd.Timestamp(2024, 1, 1)
    recent = truth(day(rem, "S21.G00.51.001") >= since) | truth(day(rem, "S21.G00.51.002") >= since)
    return found(ctx, REMUNERATION, rem, nature_in(ctx, rem, MENSUELLES) & is_in(rem, "S21.G00.51.011", [kind])
                 & recent, "S21.G00.51.011")


@rule("S21.G00.51.011/CCH-16", scope="block", test=TEST + "test_fails")
def exempt_overtime_moved_to_58(ctx):
    return _typed_after_2024(ctx, "026")


@rule("S21.G00.51.011/CCH-17", scope="block", test=TEST + "test_fails")
def net_social_moved_to_58(ctx):
    return _typed_after_2024(ctx, "027")


@rule("S21.G00.51.012/CCH-12", scope="block", test=TEST + "test_fails")
def zero_hours_forbidden(ctx):
    rem = ctx.table(REMUNERATION)
    return found(ctx, REMUNERATION, rem, is_in(rem, "S21.G00.51.011", REQUIRED_TYPES)
                 & truth(num(rem, "S21.G00.51.012") == 0), "S21.G00.51.012")


@rule("S21.G00.51.014/CCH-11", scope="block", test=TEST + "test_fails")
def public_rate_needs_status(ctx):
    rem, contract = _remuneration(ctx, ["S21.G00.40.026"])
    return found(ctx, REMUNERATION, rem, has(rem, "S21.G00.51.014")
                 & truth(contract["S21.G00.40.026"].astype("string") == "99"), "S21.G00.51.014")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.52 Prime, gratification et indemnité

LAYOFF_MOTIFS = ("011", "012", "014", "015", "020", "025", "026", "082", "086", "087", "089", "091", "092", "093",
                 "098", "099", "111", "112", "113", "114", "115", "117")
CONCILIATION_MOTIFS = ("011", "012", "014", "015", "020", "025", "026", "065", "082", "086", "087", "088", "089",
                       "091", "092", "093", "098", "099", "113", "114", "115", "117")
# prime types → end-of-contract motifs allowed with them, when the contract has an S21.G00.62
PRIME_MOTIFS = {
    "S21.G00.52.001/CCH-21": (("001",), ("043", "110", "099")),
    "S21.G00.52.001/CCH-22": (("003", "004"), ("038", "099")),
    "S21.G00.52.001/CCH-23": (("005", "006"), ("039", "059", "099")),
    "S21.G00.52.001/CCH-24": (("007", "008", "009", "010"), LAYOFF_MOTIFS),
    "S21.G00.52.001/CCH-27": (("016",), ("081", "084", "097", "099")),
    "S21.G00.52.001/CCH-29": (("032",), ("033", "091", "092", "099")),
    "S21.G00.52.001/CCH-31": (("033",), CONCILIATION_MOTIFS),
}
STATE_FUNDED_FORBIDDEN = ("01", "02", "03", "07", "08", "60", "82", "91", "92")
SPECIFIC_PERIOD_PRIMES = ("026", "027", "029")


def _prime(ctx, codes: list[str], kinds=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The primes (only those of ``kinds`` when given) and ``codes`` of the contract their 52.006 designates."""
    prime = ctx.table(PRIME)
    if kinds is None:
        return prime, contract_by_number(ctx, PRIME, codes)
    kept = is_in(prime, "S21.G00.52.001", kinds).to_numpy()
    return prime.loc[kept], contract_by_number(ctx, PRIME, codes, kept)


@rule("S21.G00.52.001/CCH-11", scope="block", test=TEST + "test_fails")
def end_indemnity_once(ctx):
    prime = ctx.table(PRIME)
    kind = txt(prime, "S21.G00.52.001")
    end_types = kind.isin([f"{n:03d}" for n in range(1, 26)]).astype(bool)
    twice = later_duplicates(prime, [prime["versement_individu_id"], txt(prime, "S21.G00.52.006"), kind])
    return found(ctx, PRIME, prime, end_types & twice, "S21.G00.52.001")


@rule("S21.G00.52.001/CCH-20", scope="block", test=TEST + "test_fails")
def special_and_specific_layoff(ctx):
    prime = ctx.table(PRIME)
    kind = txt(prime, "S21.G00.52.001")
    group = [prime["individu_id"], txt(prime, "S21.G00.52.006").fillna("")]
    has009 = pd.Series(truth(kind == "009"), index=prime.index).groupby(group).transform("any")
    return found(ctx, PRIME, prime, truth(kind == "010") & has009, "S21.G00.52.001")


def _prime_motif_check(code: str, kinds, motifs):
    def check(ctx):
        prime, contract = _prime(ctx, [], kinds)
        motif = end_of_contract(ctx, contract, "motif")
        wrong = truth(motif.notna() & ~motif.isin(list(motifs)))
        return found(ctx, PRIME, prime, is_in(prime, "S21.G00.52.001", kinds) & wrong, "S21.G00.52.001")
    check.__name__ = "prime_motif_" + code.rsplit("-", 1)[1]
    return check


for _code, (_kinds, _motifs) in PRIME_MOTIFS.items():
    rule(_code, scope="block", test=TEST + "test_fails")(_prime_motif_check(_code, _kinds, _motifs))


@rule("S21.G00.52.001/CCH-32", scope="block", test=TEST + "test_fails")
def state_funded_complement(ctx):
    prime, contract = _prime(ctx, ["S21.G00.40.007"], ["039"])
    return found(ctx, PRIME, prime, is_in(prime, "S21.G00.52.001", ["039"])
                 & contract["S21.G00.40.007"].isin(list(STATE_FUNDED_FORBIDDEN)), "S21.G00.52.001")


@rule("S21.G00.52.001/CCH-33", scope="block", test=TEST + "test_fails")
def mission_contract_damages(ctx):
    prime, contract = _prime(ctx, ["S21.G00.40.007"], ["045"])
    nature = contract["S21.G00.40.007"]
    return found(ctx, PRIME, prime, is_in(prime, "S21.G00.52.001", ["045"]) & truth(nature.notna() & (nature != "03")),
                 "S21.G00.52.001")


@rule("S21.G00.52.003/CCH-12", scope="block", test=TEST + "test_fails")
def prime_period_start_required(ctx):
    prime = ctx.table(PRIME)
    return found(ctx, PRIME, prime, is_in(prime, "S21.G00.52.001", SPECIFIC_PERIOD_PRIMES)
                 & ~has(prime, "S21.G00.52.003"), "S21.G00.52.003")


@rule("S21.G00.52.004/CCH-11", scope="block", test=TEST + "test_fails")
def prime_period_order(ctx):
    prime = ctx.table(PRIME)
    return found(ctx, PRIME, prime, day(prime, "S21.G00.52.004") < day(prime, "S21.G00.52.003"), "S21.G00.52.004")


@rule("S21.G00.52.004/CCH-13", scope="block", test=TEST + "test_fails")
def prime_period_end_required(ctx):
    prime = ctx.table(PRIME)
    return found(ctx, PRIME, prime, is_in(prime, "S21.G00.52.001", SPECIFIC_PERIOD_PRIMES)
                 & ~has(prime, "S21.G00.52.004"), "S21.G00.52.004")


@rule("S21.G00.52.006/CCH-11", scope="block", test=TEST + "test_fails")
def prime_contract_exists(ctx):
    prime, contract = _prime(ctx, [])
    unknown = has(prime, "S21.G00.52.006") & contract["contrat_id"].isna()
    return found(ctx, PRIME, prime, nature_in(ctx, prime, ["01"]) & unknown, "S21.G00.52.006")


@rule("S21.G00.52.006/CCH-12", scope="block", test=TEST + "test_fails")
def prime_contract_exists_fctu(ctx):
    prime, contract = _prime(ctx, [])
    return found(ctx, PRIME, prime, _unknown_in_fctu(ctx, prime, "S21.G00.52.006", contract), "S21.G00.52.006")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.53 Activité, S21.G00.54 Autre élément de revenu brut

HOURS, DAYS = ("10", "21"), ("12", "20")
MAX_HOURS, MAX_DAYS = 3250.0, 403.0


def _activity(ctx, codes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The activité table with its parent rémunération's type and ``codes`` of that rémunération's contract."""
    activity = ctx.table(ACTIVITE)
    parent = ctx.table(REMUNERATION).set_index("id")
    contract = contract_by_number(ctx, ACTIVITE, codes)
    contract["kind"] = activity["remuneration_id"].map(txt(parent, "S21.G00.51.011"))
    return activity, contract


@rule("S21.G00.53.001/CCH-11", scope="block", test=TEST + "test_fails")
def activity_only_under_002(ctx):
    """Under 002 only; a relax override may admit some units under other types (``also_under``)."""
    activity, parent = _activity(ctx, [])
    allowed = truth(parent["kind"] == "002")
    for kind, units in ctx.parameters.get("also_under", {}).items():
        allowed = allowed | (truth(parent["kind"] == kind) & is_in(activity, "S21.G00.53.003", units).to_numpy(bool))
    return found(ctx, ACTIVITE, activity, truth(parent["kind"].notna()) & ~allowed, "S21.G00.53.001")


def _measure_without_unit(units, limit):
    def check(ctx):
        activity, contract = _activity(ctx, ["S21.G00.40.011"])
        return found(ctx, ACTIVITE, activity, ~has(activity, "S21.G00.53.003")
                     & contract["S21.G00.40.011"].isin(list(units)) & truth(num(activity, "S21.G00.53.002") > limit),
                     "S21.G00.53.002")
    return check


rule("S21.G00.53.002/CCH-11", scope="block", test=TEST + "test_fails")(_measure_without_unit(HOURS, MAX_HOURS))
rule("S21.G00.53.002/CCH-12", scope="block", test=TEST + "test_fails")(_measure_without_unit(DAYS, MAX_DAYS))


@rule("S21.G00.53.003/CCH-12", scope="block", test=TEST + "test_fails")
def freelance_only_journalists(ctx):
    activity, contract = _activity(ctx, ["S21.G00.40.004"])
    return found(ctx, ACTIVITE, activity, is_in(activity, "S21.G00.53.003", ["31"])
                 & truth(contract["S21.G00.40.004"].astype("string") != "352a"), "S21.G00.53.003")


def _measure_with_unit(units, limit):
    def check(ctx):
        activity = ctx.table(ACTIVITE)
        return found(ctx, ACTIVITE, activity, is_in(activity, "S21.G00.53.003", units)
                     & truth(num(activity, "S21.G00.53.002") > limit), "S21.G00.53.003")
    return check


rule("S21.G00.53.003/CCH-13", scope="block", test=TEST + "test_fails")(_measure_with_unit(HOURS, MAX_HOURS))
rule("S21.G00.53.003/CCH-14", scope="block", test=TEST + "test_fails")(_measure_with_unit(DAYS, MAX_DAYS))


@rule("S21.G00.53.003/CCH-15", scope="block", test=TEST + "test_fails")
def ceiling_days_only_for_paid_work(ctx):
    activity = ctx.table(ACTIVITE)
    return found(ctx, ACTIVITE, activity, is_in(activity, "S21.G00.53.003", ["40"])
                 & truth(txt(activity, "S21.G00.53.001") != "01"), "S21.G00.53.003")


@rule("S21.G00.54.004/CCH-11", scope="block", test=TEST + "test_fails")
def other_gross_period_order(ctx):
    other = ctx.table(AUTRE_BRUT)
    return found(ctx, AUTRE_BRUT, other, day(other, "S21.G00.54.004") < day(other, "S21.G00.54.003"),
                 "S21.G00.54.004")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.56 Régularisation du prélèvement à la source

def _regul(ctx) -> tuple[pd.DataFrame, pd.Series]:
    regul = ctx.table(REGUL_PAS)
    return regul, txt(regul, "S21.G00.56.002")


def _requires(error_types, codes):
    def check(ctx):
        regul, kind = _regul(ctx)
        missing = np.zeros(len(regul), dtype=bool)
        for code in codes:
            missing |= truth(~has(regul, code))
        return found(ctx, REGUL_PAS, regul, truth(kind.isin(list(error_types))) & missing, "S21.G00.56.002")
    return check


def _forbids(error_types, codes):
    def check(ctx):
        regul, kind = _regul(ctx)
        present_any = np.zeros(len(regul), dtype=bool)
        for code in codes:
            present_any |= truth(has(regul, code))
        return found(ctx, REGUL_PAS, regul, truth(kind.isin(list(error_types))) & present_any, "S21.G00.56.002")
    return check


def _error_month(regul: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(txt(regul, "S21.G00.56.001"), format="%m%Y", errors="coerce")


@rule("S21.G00.56.001/CCH-11", scope="block", test=TEST + "test_fails")
def error_month_not_future(ctx):
    regul = ctx.table(REGUL_PAS)
    return found(ctx, REGUL_PAS, regul, _error_month(regul) > pd.to_datetime(of_declaration(ctx, regul, "month_start")),
                 "S21.G00.56.001")


rule("S21.G00.56.002/CCH-11", scope="block", test=TEST + "test_fails")(
    _requires(["01"], ["S21.G00.56.003", "S21.G00.56.006", "S21.G00.56.010"]))
rule("S21.G00.56.002/CCH-12", scope="block", test=TEST + "test_fails")(
    _requires(["02"], ["S21.G00.56.005", "S21.G00.56.015"]))
rule("S21.G00.56.002/CCH-13", scope="block", test=TEST + "test_fails")(
    _requires(["03"], ["S21.G00.56.003", "S21.G00.56.006", "S21.G00.56.010"]))
rule("S21.G00.56.002/CCH-15", scope="block", test=TEST + "test_fails")(
    _forbids(["01", "03", "04"], ["S21.G00.56.004", "S21.G00.56.005", "S21.G00.56.015"]))
rule("S21.G00.56.002/CCH-18", scope="block", test=TEST + "test_fails")(
    _forbids(["02"], ["S21.G00.56.003", "S21.G00.56.006", "S21.G00.56.008", "S21.G00.56.009", "S21.G00.56.010"]))
rule("S21.G00.56.002/CCH-26", scope="block", test=TEST + "test_fails")(
    _requires(["04"], ["S21.G00.56.003", "S21.G00.56.010"]))


@rule("S21.G00.56.002/CCH-14", scope="block", test=TEST + "test_fails")
def overpayment_amounts_not_positive(ctx):
    regul, kind = _regul(ctx)
    positive = truth(num(regul, "S21.G00.56.003") > 0) | truth(num(regul, "S21.G00.56.010") > 0)
    return found(ctx, REGUL_PAS, regul, truth(kind == "03") & positive, "S21.G00.56.002")


def _error_year_check(january: bool, years_back: int):
    def check(ctx):
        regul, kind = _regul(ctx)
        month = pd.to_datetime(of_declaration(ctx, regul, "month_start"))
        is_january = truth(month.dt.month == 1)
        too_old = truth(_error_month(regul).dt.year < month.dt.year - years_back)
        scope = is_january if january else ~is_january & truth(month.notna())
        return found(ctx, REGUL_PAS, regul, truth(kind.isin(["01", "02"])) & scope & too_old, "S21.G00.56.001")
    return check


rule("S21.G00.56.002/CCH-16", scope="block", test=TEST + "test_fails")(_error_year_check(False, 0))
rule("S21.G00.56.002/CCH-17", scope="block", test=TEST + "test_fails")(_error_year_check(True, 1))


@rule("S21.G00.56.002/CCH-27", scope="block", test=TEST + "test_fails")
def no_pas_regularisation_without_pas(ctx):
    regul, kind = _regul(ctx)
    return found(ctx, REGUL_PAS, regul, truth(kind == "04") & nonzero(regul, "S21.G00.56.007"),
                 "S21.G00.56.007")


def _requires_when_present(trigger: str, codes: list[str]):
    def check(ctx):
        regul = ctx.table(REGUL_PAS)
        missing = np.zeros(len(regul), dtype=bool)
        for code in codes:
            missing |= truth(~has(regul, code))
        return found(ctx, REGUL_PAS, regul, truth(has(regul, trigger)) & missing, trigger)
    return check


rule("S21.G00.56.008/CCH-11", scope="block", test=TEST + "test_fails")(
    _requires_when_present("S21.G00.56.008", ["S21.G00.56.003", "S21.G00.56.010"]))
rule("S21.G00.56.010/CCH-11", scope="block", test=TEST + "test_fails")(
    _requires_when_present("S21.G00.56.010", ["S21.G00.56.003"]))


# ---------------------------------------------------------------------------------------------------------
# S21.G00.58 Elément de revenu calculé en net

@rule("S21.G00.58.002/CCH-11", scope="block", test=TEST + "test_fails")
def net_period_order(ctx):
    net = table(ctx, NET)
    return found(ctx, NET, net, day(net, "S21.G00.58.002") < day(net, "S21.G00.58.001"), "S21.G00.58.002")


@rule("S21.G00.58.002/CCH-12", scope="block", test=TEST + "test_fails")
def net_period_not_after_next_month(ctx):
    net = table(ctx, NET)
    return found(ctx, NET, net, day(net, "S21.G00.58.002") > of_declaration(ctx, net, "next_month_end"),
                 "S21.G00.58.002")


@rule("S21.G00.58.002/CCH-13", scope="block", test=TEST + "test_fails")
def net_period_same_year(ctx):
    net = table(ctx, NET)
    return found(ctx, NET, net, truth(day(net, "S21.G00.58.002").dt.year != day(net, "S21.G00.58.001").dt.year)
                 & truth(has(net, "S21.G00.58.001") & has(net, "S21.G00.58.002")), "S21.G00.58.002")


@rule("S21.G00.58.002/CCH-14", scope="block", test=TEST + "test_fails")
def net_period_both_dates(ctx):
    net = table(ctx, NET)
    return found(ctx, NET, net, has(net, "S21.G00.58.001") != has(net, "S21.G00.58.002"), "S21.G00.58.002")
