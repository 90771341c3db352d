"""The ``skc`` console entry point: ``skc check`` answers without loading the full command line.

A shell script may run ``skc check`` once per value, so its start-up is most of its cost. The
common forms (``skc check --land L --field F -- VALUE`` and ``skc check --batch``, without
readings or a profile) are parsed here and answered with the compiled validators alone, without
typer, rich or pydantic. Every other command line, and any of these that is not exactly right
(an unknown Land, a missing option, ``--help``), goes to the full command line in
:mod:`skc.conformance.cli`, which prints the same output and the same errors as ever.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def _check_options(args: Sequence[str]) -> dict[str, str] | None:
    """The options of ``skc check`` in one of its plain forms, or None for anything else."""
    options: dict[str, str] = {}
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
        elif name in ("--land", "--field") and name[2:] not in options:
            if not equals:
                if index + 1 >= len(args):
                    return None
                index += 1
                given = args[index]
            options[name[2:]] = given
        elif token.startswith("-") or "value" in options:
            return None
        else:
            options["value"] = token
        index += 1
    return options


def fast_check(args: Sequence[str]) -> int | None:
    """Answer ``skc check ARGS`` if it is a plain form and its names are known; return the
    exit code, or None when the full command line must answer."""
    options = _check_options(args)
    if options is None:
        return None
    if set(options) == {"batch"}:
        from skc.conformance.batch import run_batch

        run_batch(sys.stdin.buffer, sys.stdout.buffer, None)  # bytes: any locale
        return 0
    if set(options) != {"land", "field", "value"}:
        return None
    from skc.model.lands import LANDS
    from skc.model.validators import field_names, validate

    if options["land"] not in LANDS or options["field"] not in field_names():
        return None  # the full command line names the valid choices
    import json

    verdict = validate(options["land"], options["field"], options["value"], explain_readings=True)
    print(json.dumps(verdict.to_json(), ensure_ascii=False))
    return 0 if verdict.valid else 1


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:2] == ["check"]:
        code = fast_check(sys.argv[2:])
        if code is not None:
            raise SystemExit(code)
    from skc.conformance.cli import main as full_command_line

    full_command_line()


__all__ = ["fast_check", "main"]
