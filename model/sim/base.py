"""The base of every workflow: shared state, and the wrapper that turns results into Outcomes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from skc.model.sim.outcome import Outcome, Reject, ok, rejected
from skc.model.sim.state import World

P = ParamSpec("P")
F = TypeVar("F", bound="Flow")


class Flow:
    """One workflow's state machine over the shared world."""

    def __init__(self, world: World) -> None:
        self.w = world

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.w.land})"


def operation(fn: Callable[Concatenate[F, P], object]) -> Callable[Concatenate[F, P], Outcome]:
    """Run due time-driven changes first, then the operation; a Reject becomes a rejection.

    The world knows which operation (the outermost one) is running: the form a value
    arrives through (:meth:`World.violations`).
    """

    @functools.wraps(fn)
    def run(self: F, /, *args: P.args, **kwargs: P.kwargs) -> Outcome:
        outermost = self.w.operation is None
        if outermost:
            self.w.operation = fn.__name__
        try:
            self.w.tick()
            value = fn(self, *args, **kwargs)
        except Reject as stop:
            return rejected(*stop.rules, detail=stop.detail)
        finally:
            if outermost:
                self.w.operation = None
        return value if isinstance(value, Outcome) else ok(value)

    return run


def require(condition: bool, *rules: str, detail: str = "") -> None:
    """Reject with ``rules`` unless ``condition`` holds."""
    if not condition:
        raise Reject(*rules, detail=detail)


def require_other_land_account(
    world: World, home_land: str, *, organisation: bool, consent: bool
) -> None:
    """The checks every use of another Land's account shares: another Land, one in the
    portal's list where the text has one, a citizen account where the text demands one, and
    consent to the transfer of profile data."""
    require(home_land != world.land, "sim.invalid_input", detail="choose another Land")
    if world.rules.stated("interop.listed_lands_only"):
        require(
            home_land in world.interop_lands,
            "interop.listed_lands_only",
            detail="that Land is not in the list of Servicekonten for a login",
        )
    if world.rules.stated("interop.citizen_accounts_only"):
        require(not organisation, "interop.citizen_accounts_only")
    if world.rules.stated("interop.consent_to_profile_transfer"):
        require(consent, "interop.consent_to_profile_transfer")


__all__ = ["Flow", "operation", "require", "require_other_land_account"]
