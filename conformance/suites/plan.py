"""Planning: the checks of the chosen suites for one Land, under the profile's readings.

``plan`` is what the runner and the pytest plugin call. The readings matter for planning: the
field suite plans one check per rule a value can break, and under a profile's alternative
reading (Sachsen-Anhalt's criteria count read as ``advisory``) a rule may have nothing to
break.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

from skc.conformance.suites.base import Check
from skc.conformance.suites.eid import eid_checks
from skc.conformance.suites.fields import field_checks
from skc.conformance.suites.interop import interop_checks
from skc.conformance.suites.links import link_checks
from skc.conformance.suites.org_rights import org_rights_checks
from skc.conformance.suites.scenarios import scenario_checks
from skc.conformance.suites.sessions import session_checks
from skc.conformance.suites.shared_access import shared_access_checks
from skc.conformance.suites.stateful import stateful_checks
from skc.conformance.suites.timing import timing_checks
from skc.conformance.suites.vertretung import vertretung_checks
from skc.model.ambiguity import Readings
from skc.model.errors import UnknownNameError
from skc.model.lands import LandId

SUITES: Final = (
    "fields", "scenarios", "lifecycle", "mailbox", "organisations", "links", "sessions", "eid",
    "timing",
)  # fmt: skip


def plan(
    land: LandId,
    suites: Sequence[str] = SUITES,
    scenario_dir: Path | None = None,
    readings: Readings | None = None,
) -> list[Check]:
    """The checks of the chosen suites for one Land, in a fixed order.

    ``scenario_dir`` replaces the shipped scenarios; ``readings`` are the profile's (default:
    the ambiguity register's defaults). An unknown suite raises an error listing the valid ones.
    """
    for suite in suites:
        if suite not in SUITES:
            raise UnknownNameError("suite", suite, SUITES)
    checks: list[Check] = []
    if "fields" in suites:
        checks += field_checks(land, readings)
    if "scenarios" in suites:
        checks += scenario_checks(land, scenario_dir)
    machines = (
        *stateful_checks(land), *org_rights_checks(land), *vertretung_checks(land),
        *shared_access_checks(land), *interop_checks(land), *link_checks(land),
        *session_checks(land), *eid_checks(land),
    )  # fmt: skip
    checks += [c for c in machines if c.suite in suites]
    if "timing" in suites:
        checks += timing_checks(land)
    return checks


__all__ = ["SUITES", "plan"]
