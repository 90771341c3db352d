"""Real e-mail: skc serve sends its mails over SMTP, the harness's aiosmtpd sink receives them
and the HTTP adapter reads the links from them; the scenarios pass that way."""

from __future__ import annotations

from pathlib import Path

import pytest

from skc.conformance.adapters.mailsink import sink_at
from skc.conformance.profile import reference_profile
from skc.conformance.runner import RunConfig, run
from skc.service import ServeOptions, build_app
from skc.service.testing import free_port, serving

pytestmark = pytest.mark.slow
TOKEN = "mail-token"


def test_scenarios_pass_when_the_links_come_by_smtp_into_the_harnesss_sink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKC_TEST_TOKEN", TOKEN)
    port = free_port()
    sink = f"127.0.0.1:{port}"
    profile = reference_profile("berlin").model_copy(update={"parameters": {"smtp_sink": sink}})
    options = ServeOptions(land="berlin", db=None, test_hooks=True, test_token=TOKEN, smtp=sink)
    with serving(build_app(options)) as url:
        config = RunConfig(lands=("berlin",), seed=5, target=url, out=tmp_path / "out",
                           suites=("scenarios",), profile=profile)  # fmt: skip
        report = run(config)
    received = sink_at("127.0.0.1", port).received
    assert report.ok, report.summary.status_reason
    assert report.counts.get("pass", 0) > 20
    assert received > 10  # the activation and reset links came through the sink
