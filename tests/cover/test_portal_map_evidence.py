from __future__ import annotations

from pathlib import Path

from skc.conformance.adapters import InProcessAdapter
from skc.conformance.events import Broadcast
from skc.conformance.faults import parse_fault
from skc.conformance.reports import read_records, render_html
from skc.conformance.runner import RunConfig, Session, file_handlers
from skc.conformance.suites.fields import field_checks
from skc.conformance.verdicts import Verdict

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
