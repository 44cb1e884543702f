"""Assets per layer: raw (ingest), dbt (staging, intermediate, marts), serving (publish)."""
