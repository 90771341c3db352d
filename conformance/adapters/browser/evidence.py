"""A finding's Playwright trace, without the example's secrets.

A trace records every script call with its arguments and every page as a DOM snapshot, so the
passwords, answers and PINs the harness typed are in it. :func:`scrub_trace` rewrites a saved
trace with each of them, in every encoding :mod:`skc.conformance.redact` knows, replaced by the
placeholder in every member that is text (UTF-8); images are left as they are (a password
field shows dots).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from skc.conformance.redact import Scrubber


def scrub_trace(source: Path, target: Path, secrets: Iterable[str]) -> None:
    """Copy the trace ``source`` to ``target`` with the secrets replaced."""
    scrub = Scrubber(secrets)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for member in old.infolist():
            data = old.read(member)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                new.writestr(member, data)
                continue
            new.writestr(member, scrub(text).encode("utf-8"))


__all__ = ["scrub_trace"]
