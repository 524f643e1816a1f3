"""The logger of the current Prefect run, or a plain one when a task or flow body is called directly (``.fn()``)."""
from __future__ import annotations

import logging

from prefect import get_run_logger
from prefect.exceptions import MissingContextError


def run_logger() -> logging.Logger | logging.LoggerAdapter:
    """Prefect's run logger inside a run (logs reach the API), else the ``flows`` logger."""
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("flows")
