"""One line per finished step while a run executes in this process (for `prodops run`).

The run writes its events to the workspace's Dagster instance as it goes; a thread reads
them back every half second and reports each step that succeeded or failed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import dagster as dg

STEP_EVENTS = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE}
POLL_SECONDS = 0.5


class StepProgress(threading.Thread):
    """Reports ``[done/total] step: ok (seconds)`` or ``... FAILED`` through ``say``."""

    def __init__(self, instance: dg.DagsterInstance, run_id: str, total: int, say: Callable[[str], None]) -> None:
        super().__init__(daemon=True)
        self.instance, self.run_id, self.total, self.say = instance, run_id, total, say
        self.finished = threading.Event()
        self.cursor: str | None = None
        self.started: dict[str, float] = {}
        self.done = 0

    def run(self) -> None:
        while not self.finished.wait(POLL_SECONDS):
            self.poll()
        self.poll()

    def stop(self) -> None:
        self.finished.set()
        self.join()

    def poll(self) -> None:
        records = self.instance.get_records_for_run(self.run_id, cursor=self.cursor, of_type=STEP_EVENTS)
        self.cursor = records.cursor
        for record in records.records:
            entry = record.event_log_entry
            step, kind = entry.step_key, entry.dagster_event.event_type
            if kind == dg.DagsterEventType.STEP_START:
                self.started[step] = entry.timestamp
                continue
            self.done += 1
            seconds = entry.timestamp - self.started.get(step, entry.timestamp)
            outcome = "ok" if kind == dg.DagsterEventType.STEP_SUCCESS else "FAILED"
            self.say(f"[{self.done}/{self.total}] {step}: {outcome} ({seconds:.1f} s)")
