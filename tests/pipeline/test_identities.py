"""Employees followed across identity changes, on both engines: NIR change (S21.G00.31), NTT then NIR,
matricule then NIR; colliding identities never merge two employees."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from dsn_parser.generator.monthly import monthly_records
from dsn_parser.generator.values import d8
from dsn_parser.writer import write_records
from pipeline.ingest import ingest_path, store_engine
from pipeline.store import history
from pipeline.store.personal import stored_lookup
from pipeline.store.schema import declarations, employee_identities, employees

JAN, FEB, MAR = (date(2025, m, 1) for m in (1, 2, 3))
RECEIVED = {JAN: datetime(2025, 2, 5, 9), FEB: datetime(2025, 3, 5, 9)}
NTT = "1TEMPORAIRE0042"


def _other_nir(nir: str) -> str:
    """A different well-formed NIR (other order number)."""
    return f"{nir[:-3]}{int(nir[-3:]) % 998 + 1:03d}"


def _edit(records: list, nir: str, keep_nir: bool = True, ntt: str | None = None,
          former_nir: str | None = None) -> list:
    """The records with the individu of ``nir`` edited: NIR dropped, NTT added, change block S21.G00.31 added."""
    start = records.index(("S21.G00.30.001", nir))
    end = start + 1
    while records[end][0].startswith("S21.G00.30."):
        end += 1
    block = records[start + (0 if keep_nir else 1):end]
    if ntt:
        block.append(("S21.G00.30.020", ntt))
    if former_nir:
        block += [("S21.G00.31.001", d8(date(2025, 2, 10))), ("S21.G00.31.008", former_nir)]
    return records[:start] + block + records[end:]


def _ingest(url, tmp_path, month, records, received=None):
    path = write_records(records, tmp_path / f"{month:%Y%m}.dsn")
    result = ingest_path(path, url, archive_root=tmp_path / "archive", received_at=received or RECEIVED[month])
    assert result.status == "loaded"
    return result


def _staff(company):
    return [company.employee(i) for i in range(company.employee_count)]


def _steady(company):
    """The employees declared in January and in February."""
    return [e for e in _staff(company) if e.present(JAN) and e.present(FEB)]


def _months(conn, employee_id) -> list[date]:
    return [m["month"] for m in history.employee_months(conn, employee_id, before=MAR)]


def _count(conn, table) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


@pytest.mark.parametrize("order", ["in_order", "february_first"])
def test_nir_change_keeps_the_employee(store_url, company, tmp_path, order):
    person = _steady(company)[0]
    new_nir = _other_nir(person.nir)
    staff = [replace(e, nir=new_nir) if e == person else e for e in _staff(company)]
    files = [(JAN, monthly_records(company, JAN)),
             (FEB, _edit(monthly_records(company, FEB, employees=staff), new_nir, former_nir=person.nir))]
    results = {month: _ingest(store_url, tmp_path, month, records)
               for month, records in (files if order == "in_order" else files[::-1])}
    with store_engine(store_url).connect() as conn:
        employee = history.employee_id_of(conn, nir=person.nir)
        assert employee is not None and history.employee_id_of(conn, nir=new_nir) == employee
        assert _months(conn, employee) == [FEB, JAN]
        assert _count(conn, employees) == company.employee_count
        february = conn.execute(sa.select(declarations.c.id)
                                .where(declarations.c.submission_id == results[FEB].submission_id)).scalar_one()
        former = conn.execute(sa.select(employee_identities)
                              .where(employee_identities.c.identity == f"nir:{stored_lookup(conn, person.nir)}")).mappings().one()
        established_by = february if order == "february_first" else former["declaration_id"]
        assert (former["kind"], former["declaration_id"]) == ("nir", established_by)


def test_ntt_then_nir_is_one_employee(store_url, company, tmp_path):
    person = _steady(company)[1]
    _ingest(store_url, tmp_path, JAN, _edit(monthly_records(company, JAN), person.nir, keep_nir=False, ntt=NTT))
    _ingest(store_url, tmp_path, FEB, _edit(monthly_records(company, FEB), person.nir, ntt=NTT))
    with store_engine(store_url).connect() as conn:
        employee = history.employee_id_of(conn, ntt=NTT)
        assert employee is not None and history.employee_id_of(conn, nir=person.nir) == employee
        assert _months(conn, employee) == [FEB, JAN]
        primary = conn.execute(sa.select(employees.c.identity).where(employees.c.id == employee)).scalar_one()
        assert primary == f"ntt:{NTT}"


def test_matricule_then_nir_is_one_employee(store_url, company, tmp_path):
    person = _steady(company)[2]
    _ingest(store_url, tmp_path, JAN, _edit(monthly_records(company, JAN), person.nir, keep_nir=False))
    _ingest(store_url, tmp_path, FEB, monthly_records(company, FEB))
    with store_engine(store_url).connect() as conn:
        employee = history.employee_id_of(conn, siren=company.siren, matricule=person.matricule)
        assert employee is not None and history.employee_id_of(conn, nir=person.nir) == employee
        assert _months(conn, employee) == [FEB, JAN]
        assert _count(conn, employees) == company.employee_count


def test_colliding_identities_do_not_merge_employees(store_url, company, tmp_path):
    """January: A has only the NTT, B its NIR. February: B declares A's NTT. B keeps its months; the NTT stays A's."""
    a, b = _steady(company)[:2]
    _ingest(store_url, tmp_path, JAN, _edit(monthly_records(company, JAN), a.nir, keep_nir=False, ntt=NTT))
    _ingest(store_url, tmp_path, FEB, _edit(monthly_records(company, FEB, employees=[b]), b.nir, ntt=NTT))
    with store_engine(store_url).connect() as conn:
        first, second = history.employee_id_of(conn, ntt=NTT), history.employee_id_of(conn, nir=b.nir)
        assert first is not None and second is not None and first != second
        assert _months(conn, second) == [FEB, JAN]
        assert _months(conn, first) == [JAN]


def test_reused_matricule_is_another_person(store_url, company, tmp_path):
    person = _steady(company)[3]
    newcomer_nir = _other_nir(person.nir)
    _ingest(store_url, tmp_path, JAN, monthly_records(company, JAN))
    _ingest(store_url, tmp_path, FEB, monthly_records(company, FEB, employees=[replace(person, nir=newcomer_nir)]))
    with store_engine(store_url).connect() as conn:
        known, newcomer = history.employee_id_of(conn, nir=person.nir), history.employee_id_of(conn, nir=newcomer_nir)
        assert newcomer is not None and newcomer != known
        assert history.employee_id_of(conn, siren=company.siren, matricule=person.matricule) == known
        assert (_months(conn, known), _months(conn, newcomer)) == ([JAN], [FEB])
