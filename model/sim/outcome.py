"""The observable result of every simulated operation.

A rejection names the rule ids that decided it: catalog ids where a help text states the
rule, and ``sim.*`` ids for generic preconditions no help text spells out (an unknown id, a
wrong password, a missing session). ``detail`` is prose for people and never holds a secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# Generic preconditions of the simulation itself; every other rejection id is a catalog id.
SIM_REASONS: Final[dict[str, str]] = {
    "sim.not_logged_in": "no live session with this id (logged out, expired or never issued)",
    "sim.wrong_credentials": "no account with this user name and password",
    "sim.unknown_id": "no object with this id",
    "sim.unknown_token": "the link is unknown or was already used",
    "sim.unknown_service": "the portal offers no online service with this id",
    "sim.email_in_use": "the e-mail address belongs to an existing account",
    "sim.not_authorised": "the caller's role may not do this",
    "sim.not_offered": "this Land's help text describes no such function",
    "sim.invalid_input": "an argument is missing or malformed",
    "sim.confirmation_required": "the action needs an explicit confirmation",
    "sim.level_insufficient": "the service needs a Servicekonto Plus / Sicherheitsstufe 2",
    "sim.eid_unusable": "the eID authentication failed: the card is expired or switched off",
}


class Reject(Exception):  # noqa: N818 - a control-flow signal, not an error condition
    """Raised inside the simulation to end an operation with a rejection."""

    def __init__(self, *rules: str, detail: str = "") -> None:
        super().__init__(detail or ", ".join(rules))
        self.rules = rules
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Outcome:
    """Whether an operation was accepted, the rules that decided a rejection, and its value."""

    accepted: bool
    rules: tuple[str, ...] = ()
    value: object | None = None
    detail: str = ""

    def __bool__(self) -> bool:
        return self.accepted

    def expect_str(self) -> str:
        """Return the value of an accepted outcome whose value is an id; raise otherwise."""
        if not self.accepted or not isinstance(self.value, str):
            raise ValueError(f"expected an accepted outcome with an id, got {self!r}")
        return self.value

    def expect_int(self) -> int:
        """Return the value of an accepted outcome whose value is a count; raise otherwise."""
        if not self.accepted or not isinstance(self.value, int):
            raise ValueError(f"expected an accepted outcome with a count, got {self!r}")
        return self.value


def ok(value: object | None = None, detail: str = "") -> Outcome:
    """An accepted outcome."""
    return Outcome(accepted=True, value=value, detail=detail)


def rejected(*rule_ids: str, detail: str = "") -> Outcome:
    """A rejected outcome, decided by the given rule ids."""
    if not rule_ids:
        raise ValueError("a rejection must name at least one rule id")
    return Outcome(accepted=False, rules=tuple(rule_ids), detail=detail)


__all__ = ["SIM_REASONS", "Outcome", "Reject", "ok", "rejected"]
