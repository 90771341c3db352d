from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skc.conformance import coverage as coverage_module
from skc.conformance.boundaries import bounds, limit_rules, probes
from skc.conformance.cli import app
from skc.conformance.coverage import (
    PLAN_BLOCK,
    measure,
    plan_markdown,
    planned,
    read_block,
    write_block,
)
from skc.conformance.runner import RunConfig, run
from skc.model.catalog import load_catalog
from skc.model.coverage import load_unchecked
from skc.model.errors import InputError
from skc.model.lands import LANDS, LandId
from skc.model.sim.outcome import Outcome
from skc.model.sim.rules import LandRules

README = Path(__file__).parents[2] / "README.md"


@pytest.mark.parametrize("land", LANDS)
def test_every_stated_rule_is_cited_by_a_check_or_listed_with_a_reason_when_planned(
    land: LandId,
) -> None:
    unlisted = planned(land).unlisted
    assert not unlisted, (
        f"{land}: {', '.join(unlisted)} is cited by no planned check and not listed in "
        "model/register/unchecked.yaml; cite it in a check or list it with the reason"
    )


def test_unchecked_entries_name_rules_their_lands_state_when_loaded() -> None:
    catalog = load_catalog()
    for entry in load_unchecked():
        rule = catalog.rule(entry.rule)
        assert all(rule.stated(land) for land in entry.lands), entry.rule


def test_readme_table_is_what_skc_coverage_writes_when_regenerated() -> None:
    written = read_block(README.read_text(encoding="utf-8"), PLAN_BLOCK)
    assert written == plan_markdown(), (
        "README.md's coverage table is out of date: run "
        "`.venv/bin/skc coverage --measure --seed 1 --write README.md`"
    )


def test_write_block_refuses_a_file_without_markers_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_text("# title\n", encoding="utf-8")
    with pytest.raises(InputError, match="coverage-plan:begin"):
        write_block(path, PLAN_BLOCK, "table")
    path.write_text("a\n<!-- coverage-plan:begin -->\nold\n<!-- coverage-plan:end -->\nb\n")
    write_block(path, PLAN_BLOCK, "new | table")
    assert (
        path.read_text()
        == "a\n<!-- coverage-plan:begin -->\nnew | table\n<!-- coverage-plan:end -->\nb\n"
    )


def _probes(
    land: LandId, op: str, args: dict[str, object], model: Outcome | None = None
) -> set[tuple[str, str]]:
    found = probes(bounds(LandRules(land)), op, args, None, model or Outcome(accepted=True))
    return set(found)


def test_password_of_the_minimum_length_probes_at_and_one_shorter_past_when_registered() -> None:
    # Berlin: "mindestens 8 Zeichen und höchstens 20 Zeichen lang"
    assert ("password.min_length", "at") in _probes(
        "berlin", "register_citizen", {"password": "Aa1!Aa1!"}
    )
    assert ("password.min_length", "past") in _probes(
        "berlin", "register_citizen", {"password": "Aa1!Aa1"}
    )
    assert ("password.max_length", "past") in _probes(
        "berlin", "change_password", {"new_password": "A" * 21}
    )
    assert not _probes("berlin", "register_citizen", {"password": "Aa1!Aa1!Aa1!"})


def test_login_password_probes_no_password_rule_when_presented() -> None:
    assert not _probes("berlin", "login", {"password": "Aa1!Aa1"})


def test_citizen_house_number_probes_nothing_where_the_rule_speaks_of_organisations() -> None:
    # Hamburg states its house-number rules for "die Adresse Ihrer Organisation"
    limit = load_catalog().param("hamburg", "house_number.max_length", "max")
    assert isinstance(limit, int)
    value = "1" * (limit + 1)
    assert not _probes("hamburg", "edit_profile", {"changes": {"house_number": value}})
    org = _probes("hamburg", "register_organisation", {"org_data": {"house_number": value}})
    assert ("house_number.max_length", "past") in org


def test_clock_jumps_probe_a_time_limit_before_and_after_when_advanced() -> None:
    before = _probes(
        "berlin", "advance", {"limit_of": "session.idle_timeout", "offset_seconds": -1}
    )
    after = _probes("berlin", "advance", {"limit_of": "session.idle_timeout", "offset_seconds": 1})
    assert before == {("session.idle_timeout", "at")}
    assert after == {("session.idle_timeout", "past")}


def test_limits_probed_at_one_side_only_are_named_when_measured() -> None:
    certification = {"berlin": {"passed": ("session.idle_timeout",), "not_covered": ("x",)}}
    found = {"berlin": {("session.idle_timeout", "at"), ("password.min_length", "at"),
                        ("password.min_length", "past")}}  # fmt: skip
    cov = measure(certification, found, ["berlin"])["berlin"]
    assert cov.both_sides == ("password.min_length",)
    assert cov.one_side == ("session.idle_timeout (at)",)
    assert cov.exercised == ("session.idle_timeout",)
    assert cov.stated == 2


def test_run_records_coverage_in_the_summary_when_finished(tmp_path: Path) -> None:
    config = RunConfig(
        lands=("berlin",), seed=1, suites=("scenarios",), out=tmp_path,
        only_check="scenarios/session-timeout",
    )  # fmt: skip
    report = run(config)
    summary = json.loads((tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    berlin = summary["coverage"]["berlin"]
    assert berlin["stated"] == len(load_catalog().for_land("berlin"))
    assert 0 < berlin["exercised"] <= berlin["stated"]
    assert berlin["limits"] == len(limit_rules("berlin"))
    # the session-timeout scenario moves the clock one second before and after 25 minutes
    assert ("session.idle_timeout", "at") in report.probes["berlin"]
    assert ("session.idle_timeout", "past") in report.probes["berlin"]


def test_skc_run_prints_the_coverage_before_its_conclusion_when_finished(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["run", "--no-progress", "--land", "hamburg", "--suite", "scenarios", "--seed", "5",
         "--out", str(tmp_path), "--replay", "scenarios/session-timeout"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    table = next(i for i, line in enumerate(lines) if "limits probed at both sides" in line)
    verdict = next(i for i, line in enumerate(lines) if line.startswith("conformant"))
    assert table < verdict
    assert any(line.startswith("│ hamburg") and "%" in line for line in lines[table:verdict])


def test_skc_coverage_exits_one_naming_the_rule_when_a_rule_is_neither_cited_nor_listed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(coverage_module, "unchecked_rules", lambda land: {})
    result = CliRunner().invoke(app, ["coverage", "--land", "berlin"])
    assert result.exit_code == 1
    assert "payment.bank_data_not_stored" in result.output
    assert "model/register/unchecked.yaml" in result.output


def test_skc_coverage_prints_the_table_and_exits_zero_when_every_rule_is_accounted_for() -> None:
    result = CliRunner().invoke(app, ["coverage", "--land", "niedersachsen"])
    assert result.exit_code == 0, result.output
    assert "| niedersachsen |" in result.output


def test_count_limit_is_probed_by_the_models_verdict_but_an_age_limit_never_when_members_join() -> (
    None
):
    prepared = bounds(LandRules("berlin"))  # "Es kann maximal 2 Master-Accounts geben"
    refused = Outcome(accepted=False, rules=("org.admins.max",))
    assert probes(prepared, "add_org_user", {}, "org.admins.max", refused) == {
        ("org.admins.max", "past")
    }
    assert probes(prepared, "add_org_user", {}, "org.admins.max", Outcome(accepted=True)) == {
        ("org.admins.max", "at")
    }
    minor = Outcome(accepted=False, rules=("org.admins.adults_only",))
    assert not probes(prepared, "add_org_user", {}, "org.admins.adults_only", minor)
