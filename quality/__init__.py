"""Quality gates: Great Expectations suites on each new raw batch, run in DuckDB. No Dagster import."""
