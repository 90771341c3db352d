"""Benchmark of the browser adapter against ``skc serve``'s web pages (issue 14).

Per Land: a ``skc serve`` process with test hooks, then the chosen suites through the pytest
plugin with ``--skc-target browser`` (Debian's chromium, the reference portal map, the live
Hypothesis profile), once sequentially and once sharded over two pytest-xdist workers (each with
its own browser, the reports merged); the wall time of each and the run's conclusion. Figures are
printed, never asserted.

    python -m benchmarks.browser [LAND ...] [--suites fields,scenarios]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Final

from skc.conformance.profile import Capability
from skc.conformance.reports import read_records
from skc.model.lands import LANDS
from skc.service.testing import serve_process

TOKEN: Final = "bench-browser-token"


def _profile(folder: Path, land: str, url: str) -> Path:
    lines = [f"land: {land}", f"base_url: {url}", "capabilities:"]
    lines += [f"  {capability.value}: true" for capability in Capability]
    path = folder / "profile.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(folder: Path, land: str, profile: Path, suites: str, workers: int) -> tuple[float, str]:
    out = folder / f"out-{workers}"
    command = [
        sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
        "--skc-target", "browser", "--skc-land", land, "--skc-profile", str(profile),
        "--skc-hypothesis-profile", "live", "--skc-out", str(out),
    ]  # fmt: skip
    for suite in suites.split(","):
        command += ["--skc-suite", suite]
    if workers > 1:
        command += ["-n", str(workers)]
    env = {**os.environ, "SKC_TEST_TOKEN": TOKEN}
    began = time.monotonic()
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, check=False)
    took = time.monotonic() - began
    last = [line for line in done.stdout.splitlines() if line.startswith("skc: ")]
    for record in read_records(out / "results.jsonl") if (out / "results.jsonl").exists() else ():
        if record.get("type") == "result" and record.get("verdict") != "pass":
            print(f"  {record['verdict']} {record['check']}: {str(record.get('reason'))[:200]}")
    return took, last[-1] if last else f"exit {done.returncode}"


def main(argv: list[str]) -> None:
    """Time each Land's browser run sequentially and with two workers."""
    suites = "fields,scenarios"
    if "--suites" in argv:
        at = argv.index("--suites")
        suites = argv[at + 1]
        argv = argv[:at] + argv[at + 2 :]
    lands = tuple(argv) or LANDS
    print(f"browser runs ({suites}, live profile): Land, sequential, 2 workers")
    for land in lands:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            with serve_process(land, folder / "bench.sqlite3", token=TOKEN) as (url, _):
                profile = _profile(folder, land, url)
                one, said = _run(folder, land, profile, suites, 1)
                two, said_two = _run(folder, land, profile, suites, 2)
        print(f"{land:16} {one:7.1f} s {two:7.1f} s   {said} | {said_two}")


if __name__ == "__main__":
    main(sys.argv[1:])
