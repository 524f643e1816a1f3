"""Prefect flows of the pipeline (the only package that imports Prefect): ingestion, reconciliation, deployments."""
