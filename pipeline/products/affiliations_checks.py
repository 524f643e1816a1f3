"""The affiliation register's findings (``DSN-AFF-NN``), derived in SQL next to its rows.

Each code is registered once in :data:`CHECKS` (severity, French message); the rows land in
``affiliation_anomalies`` with the columns of :class:`rules.anomaly.Anomaly`. A disappearance is reported,
never applied: the register keeps the affiliation and shows it ``anomalie``.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..referentials import stored_referential

STATUT_CRITERION = "StatutCategoriel"
DISAPPEARED, DUPLICATE, POPULATION, NO_ADHESION = "disappeared", "duplicate", "population", "no_adhesion"
CHECKS = {
    DISAPPEARED: ("DSN-AFF-01", "warning", "affiliation absente ce mois alors que le salarié est toujours déclaré "
                                           "(fin d'affiliation ou erreur de paie : à confirmer)"),
    DUPLICATE: ("DSN-AFF-02", "warning", "deux affiliations au même contrat dans la même déclaration"),
    POPULATION: ("DSN-AFF-03", "warning", "population incompatible avec le statut catégoriel du salarié "
                                          "selon le référentiel du contrat"),
    NO_ADHESION: ("DSN-AFF-04", "warning", "affiliation sans adhésion S21.G00.15 correspondante (70.013)"),
}
#: The codes that make the affiliation's status ``anomalie``.
CODES = {check: code for check, (code, _severity, _message) in CHECKS.items()}

_temporary = sa.MetaData()
bad_populations = sa.Table(
    "derived_bad_populations", _temporary,
    *(sa.Column(name, sa.String()) for name in ("siren", "contract", "organisme", "delegataire", "population",
                                                "statut")),
    prefixes=["TEMPORARY"])

_COLUMNS = ("siren, month, employee_id, contract, declaration_id, code, family, severity, message, file, line, "
            "rubrique, block_path, employee, value, lines")
_ROW = ("m.siren, m.month, m.employee_id, m.contract, m.declaration_id, CAST(:code AS VARCHAR), 'DSN', "
        "CAST(:severity AS VARCHAR), CAST(:message AS VARCHAR), s.filename")
_INSERT = f"INSERT INTO derived_affiliation_anomalies ({_COLUMNS})"
_KEY = " AND ".join(f"{{a}}.{c} IS NOT DISTINCT FROM {{b}}.{c}" for c in ("contract", "organisme", "delegataire"))
#: The findings of the scope (the temporary tables of :mod:`pipeline.products.affiliations_derive`): the
#: months of the scope's declarations (``derived_affiliation_months``), and for a disappearance the months
#: from :first of the scope's employees.
FINDINGS = {
    DISAPPEARED: f"""{_INSERT}
SELECT {_ROW.replace("m.contract", "p.contract")}, NULL, 'S21.G00.70', NULL, m.matricule, p.affiliation_ref, NULL
FROM (SELECT DISTINCT em.employee_id, em.declaration_id, em.siren, em.month, em.matricule
      FROM employee_months em JOIN declarations d ON d.id = em.declaration_id
      WHERE d.state = 'current' AND d.nature = '01' AND d.siren IN :sirens AND em.month >= :first
        AND em.employee_id IN (SELECT employee_id FROM derived_affiliation_people)) m
JOIN affiliation_months p ON p.employee_id = m.employee_id AND p.siren = m.siren
     AND CAST(p.month + INTERVAL '1 month' AS DATE) = m.month AND p.end_date IS NULL AND p.exit_date IS NULL
JOIN declarations d ON d.id = m.declaration_id JOIN submissions s ON s.id = d.submission_id
WHERE NOT EXISTS (SELECT 1 FROM affiliation_months n WHERE n.employee_id = m.employee_id
                  AND n.month = m.month AND {_KEY.format(a="n", b="p")})""",
    DUPLICATE: f"""{_INSERT}
SELECT {_ROW}, NULL, 'S21.G00.70', NULL, m.matricule, m.contract, NULL
FROM (SELECT siren, month, employee_id, contract, declaration_id, MIN(matricule) AS matricule
      FROM derived_affiliation_months WHERE contract IS NOT NULL
      GROUP BY siren, month, employee_id, contract, organisme, delegataire, declaration_id HAVING COUNT(*) > 1) m
JOIN declarations d ON d.id = m.declaration_id JOIN submissions s ON s.id = d.submission_id""",
    POPULATION: f"""{_INSERT}
SELECT {_ROW}, NULL, 'S21.G00.70.005', NULL, m.matricule, m.population, NULL
FROM derived_affiliation_months m
JOIN derived_bad_populations b ON b.siren = m.siren AND b.population = m.population AND b.statut = m.statut
     AND {_KEY.format(a="b", b="m")}
JOIN declarations d ON d.id = m.declaration_id JOIN submissions s ON s.id = d.submission_id""",
    NO_ADHESION: f"""{_INSERT}
SELECT {_ROW}, NULL, 'S21.G00.70.013', NULL, m.matricule, m.adhesion_id, NULL
FROM derived_affiliation_months m
JOIN declarations d ON d.id = m.declaration_id JOIN submissions s ON s.id = d.submission_id
WHERE m.contract IS NULL""",
}


def population_findings(conn: sa.Connection, sirens: list[str]) -> list[dict]:
    """(SIREN, contract, organisme, délégataire, population, statut) of the scope's months the referential
    rejects: the contract's lines of that population all carry a StatutCategoriel criterion refusing the statut."""
    combos = conn.execute(sa.text(
        "SELECT DISTINCT siren, contract, organisme, delegataire, population, statut "
        "FROM derived_affiliation_months WHERE contract IS NOT NULL AND statut IS NOT NULL")).all()
    referentials = {siren: stored_referential(conn, siren) for siren in sirens}
    bad = []
    for siren, contract, organisme, delegataire, population, statut in combos:
        lines = [line for line in referentials[siren].find(contract, organisme, delegataire, siren=siren)
                 if line.population_code == population]
        criteria = [c for line in lines for c in (line.group.criteria.values if line.group.criteria else ())
                    if c.name == STATUT_CRITERION]
        if lines and criteria and not any(c.accepts(statut) for c in criteria):
            bad.append({"siren": siren, "contract": contract, "organisme": organisme, "delegataire": delegataire,
                        "population": population, "statut": statut})
    return bad


def stage_findings(conn: sa.Connection, sirens: list[str], params: dict) -> None:
    """Insert every finding of the scope into ``derived_affiliation_anomalies``; ``params``: the scope's
    ``sirens`` (expanding) and ``first`` month."""
    bad = population_findings(conn, sirens)
    bad_populations.create(conn)
    if bad:
        conn.execute(bad_populations.insert(), bad)
    for check, sql in FINDINGS.items():
        code, severity, message = CHECKS[check]
        statement = sa.text(sql)
        values = {"code": code, "severity": severity, "message": message}
        if ":sirens" in sql:
            statement = statement.bindparams(sa.bindparam("sirens", expanding=True))
            values |= {"sirens": params["sirens"], "first": params["first"]}
        conn.execute(statement, values)
    bad_populations.drop(conn)
