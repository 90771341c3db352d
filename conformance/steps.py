"""Steps: one operation with its arguments, as data a QA engineer can read and write.

Scenario files, the stateful suites and replays all speak this one language::

    - do: login
      with: {email: anna@example.org, password: $password}
      save: session
      rule: login.email_is_username       # the rule this step probes (its help-text sentence)
      expect: accepted                    # optional; the model decides when it is left out

Two pseudo-operations drive the test harness rather than the portal: ``advance`` moves the
clock (``seconds`` / ``minutes`` / ``hours`` / ``days``, or ``limit_of: RULE`` with
``offset_seconds``) and ``mail_token`` saves the link token of the newest e-mail of a
``kind`` sent ``to`` an address.
``$name`` refers to a saved value or to one of the named secrets and test cards below (write
``$$`` for a literal ``$``); secrets are resolved only when a step runs and are never rendered.
A secret argument (a password, security answer, PIN, PUK or CAN) must be such a reference: a
scenario file that writes one literally is refused at load. ``$card`` and ``$other_card`` are
test-card references (:mod:`skc.conformance.adapters.cards`); the eID login takes a card and a
PIN (``$pin``, the test cards' PIN, or ``$wrong_pin``), never a pseudonym.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from skc.conformance.adapters.cards import DEFAULT_PIN
from skc.model.lands import LANDS
from skc.model.sim.scenarios import ANSWER, PASSWORD
from skc.model.validators import is_valid

PSEUDO_OPERATIONS: Final = ("advance", "mail_token")


@dataclass(frozen=True, slots=True)
class Secret:
    """A secret value (password, answer, PIN) that may be used but never shown."""

    value: str

    def __repr__(self) -> str:
        return describe_secret(self.value)


@dataclass(frozen=True, slots=True)
class Verbatim:
    """A generated value used as it is, even if it starts with ``$``."""

    value: str

    def __repr__(self) -> str:
        return repr(self.value)


def fresh_password(rng: random.Random | None = None) -> str:
    """A password valid in every Land, drawn anew for each harness process.

    Test accounts on a live, shared portal must not carry a password anyone can read in the help
    texts (the model's own ``PASSWORD`` is the texts' example "Aa12Bb34"). The shape is fixed
    (2 upper, 5 lower, 3 digits), so a described secret reads the same in every run.
    """
    chooser = rng if rng is not None else random.SystemRandom()
    for _ in range(100):
        parts = [
            chooser.choice(string.ascii_uppercase), *chooser.choices(string.ascii_lowercase, k=3),
            *chooser.choices(string.digits, k=2), chooser.choice(string.ascii_uppercase),
            *chooser.choices(string.ascii_lowercase, k=2), chooser.choice(string.digits),
        ]  # fmt: skip
        candidate = "".join(parts)
        if all(is_valid(land, "password", candidate) for land in LANDS):
            return candidate
    return PASSWORD  # the model's own example: valid everywhere, but public


_PASSWORD = fresh_password()
_OTHER_PASSWORD = next(p for p in iter(fresh_password, None) if p != _PASSWORD)

SECRETS: Final[dict[str, Secret]] = {
    "password": Secret(_PASSWORD),
    "other_password": Secret(_OTHER_PASSWORD),
    "answer": Secret(ANSWER),
    "wrong_answer": Secret("Falsche Antwort"),
    "pin": Secret(DEFAULT_PIN),
    "wrong_pin": Secret("975310"),
}
# Test-card references (the adapter presents the card; see skc.conformance.adapters.cards).
CARDS: Final[dict[str, str]] = {"card": "erika-mustermann", "other_card": "max-beispiel"}


def describe_secret(value: str) -> str:
    """A description of a secret that says what matters for the rules, not the secret."""
    upper = sum(ch.isupper() for ch in value)
    lower = sum(ch.islower() for ch in value)
    digits = sum(ch.isdigit() for ch in value)
    other = len(value) - upper - lower - digits
    return (
        f"<secret: {len(value)} chars, {upper} upper, {lower} lower, {digits} digits, "
        f"{other} other>"
    )


class Step(BaseModel):
    """One step of a scenario or a generated sequence."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    do: str
    args: dict[str, Any] = Field(default_factory=dict, alias="with")
    save: str | None = None
    rule: str | None = None
    expect: Literal["accepted", "rejected"] | None = None
    line: int | None = Field(default=None, exclude=True)

    def render(self) -> str:
        """The step as one readable line, with secrets described, never shown."""
        args = ", ".join(f"{name}={_render(value)}" for name, value in self.args.items())
        text = f"{self.do}({args})"
        if self.save:
            text += f" -> ${self.save}"
        if self.expect:
            text += f"  # expect {self.expect}"
        return text


def _render(value: object) -> str:
    if isinstance(value, Secret | Verbatim):
        return repr(value)
    if isinstance(value, str) and value.startswith("$"):
        return value
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_render(v)}" for k, v in value.items()) + "}"
    return repr(value)


def resolve(value: Any, saved: Mapping[str, object]) -> Any:
    """Replace ``$name`` references (saved values, secrets, cards) by their values."""
    if isinstance(value, Secret | Verbatim):
        return value.value
    if isinstance(value, str) and value.startswith("$$"):
        return value[1:]
    if isinstance(value, str) and value.startswith("$"):
        name = value[1:]
        if name in saved:
            return saved[name]
        if name in SECRETS:
            return SECRETS[name].value
        if name in CARDS:
            return CARDS[name]
        known = sorted({*saved, *SECRETS, *CARDS})
        raise KeyError(f"unknown reference {value!r}; known here: {', '.join(known)}")
    if isinstance(value, list | tuple):
        return [resolve(v, saved) for v in value]
    if isinstance(value, Mapping):
        return {k: resolve(v, saved) for k, v in value.items()}
    return value


def secret_values() -> tuple[str, ...]:
    """Every named secret (for the tests that search reports for leaks)."""
    return tuple(secret.value for secret in SECRETS.values())


__all__ = [
    "CARDS", "PSEUDO_OPERATIONS", "SECRETS", "Secret", "Step", "Verbatim", "describe_secret",
    "resolve",
    "secret_values",
]  # fmt: skip
