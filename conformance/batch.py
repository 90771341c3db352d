"""``skc check --batch``: one JSON verdict line per JSON input line, in order.

A line that is not a JSON object with string ``land``, ``field`` and ``value`` (and optionally
``readings``, an object of ``ID: READING``) gets an ``{"error": ..., "line": N}`` line, and
processing goes on. Values are never echoed: a password must not reach a log.

The input is read as bytes and each line is decoded here, as UTF-8, whatever the locale says: a
line that is not UTF-8 gets an error line naming the byte and its column instead of a traceback
that ends the batch (``LC_ALL=C`` and Latin-1 terminals included). Lines are split at ``\\n``
only, so the output has exactly one line per input line; a line longer than
:data:`MAX_LINE_BYTES` gets an error line without being held in memory. The output is written as
UTF-8 bytes, again whatever the locale, in chunks of :data:`WRITE_LINES` lines.

Each line costs little more than parsing and writing it: the rules run compiled
(:mod:`skc.model.compiled`), the readings explanation only evaluates the readings that can
change the verdict, and the encoded verdict is memoised by the rules a value breaks and the
readings it depends on, so only the line number is written per line. Every memo is bounded, so
memory stays flat however long the input.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any, BinaryIO, Final

import orjson

from skc.model.compiled import CompiledField, compiled_field
from skc.model.errors import HarnessError

if TYPE_CHECKING:
    from skc.model.ambiguity import Readings

MAX_LINE_BYTES: Final = 64 * 1024
"""The longest input line read (64 KiB): a land, a field, a value and a few readings."""

WRITE_LINES: Final = 1024
"""How many answers are written at once."""

_KEYS = ("land", "field", "value")
_CHUNK: Final = 64 * 1024
_MEMO_LIMIT: Final = 4096  # encoded verdicts kept; the memo starts afresh beyond


class _TooLong:
    """Stands for an input line longer than :data:`MAX_LINE_BYTES` (already skipped)."""


_TOO_LONG: Final = _TooLong()


@lru_cache(maxsize=256)
def _line_readings(base: Readings | None, overrides: tuple[tuple[str, str], ...]) -> Readings:
    # Bounded: the overrides come from user input, so their combinations are unbounded.
    from skc.model.ambiguity import Readings

    return Readings({**(base or {}), **dict(overrides)})


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); send UTF-8"
        ) from None


def _parse(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return orjson.loads(_decode(raw))  # the UTF-8 error first, else the JSON error on text


class _Answers:
    """Answers lines under one set of base readings, memoising what never changes."""

    def __init__(self, readings: Readings | None) -> None:
        self.readings = readings
        self.fields: dict[str, dict[str, CompiledField]] = {}  # Land -> field, known names only
        self.encoded: dict[tuple[CompiledField, int], bytes] = {}

    def _compiled(self, record: Any) -> CompiledField:
        if not isinstance(record, dict):
            raise TypeError("expected a JSON object with keys land, field, value")
        missing = [key for key in _KEYS if not isinstance(record.get(key), str)]
        if missing:
            raise TypeError(f"expected string values for {', '.join(missing)}")
        land, field = record["land"], record["field"]
        if "readings" in record:
            overrides = record["readings"]
            if not isinstance(overrides, dict) or not all(
                isinstance(v, str) for v in overrides.values()
            ):
                raise TypeError('expected "readings" to be an object of ID: READING strings')
            chosen = _line_readings(self.readings, tuple(sorted(overrides.items())))
            return compiled_field(land, field, chosen)
        found = self.fields.get(land, {}).get(field)
        if found is None:
            found = compiled_field(land, field, self.readings)
            self.fields.setdefault(land, {})[field] = found
        return found

    def _prefix(self, compiled: CompiledField, key: int) -> bytes:
        verdict = compiled.verdicts.get(key) or compiled.make(key)
        if len(self.encoded) >= _MEMO_LIMIT:
            self.encoded.clear()
        prefix = self.encoded[(compiled, key)] = orjson.dumps(verdict.to_json())[:-1] + b',"line":'
        return prefix

    def __call__(self, number: int, raw: bytes | _TooLong) -> bytes:
        """The answer to line ``number`` (UTF-8 JSON, without newline)."""
        try:
            if isinstance(raw, _TooLong):
                raise ValueError(
                    f"longer than {MAX_LINE_BYTES // 1024} KiB; expected one JSON object"
                )
            record = _parse(raw)
            compiled = self._compiled(record)
            key = compiled.explained(record["value"])
        except orjson.JSONDecodeError as exc:
            return _error(
                number, f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})"
            )
        except (TypeError, ValueError, HarnessError) as exc:
            return _error(number, f"line {number}: {exc}")
        prefix = self.encoded.get((compiled, key)) or self._prefix(compiled, key)
        return prefix + b"%d}" % number

    def answers(self, lines: Iterable[bytes | _TooLong]) -> Iterator[bytes]:
        """Yield the answer to each line. A line of known names without its own readings
        whose verdict was met before costs a parse, the compiled rules and a memo look-up;
        every other line takes the full path of :meth:`__call__`."""
        loads, fields, encoded = orjson.loads, self.fields, self.encoded
        empty: dict[str, CompiledField] = {}
        for number, raw in enumerate(lines, start=1):
            if raw.__class__ is bytes:
                try:
                    record = loads(raw)
                except orjson.JSONDecodeError:
                    record = None
                if record.__class__ is dict and "readings" not in record:
                    land, field = record.get("land"), record.get("field")
                    value = record.get("value")
                    if land.__class__ is field.__class__ is value.__class__ is str:
                        compiled = fields.get(land, empty).get(field)
                        if compiled is not None:
                            prefix = encoded.get((compiled, compiled.explained(value)))
                            if prefix is not None:
                                yield prefix + b"%d}" % number
                                continue
            yield self(number, raw)


def _error(number: int, message: str) -> bytes:
    return orjson.dumps({"error": message, "line": number})


def verdict_lines(
    lines: Iterable[bytes | _TooLong], readings: Readings | None = None
) -> Iterator[bytes]:
    """Yield one output line (UTF-8 JSON, without newline) per input line."""
    return _Answers(readings).answers(lines)


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


def run_batch(source: BinaryIO, sink: BinaryIO, readings: Readings | None = None) -> int:
    """Answer every line of ``source`` on ``sink``; return the number of lines answered.
    ``readings`` None means the register's defaults."""
    count = 0
    chunk: list[bytes] = []
    for line in verdict_lines(read_lines(source), readings):
        chunk.append(line)
        if len(chunk) == WRITE_LINES:
            sink.write(b"\n".join(chunk) + b"\n")
            count += len(chunk)
            chunk.clear()
    if chunk:
        sink.write(b"\n".join(chunk) + b"\n")
        count += len(chunk)
    sink.flush()
    return count


__all__ = ["MAX_LINE_BYTES", "WRITE_LINES", "read_lines", "run_batch", "verdict_lines"]
