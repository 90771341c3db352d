"""Field validation: combine the catalog's field rules for a Land with the checks.

``validate(land, field, value)`` returns a :class:`Verdict` listing every violated rule with a
German and an English message. With ``explain_readings=True`` the verdict also names the
ambiguity-register entries whose other readings would change the outcome for this value.
The rules run compiled (:mod:`skc.model.compiled`): once per Land, field and readings, with
verdicts memoised by the rules they break, so validating costs little more than a hand-written
check. Importing this module loads neither pydantic nor the YAML catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from skc.model.compiled import DEFAULTS, compiled_field
from skc.model.compiled_catalog import field_catalog
from skc.model.errors import UnknownNameError

if TYPE_CHECKING:
    from skc.model.ambiguity import Readings
    from skc.model.lands import LandId


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule a value breaks, with the message a portal would show."""

    rule: str
    message_de: str
    message_en: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of validating one value of one field for one Land."""

    land: LandId
    field: str
    valid: bool
    violations: tuple[Violation, ...]
    rules_checked: tuple[str, ...]
    depends_on: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """Return the verdict as the JSON object ``skc check`` prints (never the value)."""
        out: dict[str, object] = {
            "land": self.land,
            "field": self.field,
            "valid": self.valid,
            "violations": [
                {"rule": v.rule, "message": v.message_en, "message_de": v.message_de}
                for v in self.violations
            ],
            "rules_checked": list(self.rules_checked),
        }
        if self.depends_on:
            out["depends_on_reading"] = list(self.depends_on)
        if not self.rules_checked:
            out["note"] = f"no rule for field {self.field!r} is stated in the {self.land} help text"
        return out


def field_names() -> tuple[str, ...]:
    """The fields that have validators."""
    return field_catalog().fields


def parse_field(name: str) -> str:
    """Return ``name`` if it is a known field, or raise an error listing the valid fields."""
    if name not in field_names():
        raise UnknownNameError("field", name, field_names())
    return name


def validate(
    land: LandId | str,
    field: str,
    value: str,
    readings: Readings | None = None,
    *,
    explain_readings: bool = False,
) -> Verdict:
    """Validate ``value`` for ``field`` under the rules ``land`` states.

    Unknown Land or field names raise :class:`~skc.model.errors.UnknownNameError`.
    """
    if readings is None:
        try:
            compiled = DEFAULTS[land][field]
        except KeyError:
            compiled = compiled_field(land, field)
    else:
        compiled = compiled_field(land, field, readings)
    return compiled.explained_verdict(value) if explain_readings else compiled.verdict(value)


def is_valid(land: LandId, field: str, value: str, readings: Readings | None = None) -> bool:
    """Tell whether ``value`` is valid; the fast path for generators and benchmarks."""
    if readings is None:
        try:
            compiled = DEFAULTS[land][field]
        except KeyError:
            compiled = compiled_field(land, field)
    else:
        compiled = compiled_field(land, field, readings)
    return compiled.is_valid(value)  # type: ignore[no-any-return]


def __getattr__(name: str) -> Any:
    if name == "resolve_params":  # re-exported; loads the pydantic catalog only when asked
        from skc.model.parameters import resolve_params

        return resolve_params
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Verdict", "Violation", "field_names", "is_valid", "parse_field", "validate"]
