"""The batch streams: answers written in chunks, equal to single checks, memos bounded."""

from __future__ import annotations

import io
import json

import pytest

from skc.conformance import batch
from skc.conformance.batch import WRITE_LINES, run_batch
from skc.model.validators import validate

VALUES = ["ABab1234", "ab", "a b<", "Ab1" * 15, "Äb1\U0001f600xxxx", "", "x@y.de", "12a-c"]
FIELDS = ["password", "email", "house_number"]


class _CountingSink(io.BytesIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.writes += 1
        return super().write(data)


def _lines(count: int) -> list[dict[str, str]]:
    return [
        {"land": ("berlin", "sachsen-anhalt")[i % 2], "field": FIELDS[i % 3],
         "value": VALUES[i % len(VALUES)]}
        for i in range(count)
    ]  # fmt: skip


def test_answers_equal_single_checks_and_are_written_in_chunks_when_lines_are_many() -> None:
    records = _lines(WRITE_LINES * 2 + 5)
    sink = _CountingSink()
    source = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    assert run_batch(io.BytesIO(source), sink) == len(records)
    assert sink.writes == 3
    for number, (record, line) in enumerate(
        zip(records, sink.getvalue().splitlines(), strict=True), 1
    ):
        expected = validate(record["land"], record["field"], record["value"], explain_readings=True)
        assert json.loads(line) == {**expected.to_json(), "line": number}


def test_encoded_verdicts_stay_bounded_when_lines_have_many_verdicts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(batch, "_MEMO_LIMIT", 3)
    answers = batch._Answers(None)
    raw = [json.dumps(r).encode() for r in _lines(60)]
    out = [json.loads(line) for line in answers.answers(raw)]
    assert len(answers.encoded) <= 3
    assert sum(len(by_field) for by_field in answers.fields.values()) == 6
    assert [o["line"] for o in out] == list(range(1, 61))
    assert out[0]["valid"] is True


def test_line_with_unhashable_names_gets_an_error_when_the_batch_goes_on() -> None:
    source = (
        b'{"land": ["berlin"], "field": {}, "value": "x"}\n'
        b'{"land": "berlin", "field": "postbox", "value": "1234"}\n'
    )
    sink = io.BytesIO()
    run_batch(io.BytesIO(source), sink)
    first, second = (json.loads(line) for line in sink.getvalue().splitlines())
    assert first == {"error": "line 1: expected string values for land, field", "line": 1}
    assert second["valid"] is True
