"""Anomalies: typed records, and the one pandera-checked table shared by the CLI, the store and the reports."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

SEVERITIES = ("blocking", "warning", "info")
FAMILIES = ("CSL", "CST", "CCH", "SIG", "CRE", "CME", "CID", "DSN", "FPOC")


@dataclass(frozen=True)
class Anomaly:
    """One finding: what rule, how serious, the French message, and where (file, line, block, rubrique)."""

    code: str
    family: str
    severity: str
    message: str
    file: str
    line: int | None = None
    rubrique: str | None = None
    block_path: str | None = None
    employee: str | None = None
    value: str | None = None
    lines: tuple[int, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["lines"] = list(self.lines)
        return data


# The columns of the anomaly table, in order: plain names, for the store schema and the readers of stored rows
# (importing this module loads neither pandas nor pandera; the typed table below is built on first use).
ANOMALY_COLUMN_NAMES = ("code", "family", "severity", "message", "file", "line", "rubrique", "block_path",
                        "employee", "value", "lines")


@cache
def _typed() -> tuple[dict, object]:
    """(``ANOMALY_COLUMNS``: column → pandas dtype, ``AnomalySchema``: the pandera schema of the table)."""
    import pandas as pd
    import pandera.pandas as pa

    columns = {name: pd.Int64Dtype() if name == "line" else pd.StringDtype() for name in ANOMALY_COLUMN_NAMES}
    schema = pa.DataFrameSchema(
        {
            "code": pa.Column(pd.StringDtype(), pa.Check.str_length(min_value=1)),
            "family": pa.Column(pd.StringDtype(), pa.Check.isin(FAMILIES)),
            "severity": pa.Column(pd.StringDtype(), pa.Check.isin(SEVERITIES)),
            "message": pa.Column(pd.StringDtype(), pa.Check.str_length(min_value=1)),
            "file": pa.Column(pd.StringDtype()),
            "line": pa.Column(pd.Int64Dtype(), pa.Check.ge(0), nullable=True),
            "rubrique": pa.Column(pd.StringDtype(), nullable=True),
            "block_path": pa.Column(pd.StringDtype(), nullable=True),
            "employee": pa.Column(pd.StringDtype(), nullable=True),
            "value": pa.Column(pd.StringDtype(), nullable=True),
            "lines": pa.Column(pd.StringDtype(), nullable=True),
        },
        strict=True,
        ordered=True,
    )
    return columns, schema


def __getattr__(name: str):
    """``ANOMALY_COLUMNS`` and ``AnomalySchema``, built (with pandas and pandera) on first use (PEP 562)."""
    if name == "ANOMALY_COLUMNS":
        return _typed()[0]
    if name == "AnomalySchema":
        return _typed()[1]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def anomalies_frame(anomalies: list[Anomaly]) -> pd.DataFrame:
    """The anomalies as the shared, schema-checked table (``lines`` as a space-separated list)."""
    import pandas as pd

    columns, schema = _typed()
    rows = [a.as_dict() for a in anomalies]
    for row in rows:
        row["lines"] = " ".join(str(n) for n in row["lines"]) or None
    frame = pd.DataFrame(rows, columns=list(columns))
    frame = frame.astype(columns)
    return schema.validate(frame)
