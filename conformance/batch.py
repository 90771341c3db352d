"""``skc check --batch``: one JSON verdict line per JSON input line, in order.

A line that is not a JSON object with string ``land``, ``field`` and ``value`` (and optionally
``readings``, an object of ``ID: READING``) gets an ``{"error": ..., "line": N}`` line, and
processing goes on. Values are never echoed: a password must not reach a log.

The input is read as bytes and each line is decoded here, as UTF-8, whatever the locale says: a
line that is not UTF-8 gets an error line naming the byte and its column instead of a traceback
that ends the batch (``LC_ALL=C`` and Latin-1 terminals included). Lines are split at ``\\n``
only, so the output has exactly one line per input line; a line longer than
:data:`MAX_LINE_BYTES` gets an error line without being held in memory. The output is written as
UTF-8 bytes, again whatever the locale.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, BinaryIO, Final

import orjson

from skc.model.ambiguity import Readings
from skc.model.errors import HarnessError
from skc.model.validators import validate

MAX_LINE_BYTES: Final = 64 * 1024
"""The longest input line read (64 KiB): a land, a field, a value and a few readings."""

_KEYS = ("land", "field", "value")
_CHUNK: Final = 64 * 1024


class _TooLong:
    """Stands for an input line longer than :data:`MAX_LINE_BYTES` (already skipped)."""


_TOO_LONG: Final = _TooLong()


@lru_cache(maxsize=256)
def _line_readings(base: Readings, overrides: tuple[tuple[str, str], ...]) -> Readings:
    # Bounded: the overrides come from user input, so their combinations are unbounded.
    return Readings({**base, **dict(overrides)})


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
        readings = _line_readings(default_readings, tuple(sorted(overrides.items())))
    verdict = validate(
        record["land"], record["field"], record["value"], readings, explain_readings=True
    )
    return verdict.to_json()


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); send UTF-8"
        ) from None


def _answer(number: int, raw: bytes | _TooLong, readings: Readings) -> bytes:
    out: dict[str, object]
    try:
        if isinstance(raw, _TooLong):
            raise ValueError(f"longer than {MAX_LINE_BYTES // 1024} KiB; expected one JSON object")
        out = _verdict_line(orjson.loads(_decode(raw)), readings)
    except orjson.JSONDecodeError as exc:
        out = {"error": f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})"}
    except (TypeError, ValueError, HarnessError) as exc:
        out = {"error": f"line {number}: {exc}"}
    out["line"] = number
    return orjson.dumps(out)


def verdict_lines(lines: Iterable[bytes | _TooLong], readings: Readings) -> Iterator[bytes]:
    """Yield one output line (UTF-8 JSON, without newline) per input line."""
    for number, raw in enumerate(lines, start=1):
        yield _answer(number, raw, readings)


def read_lines(stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[bytes | _TooLong]:
    """The lines of ``stream`` split at ``\\n``; a line over ``limit`` bytes is skipped unread
    and stands as one placeholder, so a huge line costs no memory and still gets its answer."""
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield raw
            continue
        while raw and not raw.endswith(b"\n"):
            raw = stream.readline(_CHUNK)
        yield _TOO_LONG


def run_batch(source: BinaryIO, sink: BinaryIO, readings: Readings) -> int:
    """Answer every line of ``source`` on ``sink``; return the number of lines answered."""
    count = 0
    for line in verdict_lines(read_lines(source), readings):
        sink.write(line + b"\n")
        count += 1
    sink.flush()
    return count


__all__ = ["MAX_LINE_BYTES", "read_lines", "run_batch", "verdict_lines"]
