"""Expected failures: a portal's known deviations, each with a reason, applied strictly.

One YAML file per portal (like the OpenID conformance suite's expected-failures files)::

    - land: berlin
      rule: password.max_length
      check: fields/password/password.max_length     # optional: only this check
      reason: "Ticket SKC-42: the form allows 25 characters until release 3.2"

A ``fail`` that matches an entry is reported as expected (it does not fail the run); an entry
that matches no failure is an *unexpected pass* and does fail the run, so the file cannot rot.
Entries are told apart by their place in the file, never by their reason text: two entries for
the same (Land, rule, check) are refused at load, and so is a ``check`` the run does not plan
(:func:`check_ids`). Errors name the file, the line and the field.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence
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
    entry: int = Field(default=0, exclude=True)
    line: int | None = Field(default=None, exclude=True)
    source: str | None = Field(default=None, exclude=True)

    @property
    def key(self) -> tuple[str, str, str | None]:
        """What the entry matches: Land, rule and (optionally) check."""
        return (self.land, self.rule, self.check)

    @property
    def where(self) -> str:
        """``file:line`` of the entry, for messages."""
        return f"{self.source}:{self.line}" if self.source else f"entry {self.entry + 1}"

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
    entries: list[ExpectedFailure] = []
    seen: dict[tuple[str, str, str | None], ExpectedFailure] = {}
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            line = line_of(root, (index,))
            raise InputError(f"{path}:{line}: expected a mapping with land, rule and reason")
        line = line_of(root, (index,))
        try:
            entry = ExpectedFailure.model_validate(
                {**item, "entry": index, "line": line, "source": str(path)}
            )
        except ValidationError as exc:
            raise validation_error(path, root, exc, (index,)) from exc
        if entry.rule not in load_catalog().ids:
            line = line_of(root, (index, "rule"))
            raise InputError(f"{path}:{line}: rule: unknown rule {entry.rule!r} (see `skc rules`)")
        if entry.key in seen:
            raise InputError(
                f"{path}:{line}: the same land, rule and check as the entry at "
                f"{seen[entry.key].where}; merge the two entries into one"
            )
        seen[entry.key] = entry
        entries.append(entry)
    return tuple(entries)


def check_ids(entries: Sequence[ExpectedFailure], planned: Collection[str]) -> None:
    """Refuse an entry whose ``check`` the run does not plan (a typo would never match)."""
    for entry in entries:
        if entry.check is not None and entry.check not in planned:
            close = difflib.get_close_matches(entry.check, sorted(planned), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise InputError(
                f"{entry.where}: check: unknown check {entry.check!r} for {entry.land} "
                f"(`skc run --list-checks` lists them){hint}"
            )


def match(
    entries: Sequence[ExpectedFailure], land: str, rule: str, check: str
) -> ExpectedFailure | None:
    """The entry a failing result matches, if any; one naming the check wins over a general one."""
    found = [entry for entry in entries if entry.matches(land, rule, check)]
    return max(found, key=lambda entry: entry.check is not None, default=None)


__all__ = ["ExpectedFailure", "check_ids", "load_expected_failures", "match"]
