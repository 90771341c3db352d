"""The results file of a run: JSON lines written as the run goes, read back by the reporters.

Line 1 is the ``run`` header, then per check its ``result`` lines (one per rule it covered),
its ``account`` lines and one ``check`` line (its id, suite, duration and number of results, so
a check's time is counted once and a check that covered no stated rule is still seen), then an
``unexpected_pass`` line per expected failure that did not fail, then a ``summary`` line (also
for an interrupted run, marked so). :class:`JsonlHandler` writes them from the run's events.
Each line is flushed as soon as it is written, so a killed run leaves every complete line behind
and at most one truncated last line, which :func:`read_records` skips.

Also here, because every reporter needs them: :func:`split_records` (header, results, summary)
and :func:`write_atomically` (a report file is either the old one or the whole new one).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson

from skc.conformance.events import (
    CheckFinished,
    Event,
    RunFinished,
    RunStarted,
    UnexpectedPassFound,
)
from skc.model.errors import InputError

RESULTS_FILE = "results.jsonl"
JUNIT_FILE = "junit.xml"
HTML_FILE = "report.html"


def _encode_extra(value: object) -> object:
    """Serialise what orjson does not know natively (paths); refuse everything else."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"cannot write a {type(value).__name__} to the results file; use JSON types")


class JsonlHandler:
    """The run's events as ``results.jsonl`` lines: header, results, unexpected passes, summary."""

    def __init__(self, path: Path) -> None:
        self.stream = ResultStream(path).__enter__()

    def handle(self, event: Event) -> None:
        """Write the record of every event that has one, at once."""
        for record in event_records(event):
            self.stream.write(record)

    def close(self) -> None:
        """Close the file."""
        self.stream.close()


class RecordCollector:
    """Keeps the records of a run in memory, for the reporters rendered at the end."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def handle(self, event: Event) -> None:
        """Keep the records of the event."""
        self.records.extend(event_records(event))

    def close(self) -> None:
        """Nothing to release."""


def event_records(event: Event) -> list[dict[str, Any]]:
    """The results-file records an event stands for (none for progress events)."""
    if isinstance(event, RunStarted):
        return [event.header.to_record()]
    if isinstance(event, CheckFinished):
        accounts = [{"type": "account", **asdict(entry)} for entry in event.ledger]
        check = {
            "type": "check", "land": event.land, "check": event.check,
            "suite": event.check.split("/", 1)[0], "duration_s": event.duration_s,
            "results": len(event.results),
        }  # fmt: skip
        return [*(result.to_record() for result in event.results), *accounts, check]
    if isinstance(event, UnexpectedPassFound):
        return [event.entry.to_record()]
    if isinstance(event, RunFinished):
        return [event.summary.to_record()]
    return []


class ResultStream:
    """Writes one JSON line per record to a results file, flushed at once.

    Use it as a context manager: ``with ResultStream(out / "results.jsonl") as stream:``. Opening
    creates the parent directories and starts the file afresh (one run per file).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    def __enter__(self) -> ResultStream:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("wb")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def write(self, record: Mapping[str, object]) -> None:
        """Append the record as one compact JSON line (keys in order) and flush it."""
        if self._file is None:
            raise RuntimeError(
                f"the result stream for {self.path} is not open; "
                "write inside `with ResultStream(path) as stream:`"
            )
        data = record if isinstance(record, dict) else dict(record)
        # One write per line, so a kill can only ever cut the line being written.
        self._file.write(
            orjson.dumps(data, default=_encode_extra, option=orjson.OPT_APPEND_NEWLINE)
        )
        self._file.flush()

    def close(self) -> None:
        """Close the file; closing twice is harmless."""
        if self._file is not None:
            self._file.close()
            self._file = None


def read_records(path: Path) -> list[dict[str, Any]]:
    """Read a results file; skip a truncated last line, raise InputError for any other bad line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"{path}: cannot read the results file ({exc.strerror}); "
            "pass the results.jsonl of a run, or the reports directory holding it"
        ) from exc
    lines = data.split(b"\n")
    # A complete file ends with a newline, so its last piece is empty; anything else there
    # is the line a killed run was writing.
    complete, last = lines[:-1], lines[-1]
    records = [
        record
        for number, line in enumerate(complete, start=1)
        if (record := _parse_line(path, number, line)) is not None
    ]
    if last.strip():
        try:
            tail = _parse_line(path, len(lines), last)
        except InputError:
            tail = None
        if tail is not None:
            records.append(tail)
    return records


def _parse_line(path: Path, number: int, line: bytes) -> dict[str, Any] | None:
    """One record, None for a blank line; InputError naming file and line otherwise."""
    if not line.strip():
        return None
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise InputError(
            f"{path}:{number}: not valid JSON ({exc}); each line must be one JSON object, "
            "as written by ResultStream"
        ) from exc
    if not isinstance(record, dict):
        raise InputError(
            f"{path}:{number}: expected a JSON object with a 'type' key, "
            f"got {type(record).__name__}"
        )
    return record


@dataclass(frozen=True, slots=True)
class RunRecords:
    """A run's records by kind; ``header`` or ``summary`` is None when the file lacks it."""

    header: Mapping[str, Any] | None
    results: list[Mapping[str, Any]] = field(default_factory=list)
    summary: Mapping[str, Any] | None = None
    unexpected_passes: list[Mapping[str, Any]] = field(default_factory=list)
    checks: list[Mapping[str, Any]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        """Tell whether the run wrote its summary line."""
        return self.summary is not None


def split_records(records: Sequence[Mapping[str, Any]]) -> RunRecords:
    """Sort records into header, results and summary; records of other types are ignored."""
    header: Mapping[str, Any] | None = None
    summary: Mapping[str, Any] | None = None
    results: list[Mapping[str, Any]] = []
    unexpected: list[Mapping[str, Any]] = []
    checks: list[Mapping[str, Any]] = []
    for record in records:
        kind = record.get("type")
        if kind == "run" and header is None:
            header = record
        elif kind == "result":
            results.append(record)
        elif kind == "unexpected_pass":
            unexpected.append(record)
        elif kind == "summary":
            summary = record
        elif kind == "check":
            checks.append(record)
    return RunRecords(header, results, summary, unexpected, checks)


def write_atomically(path: Path, data: bytes) -> None:
    """Write the file through a temporary file in the same directory and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        # os.open with 0o666 lets the umask decide the mode, like a plain open() would.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


__all__ = [
    "HTML_FILE",
    "JUNIT_FILE",
    "RESULTS_FILE",
    "JsonlHandler",
    "RecordCollector",
    "ResultStream",
    "RunRecords",
    "event_records",
    "read_records",
    "split_records",
    "write_atomically",
]
