"""The dbt unit tests (`unit_tests:` in dbt_project/models/**/_*__unit_tests.yml) on a real DuckDB."""

from __future__ import annotations

import json
import os
import subprocess

from ingest.warehouse import connect
from orchestration.dbt_project import DBT_EXECUTABLE, write_profile
from settings import DBT_PROJECT_DIR, load_settings


def _dbt(*args: str, profiles: str, target: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(DBT_EXECUTABLE),
        *args,
        "--profiles-dir",
        profiles,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        target,
    ]
    env = {**os.environ, "DBT_LOG_FORMAT": "json", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)


def test_every_dbt_unit_test_passes(tmp_path):
    settings = load_settings(tmp_path)
    with connect(settings.warehouse):
        pass  # the raw schema, so that every model can be built empty
    profiles, target = str(write_profile(settings)), str(tmp_path / "target")
    built = _dbt("run", "--empty", profiles=profiles, target=target)
    assert built.returncode == 0, built.stdout[-3000:]
    tested = _dbt("test", "--select", "test_type:unit", profiles=profiles, target=target)
    results = [json.loads(line) for line in tested.stdout.splitlines() if line.startswith("{")]
    statuses = {
        r["data"]["node_info"]["node_name"]: r["data"]["status"]
        for r in results
        if r.get("info", {}).get("name") == "LogTestResult"
    }
    errors = [r["info"]["msg"] for r in results if r.get("info", {}).get("level") == "error"]
    assert tested.returncode == 0, ({name: status for name, status in statuses.items() if status != "pass"}, errors)
    assert len(statuses) >= 8 and set(statuses.values()) == {"pass"}
