"""Validation speed as ratios: each field's ``validate`` and ``is_valid`` against a bare check.

The bare check of a field is the simplest correct hand-written check of the same rules under
the default readings: the Land's limits from the catalog, its character rules as one compiled
pattern. The three are timed in alternating short rounds in one process, in CPU time, so the
machine's load weighs on each alike; a ratio is the median of the rounds' ratios. Targets
(issue 16): for the password, ``validate`` at least 0.25 and ``is_valid`` at least 0.5 of the
bare check. Run with
``python -m benchmarks.validation [LAND ...]`` (part of ``./dev bench``).
"""

from __future__ import annotations

import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any, Final

from skc.model import checks
from skc.model.ambiguity import default_readings
from skc.model.catalog import load_catalog
from skc.model.lands import LandId, parse_land
from skc.model.parameters import resolve_params
from skc.model.validators import field_names, is_valid, validate

VALIDATE_TARGET: Final = 0.25
IS_VALID_TARGET: Final = 0.5
_ALPHABET: Final = "abcXYZäÖß0189§$%?!+- <>@.{},"

Check = Callable[[str], bool]


def corpus(rng: random.Random, size: int) -> list[str]:
    """Mixed values of 0 to 45 characters: letters, umlauts, digits, specials, spaces."""
    return ["".join(rng.choices(_ALPHABET, k=rng.randint(0, 45))) for _ in range(size)]


def _params(land: LandId, field: str) -> dict[str, dict[str, Any]]:
    rules = [r for r in load_catalog().for_field(field) if r.stated(land)]
    return {r.id.split(".", 1)[1]: resolve_params(r, land, default_readings()) for r in rules}


def _class(chars: object) -> str:
    return "".join(re.escape(ch) for ch in str(chars or ""))


def _password(p: dict[str, dict[str, Any]]) -> Check:
    low, high = p["min_length"]["min"], p["max_length"]["max"]
    bad = re.compile(rf"[\s{_class(p['forbidden_chars']['chars'])}]").search
    upper, lower = re.compile("[A-ZÄÖÜ]").search, re.compile("[a-zäöüß]").search
    digit, other = re.compile("[0-9]").search, re.compile("[^A-Za-zÄÖÜäöüß0-9]").search
    required = p["character_classes"]["required"]

    def check(v: str) -> bool:
        if not low <= len(v) <= high or bad(v):
            return False
        met = (upper(v) is not None and lower(v) is not None) + (digit(v) is not None)
        return bool(met + (other(v) is not None) >= required)

    return check


def _email(p: dict[str, dict[str, Any]]) -> Check:
    spaces = r"\s" if "no_spaces" in p else ""
    umlauts = "äöüÄÖÜ" if "no_umlauts" in p else ""
    bad = re.compile(f"[{spaces}{umlauts}{_class(p['forbidden_chars']['chars'])}]").search
    shape = checks.EMAIL_SHAPE.match
    return lambda v: len(v) <= 254 and shape(v) is not None and bad(v) is None


def _house_number(p: dict[str, dict[str, Any]]) -> Check:
    high = p["max_length"]["max"]
    letters = re.compile(r"[0-9A-Za-zÄÖÜäöüß-]*").fullmatch
    any_chars = p["characters"]["charset"] == "any-non-space"
    space = re.compile(r"\s").search
    return lambda v: (
        v.strip() != "" and len(v) <= high and space(v) is None
        and (any_chars or letters(v) is not None)
    )  # fmt: skip


def _postbox(p: dict[str, dict[str, Any]]) -> Check:
    low, high = p["length"]["min"], p["length"]["max"]
    digits = re.compile(f"[0-9]{{{low},{high}}}").fullmatch
    return lambda v: v == "" or digits(v) is not None


def _org_name(p: dict[str, dict[str, Any]]) -> Check:
    low, high = p["length"]["min"], p["length"]["max"]
    bad = re.compile(f"[{_class(p['forbidden_chars']['chars'])}]").search
    return lambda v: low <= len(v) <= high and bad(v) is None


def _address(p: dict[str, dict[str, Any]]) -> Check:
    bad = re.compile(f"[{_class(p['forbidden_chars']['chars'])}]").search
    return lambda v: bad(v) is None


_BARE: Final = {
    "password": _password, "email": _email, "org_email": _email, "house_number": _house_number,
    "postbox": _postbox, "org_name": _org_name, "address": _address,
}  # fmt: skip


def bare_check(land: LandId, field: str) -> Check:
    """The hand-written check of ``field``'s rules in ``land`` (always true if none stated)."""
    params = _params(land, field)
    return _BARE[field](params) if params else (lambda v: True)


def _round(fn: Callable[[str], object], values: list[str], repeat: int) -> float:
    """Calls per CPU second of ``fn`` (CPU time: a busy machine's waits do not count)."""
    started = time.process_time()
    for _ in range(repeat):
        for value in values:
            fn(value)
    return repeat * len(values) / (time.process_time() - started)


def rates(
    land: LandId, field: str, values: list[str], rounds: int = 15
) -> tuple[float, float, float, float, float]:
    """The best calls per second of the bare check, ``is_valid`` and ``validate`` and the
    median ratios of the latter two to the bare check, timed in alternating short rounds."""
    contenders: tuple[Callable[[str], object], ...] = (
        bare_check(land, field), partial(is_valid, land, field), partial(validate, land, field),
    )  # fmt: skip
    for fn in contenders:  # compile and fill the memos first
        _round(fn, values, 1)
    runs: list[tuple[float, ...]] = [
        tuple(_round(fn, values, 10) for fn in contenders) for _ in range(rounds)
    ]
    best = [max(run[index] for run in runs) for index in range(3)]
    fast = statistics.median(run[1] / run[0] for run in runs)
    full = statistics.median(run[2] / run[0] for run in runs)
    return best[0], best[1], best[2], fast, full


def bench_fields(land: LandId) -> None:
    """Print every field's rates and ratios to the bare check for one Land."""
    values = corpus(random.Random(7), 2_000)
    print(f"\nvalidation against a bare compiled-regex check, {land} (2,000 mixed values,")
    print("  15 alternating rounds; calls per CPU second, best; ratios: median of the rounds):")
    print(f"  {'field':13} {'bare /s':>11} {'is_valid /s':>12} {'ratio':>6} {'validate /s':>12} "
          f"{'ratio':>6}")  # fmt: skip
    for field in field_names():
        bare, fast, full, fast_ratio, full_ratio = rates(land, field, values)
        print(f"  {field:13} {bare:11,.0f} {fast:12,.0f} {fast_ratio:6.2f} {full:12,.0f} "
              f"{full_ratio:6.2f}")  # fmt: skip
        if field == "password":
            met = fast_ratio >= IS_VALID_TARGET and full_ratio >= VALIDATE_TARGET
            verdict = "met" if met else "NOT met"
            print(f"  {'':13} password targets: is_valid >= {IS_VALID_TARGET}, validate >= "
                  f"{VALIDATE_TARGET} of the bare check: {verdict}")  # fmt: skip


def main(argv: list[str]) -> None:
    """Run the validation benchmark for the Länder named (Hamburg and Berlin by default)."""
    for land in argv or ["hamburg", "berlin"]:
        bench_fields(parse_land(land))


if __name__ == "__main__":
    main(sys.argv[1:])
