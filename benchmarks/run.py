"""`make bench`: the pipeline's cost at 1M, 10M and 100M events, against DuckDB's own floor.

For each size, in one run: generate (cached), the floor (DuckDB alone reading every input file
once; the faster of two passes), the full pipeline (`prodops run --full-refresh` as a
subprocess: wall time, peak memory of the whole process tree, seconds per stage), the nightly
increment (one more day of events, `prodops run`, on three successive nights: the median is
reported, all three are kept), and the latency of each insight command.
Prints one table and writes it to benchmarks/results/ as Markdown and JSON with the machine's
cores and memory.

    python -m benchmarks.run --sizes 1m,10m
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from benchmarks.proctree import run_measured
from sample.generate import GenerateOptions, generate, generate_days
from settings import load_settings

ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".cache"
RESULTS = ROOT / "results"
PRODOPS = str(Path(sys.executable).with_name("prodops"))
SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000, "100m": 100_000_000}  # 100k: a smoke test
START = dt.date(2025, 1, 1)
DAYS = 365
MEMORY_LIMIT = "5GB"
NIGHTS = 3  # one night's increment varied by a fifth between runs of the same code
INSIGHTS = {
    "retention": ["retention", "--period", "week", "--intervals", "8"],
    "stickiness": ["stickiness", "--period", "day", "--intervals", "30"],
    "lifecycle": ["lifecycle", "--period", "week", "--intervals", "8"],
    "pes": ["pes"],
    "nps": ["nps", "--period", "month"],
}


@dataclass
class SizeResult:
    """Everything measured for one size."""

    size: str
    events: int = 0
    generate_s: float = 0.0
    floor_s: float = 0.0
    full_s: float = 0.0
    peak_rss_gib: float = 0.0
    stages_s: dict[str, float] = field(default_factory=dict)
    increment_s: float = 0.0  # the median night
    increments_s: list[float] = field(default_factory=list)
    increment_events: int = 0  # events of the median night
    insights_s: dict[str, float | None] = field(default_factory=dict)

    @property
    def full_over_floor(self) -> float:
        return self.full_s / self.floor_s if self.floor_s else 0.0

    @property
    def increment_over_full(self) -> float:
        return self.increment_s / self.full_s if self.full_s else 0.0


def _workspace(size: str) -> Path:
    """The cached workspace of a size, its inbox generated once (same seed, same files).

    DuckDB's memory limit is set to MEMORY_LIMIT in the workspace's prodops.yml: with the
    Python processes beside it, the whole process tree stays under the 8 GiB target.
    """
    home = CACHE / size
    stamp = home / "inbox" / f".generated-{SIZES[size]}-{START}-{DAYS}-{_generator_version()}"
    if not stamp.exists():
        shutil.rmtree(home, ignore_errors=True)
        generate(home / "inbox", _year(size))
        stamp.touch()
    load_settings(home)  # writes the default prodops.yml when there is none
    config = home / "prodops.yml"
    config.write_text(
        re.sub(r"(?m)^duckdb_memory_limit: .*$", f"duckdb_memory_limit: {MEMORY_LIMIT}", config.read_text())
    )
    return home


def _year(size: str) -> GenerateOptions:
    """The generated year of a size: its nights are the days after it, of the same people."""
    return GenerateOptions(events=SIZES[size], days=DAYS, seed=42, start=START)


def _generator_version() -> str:
    """A digest of the sample generator's code: a cache it would now write otherwise is made again."""
    sources = sorted((ROOT.parent / "sample").glob("*.py"))
    return hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()[:12]


def _reset(home: Path) -> None:
    for name in ("warehouse.duckdb", "warehouse.duckdb.wal", "serving", ".dagster", "logs", "lake"):
        path = home / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def _floor(home: Path) -> tuple[float, int]:
    """DuckDB reading and parsing every input file once: the least any loader can cost.

    The faster of two passes: the pipeline right after it finds the files as the first pass
    left them (in the page cache when they fit), so a cold first pass alone would flatter
    the full/floor ratio (10M: a one-pass floor took 6.2 s in one run and 4.3 s in another,
    with the same full time).
    """
    con = duckdb.connect()
    passes = []
    for _ in range(2):
        start = time.perf_counter()
        events = con.execute(
            f"""SELECT count(event_id), count(event_name), count("timestamp"), count(user_id),
                       count(anonymous_id), count(account_id), count(session_id), count(properties)
                FROM read_json('{home}/inbox/events/*.jsonl', format = 'newline_delimited')"""
        ).fetchone()[0]
        for kind in ("accounts", "nps", "feedback", "subscriptions"):
            con.execute(f"SELECT count(*) FROM read_csv('{home}/inbox/{kind}/*.csv', all_varchar = true)").fetchone()
        passes.append(time.perf_counter() - start)
    return min(passes), events


def _run(home: Path, *flags: str) -> tuple[float, int, dict[str, float]]:
    done, seconds, peak = run_measured([PRODOPS, "run", "--home", str(home), "--format", "json", *flags])
    if done.returncode != 0:
        raise SystemExit(f"prodops run failed on {home}:\n{done.stderr[-3000:]}")
    return seconds, peak, json.loads(done.stdout)["step_seconds"]


def _stages(steps: dict[str, float]) -> dict[str, float]:
    """Step seconds grouped into the pipeline's stages."""
    stages = {"ingest": 0.0, "gates": 0.0, "dbt build": 0.0, "publish": 0.0}
    for step, seconds in steps.items():
        if step.startswith("raw__") or step == "load_ledger":
            stages["ingest"] += seconds
        elif "check" in step or "quality" in step or "gate" in step:
            stages["gates"] += seconds
        elif step.startswith("dbt"):
            stages["dbt build"] += seconds
        else:
            stages["publish"] += seconds
    return stages


def _increments(home: Path) -> tuple[list[float], list[int]]:
    """NIGHTS more days of events after the generated year, one ordinary (incremental) run each."""
    nights = [_night(home, night) for night in range(NIGHTS)]
    return [seconds for seconds, _ in nights], [events for _, events in nights]


def _night(home: Path, night: int) -> tuple[float, int]:
    """Day ``night`` after the generated year (the same users on the same accounts, active as
    their habits say), loaded and built by ``prodops run``."""
    target = home / "inbox" / "events" / f"increment-{night + 1}.jsonl"
    extra = CACHE / "increment"
    shutil.rmtree(extra, ignore_errors=True)
    try:
        lines = generate_days(extra, _year(home.name), first_day=DAYS + night)
        shutil.move(next(extra.glob("*.jsonl")), target)
        seconds, _, _ = _run(home)
        return seconds, lines
    finally:
        target.unlink(missing_ok=True)
        shutil.rmtree(extra, ignore_errors=True)


def _insights(home: Path) -> dict[str, float | None]:
    """Median wall time of three runs of each insight command (process start included)."""
    out: dict[str, float | None] = {}
    for name, args in INSIGHTS.items():
        times = []
        for _ in range(3):
            start = time.perf_counter()
            done = subprocess.run(
                [PRODOPS, *args, "--home", str(home), "--format", "json"], capture_output=True, text=True, check=False
            )
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                times = []
                break
        out[name] = statistics.median(times) if times else None
    return out


def bench(size: str) -> SizeResult:
    result = SizeResult(size)
    start = time.perf_counter()
    home = _workspace(size)
    result.generate_s = time.perf_counter() - start
    _reset(home)
    result.floor_s, result.events = _floor(home)
    result.full_s, peak, steps = _run(home, "--full-refresh")
    result.peak_rss_gib = peak / 2**30
    result.stages_s = _stages(steps)
    result.increments_s, events = _increments(home)
    median = sorted(range(NIGHTS), key=lambda n: result.increments_s[n])[NIGHTS // 2]
    result.increment_s, result.increment_events = result.increments_s[median], events[median]
    result.insights_s = _insights(home)
    return result


def _machine() -> dict[str, object]:
    memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(int(memory.split()[1]) / 2**20, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _commit(),
    }


def _commit() -> str:
    """The code measured: the checkout's commit, marked when it has uncommitted changes."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def table(results: list[SizeResult]) -> str:
    """The results as one Markdown table."""
    head = [
        "size",
        "events",
        "floor s",
        "full s",
        "full/floor",
        "peak GiB",
        "ingest s",
        "gates s (share)",
        "dbt s",
        "publish s",
        f"increment s (median of {NIGHTS} nights: min–max)",
        "incr/full",
        *(f"{n} s" for n in INSIGHTS),
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        gates = r.stages_s.get("gates", 0.0)
        cells = [
            r.size,
            f"{r.events:,}",
            f"{r.floor_s:.1f}",
            f"{r.full_s:.1f}",
            f"{r.full_over_floor:.1f}x",
            f"{r.peak_rss_gib:.2f}",
            f"{r.stages_s.get('ingest', 0):.1f}",
            f"{gates:.1f} ({gates / r.full_s:.0%})",
            f"{r.stages_s.get('dbt build', 0):.1f}",
            f"{r.stages_s.get('publish', 0):.1f}",
            f"{r.increment_s:.1f} ({min(r.increments_s):.1f}–{max(r.increments_s):.1f})",
            f"{r.increment_over_full:.0%}",
            *("n/a" if r.insights_s.get(n) is None else f"{r.insights_s[n]:.2f}" for n in INSIGHTS),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1m,10m,100m", help="comma-separated: 1m, 10m, 100m")
    sizes = [s.strip() for s in parser.parse_args(argv).sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        raise SystemExit(f"unknown size(s) {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    results = []
    for size in sizes:
        print(f"benchmarking {size} ...", file=sys.stderr, flush=True)
        results.append(bench(size))
    machine = _machine()
    text = (
        f"Machine: {machine['cores']} cores, {machine['memory_gib']} GiB, Python {machine['python']}, "
        f"DuckDB {machine['duckdb']} (memory_limit {MEMORY_LIMIT}), commit {machine['commit']}, {machine['date']}\n\n"
        f"{table(results)}\n"
    )
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M")
    (RESULTS / f"bench-{stamp}.md").write_text(text)
    payload = {
        "machine": machine,
        "results": [
            {**asdict(r), "full_over_floor": r.full_over_floor, "increment_over_full": r.increment_over_full}
            for r in results
        ],
    }
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
