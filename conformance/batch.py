"""``skc check --batch``: one JSON verdict line per JSON input line, in order.

A line that is not a JSON object with string ``land``, ``field`` and ``value`` (and optionally
``readings``, an object of ``ID: READING``) gets an ``{"error": ..., "line": N}`` line, and
processing goes on. Values are never echoed: a password must not reach a log.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from skc.model.ambiguity import Readings
from skc.model.errors import HarnessError
from skc.model.validators import validate

_KEYS = ("land", "field", "value")


def _verdict_line(record: Any, default_readings: Readings) -> dict[str, object]:
    if not isinstance(record, dict):
        raise TypeError("expected a JSON object with keys land, field, value")
    missing = [key for key in _KEYS if not isinstance(record.get(key), str)]
    if missing:
        raise TypeError(f"expected string values for {', '.join(missing)}")
    readings = default_readings
    if "readings" in record:
        overrides = record["readings"]
        if not isinstance(overrides, dict) or not all(
            isinstance(v, str) for v in overrides.values()
        ):
            raise TypeError('expected "readings" to be an object of ID: READING strings')
        readings = Readings({**default_readings, **overrides})
    verdict = validate(
        record["land"], record["field"], record["value"], readings, explain_readings=True
    )
    return verdict.to_json()


def run_batch(lines: Iterable[str], readings: Readings) -> Iterator[str]:
    """Yield one output line (without newline) per input line."""
    for number, raw in enumerate(lines, start=1):
        try:
            record = orjson.loads(raw)
            out = _verdict_line(record, readings)
        except orjson.JSONDecodeError as exc:
            out = {"error": f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})"}
        except (TypeError, HarnessError) as exc:
            out = {"error": f"line {number}: {exc}"}
        out["line"] = number
        yield orjson.dumps(out).decode()
