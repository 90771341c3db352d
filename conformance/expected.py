"""Expected failures: a portal's known deviations, each with a reason, applied strictly.

One YAML file per portal (like the OpenID conformance suite's expected-failures files)::

    - land: berlin
      rule: password.max_length
      check: fields/password/password.max_length     # optional: only this check
      reason: "Ticket SKC-42: the form allows 25 characters until release 3.2"

A ``fail`` that matches an entry is reported as expected (it does not fail the run); an entry
that matches no failure is an *unexpected pass* and does fail the run, so the file cannot rot.
Errors name the file, the line and the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from skc.model.catalog import load_catalog
from skc.model.errors import InputError
from skc.model.lands import LandId
from skc.model.readings_file import compose_yaml_file, line_of, validation_error, yaml_data


class ExpectedFailure(BaseModel):
    """One known deviation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    land: LandId
    rule: str
    reason: str = Field(min_length=1)
    check: str | None = None

    def matches(self, land: str, rule: str, check: str) -> bool:
        """Tell whether a failing result is this known deviation."""
        return (
            self.land == land and self.rule == rule and (self.check is None or self.check == check)
        )


def load_expected_failures(path: Path) -> tuple[ExpectedFailure, ...]:
    """Load and validate an expected-failures file; raise InputError naming file and line."""
    root = compose_yaml_file(path)
    data = yaml_data(root)
    if data is None:
        return ()
    if not isinstance(data, list) or root is None:
        raise InputError(f"{path}:1: expected a list of entries with land, rule and reason")
    entries = []
    for index, item in enumerate(data):
        try:
            entry = ExpectedFailure.model_validate(item)
        except ValidationError as exc:
            raise validation_error(path, root, exc, (index,)) from exc
        if entry.rule not in load_catalog().ids:
            line = line_of(root, (index, "rule"))
            raise InputError(f"{path}:{line}: rule: unknown rule {entry.rule!r} (see `skc rules`)")
        entries.append(entry)
    return tuple(entries)


def match(
    entries: Sequence[ExpectedFailure], land: str, rule: str, check: str
) -> ExpectedFailure | None:
    """The entry a failing result matches, if any."""
    return next((entry for entry in entries if entry.matches(land, rule, check)), None)


__all__ = ["ExpectedFailure", "load_expected_failures", "match"]
