"""Routes of DSN submissions: upload for a company, a company's submissions, one submission's status,
anomalies and HTML report."""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.datastructures import UploadFile

from pipeline.portal import queue, submissions
from pipeline.portal.errors import Conflict, Invalid, TooLarge
from pipeline.portal.habilitations import Caller
from pipeline.store.schema import SUBMISSION_STATUSES
from rules.anomaly import SEVERITIES

from .guard import current_caller
from .paging import Page, page

router = APIRouter(prefix="/v1", tags=["dépôts DSN"])
_CHUNK = 1 << 20
_MULTIPART_MARGIN = 64 * 1024  # what the multipart envelope may add to the file
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}}}


def _too_large(limit: int) -> TooLarge:
    return TooLarge("fichier_trop_volumineux", f"fichier trop volumineux : {limit} octets au plus")


@router.post("/companies/{siren}/submissions", status_code=201, openapi_extra=UPLOAD_BODY)
async def upload(request: Request, siren: str, caller: Caller = Depends(current_caller)) -> dict:
    """A DSN file (multipart field ``file``) for the company: checked, archived, validated and stored (201);
    above the queue threshold, checked, archived and queued for the ingest flow (202, status to poll)."""
    settings = request.app.state.settings
    limit = settings.upload_limit
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit + _MULTIPART_MARGIN:
        raise _too_large(limit)
    try:
        form = await request.form(max_files=1, max_fields=10)
    except Exception as err:  # starlette's MultiPartException, or a body that is no form at all
        raise Invalid("requete_invalide", f"corps multipart illisible : {err}") from None
    upload_file = form.get("file")
    if not isinstance(upload_file, UploadFile):
        raise Invalid("fichier_manquant", "champ multipart « file » manquant (le fichier DSN)")
    folder = Path(tempfile.mkdtemp(prefix="dsn-upload-", dir=settings.upload_dir))
    try:
        name = re.sub(r"[^\w.-]", "_", Path(upload_file.filename or "depot.dsn").name) or "depot.dsn"
        target, size = folder / name, 0
        with open(target, "wb") as out:
            while chunk := await upload_file.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                out.write(chunk)
        if size > settings.queue_threshold:
            upload = await run_in_threadpool(_queue, request.app.state.engine, settings, siren, target, caller.id)
            return JSONResponse(upload.as_dict(), status_code=202)
        status = await run_in_threadpool(submissions.submit_file, request.app.state.engine, siren, target,
                                         caller.id, settings.archive_root)
    finally:
        await form.close()
        shutil.rmtree(folder, ignore_errors=True)
    return status.as_dict()


def _queue(engine, settings, siren: str, path: Path, uploader: str) -> queue.QueuedUpload:
    with engine.connect() as conn:
        return queue.queue_file(conn, siren, path, uploader, settings.archive_root, settings.drop_dir,
                                settings.queue_dir)


def _stored_id(request: Request, conn, submission_id: str) -> str:
    """The stored submission of the path's id (a queued upload's once the ingest flow stored it); 409 while
    it waits."""
    upload = queue.queued_upload(request.app.state.settings.queue_dir, submission_id)
    if upload is None:
        return submission_id
    stored = queue.stored_submission(conn, upload)
    if stored is None:
        raise Conflict("depot_en_attente", "dépôt en attente de traitement : consultez son statut")
    return stored


@router.get("/companies/{siren}/submissions")
def company_submissions(request: Request, siren: str, paging: Page = Depends(page),
                        status: str | None = Query(None, enum=list(SUBMISSION_STATUSES))) -> dict:
    with request.app.state.engine.connect() as conn:
        return paging.envelope(submissions.company_submissions(conn, siren, status, paging.limit, paging.offset))


@router.get("/submissions/{submission_id}")
def submission(request: Request, submission_id: str) -> dict:
    """Status and anomaly counts of a submission; for a queued upload, ``queued`` (or ``failed``) until the
    ingest flow stores it, then the stored submission's status with ``upload_id``."""
    settings = request.app.state.settings
    upload = queue.queued_upload(settings.queue_dir, submission_id)
    with request.app.state.engine.connect() as conn:
        if upload is None:
            return submissions.submission_status(conn, submission_id).as_dict()
        stored = queue.stored_submission(conn, upload)
        if stored is None:
            return queue.upload_state(upload, settings.drop_dir).as_dict()
        return {**submissions.submission_status(conn, stored).as_dict(), "upload_id": upload.id}


@router.get("/submissions/{submission_id}/anomalies")
def anomalies(request: Request, submission_id: str, paging: Page = Depends(page),
              severity: str | None = Query(None, enum=list(SEVERITIES)), code: str | None = None) -> dict:
    """The validator's anomaly objects, in file order."""
    with request.app.state.engine.connect() as conn:
        return paging.envelope(submissions.submission_anomalies(conn, _stored_id(request, conn, submission_id),
                                                                severity, code, paging.limit, paging.offset))


@router.get("/submissions/{submission_id}/report", response_class=HTMLResponse)
def report(request: Request, submission_id: str) -> HTMLResponse:
    """The HTML anomaly report, as ``dsn report submission ID`` writes it."""
    from reports.model import render_report_html
    from reports.stored import stored_submission_report

    with request.app.state.engine.connect() as conn:
        report = stored_submission_report(conn, _stored_id(request, conn, submission_id))
    return HTMLResponse(render_report_html(report))
