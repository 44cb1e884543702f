"""prodops.yml settings for NPS, revenue and account health: defaults, overrides, clear errors."""

from __future__ import annotations

import pytest

from settings import SettingsError, load_settings


def test_defaults_reach_dbt(tmp_path):
    variables = load_settings(tmp_path).dbt_vars()
    assert variables["nps_dedup"] == "latest"
    assert [f["name"] for f in variables["feature_catalogue"] if f["core"]] == [
        "dashboard_viewed",
        "report_created",
        "report_shared",
        "invite_sent",
    ]
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
        (
            "features: [" + ", ".join(f"{{name: f{i}, event: e{i}, core: true}}" for i in range(11)) + "]\n",
            "at most 10 core features are allowed, 11 are marked core: f0, f1",
        ),
        ("features: [{name: x}]\n", "every feature needs a name and an event"),
        ("pes_ratio: mau/dau\n", "pes_ratio must be one of dau/mau, wau/mau, dau/wau"),
    ],
)
def test_unusable_settings_are_one_clear_error(tmp_path, text, message):
    (tmp_path / "prodops.yml").write_text(text)
    with pytest.raises(SettingsError, match=message):
        load_settings(tmp_path)
