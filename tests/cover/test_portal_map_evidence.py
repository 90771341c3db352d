from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import pytest

from skc.conformance.adapters import Connection, InProcessAdapter, Value
from skc.conformance.events import Broadcast
from skc.conformance.faults import parse_fault
from skc.conformance.lockstep import Lockstep, StepFailure
from skc.conformance.profile import reference_profile
from skc.conformance.reports import read_records, render_html
from skc.conformance.runner import RunConfig, Session, file_handlers
from skc.conformance.steps import Step
from skc.conformance.suites.fields import field_checks
from skc.conformance.verdicts import Verdict
from skc.model.sim.outcome import Outcome

CHECK = "fields/password/password.max_length"


class EvidenceAdapter(InProcessAdapter):
    """A faulty reference portal that keeps a screenshot and a trace, as the browser does."""

    def __init__(self, tmp: Path) -> None:
        super().__init__("hamburg", fault=parse_fault("hamburg-password-max-39"))
        self.tmp = tmp
        self.collected: list[Path | None] = []

    def collect_evidence(self, dest: Path | None) -> tuple[Path, ...]:
        self.collected.append(dest)
        if dest is None:
            return ()
        dest.mkdir(parents=True)
        (dest / "screenshot.png").write_bytes(b"\x89PNG")
        (dest / "trace.zip").write_bytes(b"PK")
        return (dest / "screenshot.png", dest / "trace.zip")


def _session(tmp_path: Path, adapter: EvidenceAdapter) -> Session:
    out = tmp_path / "out"
    out.mkdir()
    config = RunConfig(lands=("hamburg",), seed=1, suites=("fields",), out=out,
                       hypothesis_profile="live")  # fmt: skip
    session = Session(config, Broadcast(file_handlers(out)))
    session.adapters["hamburg"] = adapter
    return session


def test_finding_carries_its_screenshot_and_trace_into_the_report_when_the_adapter_keeps_them(
    tmp_path: Path,
) -> None:
    adapter = EvidenceAdapter(tmp_path)
    session = _session(tmp_path, adapter)
    session.start()
    valid = next(c for c in field_checks("hamburg") if c.id == "fields/house_number/valid")
    breaker = next(c for c in field_checks("hamburg") if c.id == CHECK)
    passed = session.run_check("hamburg", valid).results
    failed = session.run_check("hamburg", breaker).results
    session.finish()
    session.handler.close()
    assert {r.verdict for r in passed} == {Verdict.PASS}
    assert passed[0].evidence == ()
    assert failed[0].verdict is Verdict.FAIL
    folder = "evidence/hamburg-fields-password-password.max_length"
    assert failed[0].evidence == (f"{folder}/screenshot.png", f"{folder}/trace.zip")
    assert adapter.collected[0] is None  # a pass keeps nothing
    page = render_html(read_records(tmp_path / "out" / "results.jsonl"))
    assert f'<img src="{folder}/screenshot.png"' in page
    assert f"playwright show-trace --port 0 {folder}/trace.zip" in page


class _Marked:
    """A connection that counts how often the harness marks its example as a finding."""

    def __init__(self, inner: Connection) -> None:
        self.inner, self.marked = inner, 0

    def call(self, operation: str, arguments: Mapping[str, Value]) -> Outcome:
        return self.inner.call(operation, arguments)

    def advance_clock(self, delta: timedelta) -> None:
        self.inner.advance_clock(delta)

    def captured_token(self, address: str, kind: str) -> str | None:
        return self.inner.captured_token(address, kind)

    def mark_finding(self) -> None:
        self.marked += 1

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize(("length", "marked"), [(40, 1), (12, 0)])
def test_lockstep_marks_the_connection_of_a_finding_only(length: int, marked: int) -> None:
    target = _Marked(
        InProcessAdapter("hamburg", fault=parse_fault("hamburg-password-max-39")).connect()
    )
    model = InProcessAdapter("hamburg").connect()
    step = Step(do="register_citizen", args={
        "email": "a@example.org", "password": "Aa1!" + "b" * (length - 4), "first_name": "A",
        "last_name": "B", "consent": True,
    })  # fmt: skip
    with (
        contextlib.suppress(StepFailure),
        Lockstep(target, model, reference_profile("hamburg")) as pair,
    ):
        pair.run(step)
    assert target.marked == marked
