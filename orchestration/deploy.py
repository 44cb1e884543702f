"""The always-on deployment: a webserver and a daemon sharing the workspace's Dagster home."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
CODE_LOCATION = ["-m", "orchestration.definitions"]


def deployment_commands(host: str, port: int) -> list[list[str]]:
    """The two processes of a deployment: the UI/GraphQL server and the schedule/sensor daemon."""
    return [
        [str(BIN / "dagster-webserver"), *CODE_LOCATION, "-h", host, "-p", str(port)],
        [str(BIN / "dagster-daemon"), "run", *CODE_LOCATION],
    ]


def serve_forever(env: dict[str, str], *, host: str, port: int) -> int:
    """Run both processes until one exits or we are interrupted; then stop the other."""
    processes = [subprocess.Popen(command, env=env) for command in deployment_commands(host, port)]
    stop = False

    def _stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        while not stop and all(p.poll() is None for p in processes):
            time.sleep(0.5)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            process.wait(timeout=30)
    return max((p.returncode or 0) for p in processes)
