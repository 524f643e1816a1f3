"""Recomputation of the derived tables of a day from the stored rows, on both engines."""
from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from dsn_parser.generator.envelope import declaration_id
from dsn_parser.generator.monthly import file_date, monthly_records
from dsn_parser.writer import write_records
from pipeline.derived import recompute_day
from pipeline.derived.employees import uuid4_strings
from pipeline.derived.states import replay
from pipeline.ingest import ingest_path, store_engine
from pipeline.products import available_products
from pipeline.store import history
from pipeline.store.schema import declarations, employee_identities, employee_months

JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)
FIRST_DAY, SECOND_DAY = date(2025, 2, 5), date(2025, 3, 5)  # Paris days of the receptions below


@pytest.fixture
def stored(store_url, company, tmp_path):
    """January received on 5 February; February and its annule-et-remplace on 5 March."""
    def ingest(name, month, when, **kwargs):
        path = write_records(monthly_records(company, month, **kwargs), tmp_path / name)
        return ingest_path(path, store_url, archive_root=tmp_path / "archive", received_at=when).submission_id
    return {"jan": ingest("jan.dsn", JAN, datetime(2025, 2, 5, 9)),
            "feb": ingest("feb.dsn", FEB, datetime(2025, 3, 5, 9)),
            "feb03": ingest("feb03.dsn", FEB, datetime(2025, 3, 5, 10), decl_type="03",
                            replaces=declaration_id(file_date(FEB), 1))}


def _snapshot(conn) -> tuple[list, list]:
    m, d = employee_months.c, declarations.c
    months = conn.execute(sa.select(employee_months).order_by(m.submission_id, m.individu_id)).all()
    states = conn.execute(sa.select(d.id, d.state, d.valid_from, d.valid_to, d.replaces_id).order_by(d.id)).all()
    return [tuple(r) for r in months], [tuple(r) for r in states]


def _declaration(conn, submission_id) -> str:
    return conn.execute(sa.select(declarations.c.id).where(declarations.c.submission_id == submission_id)).scalar_one()


def test_recompute_of_an_intact_store_changes_nothing(store_url, stored):
    assert recompute_day(store_url, FIRST_DAY)[0] == [stored["jan"]]
    ids, changes = recompute_day(store_url, SECOND_DAY)
    assert ids == [stored["feb"], stored["feb03"]]
    assert changes.total == 0


def test_recompute_repairs_corrupted_rows_then_has_nothing_left_to_do(store_url, stored, company):
    engine = store_engine(store_url)
    with engine.connect() as conn:
        before = _snapshot(conn)
        feb, feb03 = _declaration(conn, stored["feb"]), _declaration(conn, stored["feb03"])
        alias = conn.execute(sa.select(employee_identities.c.identity, employee_identities.c.employee_id)
                             .where(employee_identities.c.kind == "matricule").limit(1)).one()
    m = employee_months.c
    with engine.begin() as conn:
        lost = conn.execute(sa.select(m.individu_id).where(m.submission_id == stored["feb03"]).limit(1)).scalar()
        conn.execute(employee_months.delete().where(m.submission_id == stored["feb03"], m.individu_id == lost))
        conn.execute(employee_months.update().where(m.submission_id == stored["feb"], m.individu_id == lost)
                     .values(gross_pay=1))
        conn.execute(declarations.update().where(declarations.c.id == feb).values(state="current", valid_to=None))
        conn.execute(employee_identities.delete().where(employee_identities.c.identity == alias.identity))

    ids, changes = recompute_day(store_url, SECOND_DAY)

    assert ids == [stored["feb"], stored["feb03"]]
    assert changes.as_dict() == {"declarations": 1, "employees": 0, "identities": 1, "months_added": 2,
                                 "months_removed": 1, "products": {name: 0 for name in available_products()}}
    with engine.connect() as conn:
        assert _snapshot(conn) == before
        row = conn.execute(sa.select(declarations).where(declarations.c.id == feb)).mappings().one()
        assert (row["state"], row["valid_to"]) == ("superseded", datetime(2025, 3, 5, 10))
        assert _declaration(conn, stored["feb03"]) == feb03
        _, siren, matricule = alias.identity.split(":")
        assert history.employee_id_of(conn, siren=siren, matricule=matricule) == alias.employee_id
    assert recompute_day(store_url, SECOND_DAY)[1].total == 0


def test_recompute_removes_duplicated_months(store_url, stored):
    engine = store_engine(store_url)
    m = employee_months.c
    with engine.begin() as conn:
        row = conn.execute(sa.select(employee_months).where(m.submission_id == stored["jan"]).limit(1)).mappings().one()
        conn.execute(employee_months.insert().values(**row))
    changes = recompute_day(store_url, FIRST_DAY)[1]
    assert (changes.months_removed, changes.months_added) == (2, 1)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(employee_months)
                            .where(m.submission_id == row["submission_id"], m.individu_id == row["individu_id"])
                            ).scalar() == 1


class _Declaration:
    def __init__(self, id, type, month=FEB, replaces=None, file_date=None, order_number="1", received_at=None):
        self.id, self.type, self.month, self.replaces = id, type, month, replaces
        self.file_date, self.order_number, self.received_at = file_date, order_number, received_at


def test_replay_follows_the_chain_in_order_of_reception():
    times = [datetime(2025, 3, d) for d in (5, 6, 7, 8)]
    chain = [_Declaration("a", "01", file_date=date(2025, 3, 5), received_at=times[0]),
             _Declaration("b", "03", replaces="050320251", file_date=date(2025, 3, 6), received_at=times[1]),
             _Declaration("c", "05", received_at=times[2]),  # no S20.G00.05.006: the latest current one
             _Declaration("d", "04", received_at=times[3])]
    states = replay(chain)
    assert [(states[k]["state"], states[k]["replaces_id"], states[k]["valid_to"]) for k in "abcd"] == [
        ("superseded", None, times[1]), ("superseded", "a", times[2]), ("cancelled", "b", times[3]),
        ("cancelled", "c", times[3])]
    signalement = replay([_Declaration("s1", "01", month=None, received_at=times[0]),
                          _Declaration("s2", "03", month=None, received_at=times[1])])
    assert signalement["s1"]["state"] == "current" and signalement["s2"]["replaces_id"] is None


def test_new_employee_ids_are_distinct_version_4_uuids():
    ids = uuid4_strings(5000).to_pylist()
    assert len(set(ids)) == 5000
    assert all(str(uuid.UUID(i)) == i and uuid.UUID(i).version == 4 for i in ids)
