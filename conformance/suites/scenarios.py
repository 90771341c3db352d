"""The scenario suite: ``scenarios/*.yaml``, one file per help topic, run in lock-step.

A scenario is readable without Python::

    title: Inaktive Sitzung endet
    lands: [berlin, hamburg]          # optional: the Länder it applies to (default: all five)
    steps:
      - do: login
        with: {email: anna@example.org, password: $password}
        save: session
        rule: login.email_is_username
      - do: advance
        with: {limit_of: session.idle_timeout, offset_seconds: -1}
        rule: session.idle_timeout
      - do: ping
        with: {session: $session}
        rule: session.idle_timeout
        expect: accepted

Every step runs on the portal and on the model; a step's ``expect`` must hold as well. Each
step that a person performs cites its rule (the help-text sentence comes from the catalog).
Files are validated on load; errors name the file, the line and what was expected.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from skc.conformance.adapters.operations import OPERATIONS, operation
from skc.conformance.lockstep import secret_arguments
from skc.conformance.steps import CARDS, PSEUDO_OPERATIONS, SECRETS, Step
from skc.conformance.suites.base import Check, CheckContext, CheckResult, Pairs, guarded
from skc.model.catalog import load_catalog
from skc.model.errors import InputError, UnknownNameError
from skc.model.lands import LANDS, LandId
from skc.model.readings_file import compose_yaml_file, line_of, validation_error, yaml_data

SCENARIO_DIR: Final = Path(__file__).parents[2] / "scenarios"
_PSEUDO_ARGS: Final = {
    "advance": {"seconds", "minutes", "hours", "days", "limit_of", "offset_seconds"},
    "mail_token": {"to", "kind"},
}


class Scenario(BaseModel):
    """A validated scenario file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    lands: tuple[LandId, ...] = LANDS
    steps: tuple[Step, ...] = Field(min_length=1)
    name: str = ""

    @field_validator("lands", mode="before")
    @classmethod
    def _all_lands(cls, value: Any) -> Any:
        return LANDS if value == "all" else value

    @property
    def rules(self) -> tuple[str, ...]:
        """The rules the steps cite, in order of first mention."""
        return tuple(dict.fromkeys(step.rule for step in self.steps if step.rule))


def _references(value: Any) -> list[str]:
    if isinstance(value, str) and value.startswith("$") and not value.startswith("$$"):
        return [value[1:]]
    if isinstance(value, list):
        return [ref for item in value for ref in _references(item)]
    if isinstance(value, dict):
        return [ref for item in value.values() for ref in _references(item)]
    return []


def _check_step(step: Step, saved: set[str]) -> str | None:
    """What is wrong with a step, or None."""
    if step.do in PSEUDO_OPERATIONS:
        unknown = sorted(set(step.args) - _PSEUDO_ARGS[step.do])
        if unknown:
            return f"{step.do} takes {sorted(_PSEUDO_ARGS[step.do])}, not {unknown}"
    elif step.do not in OPERATIONS:
        return str(
            UnknownNameError("operation", step.do, [*PSEUDO_OPERATIONS, *sorted(OPERATIONS)])
        )
    else:
        op = operation(step.do)
        for name in step.args:
            if name not in {p.name for p in op.params}:
                return str(
                    UnknownNameError(f"argument of {op.name}", name, [p.name for p in op.params])
                )
        missing = [p.name for p in op.params if p.required and p.name not in step.args]
        if missing:
            return f"{op.name} needs {', '.join(missing)}"
        if step.rule is None and not op.authority and not op.query:
            return f"{op.name} must cite the rule it follows ('rule: ...')"
    if step.rule is not None and step.rule not in load_catalog().ids:
        return f"unknown rule {step.rule!r} (`skc rules` lists them)"
    for ref in _references(step.args):
        if ref not in saved and ref not in SECRETS and ref not in CARDS:
            return f"${ref} is used before a step saves it (known: {', '.join(sorted(saved))})"
    return None


def load_scenario(path: Path) -> Scenario:
    """Load and validate one scenario file; raise InputError naming file, line and field."""
    root = compose_yaml_file(path)
    data = yaml_data(root)
    if not isinstance(data, dict) or root is None:
        raise InputError(f"{path}:1: expected a mapping with 'title' and 'steps'")
    try:
        scenario = Scenario.model_validate({**data, "name": path.stem})
    except ValidationError as exc:
        raise validation_error(path, root, exc) from exc
    saved: set[str] = set()
    for index, step in enumerate(scenario.steps):
        problem = _check_step(step, saved)
        if problem is not None:
            raise InputError(
                f"{path}:{line_of(root, ('steps', index))}: step {index + 1}: {problem}"
            )
        literal = secret_arguments(step)
        if literal:
            line = line_of(root, ("steps", index, "with", literal[0]))
            refs = ", ".join(f"${name}" for name in SECRETS)
            raise InputError(
                f"{path}:{line}: step {index + 1}: {step.do}: a literal secret in "
                f"{', '.join(literal)}; secrets never go in scenario files: write a reference "
                f"({refs}) or save one from a mail ('save:') and use $name"
            )
        if step.save:
            saved.add(step.save)
    return scenario


def load_scenarios(directory: Path = SCENARIO_DIR) -> list[Scenario]:
    """Every ``*.yaml`` scenario in the directory, sorted by file name."""
    return [load_scenario(path) for path in sorted(directory.glob("*.yaml"))]


@cache
def _shipped() -> tuple[Scenario, ...]:
    return tuple(load_scenarios())


def scenario_check(scenario: Scenario) -> Check:
    """The check that runs one scenario in lock-step."""

    def run(ctx: CheckContext) -> CheckResult:
        def body(pairs: Pairs) -> None:
            with pairs() as pair:
                pair.run_all(list(scenario.steps))

        return guarded(ctx, body, scenario.rules, f"scenarios/{scenario.name}")

    return Check("scenarios", scenario.name, scenario.rules, run)


def scenario_checks(land: LandId, directory: Path | None = None) -> list[Check]:
    """The checks of every scenario that applies to the Land."""
    scenarios = _shipped() if directory is None else tuple(load_scenarios(directory))
    return [scenario_check(s) for s in scenarios if land in s.lands]


__all__ = ["SCENARIO_DIR", "Scenario", "load_scenario", "load_scenarios", "scenario_checks"]
