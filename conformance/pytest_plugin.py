"""The harness as a pytest plugin: ``pytest --skc-target inprocess --skc-land berlin``.

Each check of each chosen Land becomes one test item, so a portal's own CI gets pass / fail
per rule with pytest's usual reporting (``--junitxml``, ``-k``, ``-x``). A ``fail`` or ``error``
fails the item with the finding (rule, help-text quote, expected vs observed, minimal example,
replay command); ``not-applicable`` and ``inconclusive`` skip it with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skc.conformance.runner import RunConfig, adapter_for, plan, result_records
from skc.conformance.steps import secret_values
from skc.conformance.suites.base import Check, CheckContext
from skc.conformance.verdicts import Verdict


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``--skc-*`` options."""
    group = parser.getgroup("skc", "Servicekonto conformance harness")
    group.addoption("--skc-target", help="run the conformance suites against this target")
    group.addoption("--skc-land", action="append", default=[], help="Land id (repeatable)")
    group.addoption("--skc-suite", action="append", default=[], help="suite (repeatable)")
    group.addoption("--skc-seed", type=int, default=0, help="seed (default 0)")
    group.addoption("--skc-fault", default=None, help="a shipped seeded fault")
    group.addoption("--skc-profile", default=None, help="portal profile (YAML)")
    group.addoption("--skc-hypothesis-profile", default="ci", help="ci, dev or live")


class ConformanceItem(pytest.Item):
    """One check of one Land."""

    def __init__(self, *, config_: RunConfig, land: str, check: Check, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.run_config = config_
        self.land = land
        self.check = check

    def runtest(self) -> None:
        """Run the check; fail or skip with the finding."""
        adapter = adapter_for(self.run_config, self.land)  # type: ignore[arg-type]
        ctx = CheckContext(adapter, self.run_config.seed, self.run_config.hypothesis_profile)
        result = self.check.run(ctx)
        secrets = set(secret_values()) | ctx.secrets_used
        records = list(result_records(self.run_config, self.land, self.check, result, secrets))  # type: ignore[arg-type]
        if result.verdict in (Verdict.NOT_APPLICABLE, Verdict.INCONCLUSIVE):
            pytest.skip(f"{result.verdict}: {result.reason}")
        if result.verdict in (Verdict.FAIL, Verdict.ERROR):
            raise ConformanceFailure(records)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The finding, readable."""
        if isinstance(excinfo.value, ConformanceFailure):
            return "\n".join(_finding_lines(excinfo.value.records))
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        """Where the item comes from."""
        return Path("skc"), 0, f"{self.land}::{self.check.id}"


class ConformanceFailure(Exception):  # noqa: N818 - carries a verdict, not an error
    """A check failed or errored; carries its result records."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        super().__init__(records[0]["rule"] if records else "failed")
        self.records = records


def _finding_lines(records: list[dict[str, Any]]) -> Iterator[str]:
    for r in records:
        yield f"{r['verdict'].upper()} {r['land']} {r['check']} rule {r['rule']}"
        for quote in r["quotes"]:
            yield f"  help text ({r['seed_file']}): «{quote}»"
        if r["expected"] or r["observed"]:
            yield f"  expected {r['expected']}, observed {r['observed']}"
        if r["reason"]:
            yield f"  reason: {r['reason']}"
        yield from (f"  | {line}" for line in r["example"])
        yield f"  replay: {r['replay']}"


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """With ``--skc-target``, add one item per check and Land."""
    target = config.getoption("--skc-target")
    if not target:
        return
    from skc.conformance.run_command import build_config

    profile = config.getoption("--skc-profile")
    run_config = build_config(
        target=target, lands=config.getoption("--skc-land"), seed=config.getoption("--skc-seed"),
        fault=config.getoption("--skc-fault"), suites=config.getoption("--skc-suite"),
        profile=Path(profile) if profile else None, expected_failures=None,
        hypothesis_profile=config.getoption("--skc-hypothesis-profile"), out=Path("."),
        replay=None, scenarios=None,
    )  # fmt: skip
    for land in run_config.lands:
        for check in plan(land, run_config.suites):
            items.append(
                ConformanceItem.from_parent(
                    session, name=f"{land}::{check.id}", config_=run_config, land=land, check=check
                )
            )


__all__ = ["ConformanceItem", "pytest_addoption", "pytest_collection_modifyitems"]
