from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from skc.conformance.cli import app
from skc.model.lands import LANDS
from skc.model.sources import quote_occurs

runner = CliRunner()


def test_check_prints_verdict_and_exits_one_when_value_is_invalid() -> None:
    result = runner.invoke(
        app, ["check", "--land", "berlin", "--field", "password", "--", "A" * 21]
    )
    assert result.exit_code == 1
    verdict = json.loads(result.stdout)
    assert verdict["valid"] is False
    assert [v["rule"] for v in verdict["violations"]] == [
        "password.max_length",
        "password.character_classes",
    ]


def test_check_exits_zero_when_value_is_valid() -> None:
    result = runner.invoke(
        app, ["check", "--land", "hamburg", "--field", "house_number", "--", "12a-c"]
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["valid"] is True


def test_check_never_echoes_the_value_when_it_is_a_password() -> None:
    secret = "Geheim!Passwort99"
    result = runner.invoke(app, ["check", "--land", "hamburg", "--field", "password", "--", secret])
    assert secret not in result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["--land", "bremen", "--field", "password"], "sachsen-anhalt"),
     (["--land", "berlin", "--field", "pin"], "house_number"),
     (["--land", "berlin", "--field", "password", "--reading", "nonsense"], "ID=READING")],
)  # fmt: skip
def test_check_exits_two_naming_valid_choices_when_name_is_unknown(
    args: list[str], expected: str
) -> None:
    result = runner.invoke(app, ["check", *args, "--", "x"])
    assert result.exit_code == 2
    assert expected in result.stderr


def test_batch_answers_one_line_per_input_line_in_order_when_some_lines_are_bad() -> None:
    lines = [
        {"land": "berlin", "field": "password", "value": "ABab1234"},
        "not json",
        {"land": "bremen", "field": "password", "value": "ABab1234"},
        "",
        {"land": "hamburg", "field": "postbox"},
        {"land": "hamburg", "field": "postbox", "value": "123"},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    result = runner.invoke(app, ["check", "--batch"], input=stdin)
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["line"] for o in out] == [1, 2, 3, 4, 5, 6]
    assert out[0]["valid"] is True
    assert "error" in out[1]
    assert "error" in out[3]
    assert "sachsen-anhalt" in out[2]["error"]
    assert "value" in out[4]["error"]
    assert out[5]["valid"] is False


def test_batch_applies_line_readings_when_given() -> None:
    record = {"land": "sachsen-anhalt", "field": "org_name", "value": "A, B",
              "readings": {"org_name.excluded_characters": "with-quote-and-comma"}}  # fmt: skip
    result = runner.invoke(app, ["check", "--batch"], input=json.dumps(record) + "\n")
    assert json.loads(result.stdout)["valid"] is False


def test_rules_json_lists_provenance_for_every_stated_land_when_asked() -> None:
    result = runner.invoke(app, ["rules", "--json"])
    assert result.exit_code == 0
    rules = json.loads(result.stdout)
    assert len(rules) >= 20
    for rule in rules:
        assert rule["lands"], rule["id"]
        assert set(rule["lands"]) | set(rule["not_stated"]) == set(LANDS)
        for statement in rule["lands"].values():
            assert all(quote_occurs(statement["seed"], q) for q in statement["quotes"])


def test_rules_filters_by_land_and_family_when_asked() -> None:
    result = runner.invoke(app, ["rules", "--json", "--land", "berlin", "--family", "fields"])
    rules = json.loads(result.stdout)
    assert {r["family"] for r in rules} == {"fields"}
    assert all(set(r["lands"]) <= {"berlin"} for r in rules)
    assert any(r["id"] == "address.forbidden_chars" for r in rules)


def test_rules_csv_has_one_row_per_rule_and_land_when_asked() -> None:
    result = runner.invoke(app, ["rules", "--csv", "--land", "hamburg", "--land", "berlin"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {row["land"] for row in rows} == {"hamburg", "berlin"}
    assert len(rows) % 2 == 0


def test_rules_exits_two_when_family_is_unknown() -> None:
    result = runner.invoke(app, ["rules", "--family", "colours"])
    assert result.exit_code == 2
    assert "organisations" in result.stderr


def test_diff_shows_the_differences_with_quotes_when_berlin_meets_hamburg() -> None:
    result = runner.invoke(app, ["diff", "berlin", "hamburg", "--json"])
    diffs = {d["id"]: d for d in json.loads(result.stdout)}
    assert diffs["password.max_length"]["berlin"]["value"] == "max=20"
    assert diffs["password.max_length"]["hamburg"]["value"] == "max=40"
    assert diffs["password.max_length"]["berlin"]["quotes"]
    assert (
        diffs["session.idle_timeout"]["berlin"]["value"],
        diffs["session.idle_timeout"]["hamburg"]["value"],
    ) == ("minutes=25", "minutes=20")
    assert (
        diffs["payment.window"]["berlin"]["value"],
        diffs["payment.window"]["hamburg"]["value"],
    ) == ("minutes=120", "minutes=20")
    assert (
        diffs["org.admins.max"]["berlin"]["value"],
        diffs["org.admins.max"]["hamburg"]["value"],
    ) == ("max=2", "max=unlimited")
    assert "password.min_length" not in diffs


def test_diff_exits_two_when_land_is_unknown() -> None:
    assert runner.invoke(app, ["diff", "berlin", "bayern"]).exit_code == 2


def test_command_runs_batch_in_a_process_when_piped() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "skc", "check", "--batch"],
        input='{"land": "berlin", "field": "password", "value": "x"}\n',
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(proc.stdout)["valid"] is False


@pytest.mark.parametrize(
    "args",
    [["coverage", "--land", "bayern"], ["rules", "--land", "bayern"], ["serve", "--land", "x"]],
)
def test_unknown_land_is_one_error_line_listing_the_lands_and_exit_2_in_every_command(
    args: list[str],
) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "valid: sachsen-anhalt, gemeinsam-online, hamburg, berlin, niedersachsen" in (
        result.output
    )


def test_console_script_turns_bad_input_no_command_caught_into_exit_2_when_raised(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from skc.conformance import cli
    from skc.model.errors import InputError

    def broken() -> None:
        raise InputError("portal.yaml:3: something the command did not catch")

    monkeypatch.setattr(cli, "app", broken)
    with pytest.raises(SystemExit) as ended:
        cli.main()
    assert ended.value.code == 2
    assert "error: portal.yaml:3: something the command did not catch" in capsys.readouterr().err
