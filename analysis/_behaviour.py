"""How simulated people behave: distributions for delays and gaps, probabilities for choices.

A :class:`Behaviour` is plain, frozen, picklable data (so Dask workers get the same one); every
draw takes the caller's ``random.Random``, never global randomness, so a seed fixes the whole
population. Units are in the field names: ``..._hours``, ``..._minutes``, ``..._days``.
"""

from __future__ import annotations

import dataclasses
import math
import random
from dataclasses import dataclass
from typing import Protocol


class Distribution(Protocol):
    """Anything that draws a non-negative number from a seeded generator."""

    def draw(self, rng: random.Random) -> float:
        """Draw one value."""
        ...


@dataclass(frozen=True, slots=True)
class Constant:
    """Always the same value (for tests and what-if questions: "everyone clicks after 25 h")."""

    value: float

    def draw(self, rng: random.Random) -> float:
        """Return the constant; the generator is not advanced."""
        del rng
        return self.value


@dataclass(frozen=True, slots=True)
class Uniform:
    """Uniform between ``low`` and ``high`` (both included)."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high:
            raise ValueError(f"Uniform needs 0 <= low <= high, got {self.low}, {self.high}")

    def draw(self, rng: random.Random) -> float:
        """Draw one value."""
        return rng.uniform(self.low, self.high)


@dataclass(frozen=True, slots=True)
class LogNormal:
    """Log-normal with the given median and shape ``sigma``: most values near the median, a
    long tail of people who take much longer (the shape of real waiting times)."""

    median: float
    sigma: float

    def __post_init__(self) -> None:
        if self.median <= 0 or self.sigma < 0:
            raise ValueError(f"LogNormal needs median > 0 and sigma >= 0, got {self}")

    def draw(self, rng: random.Random) -> float:
        """Draw one value."""
        return rng.lognormvariate(math.log(self.median), self.sigma)


@dataclass(frozen=True, slots=True)
class Exponential:
    """Exponential with the given mean (memoryless waiting)."""

    mean: float

    def __post_init__(self) -> None:
        if self.mean <= 0:
            raise ValueError(f"Exponential needs a mean > 0, got {self.mean}")

    def draw(self, rng: random.Random) -> float:
        """Draw one value."""
        return rng.expovariate(1.0 / self.mean)


@dataclass(frozen=True, slots=True)
class Behaviour:
    """The behaviour of a population of citizens, one distribution or probability per choice.

    The defaults are plausible guesses, not measurements: change them to ask "what if".
    """

    arrival_spread_days: float = 7.0
    """Citizens arrive uniformly over this many days from the start of the simulation."""
    weak_password: float = 0.15
    """Share who first try a password of their own that may break the Land's rules."""
    abandon_registration: float = 0.03
    """Share who never click the activation link."""
    activation_delay_hours: Distribution = LogNormal(0.5, 2.2)
    """Time from registering to clicking the activation link."""
    reregister_after_expiry: float = 0.8
    """Share who register again when their link has run out."""
    max_registrations: int = 3
    """A person gives up after this many registrations (with expired links)."""
    form_requests: tuple[int, int] = (3, 8)
    """How many server requests filling a form takes (inclusive range)."""
    idle_gap_minutes: Distribution = LogNormal(3.0, 1.0)
    """Time without a server request between two steps of a form."""
    pays: float = 0.3
    """Share whose application ends in a paid answer (where the Land states a window)."""
    payment_minutes: Distribution = LogNormal(6.0, 0.9)
    """Time from starting a payment to the provider's report."""
    payment_declined: float = 0.03
    """Share of payments the provider reports as failed (card declined)."""
    forgets_password: float = 0.1
    """Share who later forget their password and reset it."""
    forget_after_days: Distribution = Uniform(1.0, 30.0)
    """Days from the first visit to the password reset."""
    wrong_answer: float = 0.3
    """Chance that one answer to the security question (Berlin) is wrong."""
    max_answers: int = 10
    """A person gives up after this many answers (the lock-out usually comes first)."""
    admin_activation_delay_hours: Distribution = LogNormal(1.0, 2.0)
    """Time from registering an organisation to its administrator clicking the link."""
    org_users: tuple[int, int] = (1, 4)
    """How many users an organisation's administrator adds (inclusive range)."""
    user_activation_delay_days: Distribution = LogNormal(2.0, 1.2)
    """Days from being added to an organisation to clicking the activation link."""

    def __post_init__(self) -> None:
        for name in (
            "weak_password", "abandon_registration", "reregister_after_expiry", "pays",
            "payment_declined", "forgets_password", "wrong_answer",
        ):  # fmt: skip
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"Behaviour.{name} is a share between 0 and 1, got {value}")
        for name in ("form_requests", "org_users"):
            low, high = getattr(self, name)
            if not 0 <= low <= high:
                raise ValueError(f"Behaviour.{name} needs 0 <= low <= high, got {low}, {high}")
        if self.arrival_spread_days < 0 or self.max_answers < 1 or self.max_registrations < 1:
            raise ValueError(
                "arrival_spread_days must be >= 0, max_answers and max_registrations >= 1"
            )

    def replace(self, **changes: object) -> Behaviour:
        """A copy with some fields changed, e.g. ``behaviour.replace(pays=1.0)``."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


__all__ = ["Behaviour", "Constant", "Distribution", "Exponential", "LogNormal", "Uniform"]
