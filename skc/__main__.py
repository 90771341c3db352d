"""``python -m skc``: the same command as ``skc``."""

from __future__ import annotations

from skc.conformance.entry import main

if __name__ == "__main__":
    main()
