from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from skc.analysis import (
    Behaviour,
    Constant,
    Population,
    Uniform,
    simulate,
    sweep,
)
from skc.conformance.cli import app
from skc.model.catalog import load_catalog
from skc.model.lands import LANDS

# Nobody abandons, forgets or pays unless a test asks: each test isolates one flow.
QUIET = Behaviour(
    weak_password=0.0, abandon_registration=0.0, pays=0.0, forgets_password=0.0,
    reregister_after_expiry=0.0,
)  # fmt: skip


def _link_lifetime_lands() -> list[str]:
    rule = load_catalog().rule("registration.activation_link_lifetime")
    return [land for land in LANDS if rule.stated(land)]


def test_simulate_returns_equal_tables_when_run_twice_with_the_same_seed() -> None:
    population = Population.of(["berlin", "hamburg"], 60, seed=5, block_size=25)
    first, second = simulate(population), simulate(population)
    pd.testing.assert_frame_equal(first.journeys, second.journeys)
    pd.testing.assert_frame_equal(first.events, second.events)
    pd.testing.assert_frame_equal(first.kpis, second.kpis)


def test_simulate_returns_other_tables_when_the_seed_differs() -> None:
    one = simulate(Population.of("hamburg", 40, seed=1))
    other = simulate(Population.of("hamburg", 40, seed=2))
    assert not one.journeys.equals(other.journeys)


def test_no_activation_succeeds_when_every_citizen_clicks_the_link_after_25_hours() -> None:
    lands = _link_lifetime_lands()
    assert len(lands) == 4  # every Land but Berlin states 24 hours
    late = QUIET.replace(activation_delay_hours=Constant(25.0), reregister_after_expiry=1.0)
    result = simulate(Population.of(lands, 30, seed=3, behaviour=late))
    kpis = result.kpis
    assert (kpis["registered"] == 30).all()
    assert (kpis["activated"] == 0).all()
    clicks = result.events[result.events["step"] == "activate"]
    assert len(clicks) >= 4 * 30
    assert not clicks["accepted"].any()
    assert set(clicks["rule"]) == {"registration.activation_link_lifetime"}


def test_every_activation_succeeds_when_citizens_click_after_23_hours() -> None:
    prompt = QUIET.replace(activation_delay_hours=Constant(23.0))
    kpis = simulate(Population.of(_link_lifetime_lands(), 30, seed=3, behaviour=prompt)).kpis
    assert (kpis["activation_rate"] == 1.0).all()


def test_berlin_activates_after_25_hours_when_its_text_gives_the_link_no_lifetime() -> None:
    late = QUIET.replace(activation_delay_hours=Constant(25.0))
    default = simulate(Population.of("berlin", 20, seed=3, behaviour=late)).kpis
    pinned = simulate(
        Population.of(
            "berlin", 20, seed=3, behaviour=late,
            readings={"registration.berlin_link_lifetime": "24h"},
        )
    ).kpis  # fmt: skip
    assert default.loc["berlin", "activation_rate"] == 1.0
    assert pinned.loc["berlin", "activated"] == 0


def test_berlin_loses_no_session_when_idle_gaps_stay_below_its_limit() -> None:
    limit = load_catalog().param("berlin", "session.idle_timeout", "minutes")
    assert isinstance(limit, int)
    gaps = QUIET.replace(idle_gap_minutes=Uniform(0.0, limit - 0.01), form_requests=(6, 10))
    kpis = simulate(Population.of(["berlin", "hamburg"], 200, seed=11, behaviour=gaps)).kpis
    assert kpis.loc["berlin", "logged_in"] == 200
    assert kpis.loc["berlin", "sessions_lost"] == 0
    # the same gaps pass Hamburg's 20 minutes often enough to lose sessions there
    assert kpis["sessions_lost"].to_dict()["hamburg"] > 0


def test_every_payment_fails_the_window_when_paying_takes_21_minutes_outside_berlin() -> None:
    slow = QUIET.replace(pays=1.0, payment_minutes=Constant(21.0), payment_declined=0.0)
    kpis = simulate(Population.of("all", 20, seed=4, behaviour=slow)).kpis
    for land in ("sachsen-anhalt", "gemeinsam-online", "hamburg"):
        assert kpis.loc[land, "payment_failure_rate"] == 1.0
    assert kpis.loc["berlin", "payment_failure_rate"] == 0.0
    assert kpis.loc["niedersachsen", "payments"] == 0  # its text states no payment window
    assert pd.isna(kpis["payment_failure_rate"].to_dict()["niedersachsen"])


def test_berlin_locks_out_after_the_readings_count_when_every_answer_is_wrong() -> None:
    forgetful = QUIET.replace(
        forgets_password=1.0, wrong_answer=1.0, activation_delay_hours=Constant(1.0)
    )
    three = simulate(Population.of("berlin", 15, seed=8, behaviour=forgetful))
    two = simulate(
        Population.of("berlin", 15, seed=8, behaviour=forgetful,
                      readings={"password_reset.lockout_attempts": "2"})
    )  # fmt: skip
    assert three.kpis.loc["berlin", "lockouts"] == 15
    assert set(three.journeys["wrong_answers"]) == {3}
    assert set(two.journeys["wrong_answers"]) == {2}


def test_hamburg_resets_by_mail_and_never_locks_out_when_every_citizen_forgets() -> None:
    forgetful = QUIET.replace(
        forgets_password=1.0, wrong_answer=1.0, activation_delay_hours=Constant(1.0)
    )
    result = simulate(Population.of("hamburg", 15, seed=8, behaviour=forgetful))
    assert set(result.journeys["reset"]) == {"mail"}
    assert result.kpis.loc["hamburg", "lockouts"] == 0
    relogins = result.events[result.events["step"] == "login"]
    assert relogins["accepted"].all()


def test_sweep_loses_fewer_sessions_when_the_idle_timeout_grows() -> None:
    population = Population.of("hamburg", 80, seed=2, behaviour=QUIET)
    table = sweep(population, "session.idle_timeout", [10, 20, 30, None])
    lost = table["sessions_lost"].tolist()
    assert lost == sorted(lost, reverse=True)
    assert lost[0] > lost[2]
    assert lost[-1] == 0
    assert table["idle_timeout_min"].tolist()[:3] == [10.0, 20.0, 30.0]


def test_population_refuses_a_limit_it_cannot_sweep_when_given_an_unknown_rule() -> None:
    from datetime import timedelta

    with pytest.raises(ValueError, match=r"session\.idle_timeout"):
        Population.of("berlin", 1, limits={"password.max_length": timedelta(minutes=1)})


def test_behaviour_refuses_a_share_outside_zero_to_one_when_built() -> None:
    with pytest.raises(ValueError, match="pays"):
        Behaviour(pays=1.5)


def test_events_start_at_the_virtual_clock_when_the_population_arrives() -> None:
    result = simulate(Population.of("berlin", 20, seed=1, behaviour=QUIET))
    first = result.events["at"].min()
    assert first >= pd.Timestamp("2024-03-04 09:00", tz="Europe/Berlin")
    assert first < pd.Timestamp("2024-03-11 09:00", tz="Europe/Berlin")


def test_write_round_trips_the_tables_when_written_as_parquet_or_csv(tmp_path: Path) -> None:
    result = simulate(Population.of("berlin", 10, seed=1, organisations=2))
    paths = result.write(str(tmp_path / "pq"))
    assert sorted(p.name for p in paths) == [
        "events.parquet", "journeys.parquet", "kpis.parquet", "organisations.parquet",
    ]  # fmt: skip
    back = pd.read_parquet(tmp_path / "pq" / "journeys.parquet")
    assert back["email"].tolist() == result.journeys["email"].tolist()
    result.write(tmp_path / "csv", "csv")
    kpis = pd.read_csv(tmp_path / "csv" / "kpis.csv", index_col="land")
    assert kpis.loc["berlin", "citizens"] == 10


def test_skc_simulate_writes_the_tables_when_given_an_out_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["simulate", "--land", "berlin", "--citizens", "20", "--seed", "3", "--format", "csv",
         "--out", str(tmp_path), "--no-progress"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "activation_rate" in result.output
    assert (tmp_path / "journeys.csv").is_file()
    assert (tmp_path / "events.csv").is_file()


def test_skc_simulate_exits_2_naming_the_valid_lands_when_the_land_is_unknown() -> None:
    result = CliRunner().invoke(app, ["simulate", "--land", "bayern", "--citizens", "1"])
    assert result.exit_code == 2
    assert "berlin" in result.output


def test_hamburg_users_expire_when_they_click_their_link_after_15_days() -> None:
    late = QUIET.replace(user_activation_delay_days=Constant(15.0), org_users=(2, 2))
    prompt = QUIET.replace(user_activation_delay_days=Constant(13.0), org_users=(2, 2))
    expired = simulate(Population.of("hamburg", 0, seed=6, organisations=10, behaviour=late))
    active = simulate(Population.of("hamburg", 0, seed=6, organisations=10, behaviour=prompt))
    admins = expired.organisations["admin_activated"].sum()
    assert admins > 0
    assert expired.kpis.loc["hamburg", "user_activation_rate"] == 0.0
    assert expired.kpis.loc["hamburg", "users_expired"] == 2 * admins
    assert active.kpis.loc["hamburg", "user_activation_rate"] == 1.0
    rules = expired.events[expired.events["step"] == "activate_org_user"]["rule"]
    assert set(rules) == {"org.user_activation_link_lifetime"}


def test_organisations_are_refused_as_not_offered_when_the_text_describes_none() -> None:
    result = simulate(Population.of("gemeinsam-online", 0, seed=6, organisations=5))
    assert set(result.organisations["registration"]) == {"not offered"}
    assert pd.isna(result.kpis["admin_activation_rate"].to_dict()["gemeinsam-online"])


def test_berlin_master_users_and_users_are_active_at_once_when_no_link_is_described() -> None:
    slow = QUIET.replace(admin_activation_delay_hours=Constant(100.0))
    result = simulate(Population.of("berlin", 0, seed=6, organisations=8, behaviour=slow))
    assert result.organisations["admin_activated"].all()
    assert result.kpis.loc["berlin", "user_activation_rate"] == 1.0
    assert "activate_admin" not in set(result.events["step"])


def test_simulate_never_reads_the_wall_clock_or_sleeps_when_it_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    def forbidden(*args: object) -> float:
        raise AssertionError("the simulation read the wall clock or slept")

    for name in ("time", "time_ns", "sleep", "monotonic", "perf_counter", "localtime"):
        monkeypatch.setattr(time, name, forbidden)
    result = simulate(Population.of(["berlin", "hamburg"], 20, seed=12, organisations=3))
    assert len(result.journeys) == 40


def test_the_public_api_resolves_every_name_when_imported() -> None:
    from skc import analysis

    missing = [name for name in analysis.__all__ if getattr(analysis, name, None) is None]
    assert missing == []
