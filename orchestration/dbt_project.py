"""The dbt project as this workspace sees it: its profile, its manifest and its commands.

Every workspace gets its own ``profiles.yml`` (absolute warehouse path, DuckDB threads and
memory from ``prodops.yml``), so several workspaces can run side by side. The manifest is
prepared here, not only under ``dagster dev``: CI, ``prodops run`` and the schedule all
load definitions through :func:`ensure_manifest`.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from metrics.serving import PUBLISHED_SCHEMAS, DayTables
from settings import DBT_PROJECT_DIR, Settings

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
# dbt from this environment, whether or not the virtual environment is activated
DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")


def write_profile(settings: Settings) -> Path:
    """Write (or refresh) the workspace's dbt profile; return its directory.

    Target ``duckdb`` (the default) builds the warehouse file; target ``spark``
    (``dbt build --target spark``, needs ``make test-spark``'s packages and Java 17) builds
    the same models on a Spark inside the dbt process, reading the Parquet lake.
    """
    profile = {
        "prodops": {
            "target": "duckdb",
            "outputs": {
                "duckdb": {
                    "type": "duckdb",
                    "path": str(settings.warehouse),
                    # one model at a time: models share the one DuckDB memory limit, and the
                    # largest (PES per account and day at 100M events) needs all of it
                    "threads": 1,
                    "settings": {
                        "memory_limit": settings.duckdb_memory_limit,
                        "threads": settings.duckdb_threads,
                        "preserve_insertion_order": False,
                        "TimeZone": "UTC",
                    },
                },
                "spark": spark_output(settings),
            },
        }
    }
    settings.dbt_profiles_dir.mkdir(parents=True, exist_ok=True)
    target = settings.dbt_profiles_dir / "profiles.yml"
    text = yaml.safe_dump(profile, sort_keys=False)
    if not target.exists() or target.read_text() != text:
        target.write_text(text)
    return settings.dbt_profiles_dir


def spark_output(settings: Settings) -> dict[str, Any]:
    """A local Spark (``local[2]``) in the dbt process; tables and metastore under ``<home>/spark/``.

    Clusters use ``method: thrift`` or ``http`` instead (see README, "Scaling out"); the
    session settings below (UTC session time zone, microsecond Parquet timestamps) matter there too.
    """
    home = settings.spark_dir
    metastore = f"jdbc:derby:;databaseName={home / 'metastore_db'};create=true"
    return {
        "type": "spark",
        "method": "session",
        "host": "NA",  # required by the profile format, unused by a session
        "schema": "default",
        "threads": 1,
        "server_side_parameters": {
            "spark.master": "local[2]",
            "spark.driver.memory": "2g",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.session.timeZone": "UTC",
            "spark.sql.shuffle.partitions": "2",
            # the metric models are deep plans: inferring filters from constraints on them kept the
            # optimizer busy for many minutes (fct_pes_daily), for no gain on these queries
            "spark.sql.constraintPropagation.enabled": "false",
            # timestamps are naive UTC, as in DuckDB: read and written as Spark TIMESTAMP in a UTC session
            "spark.sql.parquet.inferTimestampNTZ.enabled": "false",
            "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
            "spark.sql.warehouse.dir": str(home / "warehouse"),
            "spark.hadoop.javax.jdo.option.ConnectionURL": metastore,
            "spark.driver.extraJavaOptions": f"-Dderby.system.home={home}",
        },
    }


def dbt_build_args(settings: Settings, *, full_refresh: bool = False) -> list[str]:
    """The ``dbt build`` arguments for a run: the workspace's vars, optionally a full refresh.

    Unit tests check the SQL on hand-made rows, not the data: `make test` runs them, a
    pipeline run does not.
    """
    args = ["build", "--vars", json.dumps(settings.dbt_vars(), sort_keys=True), "--exclude-resource-type", "unit_test"]
    if full_refresh:
        args.append("--full-refresh")
    return args


def _sources_newer_than(path: Path) -> bool:
    stamp = path.stat().st_mtime
    watched = ("models", "macros", "tests")
    files = [DBT_PROJECT_DIR / "dbt_project.yml"]
    files += [f for d in watched for f in (DBT_PROJECT_DIR / d).rglob("*") if f.is_file()]
    return any(f.stat().st_mtime > stamp for f in files)


def ensure_manifest(settings: Settings) -> Path:
    """Run ``dbt parse`` when the manifest is missing or older than the project's files."""
    profiles_dir = write_profile(settings)
    lock_path = DBT_PROJECT_DIR / "target" / ".parse.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if MANIFEST.exists() and not _sources_newer_than(MANIFEST):
            return MANIFEST
        done = subprocess.run(
            [str(DBT_EXECUTABLE), "parse", "--profiles-dir", str(profiles_dir), "--project-dir", str(DBT_PROJECT_DIR)],
            capture_output=True,
            text=True,
            env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
            check=False,
        )
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
            raise RuntimeError(f"dbt parse failed for {DBT_PROJECT_DIR}:\n{tail}")
    return MANIFEST


def day_tables(manifest: Path, settings: Settings) -> DayTables:
    """The published marts dbt rebuilds day by day: incremental models keyed by one day column
    that declare (``meta: {rebuilds: lookback_days}``) they rebuild exactly the look-back days.

    Other incremental marts rebuild more (``fct_lifecycle`` its last week and month) and
    are published whole.
    """
    nodes = json.loads(manifest.read_text())["nodes"].values()
    columns = {
        node["alias"]: node["config"]["unique_key"]
        for node in nodes
        if node["resource_type"] == "model"
        and node["schema"] in PUBLISHED_SCHEMAS
        and node["config"].get("materialized") == "incremental"
        and node["config"].get("meta", {}).get("rebuilds") == "lookback_days"
        and isinstance(node["config"].get("unique_key"), str)
    }
    return DayTables(day_columns=columns, lookback_days=settings.lookback_days)
