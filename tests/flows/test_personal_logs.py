"""Personal data stay out of the Prefect logs: a file whose personal rubriques hold markers goes through the
drop-folder flow; the run's logs read back from the Prefect API and the JSON report filed beside the file hold
none of them."""
from __future__ import annotations

import re

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
from prefect.logging.handlers import APILogWorker

from flows.ingestion import ingest_folder
from tests.test_personal_data import _leaks, _marked_file


def test_no_marker_reaches_the_prefect_logs_nor_the_filed_report(prefect_server, tmp_path, db_url, monkeypatch):
    monkeypatch.setenv("DSN_STORE_KEY_FILE", str(tmp_path / "store.key"))
    drop = tmp_path / "drop"
    drop.mkdir()
    path, markers = _marked_file(drop / "marked.dsn")
    content = path.read_bytes().decode("iso-8859-1")  # the raw marker line: one line more than the total says
    total = re.search(r"S90\.G00\.90\.001,'(\d+)'", content)
    content = content[:total.start(1)] + str(int(total[1]) + 1) + content[total.end(1):]
    path.write_bytes(content.encode("iso-8859-1"))
    state = ingest_folder(str(drop), db_url, settle_seconds=0.2, return_state=True)
    assert [o["status"] for o in state.result()] == ["loaded"]
    APILogWorker.drain_all(timeout=30)
    with get_client(sync_client=True) as client:
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[state.state_details.flow_run_id])))
    text = "\n".join(log.message for log in logs)
    assert "marked.dsn" in text
    assert _leaks(text, markers) == []
    report = (drop / "archive" / "marked.dsn.report.json").read_text(encoding="utf-8")
    assert '"anomalies"' in report and _leaks(report, markers) == []
