"""Dagster wiring: definitions, resources, assets per layer, checks, schedules, sensors."""
