"""What people see: the report and the Dagster UI in headless Chromium, and the catalog's metadata.

Chromium is Debian's (`make test` installs it with apt when missing), driven by Playwright.
Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import pytest

from orchestration.runner import prepare_instance
from tests.conftest import query

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
ENGAGEMENT = ("active", "stickiness", "retention", "adoption", "lifecycle", "pes", "quality")
ALL_SECTIONS = (*ENGAGEMENT, "nps", "mrr", "health")
DRAWN = "rect, polyline, circle, path, line"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (what `make test` does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser, url: str):
    """A page at ``url`` plus the console errors and the requests that left the machine."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "request",
        lambda r: None if r.url.startswith(("file:", "data:", "blob:", "http://127.0.0.1")) else outside.append(r.url),
    )
    page.goto(url)
    return page, errors, outside


def _drawn_per_section(page) -> dict[str, tuple[str, int, str]]:
    """Per section: its status, how many shapes its charts drew, and its text."""
    return {
        section.get_attribute("id"): (
            section.get_attribute("data-status"),
            section.locator(f"svg.chart :is({DRAWN})").count(),
            section.inner_text(),
        )
        for section in page.locator("section.panel").all()
    }


def test_report_draws_every_chart_offline(sample, browser):
    settings, _ = sample
    assert settings.report_html.exists(), "the run did not write the report"
    page, errors, outside = _open(browser, settings.report_html.as_uri())
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    sections = _drawn_per_section(page)
    assert set(sections) == set(ALL_SECTIONS)
    for key in ENGAGEMENT:
        status, shapes, _ = sections[key]
        assert status == "ok" and shapes > 10, key
    # the run id of the copy the report was drawn from is on the page
    (run_id,) = query(settings.serving_db, "SELECT run_id FROM publish_info")[0]
    assert run_id in page.inner_text("header")
    # the bars and the heatmap carry the marts' numbers
    adoption = query(
        settings.serving_db,
        "SELECT feature, adoption_rate FROM fct_feature_adoption WHERE unit = 'user' AND window_days = 30 "
        "ORDER BY adoption_rate DESC, feature LIMIT 1",
    )[0]
    assert f"{adoption[0]}: {100 * adoption[1]:.0f}%" in page.locator("#adoption svg title").all_text_contents()
    assert errors == [] and outside == []
    page.close()


def test_report_draws_nps_revenue_and_health_from_the_marts(sample, browser):
    """NPS, the MRR waterfall and account health carry the sample's published numbers."""
    settings, _ = sample
    page, errors, outside = _open(browser, settings.report_html.as_uri())
    sections = _drawn_per_section(page)
    for key in ("nps", "mrr", "health"):
        status, shapes, _ = sections[key]
        assert status == "ok" and shapes > 0, key
    # the waterfall ends where the latest month's MRR is (movements add up to the change)
    (mrr,) = query(settings.serving_db, "SELECT mrr FROM fct_mrr_movements ORDER BY month_start DESC LIMIT 1")[0]
    assert f"end: {float(mrr):,.0f}" in page.locator("#mrr svg title").all_text_contents()
    at_risk = query(settings.serving_db, "SELECT account_id FROM rpt_accounts_at_risk ORDER BY health_score LIMIT 1")
    if at_risk:
        assert at_risk[0][0] in page.locator("#health table").inner_text()
    assert errors == [] and outside == []
    page.close()


def test_report_says_what_is_missing_without_billing_or_surveys(tiny, browser):
    """The tiny workspace has events and accounts only (health scores what it has, partial)."""
    settings, _ = tiny
    page, errors, _ = _open(browser, settings.report_html.as_uri())
    sections = _drawn_per_section(page)
    for key in ("nps", "mrr"):
        status, _, text = sections[key]
        assert status == "empty" and "No data yet" in text, key
    assert sections["active"][0] == "ok" and errors == []
    page.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def webserver(tiny):
    """`dagster-webserver` on the tiny workspace (which has one run) on a free port."""
    settings, _ = tiny
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(settings.dagster_home), "PRODOPS_HOME": str(settings.home)}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("dagster-webserver")),
            "-m",
            "orchestration.definitions",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 150
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/server_info", timeout=5).close()
            break
        except OSError:
            time.sleep(1)
    yield base
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)


def _visit(browser, url: str, shot: str, *texts: str, contains: tuple[str, ...] = ()) -> str:
    """Open ``url``, wait until each text (or a text ``contains`` part) shows, screenshot it; return the text."""
    page, _, outside = _open(browser, url)
    wanted = [(text, True) for text in texts] + [(part, False) for part in contains]
    for text, exact in wanted:
        page.get_by_text(text, exact=exact).filter(visible=True).first.wait_for(timeout=60_000)
    skip = page.get_by_role("button", name="Skip")  # Dagster's newsletter dialog on a first visit
    if skip.count():
        skip.first.click()
    body = page.inner_text("body")
    page.screenshot(path=str(ARTIFACTS / f"dagster-{shot}.png"))
    page.close()
    assert outside == []
    return body


def test_dagster_ui_shows_layers_assets_checks_and_triggers(webserver, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    _visit(browser, f"{webserver}/asset-groups", "lineage", "raw", "staging", "intermediate", "marts", "serving")
    page = _visit(
        browser, f"{webserver}/assets/marts/fct_daily_active", "mart", "Columns", contains=("Day in the report",)
    )
    for text in ("product-ops", "Day in the report timezone.", "DATE", "inbox_sensor", "prodops_nightly"):
        assert text in page, text
    _visit(browser, f"{webserver}/assets/serving/analytics", "serving", "analytics", contains=("every mart",))
    checks = f"{webserver}/assets/marts/fct_daily_active?view=checks"
    assert "Checks (" in _visit(browser, checks, "checks", "not_null_fct_daily_active_dau", "Succeeded")
    _visit(browser, f"{webserver}/automation", "automation", "inbox_sensor", "nightly")


def test_materializations_carry_row_counts_types_and_previews(tiny):
    settings, outcome = tiny
    with prepare_instance(settings) as instance:

        def latest(*path: str) -> dict:
            event = instance.get_latest_materialization_event(dg.AssetKey(list(path)))
            assert event.run_id == outcome.run_id
            return event.asset_materialization.metadata

        mart = latest("marts", "fct_daily_active")
        raw = latest("raw", "events")
        view = latest("intermediate", "int_events")
    # 16 days (Jan 5..20) for users and for accounts; 11 lines - 2 quarantined - 1 duplicate
    assert mart["dagster/row_count"].value == 32 and raw["dagster/row_count"].value == 8
    columns = {c.name: (c.type, c.description) for c in mart["dagster/column_schema"].value.columns}
    assert columns["metric_date"] == ("DATE", "Day in the report timezone.") and columns["dau"][0] == "BIGINT"
    preview = mart["preview"].value.records
    assert len(preview) == 5 and set(preview[0].data) == set(columns)
    # a view: its columns, not a count or preview (each would run the view's whole query)
    assert "dagster/row_count" not in view and "preview" not in view
    assert "event_id" in {c.name for c in view["dagster/column_schema"].value.columns}
