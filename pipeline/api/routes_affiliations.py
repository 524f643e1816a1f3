"""Routes of the affiliation register (pipeline.products.affiliations): the register as of a date, the
movements of a month, and the portal's Excel extraction (affiliations and their ayants droit)."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request

from pipeline.portal.habilitations import Caller

from .guard import current_caller
from .paging import Page, page
from .products import MONTH_PATTERN, cached, file_response, month, paged, unmasked

router = APIRouter(prefix="/v1/companies/{siren}/affiliations", tags=["affiliations"])
DOMAIN = "affiliation"


def _register(request: Request, conn, siren: str, as_of: date | None, contract: str | None, clear: bool) -> list:
    from pipeline.products.affiliations import register as affiliations

    day = as_of or date.today()
    return cached(request, conn, lambda: [r.as_dict(clear) for r in affiliations(conn, siren, day, contract)],
                  siren, day, contract, clear)


@router.get("")
def register(request: Request, siren: str, paging: Page = Depends(page), caller: Caller = Depends(current_caller),
             as_of: date | None = None, contract: str | None = None, matricule: str | None = None,
             status: str | None = Query(None, description="affilié, radié, portabilité, à affilier, anomalie…"),
             unmask: bool = False) -> dict:
    """The register as of ``as_of`` (default today), as ``dsn affiliations list --format json``."""
    with request.app.state.engine.begin() as conn:
        clear = unmasked(request, conn, caller, siren, DOMAIN, unmask)
        items = _register(request, conn, siren, as_of, contract, clear)
    return paged(paging, [r for r in items if (matricule is None or r["matricule"] == matricule)
                          and (status is None or r["status"] == status)])


@router.get("/movements")
def movements(request: Request, siren: str, paging: Page = Depends(page), caller: Caller = Depends(current_caller),
              month_: str | None = Query(None, alias="month", pattern=MONTH_PATTERN,
                                         description="mois AAAA-MM (défaut : le mois en cours)"),
              contract: str | None = None, matricule: str | None = None, movement: str | None = None,
              unmask: bool = False) -> dict:
    """The movements of a month, as ``dsn affiliations movements --month M --format json``."""
    from pipeline.products.affiliations import movements as month_movements

    with request.app.state.engine.begin() as conn:
        clear = unmasked(request, conn, caller, siren, DOMAIN, unmask)
        first = month(month_) or date.today().replace(day=1)
        items = cached(request, conn, lambda: [m.as_dict(clear) for m in month_movements(conn, siren, first, contract)],
                       siren, first, contract, clear)
    return paged(paging, [m for m in items if (matricule is None or m["matricule"] == matricule)
                          and (movement is None or m["movement"] == movement)])


@router.get("/extraction", responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-"
                                                        "officedocument.spreadsheetml.sheet": {}}}})
def extraction(request: Request, siren: str, caller: Caller = Depends(current_caller), as_of: date | None = None,
               contract: str | None = None, format: str = Query("xlsx", enum=["xlsx", "csv"]),
               unmask: bool = False):
    """The portal's extraction, the file of ``dsn affiliations export``: XLSX (affiliations, ayants droit) or
    CSV (affiliations)."""
    from pipeline.cli.affiliations_command import DEPENDANT_HEADER, HEADER, _cells, _dependant_rows
    from pipeline.products.affiliations import register as affiliations
    from pipeline.products.export import write_csv, write_xlsx

    day = as_of or date.today()
    with request.app.state.engine.begin() as conn:
        clear = unmasked(request, conn, caller, siren, DOMAIN, unmask)

        def sheets() -> tuple[list, list]:
            records = affiliations(conn, siren, day, contract)
            return [_cells(r, clear) for r in records], _dependant_rows(records, clear)

        rows, dependants = cached(request, conn, sheets, siren, day, contract, clear)

    def write(path):
        if format == "csv":
            return write_csv(path, HEADER, rows)
        return write_xlsx(path, {"Affiliations": (HEADER, rows), "Ayants droit": (DEPENDANT_HEADER, dependants)})

    return file_response(write, format, f"affiliations_{siren}")
