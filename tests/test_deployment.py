"""The always-on deployment starts for real: webserver answers, daemon heartbeats, schedule on."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from settings import load_settings

QUERY = """{
  instance { daemonHealth { allDaemonStatuses { daemonType healthy } } }
  schedulesOrError(repositorySelector: {repositoryName: "__repository__",
                                        repositoryLocationName: "orchestration.definitions"}) {
    ... on Schedules { results { name cronSchedule scheduleState { status } } }
  }
  assetNodes { assetKey { path } }
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ask(port: int) -> dict | None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": QUERY}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)["data"]
    except (OSError, KeyError, ValueError):
        return None


def _daemons_healthy(data: dict | None) -> bool:
    statuses = (data or {}).get("instance", {}).get("daemonHealth", {}).get("allDaemonStatuses", [])
    wanted = {"SCHEDULER", "SENSOR"}
    return wanted <= {s["daemonType"] for s in statuses if s["healthy"]}


@pytest.fixture
def deployment(tmp_path: Path):
    settings = load_settings(tmp_path)
    port = _free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("prodops")), "serve", "--home", str(settings.home), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    yield port
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)


def test_serve_starts_webserver_and_daemon_with_the_schedule_running(deployment):
    data, deadline = None, time.monotonic() + 150
    while time.monotonic() < deadline and not _daemons_healthy(data):
        time.sleep(2)
        data = _ask(deployment)
    assert _daemons_healthy(data), data
    schedules = data["schedulesOrError"]["results"]
    assert [(s["name"], s["cronSchedule"], s["scheduleState"]["status"]) for s in schedules] == [
        ("nightly", "0 2 * * *", "RUNNING")
    ]
    assert ["serving", "analytics"] in [node["assetKey"]["path"] for node in data["assetNodes"]]
