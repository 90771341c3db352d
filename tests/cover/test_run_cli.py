from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skc.conformance.cli import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["run", "--no-progress", *args])
    return result.exit_code, result.output


def test_run_writes_all_three_reports_when_a_scenario_runs(tmp_path: Path) -> None:
    code, output = _run(
        "--land", "hamburg", "--suite", "scenarios", "--seed", "5", "--out", str(tmp_path),
        "--replay", "scenarios/session-timeout",
    )  # fmt: skip
    assert code == 0, output
    lines = (tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()
    kinds = [json.loads(line)["type"] for line in lines]
    assert kinds[0] == "run"
    assert kinds[-1] == "summary"
    assert "result" in kinds
    assert (tmp_path / "junit.xml").read_text(encoding="utf-8").startswith("<?xml")
    assert "session.idle_timeout" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "seed 5" in output


def test_run_exits_one_and_prints_replay_when_a_fault_is_found(tmp_path: Path) -> None:
    code, output = _run(
        "--fault", "hamburg-timeout-21-minutes", "--suite", "scenarios", "--seed", "5",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert code == 1
    assert "session.idle_timeout" in output
    assert "--replay scenarios/session-timeout" in output


@pytest.mark.parametrize(
    ("option", "content", "where"),
    [
        ("--profile", "land: berlin\ncapabilities:\n  telepathy: true\n", ":3:"),
        ("--expected-failures", "- land: berlin\n  rule: password.max_length\n", ":1:"),
        ("--expected-failures", "- land: berlin\n  rule: no.such.rule\n  reason: x\n", ":2:"),
    ],
)
def test_run_exits_two_naming_file_and_line_when_an_input_file_is_bad(
    tmp_path: Path, option: str, content: str, where: str
) -> None:
    path = tmp_path / "input.yaml"
    path.write_text(content, encoding="utf-8")
    code, output = _run("--land", "berlin", option, str(path), "--out", str(tmp_path / "out"))
    assert code == 2
    assert f"input.yaml{where}" in output.replace("\n", "")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        ("title: x\nsteps:\n  - do: log_in\n    rule: login.email_is_username\n", ":3:", "log_in"),
        ("title: x\nsteps:\n  - do: ping\n    with: {session: $s}\n"
         "    rule: session.idle_timeout\n", ":3:", "$s is used before"),
        ("title: x\nlands: [bremen]\nsteps:\n  - do: wait\n", ":2:", "valid: sachsen-anhalt"),
        ("title: x\nsteps:\n  - do: login\n    with: {email: a@b.de}\n"
         "    rule: login.email_is_username\n",
         ":3:", "needs password"),
    ],
)  # fmt: skip
def test_run_exits_two_naming_file_and_line_when_a_scenario_is_bad(
    tmp_path: Path, content: str, where: str, message: str
) -> None:
    (tmp_path / "bad.yaml").write_text(content, encoding="utf-8")
    code, output = _run("--land", "berlin", "--scenarios", str(tmp_path))
    flat = output.replace("\n", "")
    assert code == 2
    assert f"bad.yaml{where}" in flat
    assert message in flat


def test_run_exits_two_listing_valid_names_when_a_name_is_unknown() -> None:
    assert "valid: fields, scenarios" in _run("--suite", "speed")[1].replace("\n", "")
    assert "berlin-timeout-20-minutes" in _run("--fault", "nope")[1].replace("\n", "")
    assert _run("--target", "carrier-pigeon", "--land", "berlin")[0] == 2


def _profile(tmp_path: Path, land: str) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(f"land: {land}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--land", "berlin", "--fault", "hamburg-timeout-21-minutes"], "is a fault of hamburg"),
        (["--land", "berlin", "--land", "berlin"], "given twice"),
        (["--land", "all", "--land", "berlin"], "cannot be combined"),
        (["--land", "berlin", "--scenarios", "/nonexistent/scenarios"], "no such directory"),
        (["--suite", "fields", "--suite", "fields"], "given twice"),
    ],
)
def test_run_exits_two_before_writing_anything_when_options_conflict(
    tmp_path: Path, args: list[str], message: str
) -> None:
    code, output = _run(*args, "--out", str(tmp_path / "out"))
    assert code == 2, output
    assert message in output.replace("\n", " ")
    assert not (tmp_path / "out").exists()


def test_run_exits_two_when_the_profile_is_for_another_land(tmp_path: Path) -> None:
    code, output = _run(
        "--land", "berlin", "--profile", str(_profile(tmp_path, "hamburg")),
        "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert code == 2
    assert "profile.yaml:1: the profile describes a portal of hamburg" in output.replace("\n", "")


def test_run_exits_two_when_an_expected_failure_names_an_unplanned_check(tmp_path: Path) -> None:
    path = tmp_path / "known.yaml"
    path.write_text(
        "- land: berlin\n  rule: session.idle_timeout\n  check: scenarios/session-timout\n"
        "  reason: SKC-1\n",
        encoding="utf-8",
    )
    code, output = _run(
        "--land", "berlin", "--suite", "scenarios", "--expected-failures", str(path),
        "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert code == 2
    flat = output.replace("\n", "")
    assert "known.yaml:1" in flat
    assert "scenarios/session-timeout" in flat


@pytest.mark.parametrize("kind", ["file", "symlink", "read-only"])
def test_run_exits_two_when_the_output_path_is_unusable(tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    if kind == "file":
        out.write_text("not a directory", encoding="utf-8")
    elif kind == "symlink":
        (tmp_path / "elsewhere").mkdir()
        out.symlink_to(tmp_path / "elsewhere")
    else:
        out.mkdir()
        out.chmod(0o555)
    code, output = _run("--land", "berlin", "--suite", "scenarios", "--out", str(out))
    assert code == 2, output
    assert kind.replace("symlink", "symbolic link") in output.replace("\n", " ")
    assert not (tmp_path / "elsewhere" / "results.jsonl").exists()


def test_console_shows_markup_and_escapes_from_a_file_name_as_text(tmp_path: Path) -> None:
    scenarios = tmp_path / "[red]x[/red]\x1b[2J"
    code, output = _run("--land", "berlin", "--scenarios", str(scenarios))
    assert code == 2
    assert "[red]x[/red]" in output
    assert "\x1b" not in output
