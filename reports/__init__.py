"""Reports people read, built from library results and rendered as self-contained HTML (print-ready) or JSON
(:mod:`reports.model`): the anomaly report of a submission, the company report, the nightly reconciliation,
the arrêt declaration, the avis de paiement and the account statement (see docs/reports.md); and the text,
JSON and HTML renderers of ``dsn validate``."""
from .anomalies import RENDERERS, render_html, render_json, render_text

__all__ = ["RENDERERS", "render_html", "render_json", "render_text"]
