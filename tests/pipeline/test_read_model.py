"""The read model (pipeline.store.read_model, migration 0010) on both engines: readable columns, current
declarations only, personal columns only in the PostgreSQL personal views, granted to their role."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from dsn_parser.generator.company import make_company
from dsn_parser.generator.monthly import monthly_records
from dsn_parser.writer import write_records
from pipeline.ingest import ingest_path, store_engine
from pipeline.store import read_model
from pipeline.store.schema import BLOCK_TABLES

JAN = date(2025, 1, 1)


def test_readable_names_come_from_the_catalog_labels():
    assert read_model.readable_name("Nom de famille") == "nom_famille"
    assert read_model.readable_name("Raison sociale de l’entreprise") == "raison_sociale_entreprise"
    names = {column: name for column, name, _ in read_model.block_columns("S21.G00.30")}
    assert names["s21_g00_30_002"] == "nom_famille" and names["s21_g00_30_019"] == "matricule_individu_entreprise"
    for block in BLOCK_TABLES:
        columns = [name for _, name, _ in read_model.block_columns(block)]
        assert len(set(columns) | set(read_model.KEYS) | set(read_model.DECLARATION_COLUMNS)) == len(columns) + 7
        assert all(len(n) <= 63 and n.isidentifier() for n in columns)


def test_views_show_the_current_declarations_without_personal_columns(store_url, tmp_path):
    company = make_company(seed=31, employees=4, months=1, start_month=JAN)
    staff = [company.employee(i) for i in range(company.employee_count)]
    kept = staff[:-1]
    engine = store_engine(store_url)
    for name, records in (("janvier.dsn", monthly_records(company, JAN)),
                          ("janvier_remplace.dsn", monthly_records(company, JAN, "03", employees=kept))):
        assert ingest_path(write_records(records, tmp_path / name), engine,
                           archive_root=tmp_path / "archive").status == "loaded"
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT siren, month, matricule_individu_entreprise, sexe FROM read_individu "
                                    "ORDER BY matricule_individu_entreprise")).all()
        columns = list(conn.execute(sa.text("SELECT * FROM read_individu LIMIT 0")).keys())
        assert [r.matricule_individu_entreprise for r in rows] == sorted(e.matricule for e in kept)
        assert {(r.siren, r.month) for r in rows} == {(company.siren, JAN)}
        assert not {"nom_famille", "prenoms", "numero_inscription_repertoire", "date_naissance"} & set(columns)
        if conn.dialect.name != "postgresql":
            assert conn.execute(sa.text("SELECT count(*) FROM information_schema.tables "
                                        "WHERE table_name LIKE 'read_personal_%'")).scalar() == 0
            return
        personal = conn.execute(sa.text("SELECT nom_famille, numero_inscription_repertoire FROM "
                                        "read_personal_individu ORDER BY matricule_individu_entreprise")).all()
        # the NIR column is there, as stored (sealed at rest when the store encrypts NIRs: pipeline.store.personal)
        assert [r.nom_famille for r in personal] == [e.last_name for e in sorted(kept, key=lambda e: e.matricule)]
        assert all(r.numero_inscription_repertoire for r in personal)
        granted = {(role, view): conn.execute(sa.text("SELECT has_table_privilege(:role, :view, 'SELECT')"),
                                              {"role": role, "view": view}).scalar()
                   for role in (read_model.READER, read_model.PERSONAL_READER)
                   for view in ("read_individu", "read_personal_individu")}
        assert granted == {(read_model.READER, "read_individu"): True,
                           (read_model.READER, "read_personal_individu"): False,
                           (read_model.PERSONAL_READER, "read_individu"): True,
                           (read_model.PERSONAL_READER, "read_personal_individu"): True}
    engine.dispose()
