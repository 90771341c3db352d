"""The ``skc`` console entry point: ``skc check`` answers without loading the full command line.

A shell script may run ``skc check`` once per value, so its start-up is most of its cost. The
common forms (``skc check --land L --field F -- VALUE`` and ``skc check --batch``, without a
profile) are parsed here and answered with the compiled validators alone, without typer, rich
or (unless ``--reading`` chooses readings) pydantic. Every other command line, and any of
these that is not exactly right (an unknown Land, a missing option, ``--help``), goes to the
full command line in :mod:`skc.conformance.cli`, which prints the same output and the same
errors as ever.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skc.model.ambiguity import Readings


def _check_options(args: Sequence[str]) -> tuple[dict[str, str], list[str]] | None:
    """The options of ``skc check`` in one of its plain forms and its ``--reading`` pairs, or
    None for anything else."""
    options: dict[str, str] = {}
    pairs: list[str] = []
    index = 0
    while index < len(args):
        token = args[index]
        if token == "--":
            if "value" in options or len(args) - index != 2:
                return None
            options["value"] = args[index + 1]
            break
        name, equals, given = token.partition("=")
        if token == "--batch" and "batch" not in options:
            options["batch"] = ""
        elif name in ("--land", "--field", "--reading") and name[2:] not in options:
            if not equals:
                if index + 1 >= len(args):
                    return None
                index += 1
                given = args[index]
            if name == "--reading":
                pairs.append(given)
            else:
                options[name[2:]] = given
        elif token.startswith("-") or "value" in options:
            return None
        else:
            options["value"] = token
        index += 1
    return options, pairs


def fast_check(args: Sequence[str]) -> int | None:
    """Answer ``skc check ARGS`` if it is a plain form and its names are known; return the
    exit code, or None when the full command line must answer."""
    parsed = _check_options(args)
    if parsed is None:
        return None
    options, pairs = parsed
    readings = _readings(pairs)
    if pairs and readings is None:
        return None  # the full command line names the valid entries and readings
    if set(options) == {"batch"}:
        from skc.conformance.batch import run_batch

        run_batch(sys.stdin.buffer, sys.stdout.buffer, readings)  # bytes: any locale
        return 0
    if set(options) != {"land", "field", "value"}:
        return None
    from skc.model.lands import LANDS
    from skc.model.validators import field_names, validate

    if options["land"] not in LANDS or options["field"] not in field_names():
        return None  # the full command line names the valid choices
    import json

    verdict = validate(
        options["land"], options["field"], options["value"], readings, explain_readings=True
    )
    print(json.dumps(verdict.to_json(), ensure_ascii=False))
    return 0 if verdict.valid else 1


def _readings(pairs: list[str]) -> Readings | None:
    """The readings ``--reading ID=READING`` chooses (None without any, or when one is not
    known); only then is the register's pydantic model loaded."""
    if not pairs:
        return None
    from skc.model.ambiguity import Readings
    from skc.model.errors import HarnessError

    try:
        return Readings.parse(pairs)
    except HarnessError:
        return None


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:2] == ["check"]:
        code = fast_check(sys.argv[2:])
        if code is not None:
            raise SystemExit(code)
    from skc.conformance.cli import main as full_command_line

    full_command_line()


__all__ = ["fast_check", "main"]
