"""Reporters: the results stream survives a kill; JUnit, HTML and the DataFrame tell the truth."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from skc.conformance.reports import (
    ResultStream,
    load_results,
    read_records,
    write_html,
    write_junit,
)
from skc.model.errors import InputError

QUOTE = 'Das Passwort darf höchstens 20 Zeichen <lang> & "sicher" sein.'
REPLAY = "skc replay --seed 7 --check fields.password --land berlin"


def header(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "run",
        "run_id": "run-1",
        "target": "inprocess",
        "lands": ["berlin", "bayern"],
        "seed": 7,
        "fault": None,
        "suites": ["fields"],
        "hypothesis_profile": "dev",
        "started": "2024-05-01T10:00:00+00:00",
    }
    return record | changes


def result(verdict: str = "pass", **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "result",
        "suite": "fields",
        "check": "fields.password",
        "rule": "password.max_length",
        "family": "fields",
        "land": "berlin",
        "verdict": verdict,
        "expected": "rejected",
        "observed": "accepted" if verdict == "fail" else "rejected",
        "example": ["password = 'a' * 21"],
        "replay": REPLAY,
        "reason": "",
        "seed_file": "berlin.txt",
        "quotes": [QUOTE],
        "duration_s": 0.25,
        "expected_failure": None,
    }
    return record | changes


def summary(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "summary",
        "counts": {"pass": 1, "fail": 2, "inconclusive": 1, "error": 1, "not-applicable": 1},
        "certification": {
            "berlin": {
                "passed": ["password.min_length"],
                "failed": ["password.max_length"],
                "not_applicable": [],
                "inconclusive": [],
                "error": [],
                "not_covered": ["session.idle_timeout"],
            }
        },
        "finished": "2024-05-01T10:01:00+00:00",
        "duration_s": 60.0,
    }
    return record | changes


def mixed_run() -> list[dict[str, Any]]:
    return [
        header(),
        result("pass", rule="password.min_length"),
        result("fail"),
        result("error", check="fields.email", rule="email.format", reason="connection reset"),
        result("inconclusive", family="times", suite="times", rule="session.idle_timeout"),
        result("not-applicable", land="bayern", rule="org.admins.last_admin_undeletable"),
        result("fail", rule="password.charset", expected_failure="portal allows umlauts"),
        summary(),
    ]


def test_stream_keeps_every_line_when_read_mid_run(tmp_path: Path) -> None:
    path = tmp_path / "out" / "results.jsonl"
    with ResultStream(path) as stream:
        stream.write(header())
        stream.write(result("fail", observed="Zugang gewährt"))
        assert read_records(path) == [header(), result("fail", observed="Zugang gewährt")]
    assert "gewährt" in path.read_text(encoding="utf-8")


def test_stream_refuses_to_write_when_not_open(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="not open"):
        ResultStream(tmp_path / "results.jsonl").write(header())


def test_truncated_last_line_is_skipped_when_the_run_was_killed(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    with ResultStream(path) as stream:
        stream.write(header())
        stream.write(result())
    with path.open("ab") as file:
        file.write(b'{"type": "result", "suite": "fie')
    assert [record["type"] for record in read_records(path)] == ["run", "result"]


def test_malformed_middle_line_raises_input_error_when_read(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text('{"type": "run"}\n{"type": \n{"type": "result"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"results\.jsonl:2: not valid JSON"):
        read_records(path)


def test_non_object_line_raises_input_error_when_read(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text('{"type": "run"}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"results\.jsonl:2: expected a JSON object"):
        read_records(path)


def test_junit_counts_each_verdict_when_the_run_is_mixed(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    write_junit(mixed_run(), path)
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    assert {key: root.get(key) for key in ("tests", "failures", "errors", "skipped")} == {
        "tests": "6",
        "failures": "1",
        "errors": "1",
        "skipped": "3",
    }
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert set(suites) == {"berlin.fields", "berlin.times", "bayern.fields"}
    berlin = suites["berlin.fields"]
    assert (berlin.get("tests"), berlin.get("failures"), berlin.get("errors")) == ("4", "1", "1")
    assert berlin.get("skipped") == "1"
    assert berlin.get("time") == "1.000"
    failure = root.find(".//testcase[@name='fields.password [password.max_length]']/failure")
    assert failure is not None
    assert failure.text is not None
    assert REPLAY in failure.text
    assert QUOTE in failure.text
    case = root.find(".//testcase[@name='fields.password [password.max_length]']")
    assert case is not None
    assert case.get("classname") == "berlin.fields"


def test_junit_skips_the_result_when_the_failure_is_expected(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    write_junit([header(), result("fail", expected_failure="known deviation")], path)
    root = ET.parse(path).getroot()
    skipped = root.find(".//testcase/skipped")
    assert skipped is not None
    assert skipped.get("message") == "expected failure: known deviation"
    assert (root.get("failures"), root.get("skipped")) == ("0", "1")


def test_junit_fails_the_result_when_an_expected_failure_passes(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    write_junit([header(), result("pass", expected_failure="known deviation")], path)
    assert ET.parse(path).getroot().get("failures") == "1"


def test_junit_stays_well_formed_when_output_has_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    write_junit([header(), result("fail", observed="a\x00b\x1b[0m")], path)
    failure = ET.parse(path).getroot().find(".//failure")
    assert failure is not None
    assert failure.text is not None
    assert "a\\x00b\\x1b[0m" in failure.text


def test_junit_replaces_the_old_file_whole_when_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text("old", encoding="utf-8")
    write_junit(mixed_run(), path)
    assert ET.parse(path).getroot().tag == "testsuites"
    assert [entry.name for entry in tmp_path.iterdir()] == ["junit.xml"]


def test_html_is_one_self_contained_file_when_written(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    write_html(mixed_run(), path)
    assert [entry.name for entry in tmp_path.iterdir()] == ["report.html"]
    page = path.read_text(encoding="utf-8")
    assert "Das Passwort darf höchstens 20 Zeichen &lt;lang&gt; &amp; &quot;sicher&quot;" in page
    assert QUOTE not in page
    assert '<blockquote lang="de">' in page
    assert "berlin.txt" in page
    assert f"<code>{REPLAY}</code>" in page
    assert "<pre>password = &#x27;a&#x27; * 21</pre>" in page
    assert "connection reset" in page
    assert "<link" not in page
    assert "src=" not in page
    assert "url(" not in page
    assert "http" not in page.replace("http-equiv", "")
    assert "run did not finish" not in page


def test_html_shows_every_finding_when_the_run_has_some(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    write_html(mixed_run(), path)
    page = path.read_text(encoding="utf-8")
    assert page.count('<article class="finding') == 2
    assert page.count('<tr class="unobserved" data-land="berlin" data-verdict="inconclusive"') == 1
    assert page.count('<tr data-land="berlin" data-verdict="inconclusive"') == 1
    assert "portal allows umlauts" in page


def test_html_says_the_run_did_not_finish_when_the_summary_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    write_html(mixed_run()[:-1], path)
    page = path.read_text(encoding="utf-8")
    assert "run did not finish" in page
    assert "No certification summary" in page


def test_frame_has_one_row_per_result_when_loaded_from_a_directory(tmp_path: Path) -> None:
    with ResultStream(tmp_path / "results.jsonl") as stream:
        for record in mixed_run():
            stream.write(record)
    frame = load_results(tmp_path)
    assert len(frame) == 6
    assert list(frame.columns[:4]) == ["run_id", "target", "seed", "fault"]
    assert set(frame["run_id"]) == {"run-1"}
    assert "type" not in frame.columns
    assert isinstance(frame["verdict"].dtype, pd.CategoricalDtype)
    assert list(frame["verdict"].cat.categories) == [
        "pass",
        "fail",
        "inconclusive",
        "error",
        "not-applicable",
    ]
    assert frame["verdict"].value_counts()["fail"] == 2


def test_frame_raises_input_error_when_the_file_is_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"results\.jsonl"):
        load_results(tmp_path)


def test_frame_raises_input_error_when_a_verdict_is_unknown(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    with ResultStream(path) as stream:
        stream.write(header())
        stream.write(result("passed"))
    with pytest.raises(InputError, match="'passed'"):
        load_results(path)
