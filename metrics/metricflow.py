"""MetricFlow on the serving copy: the dbt metrics layer answered from the read-only file.

The semantic models name their tables as dbt built them (``warehouse.marts.<table>``). The
serving copy holds the same tables as views in schema ``marts`` (see ``metrics/serving.py``),
so a profile that attaches it read-only under the name ``warehouse`` lets MetricFlow read the
published data while the pipeline writes the real warehouse. That profile lives in
``<home>/.dbt/serving/profiles.yml``; ``mf`` reads it through ``DBT_PROFILES_DIR``.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from metrics.serving import ServingMissing
from settings import DBT_PROJECT_DIR, Settings

MF_EXECUTABLE = Path(sys.executable).with_name("mf")
SEMANTIC_MANIFEST = DBT_PROJECT_DIR / "target" / "semantic_manifest.json"


class MetricFlowError(RuntimeError):
    """MetricFlow refused or failed a query; the message is its own explanation, in one line."""


@dataclass(frozen=True)
class Metric:
    name: str
    type: str
    label: str
    description: str


def serving_profiles_dir(settings: Settings) -> Path:
    """Write (or refresh) the profile that points MetricFlow at the serving copy; return its folder."""
    profile = {
        "prodops": {
            "target": "serving",
            "outputs": {
                "serving": {
                    "type": "duckdb",
                    "path": ":memory:",
                    "attach": [{"path": str(settings.serving_db), "alias": "warehouse", "read_only": True}],
                    "threads": 1,
                    "settings": {"TimeZone": "UTC"},
                }
            },
        }
    }
    folder = settings.dbt_profiles_dir / "serving"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "profiles.yml"
    text = yaml.safe_dump(profile, sort_keys=False)
    if not target.exists() or target.read_text() != text:
        target.write_text(text)
    return folder


def mf_environment(settings: Settings) -> dict[str, str]:
    """Environment for ``mf``: the dbt project of this repository and the serving profile."""
    return {
        **os.environ,
        "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
        "DBT_PROFILES_DIR": str(serving_profiles_dir(settings)),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def list_metrics() -> list[Metric]:
    """Every metric of the semantic manifest (written by ``dbt parse``, which each run prepares)."""
    if not SEMANTIC_MANIFEST.exists():
        raise FileNotFoundError(f"{SEMANTIC_MANIFEST} does not exist yet: run `prodops run` first")
    manifest = json.loads(SEMANTIC_MANIFEST.read_text())
    return sorted(
        (
            Metric(m["name"], m["type"], m.get("label") or "", " ".join((m.get("description") or "").split()))
            for m in manifest["metrics"]
        ),
        key=lambda m: m.name,
    )


def query(
    settings: Settings,
    metrics: list[str],
    group_by: list[str],
    where: str | None = None,
    order: list[str] | None = None,
    limit: int | None = None,
) -> tuple[list[str], list[list[str]]]:
    """Run ``mf query`` on the serving copy; return its columns and rows (as text)."""
    if not settings.serving_db.exists():
        raise ServingMissing(f"{settings.serving_db} does not exist yet: run `prodops run` first")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.csv"
        args = [str(MF_EXECUTABLE), "query", "--metrics", ",".join(metrics), "--csv", str(out), "--quiet"]
        if group_by:
            args += ["--group-by", ",".join(group_by)]
        if where:
            args += ["--where", where]
        if order:
            args += ["--order", ",".join(order)]
        if limit is not None:
            args += ["--limit", str(limit)]
        done = subprocess.run(
            args, capture_output=True, text=True, env=mf_environment(settings), cwd=DBT_PROJECT_DIR, check=False
        )
        if done.returncode != 0 or not out.exists():
            raise MetricFlowError(_first_error(done.stdout + "\n" + done.stderr))
        with out.open(newline="") as handle:
            rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def _first_error(text: str) -> str:
    """MetricFlow's explanation in one line: its message, the input it refers to and suggestions."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]

    def after(label: str) -> str | None:
        return next((lines[i + 1] for i, line in enumerate(lines[:-1]) if line == label), None)

    message = after("Message:")
    if message is None:
        return "MetricFlow: " + next((line for line in lines if "rror" in line), lines[-1] if lines else "query failed")
    parts = [message]
    if (given := after("Query Input:")) is not None:
        parts.append(f"(input: {given})")
    if (suggestions := after("Suggestions:")) is not None:
        parts.append(f"suggestions: {suggestions}")
    return "MetricFlow: " + " ".join(parts)
