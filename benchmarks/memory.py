"""Peak memory of the conformance suites: all five Länder in one process vs a single Land.

Each figure comes from a fresh subprocess that plans and runs every check of the given Länder
in-process (CI profile) and reports its peak resident set size (``VmHWM``). Memory must stay
flat from check to check: the target is all five Länder at most 10% above the largest single
Land (issue 8). Run with ``python -m benchmarks.memory`` (part of ``python -m benchmarks``).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from typing import Final

from skc.model.lands import LANDS

RATIO_TARGET: Final = 1.10

# Runs in the subprocess: every planned check of the Länder given as arguments.
_CHILD: Final = """
import sys
from skc.conformance.adapters.registry import resolve_target
from skc.conformance.suites.base import CheckContext
from skc.conformance.suites.plan import plan

for land in sys.argv[1:]:
    for check in plan(land):
        adapter = resolve_target("inprocess", land=land, profile=None)
        check.run(CheckContext(adapter, 1, "ci"))
# VmHWM belongs to this process's own address space; ru_maxrss would carry the parent's
# high-water mark across fork and exec.
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(hwm.split()[1])
"""


def peak_kib(lands: Sequence[str]) -> int:
    """Peak resident set size, in KiB, of a fresh process running every check of ``lands``."""
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, *lands], capture_output=True, text=True, check=True
    )
    return int(proc.stdout.split()[-1])


def bench_memory() -> float:
    """Print the peak memory of each Land alone and of all five together; return the ratio."""
    print("\npeak memory (VmHWM of a fresh process, every suite, CI profile):")
    single = {land: peak_kib([land]) for land in LANDS}
    for land, kib in single.items():
        print(f"  {land:17} {kib / 1024:7.1f} MiB")
    together = peak_kib(LANDS)
    largest = max(single.values())
    ratio = together / largest
    print(
        f"  {'all five':17} {together / 1024:7.1f} MiB  ratio {ratio:.2f} to the largest single "
        f"Land (target <= {RATIO_TARGET:.2f})"
    )
    return ratio


def main() -> None:
    """Run the memory benchmark."""
    bench_memory()


if __name__ == "__main__":
    main()
