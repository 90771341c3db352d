"""Print validation against a bare check, the ``skc check --batch`` process against an orjson
floor and its memory, value generation and the field suite's time (``benchmarks.fields``),
the harness figures and the peak memory of all five Länder against a single Land.

Figures vary with the machine's load; they are printed, never asserted in a test.
Run with ``./dev bench`` (or ``nox -s bench``).
"""

from __future__ import annotations

from benchmarks import batch, card, fields, harness, memory, simulation, validation


def main() -> None:
    """Run every benchmark and print the figures."""
    validation.main(["hamburg", "berlin"])
    batch.main()
    fields.main()
    harness.main()
    memory.main()
    card.bench_authentication(50)
    simulation.main([])


if __name__ == "__main__":
    main()
