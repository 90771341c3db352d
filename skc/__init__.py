"""The Servicekonto conformance harness: reference model, conformance suites, fixtures.

The library lives under this one import name so it never collides with a user's own
``model``, ``conformance`` or ``fixtures`` packages: ``skc.model`` is the pure reference model
(rules, validators, the portal simulation), ``skc.conformance`` the adapters, suites, runner,
reports and the ``skc`` command, ``skc.fixtures`` the Faker providers and strategies. The
repository keeps them as the top-level folders ``model/``, ``conformance/``, ``fixtures/``.
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # The version is read when asked for: importlib.metadata costs a command start-up ~30 ms.
    if name != "__version__":
        raise AttributeError(f"module 'skc' has no attribute {name!r}")
    from importlib import metadata

    try:
        return metadata.version("servicekonto-conformance")
    except metadata.PackageNotFoundError:  # running from a source tree never installed
        return "0.0.0+unknown"


__all__ = ["__version__"]
