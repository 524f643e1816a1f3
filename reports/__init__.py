"""Renderers: anomaly reports (text, JSON, HTML) and, later, the products the portal shows."""
from .anomalies import RENDERERS, render_html, render_json, render_text

__all__ = ["RENDERERS", "render_html", "render_json", "render_text"]
