"""Readers, typing, validation, quarantine and the load ledger. Pure polars and DuckDB."""
