"""A real wall-clock probe (issue 12, item 5) against ``skc serve`` started without test hooks.

Opt-in (``./dev quality``): it waits in real time. The help texts' shortest non-zero limit is
20 minutes, and the served portal's clock without test hooks is a virtual one that real time
does not move, so the one limit short enough to wait out is a zero one: Sachsen-Anhalt frees a
deleted account's address at once. With a margin of 1 s, the probe waits 2 s between the wrong
and the right event and 1 s past the limit, over HTTP, with the mails read from an SMTP sink.
"""

from __future__ import annotations

import time

import pytest

from skc.conformance.profile import WallClock, reference_profile
from skc.conformance.runner import RunConfig, run
from skc.service import ServeOptions, build_app
from skc.service.testing import free_port, serving

pytestmark = pytest.mark.quality
RULE = "account.email_reuse_delay"


def test_wall_clock_probe_waits_in_real_time_against_skc_serve_without_test_hooks() -> None:
    sink = f"127.0.0.1:{free_port()}"
    options = ServeOptions(land="sachsen-anhalt", db=None, test_hooks=False, smtp=sink)
    wall = WallClock(margin_s=1, enabled=True, only=(RULE,))
    profile = reference_profile("sachsen-anhalt").model_copy(
        update={"parameters": {"smtp_sink": sink}, "wall_clock": wall}
    )
    with serving(build_app(options)) as url:
        config = RunConfig(
            lands=("sachsen-anhalt",), seed=1, target=url, out=None, suites=("timing",),
            only_check=f"timing/{RULE}", profile=profile,
        )  # fmt: skip
        began = time.monotonic()
        report = run(config)
        took = time.monotonic() - began
    assert report.counts.get("pass", 0) >= 1, report.results
    assert not report.counts.get("fail")
    assert not report.counts.get("error")
    assert not report.summary.accounts_left
    assert took >= 3  # the gap of 2 s and 1 s past the limit really passed, both sides at once
    assert took < 20
