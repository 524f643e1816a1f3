"""Routes of the contribution account (pipeline.products.cotisations): the account per contract and period,
the statement (JSON, CSV or XLSX) and the dunning steps due."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request

from .paging import Page, page
from .products import MONTH_PATTERN, cached, file_response, month_range, paged

router = APIRouter(prefix="/v1/companies/{siren}/cotisations", tags=["cotisations"])


def _period(start: str | None = Query(None, alias="from", pattern=MONTH_PATTERN, description="premier mois AAAA-MM"),
            end: str | None = Query(None, alias="to", pattern=MONTH_PATTERN, description="dernier mois AAAA-MM")):
    return month_range(start, end)


@router.get("/account")
def account(request: Request, siren: str, paging: Page = Depends(page), period=Depends(_period),
            contract: str | None = None, as_of: date | None = None) -> dict:
    """The account per contract, as ``dsn cotisations account --format json`` with the same options."""
    from pipeline.products.cotisations import account as accounts

    with request.app.state.engine.connect() as conn:
        items = cached(request, conn, lambda: [i.as_dict() for i in accounts(conn, siren, contract, *period, as_of)],
                       siren, contract, period, as_of)
    return paged(paging, items)


@router.get("/statement", responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-"
                                                       "officedocument.spreadsheetml.sheet": {}}}})
def statement(request: Request, siren: str, period=Depends(_period), contract: str | None = None,
              as_of: date | None = None, format: str = Query("json", enum=["json", "csv", "xlsx"])):
    """The statement over the months (balances, due lines, payments): JSON, or the CLI's CSV or XLSX file."""
    from pipeline.products.cotisations_ledger import statement as make_statement
    from pipeline.products.cotisations_ledger import write_statement

    with request.app.state.engine.connect() as conn:
        result = cached(request, conn, lambda: make_statement(conn, siren, contract, *period, as_of), siren, contract,
                        period, as_of)
    if format == "json":
        return result.as_dict()
    return file_response(lambda path: write_statement(result, path, format), format, f"situation_{siren}")


@router.get("/dunning")
def dunning(request: Request, siren: str, paging: Page = Depends(page), period=Depends(_period),
            contract: str | None = None, as_of: date | None = None) -> dict:
    """The dunning steps due at ``as_of`` (default today), as ``dsn cotisations dunning --format json``."""
    from pipeline.products.cotisations_dunning import dunning as steps

    start, end = period
    with request.app.state.engine.connect() as conn:
        items = cached(request, conn, lambda: [i.as_dict() for i in steps(conn, siren, as_of or date.today(), contract)
                                               if (start is None or i.due_date >= start)
                                               and (end is None or i.due_date.replace(day=1) <= end)],
                       siren, contract, period, as_of)
    return paged(paging, items)
