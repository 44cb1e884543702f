"""The metrics layer: the published serving copy, metric queries and summaries."""
