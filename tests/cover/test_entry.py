"""``skc check`` answers its plain forms without the full command line, with the same output."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skc.conformance.cli import app
from skc.conformance.entry import fast_check
from skc.model.compiled_catalog import load_field_catalog, source_files

PLAIN = [
    ["--land", "berlin", "--field", "password", "--", "ABab1234"],
    ["--land=hamburg", "--field=email", "--", "müller@example.de"],
    ["--field", "house_number", "--land", "berlin", "--", "12 a"],
    ["--land", "sachsen-anhalt", "--field", "org_name", "Müller, Meier"],
    ["--land", "berlin", "--field", "password", "--", "--dash-first"],
    ["--land", "gemeinsam-online", "--field", "org_name", "--", ""],
    [
        "--land",
        "sachsen-anhalt",
        "--reading",
        "password.sachsen_anhalt_criteria_count=all-three",
        "--field",
        "password",
        "--",
        "ABab1234",
    ],
    [
        "--reading=text.length_unit=utf-16-units",
        "--reading",
        "email.validity=non-empty",
        "--land",
        "berlin",
        "--field",
        "password",
        "--",
        "Ab1\U0001f600xxxx",
    ],
]


@pytest.mark.parametrize("args", PLAIN)
def test_plain_check_prints_what_the_full_command_prints_when_answered_fast(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = fast_check(args)
    fast = capsys.readouterr().out
    full = CliRunner().invoke(app, ["check", *args])
    assert code == full.exit_code
    assert fast == full.stdout


@pytest.mark.parametrize(
    "args",
    [
        [], ["--help"], ["--land", "bremen", "--field", "password", "--", "x"],
        ["--land", "berlin", "--field", "pw", "--", "x"], ["--land", "berlin", "--", "x"],
        ["--land", "berlin", "--field", "password", "--reading", "a=b", "--", "x"],
        ["--land", "berlin", "--field", "password", "--reading", "text.length_unit", "--", "x"],
        ["--land", "berlin", "--field", "password", "--reading", "email.validity=no", "--", "x"],
        ["--land", "berlin", "--land", "hamburg", "--field", "password", "--", "x"],
        ["--land", "berlin", "--field", "password", "--", "x", "y"],
        ["--land", "berlin", "--field", "password", "x", "y"], ["--batch", "--land", "berlin"],
        ["--land", "berlin", "--field"], ["--profile", "p.yaml", "--batch"],
    ],
)  # fmt: skip
def test_full_command_line_answers_when_the_form_is_not_plain(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert fast_check(args) is None
    assert capsys.readouterr().out == ""


def test_batch_answers_stdin_when_given_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    stdout = io.BytesIO()
    lines = b'{"land": "berlin", "field": "password", "value": "ABab1234"}\n{"land": 1}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines)))
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(stdout))
    assert fast_check(["--batch"]) == 0
    out = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert [o.get("valid") for o in out] == [True, None]
    assert out[1]["error"] == "line 2: expected string values for land, field, value"


def test_check_loads_neither_pydantic_nor_typer_nor_yaml_when_the_cache_is_current(
    tmp_path: Path,
) -> None:
    load_field_catalog(tmp_path / "field-catalog.json", source_files())
    probe = (
        "import sys\nfrom skc.conformance.entry import fast_check\n"
        "code = fast_check(['--land', 'berlin', '--field', 'password', '--', 'ABab1234'])\n"
        "print(code, sorted({m.split('.')[0] for m in sys.modules} & "
        "{'pydantic', 'typer', 'rich', 'yaml', 'hypothesis'}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True,
        env={**os.environ, "SKC_CACHE_DIR": str(tmp_path)},
    )  # fmt: skip
    assert proc.stdout.splitlines()[-1] == "0 []"
