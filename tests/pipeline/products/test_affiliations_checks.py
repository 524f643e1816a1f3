"""The register's findings DSN-AFF-02 (two affiliations to one contract) and DSN-AFF-04 (an affiliation without
its adhésion), on both engines: the month before the flawed one, then the flawed one (generator inputs)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from dsn_parser.generator.history_affiliations import (FLAWED_MONTH, ORPHAN_ADHESION, affiliation_history,
                                                       flawed_month)
from pipeline.ingest import ingest_path, store_engine
from pipeline.products.affiliations import register
from pipeline.referentials import store_referential
from pipeline.store.schema_affiliations import affiliation_anomalies


def test_duplicate_affiliation_and_missing_adhesion(store_url, tmp_path):
    history = affiliation_history()
    engine = store_engine(store_url)
    sheet = tmp_path / "fpoc.xml"
    sheet.write_bytes(history.fpoc)
    with engine.begin() as conn:
        store_referential(conn, sheet)
    before = next((n, c) for n, c in history.files if n == f"mensuelle_{history.months[-1]:%Y%m}.dsn")
    for n, (name, content) in enumerate([before, flawed_month(history)]):
        (tmp_path / name).write_bytes(content)
        result = ingest_path(tmp_path / name, store_url, archive_root=tmp_path / "archive",
                             received_at=datetime(2026, 6, 6, 8, n))
        assert result.status in ("loaded", "rejected") and result.submission_id, result
    regular, hired = history.people["regular"], history.people["hired"]
    a = affiliation_anomalies.c
    with engine.connect() as conn:
        found = sorted(tuple(r) for r in conn.execute(
            sa.select(a.code, a.employee, a.contract, a.month, a.value).where(a.month == FLAWED_MONTH)))
        records = {(r.matricule, r.contract): r for r in register(conn, history.company.company.siren,
                                                                  date(2026, 5, 20))}
    assert found == sorted([
        ("DSN-AFF-01", hired.matricule, history.prévoyance.reference, FLAWED_MONTH,
         history.company.referential.adhesion_id(history.prévoyance.reference)),  # 70.012: the contract's rank
        ("DSN-AFF-02", regular.matricule, history.santé.reference, FLAWED_MONTH, history.santé.reference),
        ("DSN-AFF-04", hired.matricule, None, FLAWED_MONTH, ORPHAN_ADHESION)])
    assert (records[(regular.matricule, history.santé.reference)].status,
            records[(regular.matricule, history.santé.reference)].anomalies) == ("anomalie", ("DSN-AFF-02",))
    assert records[(hired.matricule, None)].anomalies == ("DSN-AFF-04",)
    assert records[(hired.matricule, history.prévoyance.reference)].anomalies == ("DSN-AFF-01",)
    engine.dispose()
