"""prodops.yml settings for NPS, revenue and account health: defaults, overrides, clear errors."""

from __future__ import annotations

import pytest

from settings import SettingsError, load_settings


def test_defaults_reach_dbt(tmp_path):
    variables = load_settings(tmp_path).dbt_vars()
    assert variables["nps_dedup"] == "latest"
    assert variables["core_events"] == ["dashboard_viewed", "report_created", "report_shared", "invite_sent"]
    assert variables["health_weights"] == {"usage": 40, "adoption": 20, "nps": 15, "billing": 15, "feedback": 10}
    assert (variables["reporting_currency"], variables["fx_rates"], variables["health_window_days"]) == ("USD", {}, 90)


def test_a_partial_weight_mapping_changes_only_what_it_names(tmp_path):
    (tmp_path / "prodops.yml").write_text("health_weights: {usage: 50}\nfx_rates: {EUR: 1.08}\nnps_dedup: first\n")
    settings = load_settings(tmp_path)
    assert settings.health_weights == {"usage": 50, "adoption": 20, "nps": 15, "billing": 15, "feedback": 10}
    assert (settings.fx_rates, settings.nps_dedup) == ({"EUR": 1.08}, "first")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nps_dedup: newest\n", "nps_dedup must be one of latest, first, all"),
        ("health_weights: {usage: 40, vibes: 5}\n", "unknown: vibes"),
        ("fx_rates: {euro: 1.1}\n", "fx_rates needs 3-letter ISO codes"),
        ("fx_rates: 1.1\n", "must be a mapping"),
        ("core_events: []\n", "core_events must name 1 to 10 events"),
    ],
)
def test_unusable_settings_are_one_clear_error(tmp_path, text, message):
    (tmp_path / "prodops.yml").write_text(text)
    with pytest.raises(SettingsError, match=message):
        load_settings(tmp_path)
