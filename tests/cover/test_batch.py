"""``skc check --batch`` reads bytes: bad UTF-8 or huge lines get an error line, in any locale."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from skc.conformance import batch
from skc.conformance.batch import MAX_LINE_BYTES, read_lines, run_batch
from skc.model.ambiguity import Readings, default_readings

GOOD = b'{"land": "berlin", "field": "password", "value": "ABab1234"}'
UMLAUT = '{"land": "hamburg", "field": "org_email", "value": "m\u00fcller@example.org"}'.encode()


def _answers(stdin: bytes) -> list[dict[str, object]]:
    sink = io.BytesIO()
    run_batch(io.BytesIO(stdin), sink, default_readings())
    return [json.loads(line) for line in sink.getvalue().decode("utf-8").splitlines()]


def test_invalid_utf8_line_gets_an_error_naming_it_when_the_batch_goes_on() -> None:
    out = _answers(GOOD + b"\n" + b'{"land": "berlin", "value": "\xff\xfe"}\n' + GOOD + b"\n")
    assert [o["line"] for o in out] == [1, 2, 3]
    assert out[0]["valid"] is True
    assert out[1]["error"] == ("line 2: not valid UTF-8 (byte 0xff at column 30); send UTF-8")
    assert out[2]["valid"] is True


def test_every_input_line_gets_exactly_one_answer_when_it_holds_a_carriage_return() -> None:
    out = _answers(b'{"land": "berlin",\r "field": "password", "value": "x"}\n\r\n' + GOOD)
    assert [o["line"] for o in out] == [1, 2, 3]
    assert out[0]["valid"] is False
    assert "error" in out[1]
    assert out[2]["valid"] is True


def test_line_longer_than_the_limit_gets_an_error_when_the_next_line_is_answered() -> None:
    huge = b'{"land": "berlin", "field": "password", "value": "' + b"a" * MAX_LINE_BYTES + b'"}'
    out = _answers(huge + b"\n" + GOOD + b"\n")
    assert [o["line"] for o in out] == [1, 2]
    assert out[0]["error"] == "line 1: longer than 64 KiB; expected one JSON object"
    assert out[1]["valid"] is True


def test_reader_keeps_a_line_of_exactly_the_limit_when_it_ends_in_a_newline() -> None:
    line = b"x" * MAX_LINE_BYTES + b"\n"
    assert list(read_lines(io.BytesIO(line + line[:-1]))) == [line, line[:-1]]


def test_readings_cache_of_the_batch_stays_bounded_when_lines_choose_readings() -> None:
    lines = [
        json.dumps({"land": "sachsen-anhalt", "field": "password", "value": "ab",
                    "readings": {"password.sachsen_anhalt_criteria_count": reading}}).encode()
        for reading in ("two-of-three", "all-three", "advisory")
    ]  # fmt: skip
    out = _answers(b"\n".join(lines) + b"\n")
    assert [o["line"] for o in out] == [1, 2, 3]
    info = batch._line_readings.cache_info()
    assert info.maxsize is not None
    assert batch._line_readings(default_readings(), ()) == Readings()


@pytest.mark.parametrize(
    "env",
    [
        {"LC_ALL": "C", "LANG": "C"},
        {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii:strict"},
        {"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "latin-1:strict"},
    ],
    ids=["c-locale", "ascii-io", "latin-1-io"],
)
def test_command_answers_invalid_utf8_and_umlauts_when_the_locale_is_not_utf8(
    env: dict[str, str],
) -> None:
    stdin = GOOD + b"\n\xc3\x28 not utf-8\n" + UMLAUT + b"\n"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIO"))}
    proc = subprocess.run(
        [sys.executable, "-m", "skc", "check", "--batch"],
        input=stdin, capture_output=True, env={**base, **env}, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    out = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert [o["line"] for o in out] == [1, 2, 3]
    assert out[1]["error"].startswith("line 2: not valid UTF-8 (byte 0xc3 at column 1)")
    violations = out[2]["violations"]
    assert isinstance(violations, list)
    assert "Umlaute" in violations[0]["message_de"]
    assert "müller" not in proc.stdout.decode("utf-8")
