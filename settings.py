"""Workspace paths and settings: the floor every other room stands on.

A workspace is a folder (``--home`` or ``PRODOPS_HOME``, default ``data/`` in the
repository). Its ``prodops.yml`` holds the settings; ``PRODOPS_<KEY>`` environment
variables override single scalar keys (``PRODOPS_TIMEZONE=Europe/Berlin``). Settings are
read once, by the CLI or the Dagster definitions, and passed down as a frozen object.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent
DEFAULT_HOME = REPO_ROOT / "data"
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
KINDS = ("events", "accounts", "nps", "feedback", "subscriptions")
# Accepts what real tools emit: `$pageview`, `Order Completed`, `button_click`, `NextSong`,
# `[Amplitude] Page Viewed`; refuses empty names, control characters and JSON blobs.
EVENT_NAME_PATTERN = r"^[A-Za-z$\[][A-Za-z0-9 _.:/$()\[\]'&-]{0,254}$"
SEVERITIES = ("block", "warn")

DEFAULT_SETTINGS_TEXT = """\
# prodops workspace settings. Every key is optional; PRODOPS_<KEY> overrides a scalar key.
timezone: UTC            # report timezone: days, weeks and months are bucketed in it
week_start: monday       # monday | sunday
lookback_days: 3         # incremental runs recompute this many days for late events
schedule_cron: "0 2 * * *"   # the nightly run, in `timezone`
duckdb_threads: 2
duckdb_memory_limit: 8GB
# Events that are not product activity (they never make anyone "active").
non_activity_events: [identify, alias, group, invoice_paid]
# Quality gates on each new batch (see README, "Data quality").
earliest_timestamp: "2000-01-01"   # older timestamps fail the timestamp_window check
future_tolerance_hours: 24         # timestamps later than now + this fail it too
# event_name_pattern: a regular expression event names must match; the default accepts
#   $pageview, Order Completed, button_click, NextSong and [Amplitude] Page Viewed
volume_min_share: 0.1              # a batch below this share of the trailing daily median is an anomaly
volume_window_days: 28             # days of history the trailing median is taken over
freshness_max_age_hours: 48        # the newest event may be this old
# block (stop the run before publish) or warn, per check; unlisted checks keep their default.
check_severity: {referential_accounts: warn, volume: warn, freshness: warn}
"""


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the key and the file."""


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know about its workspace."""

    home: Path
    timezone: str = "UTC"
    week_start: str = "monday"
    lookback_days: int = 3
    schedule_cron: str = "0 2 * * *"
    duckdb_threads: int = 2
    duckdb_memory_limit: str = "8GB"
    non_activity_events: tuple[str, ...] = ("identify", "alias", "group", "invoice_paid")
    earliest_timestamp: str = "2000-01-01"
    future_tolerance_hours: int = 24
    event_name_pattern: str = EVENT_NAME_PATTERN
    volume_min_share: float = 0.1
    volume_window_days: int = 28
    freshness_max_age_hours: int = 48
    currencies: tuple[str, ...] = ()  # empty: every ISO 4217 code
    check_severity: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def serving_dir(self) -> Path:
        return self.home / "serving"

    @property
    def serving_db(self) -> Path:
        return self.serving_dir / "analytics.duckdb"

    @property
    def dagster_home(self) -> Path:
        return self.home / ".dagster"

    @property
    def dbt_profiles_dir(self) -> Path:
        return self.home / ".dbt"

    @property
    def settings_file(self) -> Path:
        return self.home / "prodops.yml"

    def inbox_dir(self, kind: str) -> Path:
        return self.inbox / kind

    def dbt_vars(self) -> dict[str, Any]:
        """The settings dbt models read through ``var()``."""
        return {
            "timezone": self.timezone,
            "week_start": self.week_start,
            "lookback_days": self.lookback_days,
            "non_activity_events": list(self.non_activity_events),
        }


def resolve_home(home: str | os.PathLike[str] | None = None) -> Path:
    """``--home`` beats ``PRODOPS_HOME`` beats the repository's ``data/``."""
    chosen = home or os.environ.get("PRODOPS_HOME") or DEFAULT_HOME
    return Path(chosen).expanduser().resolve()


def load_settings(home: str | os.PathLike[str] | None = None) -> Settings:
    """Read ``prodops.yml`` (written with defaults when absent) plus env overrides."""
    root = resolve_home(home)
    root.mkdir(parents=True, exist_ok=True)
    path = root / "prodops.yml"
    if not path.exists():
        path.write_text(DEFAULT_SETTINGS_TEXT)
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise SettingsError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise SettingsError(f"{path}: expected a mapping of settings")
    return _build(root, raw, path)


def _build(root: Path, raw: dict[str, Any], path: Path) -> Settings:
    known = {f.name: f for f in fields(Settings) if f.name not in ("home", "extra")}
    values: dict[str, Any] = {}
    for name, spec in known.items():
        env = os.environ.get(f"PRODOPS_{name.upper()}")
        value = env if env is not None else raw.get(name)
        if value is None:
            continue
        values[name] = _coerce(name, spec.type, value, path)
    extra = {k: v for k, v in raw.items() if k not in known}
    settings = Settings(home=root, extra=extra, **values)
    if settings.week_start not in ("monday", "sunday"):
        raise SettingsError(f"{path}: week_start must be monday or sunday, not {settings.week_start!r}")
    _check_timezone(settings.timezone, path)
    return settings


def _coerce(name: str, type_name: Any, value: Any, path: Path) -> Any:
    try:
        if "tuple" in str(type_name):
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(str(item).strip() for item in items if str(item).strip())
        if type_name in ("int", int):
            return int(value)
        if type_name in ("float", float):
            return float(value)
        if "dict" in str(type_name):
            return _severities(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{path}: setting {name!r} has an unusable value {value!r}") from exc


def _severities(value: Any) -> dict[str, str]:
    if isinstance(value, str):  # PRODOPS_CHECK_SEVERITY="volume=block,freshness=block"
        value = dict(pair.split("=", 1) for pair in value.split(",") if pair.strip())
    if not isinstance(value, dict):
        raise TypeError("expected a mapping of check name to block|warn")
    chosen = {str(k): str(v).lower() for k, v in value.items()}
    if any(v not in SEVERITIES for v in chosen.values()):
        raise ValueError("severities are block or warn")
    return chosen


def _check_timezone(zone: str, path: Path) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"{path}: timezone {zone!r} is not a known IANA zone") from exc
