"""JUnit XML for CI systems: one ``<testsuite>`` per (Land, suite), one ``<testcase>`` per result.

Verdicts map onto JUnit as follows::

    pass                          passed testcase
    fail                          <failure>  with expected, observed, example, replay, quotes
    fail + expected failure       <skipped message="expected failure: REASON">
    unexpected pass               <failure type="unexpected-pass"> in the testsuite
                                  "expected-failures": the deviation is gone
    error                         <error>    the harness or connection failed, not the portal
    inconclusive, not-applicable  <skipped message=REASON>

Class names are ``LAND.SUITE``, as in the pytest plugin's JUnit, so CI history from both can be
compared. Times are real: a check's time is counted once, shared among the results it gave (a
check that covered no rule the Land states still appears, as a passed testcase), and the root's
``time`` is the run's wall time; properties carry run, target, seed, fault and Land.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from skc.conformance.reports.stream import (
    RecordCollector,
    RunRecords,
    split_records,
    write_atomically,
)

if TYPE_CHECKING:
    from pathlib import Path

# Characters XML 1.0 cannot carry at all; ElementTree would write them and break the file.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(value: object) -> str:
    """The value as text XML can hold; forbidden characters become visible escapes."""
    text = "" if value is None else str(value)
    return _NOT_XML.sub(lambda match: ascii(match.group())[1:-1], text)


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value)


def _lines(record: Mapping[str, Any], key: str) -> list[str]:
    value = record.get(key) or []
    return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]


def _duration(record: Mapping[str, Any]) -> float:
    value = record.get("duration_s")
    return float(value) if isinstance(value, int | float) else 0.0


def _details(result: Mapping[str, Any]) -> str:
    """The body of a failure or error: everything a person needs to reproduce the verdict."""
    parts = [
        f"rule: {_text(result, 'rule')} (Land {_text(result, 'land')})",
        f"expected: {_text(result, 'expected')}",
        f"observed: {_text(result, 'observed')}",
    ]
    if reason := _text(result, "reason"):
        parts.append(f"reason: {reason}")
    if example := _lines(result, "example"):
        parts.append("example:\n" + "\n".join(f"  {line}" for line in example))
    if replay := _text(result, "replay"):
        parts.append(f"replay: {replay}")
    if quotes := _lines(result, "quotes"):
        source = _text(result, "seed_file") or "help text"
        parts.append(f"quotes ({source}):\n" + "\n".join(f"  > {quote}" for quote in quotes))
    return "\n".join(parts) + "\n"


def _summary_line(result: Mapping[str, Any]) -> str:
    return _text(result, "reason") or (
        f"expected {_text(result, 'expected')}; observed {_text(result, 'observed')}"
    )


def _outcome(case: ET.Element, result: Mapping[str, Any]) -> str:
    """Add the verdict's child element to the testcase; return the counter it adds to."""
    verdict = result.get("verdict")
    expected_failure = result.get("expected_failure")
    if expected_failure is not None and verdict == "fail":
        ET.SubElement(case, "skipped", message=_xml(f"expected failure: {expected_failure}"))
        return "skipped"
    if expected_failure is not None and verdict == "pass":
        failure = ET.SubElement(
            case,
            "failure",
            message=_xml(f"passed, but listed as expected failure: {expected_failure}"),
            type="unexpected-pass",
        )
        failure.text = _xml(
            "The deviation is gone: remove this entry from the expected-failures file.\n"
        )
        return "failures"
    if verdict == "fail":
        failure = ET.SubElement(case, "failure", message=_xml(_summary_line(result)), type="fail")
        failure.text = _xml(_details(result))
        return "failures"
    if verdict == "error":
        message = _text(result, "reason") or _text(result, "observed") or "harness error"
        error = ET.SubElement(case, "error", message=_xml(message), type="error")
        error.text = _xml(_details(result))
        return "errors"
    if verdict in ("inconclusive", "not-applicable"):
        ET.SubElement(case, "skipped", message=_xml(_text(result, "reason") or str(verdict)))
        return "skipped"
    return "passed"


def _set_counts(element: ET.Element, counts: Mapping[str, int], seconds: float) -> None:
    element.set("tests", str(sum(counts.values())))
    for key in ("failures", "errors", "skipped"):
        element.set(key, str(counts.get(key, 0)))
    element.set("time", f"{seconds:.3f}")


def _check_times(run: RunRecords) -> dict[tuple[str, str], float]:
    """Per (Land, check) the share of its time each of its results carries."""
    shares: dict[tuple[str, str], float] = {}
    for check in run.checks:
        key = (_text(check, "land"), _text(check, "check"))
        results = check.get("results")
        if isinstance(results, int) and results > 0:
            shares[key] = _duration(check) / results
    return shares


def _silent_checks(run: RunRecords) -> list[dict[str, Any]]:
    """Checks that ran and gave no result (they covered no rule the Land states), as passes."""
    silent: list[dict[str, Any]] = []
    for check in run.checks:
        if check.get("results") != 0:
            continue
        land = _text(check, "land")
        silent.append(
            {
                "land": land,
                "suite": _text(check, "suite"),
                "check": _text(check, "check"),
                "rule": "no stated rule",
                "verdict": "pass",
                "duration_s": _duration(check),
                "note": f"the check ran and covered no rule the help text of {land} states",
            }
        )
    return silent


def build_junit(records: Sequence[Mapping[str, Any]]) -> ET.Element:
    """The ``<testsuites>`` element for a run's records."""
    run = split_records(records)
    header = run.header or {}
    root = ET.Element("testsuites", name=_xml(f"conformance {_text(header, 'run_id')}".strip()))
    shares = _check_times(run)
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for result in [*run.results, *_silent_checks(run)]:
        which = (_text(result, "land"), _text(result, "check"))
        if which in shares:
            result = {**result, "duration_s": shares[which]}
        groups.setdefault((_text(result, "land"), _text(result, "suite")), []).append(result)
    totals: dict[str, int] = {}
    total_time = 0.0
    for (land, suite), results in groups.items():
        element = ET.SubElement(root, "testsuite", name=_xml(f"{land}.{suite}"))
        if started := _text(header, "started"):
            element.set("timestamp", _xml(started))
        properties = ET.SubElement(element, "properties")
        for key in ("run_id", "target", "seed", "fault", "hypothesis_profile"):
            ET.SubElement(properties, "property", name=key, value=_xml(header.get(key)))
        ET.SubElement(properties, "property", name="land", value=_xml(land))
        counts: dict[str, int] = {}
        seconds = 0.0
        for result in results:
            case = ET.SubElement(
                element,
                "testcase",
                classname=_xml(f"{land}.{suite}"),
                name=_xml(f"{_text(result, 'check')} [{_text(result, 'rule')}]"),
                time=f"{_duration(result):.3f}",
            )
            kind = _outcome(case, result)
            out = [f"warning: {warning}\n" for warning in _lines(result, "warnings")]
            if note := _text(result, "note"):
                out.append(f"{note}\n")
            if out:
                ET.SubElement(case, "system-out").text = _xml("".join(out))
            counts[kind] = counts.get(kind, 0) + 1
            seconds += _duration(result)
        _set_counts(element, counts, seconds)
        for kind, count in counts.items():
            totals[kind] = totals.get(kind, 0) + count
        total_time += seconds
    wall = (run.summary or {}).get("duration_s")
    _set_counts(root, totals, float(wall) if isinstance(wall, int | float) else total_time)
    _unexpected_passes(root, run)
    return root


def _unexpected_passes(root: ET.Element, run: RunRecords) -> None:
    """One failing testcase per expected failure that no longer fails."""
    if not run.unexpected_passes:
        return
    element = ET.SubElement(root, "testsuite", name="expected-failures")
    for entry in run.unexpected_passes:
        check = _text(entry, "check") or "any check"
        case = ET.SubElement(
            element,
            "testcase",
            classname=_xml(f"{_text(entry, 'land')}.expected-failures"),
            name=_xml(f"{check} [{_text(entry, 'rule')}]"),
            time="0.000",
        )
        failure = ET.SubElement(
            case,
            "failure",
            message=_xml(f"listed as expected failure but did not fail: {_text(entry, 'reason')}"),
            type="unexpected-pass",
        )
        failure.text = _xml(
            "The deviation is gone: remove this entry from the expected-failures file.\n"
        )
    _set_counts(element, {"failures": len(run.unexpected_passes)}, 0.0)
    for key in ("tests", "failures"):
        root.set(key, str(int(root.get(key, "0")) + len(run.unexpected_passes)))


class JunitHandler(RecordCollector):
    """Writes ``junit.xml`` when the run is closed (finished, interrupted or crashed)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def close(self) -> None:
        """Render the collected records."""
        write_junit(self.records, self.path)


def write_junit(records: Sequence[Mapping[str, Any]], path: Path) -> None:
    """Write the run's records as JUnit XML to ``path``, atomically."""
    root = build_junit(records)
    ET.indent(root)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    write_atomically(path, data)


__all__ = ["JunitHandler", "build_junit", "write_junit"]
