"""``skc check --batch`` as a whole process against an orjson read-parse-write floor process.

The floor reads the same lines, parses each with orjson and writes it back: the least any
JSON-lines tool can do. Both run as new processes (start-up included) on the same input, in
alternating rounds, best of each. Memory is the peak resident set of the batch process
(``ru_maxrss`` of that child, from ``os.wait4``) at 10,000, 100,000 and 1,000,000 lines: the
batch streams, so it must stay flat. Targets (issue 16): the 100,000-line batch at most 3x the
floor; memory at 1M lines at most 1.1x that at 10k. Run with ``python -m benchmarks.batch``
(part of ``./dev bench``).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Final

from benchmarks.validation import corpus
from skc.model.lands import LANDS
from skc.model.validators import field_names

BATCH_LINES: Final = 100_000
RATIO_TARGET: Final = 3.0
MEMORY_LINES: Final = (10_000, 100_000, 1_000_000)
MEMORY_TARGET: Final = 1.10

BATCH: Final = [sys.executable, "-m", "skc", "check", "--batch"]
FLOOR: Final = [
    sys.executable, "-c",
    "import sys, orjson\n"
    "out, loads, dumps = sys.stdout.buffer, orjson.loads, orjson.dumps\n"
    "for line in sys.stdin.buffer:\n"
    "    out.write(dumps(loads(line)) + b'\\n')\n",
]  # fmt: skip


def write_input(path: Path, lines: int, seed: int = 11) -> None:
    """Write ``lines`` JSON lines of mixed Länder, fields and values to ``path``."""
    rng = random.Random(seed)
    fields = list(field_names())
    with path.open("w", encoding="utf-8") as out:
        for start in range(0, lines, 10_000):
            values = corpus(rng, min(10_000, lines - start))
            out.writelines(
                json.dumps(
                    {"land": rng.choice(LANDS), "field": rng.choice(fields), "value": value},
                    ensure_ascii=False,
                ) + "\n"
                for value in values
            )  # fmt: skip


def run(command: list[str], source: Path, sink: Path) -> tuple[float, float, int]:
    """Run ``command`` with ``source`` on stdin and ``sink`` on stdout; return the wall time
    and the CPU time in seconds and the child's peak resident set in KiB."""
    with source.open("rb") as stdin, sink.open("wb") as stdout:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdin=stdin, stdout=stdout)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} exited {proc.returncode}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def _lines(path: Path) -> int:
    with path.open("rb") as data:
        return sum(1 for _ in data)


def bench_batch(folder: Path, rounds: int = 3) -> float:
    """Print the 100,000-line batch against the floor; return the ratio."""
    source, sink = folder / "batch.jsonl", folder / "out.jsonl"
    write_input(source, BATCH_LINES)
    wall = {"batch": float("inf"), "floor": float("inf")}
    cpu = dict(wall)
    for _ in range(rounds):
        for name, command in (("floor", FLOOR), ("batch", BATCH)):
            elapsed, used, _ = run(command, source, sink)
            wall[name], cpu[name] = min(wall[name], elapsed), min(cpu[name], used)
            if _lines(sink) != BATCH_LINES:
                raise SystemExit(f"{name}: expected {BATCH_LINES} output lines")
    ratio = wall["batch"] / wall["floor"]
    print(f"\nskc check --batch, {BATCH_LINES:,} lines, whole process (best of {rounds} "
          "alternating rounds):")  # fmt: skip
    print(f"  wall: batch {wall['batch']:.2f} s, orjson floor {wall['floor']:.2f} s: ratio "
          f"{ratio:.2f} (target <= {RATIO_TARGET:.1f})")  # fmt: skip
    print(f"  CPU:  batch {cpu['batch']:.2f} s, orjson floor {cpu['floor']:.2f} s: ratio "
          f"{cpu['batch'] / cpu['floor']:.2f}")  # fmt: skip
    return ratio


def bench_memory(folder: Path) -> float:
    """Print the batch's peak memory at each input size; return the largest to smallest."""
    print("\nskc check --batch, peak resident set of the process:")
    peaks: list[int] = []
    sink = folder / "out.jsonl"
    for lines in MEMORY_LINES:
        source = folder / f"memory-{lines}.jsonl"
        write_input(source, lines)
        elapsed, _, peak = run(BATCH, source, sink)
        source.unlink()
        peaks.append(peak)
        print(f"  {lines:>9,} lines  {peak / 1024:6.1f} MiB  {elapsed:6.2f} s")
    ratio = peaks[-1] / peaks[0]
    print(f"  {MEMORY_LINES[-1]:,} to {MEMORY_LINES[0]:,} lines: ratio {ratio:.2f} "
          f"(target <= {MEMORY_TARGET:.2f})")  # fmt: skip
    return ratio


def main() -> None:
    """Run the batch benchmarks in a temporary directory."""
    with tempfile.TemporaryDirectory() as tmp:
        bench_batch(Path(tmp))
        bench_memory(Path(tmp))


if __name__ == "__main__":
    main()
