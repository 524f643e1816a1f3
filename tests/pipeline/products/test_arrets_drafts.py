"""Drafts of an arrêt declaration: change log, corrections beside the DSN values, duplicated lines, status
transitions, lines marked when a later annule-et-remplace changes their month; DuckDB and PostgreSQL."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

import pipeline.products as products
from dsn_parser.generator.history_arrets import SCENARIO_INDEX, arret_history
from dsn_parser.generator.monthly import monthly_records
from dsn_parser.generator.payroll import pay_month
from dsn_parser.generator.signalements import arret_signalement
from dsn_parser.writer import write_records
from pipeline.ingest import ingest_path, store_engine
from pipeline.products import arrets
from pipeline.products.arrets_drafts import (DraftError, correct_line, create_draft, duplicate_line, get_draft,
                                             set_status)

DEC, JAN = date(2024, 12, 1), date(2025, 1, 1)
T0 = datetime(2025, 2, 1, 9)


@pytest.fixture
def store(store_url, tmp_path):
    history = arret_history()
    company, e = history.company.company, history.employee
    pool = history.employees_in(JAN)
    received = iter(datetime(2025, 1, 20) + timedelta(hours=n) for n in range(10))

    def ingest(name, records):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(products, "available_products", lambda: ["arrets"])
            path = write_records(records, tmp_path / name)
            ingest_path(path, store_url, archive_root=tmp_path / "archive", received_at=next(received))

    ingest("mensuelle_202412.dsn", monthly_records(company, DEC, employees=pool))
    ingest("signalement_04.dsn", arret_signalement(company, e))
    ingest("mensuelle_202501.dsn", monthly_records(company, JAN, employees=pool))
    with store_engine(store_url).connect() as conn:
        arret_id = arrets.list_arrets(conn, employee=e.matricule)[0].arret_id
    raised = dataclasses.replace(e, salary=e.salary + 100)
    replace_dec = lambda: ingest("mensuelle_202412_ar.dsn", monthly_records(  # noqa: E731
        company, DEC, "03", employees=[raised if x.index == SCENARIO_INDEX else x for x in pool]))
    return {"url": store_url, "arret_id": arret_id, "employee": e, "raised": raised, "company": company,
            "replace_dec": replace_dec}


def test_draft_edits_are_logged_beside_the_dsn_values(store):
    engine, arret_id, e = store_engine(store["url"]), store["arret_id"], store["employee"]
    dec_pay = pay_month(e, store["company"].referential, DEC)
    with engine.begin() as conn:
        draft = create_draft(conn, arret_id, "alice", T0)
        assert draft.status == "à compléter" and draft.declaration.status == "à compléter"
        assert [line.duplicate for line in draft.lines] == [False] * 12
        correct_line(conn, arret_id, "bob", "2024-12", "gross.001", "5000.00", T0 + timedelta(hours=1))
        correct_line(conn, arret_id, "bob", "2024-12", "gross.001", "5100.00", T0 + timedelta(hours=2))
        draft = duplicate_line(conn, arret_id, "alice", "2024-12", T0 + timedelta(hours=3))
        with pytest.raises(DraftError, match="non modifiable"):
            correct_line(conn, arret_id, "bob", "2024-12", "pmss", "1")
        with pytest.raises(DraftError, match="hors des 12 mois"):
            correct_line(conn, arret_id, "bob", "2023-01", "gross.001", "1")
        with pytest.raises(DraftError, match="existe déjà"):
            create_draft(conn, arret_id, "alice")
    dec = [line for line in draft.lines if str(line.month) == "2024-12"]
    assert [line.duplicate for line in dec] == [False, True]
    assert dec[0].corrections == {"gross.001": Decimal("5100.00")}
    assert dec[0].dsn.gross["001"] == dec_pay.gross  # the DSN value stays
    assert [(c.user, c.target, c.old_value, c.new_value) for c in draft.changes] == [
        ("bob", "2024-12:gross.001", f"{dec_pay.gross:.2f}", "5000.00"),
        ("bob", "2024-12:gross.001", "5000.00", "5100.00"),
        ("alice", "2024-12:dupliquer", None, "2024-12")]
    assert draft.updated_at == T0 + timedelta(hours=3) and draft.created_by == "alice"
    data = draft.as_dict()
    assert data["lines"][11]["corrections"] == {"gross.001": "5100.00"}
    assert data["declaration"]["employee"]["nir"] != e.nir


def test_status_transitions_are_checked(store):
    engine, arret_id = store_engine(store["url"]), store["arret_id"]
    with engine.begin() as conn:
        with pytest.raises(DraftError, match="aucun brouillon"):
            set_status(conn, arret_id, "alice", "transmise")
        create_draft(conn, arret_id, "alice", T0)
        with pytest.raises(DraftError, match="refusé"):
            set_status(conn, arret_id, "alice", "clos")
        for status in ("document manquant", "transmise", "en cours", "clos"):
            assert set_status(conn, arret_id, "alice", status).status == status
        with pytest.raises(DraftError, match="aucun, l'arrêt est clos"):
            set_status(conn, arret_id, "alice", "en cours")
        with pytest.raises(DraftError, match="statut inconnu"):
            set_status(conn, arret_id, "alice", "perdu")
        assert [r.status for r in arrets.list_arrets(conn, employee=store["employee"].matricule)] == ["clos"]
        assert arrets.list_arrets(conn, status="clos")[0].arret_id == arret_id
        log = [(c.old_value, c.new_value) for c in get_draft(conn, arret_id).changes]
    assert log == [("à compléter", "document manquant"), ("document manquant", "transmise"),
                   ("transmise", "en cours"), ("en cours", "clos")]


def test_a_later_correction_marks_the_affected_line(store):
    engine, arret_id = store_engine(store["url"]), store["arret_id"]
    with engine.begin() as conn:
        create_draft(conn, arret_id, "alice", T0)
    store["replace_dec"]()
    raised_pay = pay_month(store["raised"], store["company"].referential, DEC)
    with engine.connect() as conn:
        draft = get_draft(conn, arret_id)
    assert [str(line.month) for line in draft.lines if line.affected] == ["2024-12"]
    assert draft.lines[11].dsn.gross["001"] == raised_pay.gross
    assert draft.lines[11].dsn.source_file == "mensuelle_202412_ar.dsn"
