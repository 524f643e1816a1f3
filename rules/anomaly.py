"""Anomalies: typed records, and the one pandera-checked table shared by the CLI, the store and the reports."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd
import pandera.pandas as pa

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


ANOMALY_COLUMNS = {
    "code": pd.StringDtype(), "family": pd.StringDtype(), "severity": pd.StringDtype(),
    "message": pd.StringDtype(), "file": pd.StringDtype(), "line": pd.Int64Dtype(),
    "rubrique": pd.StringDtype(), "block_path": pd.StringDtype(), "employee": pd.StringDtype(),
    "value": pd.StringDtype(), "lines": pd.StringDtype(),
}

AnomalySchema = pa.DataFrameSchema(
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


def anomalies_frame(anomalies: list[Anomaly]) -> pd.DataFrame:
    """The anomalies as the shared, schema-checked table (``lines`` as a space-separated list)."""
    rows = [a.as_dict() for a in anomalies]
    for row in rows:
        row["lines"] = " ".join(str(n) for n in row["lines"]) or None
    frame = pd.DataFrame(rows, columns=list(ANOMALY_COLUMNS))
    frame = frame.astype(ANOMALY_COLUMNS)
    return AnomalySchema.validate(frame)
