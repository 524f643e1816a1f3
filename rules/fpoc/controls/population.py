"""Employees against the population criteria (CriteresSalaries): misplaced members and missing affiliations."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rules.fpoc.model import Criteria, RangeCriterion
from rules.registry import Finding, rule

from .dsn import ANCIENNETE, CONTRAT, decimal, line, lines_of, over_view, text

TEST = "tests/rules/fpoc/test_controls.py::"

#: Value criterion → the S21.G00.40 rubrique it reads (NICAffectation reads the establishment's NIC).
VALUE_RUBRIQUES = {
    "NatureContrat": "S21.G00.40.007", "ModaliteExercice": "S21.G00.40.014", "MotifDeRecours": "S21.G00.40.021",
    "StatutConventionnel": "S21.G00.40.002", "StatutCategoriel": "S21.G00.40.003",
    "RegimeMaladie": "S21.G00.40.018", "RegimeVieillesse": "S21.G00.40.020",
    "ComplementRegimeBase": "S21.G00.40.016", "CodePCSESE": "S21.G00.40.004", "ComplementPCSESE": "S21.G00.40.005",
    "ConventionCollective": "S21.G00.40.017", "StatutEmploiSalarie": "S21.G00.40.026",
    "DetacheExpatrieFrontalier": "S21.G00.40.024", "NICAffectation": "S21.G00.11.001",
}
#: Seniority criterion → S21.G00.86.001 types it reads.
SENIORITY_TYPES = {"AncienneteEntrepriseGroupe": ("07", "06"), "AncienneteBrancheSecteur": ("02",),
                   "AncienneteCollegeCategorie": ("03",), "AncienneteDansLePoste": ("04",),
                   "AncienneteProfessionBTP": ("05",)}
#: Seniority unit (01 days, 02 months, 03 years) → months.
MONTHS_PER_UNIT = {"01": Decimal(12) / Decimal("365.25"), "02": Decimal(1), "03": Decimal(12)}


@dataclass(frozen=True)
class Facts:
    """What the criteria read about one employment contract."""

    values: dict[str, tuple[str | None, int | None]]  # rubrique → (value, line)
    quotite: tuple[Decimal | None, str | None, int | None]  # 40.013, its unit 40.011, line
    seniority: dict[str, tuple[Decimal, str, int]]  # 86.001 type → (value, unit, line)
    affiliation_start: tuple[date | None, int | None] = (None, None)


@dataclass(frozen=True)
class Failure:
    """A criterion the employee does not meet: its name, the rubrique read, the value and its line."""

    criterion: str
    rubrique: str | None
    value: str | None
    line: int | None


def evaluate(criteria: Criteria | None, facts: Facts) -> tuple[list[Failure], list[str]]:
    """The criteria the employee fails, and those that cannot be judged (value absent or not comparable)."""
    failures, unknown = [], []
    if criteria is None:
        return failures, unknown
    for criterion in criteria.values:
        rubrique = VALUE_RUBRIQUES.get(criterion.name)
        value, at = facts.values.get(rubrique, (None, None))
        if rubrique is None:
            unknown.append(criterion.name)
        elif not criterion.accepts(value):
            failures.append(Failure(criterion.name, rubrique, value, at))
    for criterion in criteria.ranges:
        judged = _range(criterion, facts)
        if judged is None:
            unknown.append(criterion.name)
        elif judged.value is not None:
            failures.append(judged)
    return failures, unknown


def _range(criterion: RangeCriterion, facts: Facts) -> Failure | None:
    """None when the value is unknown; a Failure with value None when met; the failure otherwise."""
    if criterion.name == "QuotiteDeTravail":
        value, unit, at = facts.quotite
        if value is None or (criterion.unit and unit and criterion.unit != unit):
            return None
        rubrique, compared = "S21.G00.40.013", value
    elif criterion.name == "DateAffiliation":
        value, at = facts.affiliation_start
        if value is None:
            return None
        rubrique, compared = "S21.G00.70.014", value
    else:
        found = [facts.seniority[t] for t in SENIORITY_TYPES.get(criterion.name, ()) if t in facts.seniority]
        if not found or (criterion.unit or "02") not in MONTHS_PER_UNIT or found[0][1] not in MONTHS_PER_UNIT:
            return None
        value, unit, at = found[0]
        rubrique = "S21.G00.86.003"
        target = criterion.unit or "02"
        compared = value if unit == target else value * MONTHS_PER_UNIT[unit] / MONTHS_PER_UNIT[target]
    met = criterion.accepts(compared)
    shown = value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)
    return Failure(criterion.name, rubrique, None if met else shown, at)


def _facts(ctx) -> dict[int, Facts]:
    """Facts of every employment contract (S21.G00.40 instance id)."""
    contrats = ctx.text(CONTRAT)
    if contrats.empty:
        return {}
    nics = {int(r["id"]): (r.get("S21.G00.11.001"), r.get("S21.G00.11.001#line"))
            for r in ctx.text("S21.G00.11").to_dict("records")}
    seniority: dict[tuple[int, str | None], dict[str, tuple[Decimal, str, int]]] = {}
    seniority_rows = ctx.text(ANCIENNETE)
    for row in seniority_rows.to_dict("records") if not seniority_rows.empty else []:
        value, unit, kind = decimal(_number(row.get("S21.G00.86.003"))), text(row.get("S21.G00.86.002")), text(
            row.get("S21.G00.86.001"))
        if value is not None and unit and kind:
            key = (int(row["individu_id"]), text(row.get("S21.G00.86.005")))
            seniority.setdefault(key, {})[kind] = (value, unit, int(row["line"]))
    typed = ctx.table(CONTRAT)
    quotites = dict(zip(typed["id"], typed["S21.G00.40.013"])) if "S21.G00.40.013" in typed else {}
    out = {}
    for row in contrats.to_dict("records"):
        values = {rubrique: (text(row.get(rubrique)), line(row.get(rubrique + "#line")))
                  for rubrique in VALUE_RUBRIQUES.values() if rubrique.startswith(CONTRAT)}
        nic, nic_line = nics.get(row["etablissement_id"], (None, None))
        values["S21.G00.11.001"] = (text(nic), line(nic_line))
        individu = int(row["individu_id"])
        found = seniority.get((individu, text(row.get("S21.G00.40.009")))) or seniority.get((individu, None), {})
        out[int(row["id"])] = Facts(values, (decimal(quotites.get(row["id"])), text(row.get("S21.G00.40.011")),
                                             line(row.get("S21.G00.40.013#line"))), found)
    return out


def _number(value) -> str | None:
    raw = text(value)
    return raw if raw is not None and raw.isascii() and raw.replace(".", "", 1).isdigit() else None


@rule("FPOC-POP-01", scope="individu",
      message="Le salarié est affilié à la population {population} du contrat {contract} sans en remplir le "
              "critère {criterion} : {rubrique} = « {value} »",
      description="An affiliated employee must meet the CriteresSalaries of the group of his option × population "
                  "(statut catégoriel 40.003, nature 40.007, quotité 40.013, seniority_rows S21.G00.86, NIC, IDCC…).",
      test=TEST + "test_injected_error_reports_its_code")
@over_view
def outside_population(ctx, fpoc):
    """Affiliations whose employee fails every group's criteria for the declared option × population."""
    facts = _facts(ctx)
    for a in fpoc.affiliations:
        lines = a.pair_lines()
        if not lines or a.contrat not in facts:
            continue
        known = facts[a.contrat]
        employee = Facts(known.values, known.quotite, known.seniority,
                         (a.start, a.lines_of.get("S21.G00.70.014")))
        results = [evaluate(p.group.criteria, employee)[0] for p in lines]
        if all(results):
            failure = results[0][0]
            yield Finding(
                line=failure.line, instance=a.instance, rubrique=failure.rubrique, value=failure.value,
                lines=lines_of(failure.line, a.line),
                fields={"population": a.population, "contract": a.adhesion.reference,
                        "criterion": failure.criterion})


@rule("FPOC-POP-02", scope="individu", severity="warning",
      message="Affiliation absente : le salarié remplit les critères de la population {population} du contrat "
              "{contract} (groupe {group}) mais n'a pas d'affiliation S21.G00.70 à l'adhésion {value}",
      description="An employee who meets all the criteria of a group of a declared contract should be affiliated "
                  "to it (warning: dispensed employees legitimately have none). Groups without criteria, and "
                  "criteria that cannot be judged from the DSN, are not used; nor are employees with an affiliation "
                  "to an undeclared adhésion (FPOC-AFF-01).",
      test=TEST + "test_injected_error_reports_its_code")
@over_view
def missing_affiliation(ctx, fpoc):
    """Employment contracts qualifying for a declared contract's group without an affiliation to it."""
    facts = _facts(ctx)
    affiliated = {(a.contrat, a.adhesion_ident) for a in fpoc.affiliations}
    unlinked = {a.contrat for a in fpoc.affiliations if a.adhesion is None}  # FPOC-AFF-01: cannot tell
    contrats = ctx.text(CONTRAT)
    for row in contrats.to_dict("records") if not contrats.empty else []:
        contrat = int(row["id"])
        if contrat in unlinked:
            continue
        for adhesion in fpoc.adhesions_of(row["etablissement_id"]):
            if not adhesion.resolved or (contrat, adhesion.ident) in affiliated or contrat not in facts:
                continue
            for parameters in adhesion.lines:
                criteria = parameters.group.criteria
                if criteria is None or not (criteria.values or criteria.ranges):
                    continue
                failures, unknown = evaluate(criteria, facts[contrat])
                if not failures and not unknown:
                    yield Finding(
                        instance=contrat, rubrique="S21.G00.70.013", value=adhesion.ident,
                        lines=lines_of(int(row["line"]), adhesion.line),
                        fields={"population": parameters.population_code or "(aucune)",
                                "contract": adhesion.reference, "group": parameters.group.number})
                    break
