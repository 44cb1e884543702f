"""Workspace paths and settings: the floor every other room stands on.

A workspace is a folder (``--home`` or ``PRODOPS_HOME``, default ``data/`` in the
repository). Its ``prodops.yml`` holds the settings; ``PRODOPS_<KEY>`` environment
variables override single scalar keys (``PRODOPS_TIMEZONE=Europe/Berlin``). Settings are
read once, by the CLI or the Dagster definitions, and passed down as a frozen object.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent
DEFAULT_HOME = REPO_ROOT / "data"
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
KINDS = ("events", "accounts", "nps", "feedback", "subscriptions", "invoices")
HEALTH_COMPONENTS = ("usage", "adoption", "nps", "billing", "feedback")
PES_RATIOS = ("dau/mau", "wau/mau", "dau/wau")
MAX_CORE_FEATURES = 10  # Pendo's limit: PES adoption is about a few key features
NPS_DEDUP_RULES = ("latest", "first", "all")
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
duckdb_threads: 2        # DuckDB threads of every writer (ingest, dbt, publish)
duckdb_memory_limit: 8GB # per writer; dbt builds one model at a time under it, spilling to disk
# Events that are not product activity (they never make anyone "active").
non_activity_events: [identify, alias, group, invoice_paid]
# Feature catalogue: a feature is matched by an event name and optional property filters
# (`where: {source: mobile}`); the first matching entry wins; events not listed are features
# under their own name. At most 10 core features (they drive PES adoption and breadth).
features:
  - {name: dashboard_viewed, event: dashboard_viewed, area: analytics, core: true}
  - {name: report_created, event: report_created, area: reporting, core: true}
  - {name: report_shared, event: report_shared, area: collaboration, core: true}
  - {name: invite_sent, event: invite_sent, area: collaboration, core: true}
  - {name: alert_configured, event: alert_configured, area: monitoring}
  - {name: integration_connected, event: integration_connected, area: platform}
adoption_min_uses: 1     # uses of a feature in a window that make an actor an adopter
pes_ratio: dau/mau       # dau/mau | wau/mau | dau/wau: the stickiness ratio in PES
# NPS: which response counts when a respondent answers twice in a period (latest | first | all).
nps_dedup: latest
# Revenue: amounts in other currencies are converted with fx_rates (units of
# reporting_currency per one unit of the currency). Needed only when billing mixes currencies.
reporting_currency: USD
fx_rates: {}             # e.g. {EUR: 1.08, GBP: 1.27}
# Account health: component weights (a missing component re-normalises the others) and the
# trailing window (days) over which NPS answers and open feedback count.
health_weights: {usage: 40, adoption: 20, nps: 15, billing: 15, feedback: 10}
health_window_days: 90
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
lake_export: false       # also write the raw tables as Parquet to lake/raw/ (events by day): for Spark
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
    features: tuple[dict[str, Any], ...] = ()
    adoption_min_uses: int = 1
    pes_ratio: str = "dau/mau"
    nps_dedup: str = "latest"
    reporting_currency: str = "USD"
    fx_rates: dict[str, float] = field(default_factory=dict)
    health_weights: dict[str, float] = field(
        default_factory=lambda: {"usage": 40.0, "adoption": 20.0, "nps": 15.0, "billing": 15.0, "feedback": 10.0}
    )
    health_window_days: int = 90
    earliest_timestamp: str = "2000-01-01"
    future_tolerance_hours: int = 24
    event_name_pattern: str = EVENT_NAME_PATTERN
    volume_min_share: float = 0.1
    volume_window_days: int = 28
    freshness_max_age_hours: int = 48
    currencies: tuple[str, ...] = ()  # empty: every ISO 4217 code
    check_severity: dict[str, str] = field(default_factory=dict)
    lake_export: bool = False
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
    def report_html(self) -> Path:
        return self.serving_dir / "report.html"

    @property
    def pii_salt_file(self) -> Path:
        """The workspace's secret salt for hashing personal data (created on first publish)."""
        return self.home / ".pii_salt"

    @property
    def lake_dir(self) -> Path:
        """Parquet copies of the raw tables (``lake/raw/<table>/``) that Spark and DuckDB both read."""
        return self.home / "lake"

    @property
    def spark_dir(self) -> Path:
        """The local Spark target's tables and metastore (``dbt build --target spark``)."""
        return self.home / "spark"

    @property
    def dagster_home(self) -> Path:
        return self.home / ".dagster"

    @property
    def dbt_profiles_dir(self) -> Path:
        return self.home / ".dbt"

    @property
    def dbt_target_dir(self) -> Path:
        """The workspace's ``dbt build`` artifacts (run_results.json, manifest.json, logs),
        overwritten by each build; its parse state makes the next build's parse partial."""
        return self.dbt_profiles_dir / "target"

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
            "feature_catalogue": [dict(f) for f in self.features],
            "adoption_min_uses": self.adoption_min_uses,
            "pes_ratio": self.pes_ratio,
            "nps_dedup": self.nps_dedup,
            "reporting_currency": self.reporting_currency,
            "fx_rates": dict(self.fx_rates),
            "health_weights": dict(self.health_weights),
            "health_window_days": self.health_window_days,
            "lake_path": str(self.lake_dir),
            "duckdb_threads": self.duckdb_threads,
        }

    def model_settings(self) -> dict[str, Any]:
        """The vars that shape the rows incremental models keep (not where or how fast they
        run, nor how far back a night reaches): a change of any needs a rebuild of them all."""
        operational = {"lake_path", "duckdb_threads", "lookback_days"}
        return {name: value for name, value in self.dbt_vars().items() if name not in operational}

    @property
    def core_features(self) -> tuple[str, ...]:
        return tuple(f["name"] for f in self.features if f.get("core"))


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
    if "health_weights" in values:  # a partial mapping changes only the weights it names
        values["health_weights"] = {**Settings(home=root).health_weights, **values["health_weights"]}
    extra = {k: v for k, v in raw.items() if k not in known}
    settings = Settings(home=root, extra=extra, **values)
    if settings.week_start not in ("monday", "sunday"):
        raise SettingsError(f"{path}: week_start must be monday or sunday, not {settings.week_start!r}")
    _check_timezone(settings.timezone, path)
    if settings.pes_ratio not in PES_RATIOS:
        raise SettingsError(f"{path}: pes_ratio must be one of {', '.join(PES_RATIOS)}, not {settings.pes_ratio!r}")
    _check_revenue_and_health(settings, path)
    return settings


def _coerce(name: str, type_name: Any, value: Any, path: Path) -> Any:
    if name == "features":
        return _features(value, path)
    if name in ("fx_rates", "health_weights"):
        return _number_mapping(name, value, path)
    try:
        if "tuple" in str(type_name):
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(str(item).strip() for item in items if str(item).strip())
        if type_name in ("int", int):
            return int(value)
        if type_name in ("float", float):
            return float(value)
        if name == "check_severity":
            return _severities(value)
        if type_name in ("bool", bool):
            return _boolean(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{path}: setting {name!r} has an unusable value {value!r}") from exc


def _boolean(value: Any) -> bool:
    """YAML gives a bool; an environment override gives text such as ``true`` or ``0``."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise ValueError(text)


def _features(value: Any, path: Path) -> tuple[dict[str, Any], ...]:
    """Validate the feature catalogue: named entries with an event, at most 10 core."""
    if not isinstance(value, list):
        raise SettingsError(f"{path}: features must be a list of {{name, event, where, area, core}} entries")
    features = []
    for entry in value:
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("event"):
            raise SettingsError(f"{path}: every feature needs a name and an event, got {entry!r}")
        where = entry.get("where") or {}
        if not isinstance(where, dict):
            raise SettingsError(f"{path}: feature {entry['name']!r}: where must map property names to values")
        features.append(
            {
                "name": str(entry["name"]),
                "event": str(entry["event"]),
                "where": where,
                "area": entry.get("area"),
                "core": bool(entry.get("core", False)),
            }
        )
    core = [f["name"] for f in features if f["core"]]
    if len(core) > MAX_CORE_FEATURES:
        raise SettingsError(
            f"{path}: at most {MAX_CORE_FEATURES} core features are allowed, {len(core)} are marked core: "
            + ", ".join(core)
        )
    return tuple(features)


def _number_mapping(name: str, value: Any, path: Path) -> dict[str, float]:
    """A ``{key: number}`` setting (``fx_rates``, ``health_weights``); keys kept as written."""
    try:
        return {str(k): float(v) for k, v in value.items()}
    except (AttributeError, TypeError, ValueError) as exc:
        raise SettingsError(f"{path}: setting {name!r} must be a mapping like {{key: number}}, not {value!r}") from exc


def _check_revenue_and_health(settings: Settings, path: Path) -> None:
    if settings.nps_dedup not in NPS_DEDUP_RULES:
        raise SettingsError(
            f"{path}: nps_dedup must be one of {', '.join(NPS_DEDUP_RULES)}, not {settings.nps_dedup!r}"
        )
    if not re.fullmatch(r"[A-Z]{3}", settings.reporting_currency):
        raise SettingsError(
            f"{path}: reporting_currency must be a 3-letter ISO code, not {settings.reporting_currency!r}"
        )
    bad_codes = [c for c in settings.fx_rates if not re.fullmatch(r"[A-Z]{3}", c)]
    if bad_codes or any(rate <= 0 for rate in settings.fx_rates.values()):
        raise SettingsError(f"{path}: fx_rates needs 3-letter ISO codes and positive rates, e.g. {{EUR: 1.08}}")
    unknown = sorted(set(settings.health_weights) - set(HEALTH_COMPONENTS))
    if unknown or any(w < 0 for w in settings.health_weights.values()) or not sum(settings.health_weights.values()):
        raise SettingsError(
            f"{path}: health_weights takes non-negative weights for {', '.join(HEALTH_COMPONENTS)} "
            f"(not all zero){'; unknown: ' + ', '.join(unknown) if unknown else ''}"
        )


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
