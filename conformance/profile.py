"""Portal profiles: what a portal under test declares about itself (after PICS and PIXIT).

One YAML file per portal::

    land: berlin
    base_url: http://127.0.0.1:8080      # absent for the in-process target
    capabilities:                          # PICS: features present (true) or absent (false)
      organisations: true
      elster: false
      clock_control: true
    parameters:                            # PIXIT: implementation details the suites need
      account_namespace: qa-
      rate_limit_per_s: 5
    readings:                              # choices in the ambiguity register
      password_reset.lockout_attempts: "5"
    wall_clock:                            # real waits without clock_control (skc run --wall-clock)
      margin_s: 5                          # probe at limit - margin and limit + margin
      max_wait_s: 3600                     # a longer probe stays inconclusive
    imap:                                  # mail read from a real mailbox (adapters/imap.py)
      host: mail.example.org
      security: tls                        # tls (port 993), starttls (143); none on loopback only
      user: qa-mailbox
      password_env: SKC_IMAP_PASSWORD      # the variable holding the password, never the password

A capability not listed counts as absent: tests of it are ``not-applicable``, and a timing test
without ``clock_control`` is ``inconclusive``. Errors name the file, the line and what was
expected, and list the valid names.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from skc.model.ambiguity import Readings, default_readings
from skc.model.errors import InputError
from skc.model.lands import GERMAN_LANDS, LANDS, REFERENCE_INTEROP_LANDS, LandId
from skc.model.readings_file import line_of, readings_from_node
from skc.model.yaml_file import compose_mapping_file


class Capability(StrEnum):
    """A feature of the help texts that a portal may declare present or absent."""

    ORGANISATIONS = "organisations"
    EID = "eid"
    ELSTER = "elster"
    GROUPS = "groups"
    FUNKTIONSPOSTFACH = "funktionspostfach"
    VERTRETUNG = "vertretung"
    INTEROP_LOGIN = "interop_login"
    MAILBOX = "mailbox"
    PAYMENTS = "payments"
    CLOCK_CONTROL = "clock_control"
    MAIL_CAPTURE = "mail_capture"


ParameterValue = str | int | float | bool
InteropLand = Literal[GERMAN_LANDS]  # type: ignore[valid-type]


# Numbers among a profile's parameters that the call guard reads: (least, most, what).
_GUARD_NUMBERS: dict[str, tuple[float, float, str]] = {
    "call_timeout_s": (0.0, 86_400.0, "seconds"),
    "rate_limit_per_s": (0.0, 1_000_000.0, "calls per second (0: no limit)"),
}


# What ``account_namespace`` may be: a local-part prefix, and a domain the mails go to.
_NAMESPACE = re.compile(
    r"[A-Za-z0-9._+-]{0,24}(@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)?",
    re.ASCII,
)


def guard_number(name: str, value: object) -> float:
    """A call-guard parameter as a float; ValueError saying what is expected otherwise."""
    least, most, what = _GUARD_NUMBERS[name]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not least <= value <= most
    ):
        raise ValueError(f"{name}: expected {what} from {least:g} to {most:g}, not {value!r}")
    return float(value)


class WallClock(BaseModel):
    """Real waits for a portal without ``clock_control`` (:mod:`skc.conformance.wallclock`):
    the margin on each side of a limit and the longest wait accepted; ``enabled`` and ``only``
    (the timing rules the run plans) are set by ``skc run --wall-clock``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    margin_s: int = Field(default=5, ge=1)
    max_wait_s: int = Field(default=3600, ge=1)
    enabled: bool = False
    only: tuple[str, ...] | None = None


class Imap(BaseModel):
    """The mailbox a portal's mails reach, read over IMAP (:mod:`skc.conformance.adapters.imap`);
    the password is in the environment variable ``password_env`` names."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = Field(min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535)  # default: 993 for tls, else 143
    security: Literal["tls", "starttls", "none"] = "tls"
    user: str = Field(min_length=1)
    password_env: str = Field(default="SKC_IMAP_PASSWORD", min_length=1)
    folder: str = "INBOX"
    poll_s: float = Field(default=2.0, gt=0)
    deadline_s: float = Field(default=60.0, gt=0)


class PortalProfile(BaseModel):
    """A validated portal profile; ``readings`` come from its ``readings:`` section."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    land: LandId
    base_url: str | None = None
    capabilities: dict[Capability, bool] = Field(default_factory=dict)
    parameters: dict[str, ParameterValue] = Field(default_factory=dict)
    readings: Readings = Field(default_factory=default_readings)
    wall_clock: WallClock = Field(default_factory=WallClock)
    imap: Imap | None = None
    # The Länder the portal's list of Servicekonten for a login with another account names
    # (Hamburg's text has such a list but not its entries); absent: not declared, so no check
    # tries a Land the model cannot know to be left out.
    interop_lands: tuple[InteropLand, ...] | None = None
    _source: Path | None = PrivateAttr(default=None)
    _lines: dict[str, int] = PrivateAttr(default_factory=dict)

    @field_validator("parameters")
    @classmethod
    def _known_parameters(cls, value: dict[str, ParameterValue]) -> dict[str, ParameterValue]:
        for name in _GUARD_NUMBERS.keys() & value.keys():
            guard_number(name, value[name])
        namespace = value.get("account_namespace")
        if namespace is not None and not (
            isinstance(namespace, str) and _NAMESPACE.fullmatch(namespace)
        ):
            raise ValueError(
                "account_namespace: expected a prefix of an address's local part (letters, "
                "digits, '.', '_', '+', '-'; at most 24), optionally followed by @DOMAIN "
                f"(e.g. qa- or qa-@mail.example), not {namespace!r}"
            )
        return value

    def has(self, capability: Capability) -> bool:
        """Tell whether the portal declares the capability present."""
        return self.capabilities.get(capability, False)

    def where(self, key: str = "land") -> str:
        """``file:line`` of a top-level key in the profile's file, for messages about it (the
        file alone when the key is absent; "the reference profile" when built in code)."""
        if self._source is None:
            return "the reference profile"
        line = self._lines.get(key)
        return f"{self._source}:{line}" if line is not None else str(self._source)


def reference_profile(land: LandId) -> PortalProfile:
    """The profile of the bundled reference portal: every capability, default readings."""
    return PortalProfile(
        land=land, capabilities=dict.fromkeys(Capability, True),
        interop_lands=REFERENCE_INTEROP_LANDS,
    )  # fmt: skip


_TOP_LEVEL: tuple[str, ...] = (*PortalProfile.model_fields, "readings")


def _explain(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "value_error" and where == "parameters":
        return f"{where}.{message}"  # the message starts with the parameter's name
    if error["type"] == "extra_forbidden" and len(error["loc"]) == 1:
        message += f" (valid keys: {', '.join(dict.fromkeys(_TOP_LEVEL))})"
    elif where == "land":
        message += f" (valid: {', '.join(LANDS)})"
    elif where.startswith("capabilities"):
        message += f" (valid capabilities: {', '.join(c.value for c in Capability)})"
    return f"{where}: {message}"


def load_profile(path: Path) -> PortalProfile:
    """Load and validate a portal profile; raise InputError naming file, line and field."""
    root, data = compose_mapping_file(path, "a mapping with at least 'land'")
    fields = {key: value for key, value in data.items() if key != "readings"}
    try:
        profile = PortalProfile.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        line = line_of(root, tuple(first["loc"]))
        problems = "; ".join(_explain(error) for error in exc.errors())
        raise InputError(f"{path}:{line}: {problems}") from exc
    if "readings" in data:
        profile = profile.model_copy(update={"readings": readings_from_node(path, root)})
    profile._source = path
    if isinstance(root, yaml.MappingNode):
        profile._lines = {str(k.value): k.start_mark.line + 1 for k, _ in root.value}
    return profile


__all__ = [
    "Capability", "Imap", "PortalProfile", "WallClock", "guard_number", "load_profile",
    "reference_profile",
]  # fmt: skip
