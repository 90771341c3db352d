"""Adapters found by name: ``skc run --target NAME``.

:func:`resolve_target` turns a target name into an adapter:

* ``inprocess`` (the default): the bundled reference portal, with a seeded fault if given;
* ``browser``: a portal through its web pages, driven in Debian's chromium by the portal map the
  profile names (:mod:`skc.conformance.adapters.browser`; the profile gives ``base_url``);
* ``http://HOST:PORT``: a portal behind the Portal Test API (``skc serve`` or a vendor's),
  through the HTTP adapter (:mod:`skc.conformance.adapters.http`);
* ``MODULE:FACTORY``: an adapter written outside the project; the module is imported (from
  the installed packages or the current directory) and ``FACTORY(land=..., profile=...)`` is
  called (``FACTORY`` may be a dotted attribute path);
* a name an installed package registers in the entry-point group ``skc.adapters``
  (``name = "package.module:factory"``), called the same way.

A vendor adapter, complete::

    # mypkg/adapter.py
    from skc.conformance.adapters.function import FunctionAdapter
    from skc.model.sim.outcome import Outcome

    def make(*, land, profile):
        client = MyPortalClient(profile.base_url)        # the vendor's own test client
        def handler(operation, arguments):
            answer = client.post(f"/test-api/{operation}", json=dict(arguments))
            return Outcome(accepted=answer["ok"], rules=tuple(answer.get("rules", ())),
                           value=answer.get("value"))
        return FunctionAdapter(handler, land=land, profile=profile)

    $ skc run --target mypkg.adapter:make --land berlin --profile my-portal.yaml

Unknown names, modules or factories raise :class:`~skc.model.errors.UnknownNameError` /
:class:`~skc.model.errors.InputError` saying what is valid.
"""

from __future__ import annotations

import importlib
import os
import sys
from importlib.metadata import EntryPoint, entry_points
from typing import Final

from skc.conformance.adapters.inprocess import InProcessAdapter
from skc.conformance.adapters.protocol import Adapter
from skc.conformance.faults import Fault
from skc.conformance.profile import PortalProfile, reference_profile
from skc.model.errors import InputError, UnknownNameError
from skc.model.lands import LandId

ENTRY_POINT_GROUP: Final = "skc.adapters"
BUILTIN: Final = ("inprocess", "browser")


def registered() -> dict[str, EntryPoint]:
    """The adapters installed packages register under the ``skc.adapters`` entry-point group."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def valid_targets() -> tuple[str, ...]:
    """Every target name that resolves now (besides ``MODULE:FACTORY``)."""
    return (*BUILTIN, *sorted(registered()), "http://HOST:PORT", "MODULE:FACTORY")


def _factory_from_path(target: str) -> object:
    module_name, _, attribute = target.partition(":")
    if not module_name or not attribute:
        raise InputError(f"target {target!r}: expected MODULE:FACTORY, such as mypkg.adapter:make")
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())  # a vendor's module beside the profile, as uvicorn does
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise InputError(
            f"target {target!r}: cannot import module {module_name!r} ({exc}); is the package "
            "installed, or its directory on PYTHONPATH?"
        ) from exc
    found: object = module
    for part in attribute.split("."):
        if not hasattr(found, part):
            names = sorted(n for n in dir(module) if not n.startswith("_"))
            raise UnknownNameError(f"factory in module {module_name}", attribute, names)
        found = getattr(found, part)
    return found


def _adapter_from(factory: object, target: str, land: LandId, profile: PortalProfile) -> Adapter:
    if not callable(factory):
        raise InputError(f"target {target!r}: {type(factory).__name__} is not callable")
    adapter = factory(land=land, profile=profile)
    missing = [name for name in ("connect", "profile") if not hasattr(adapter, name)]
    if missing:
        raise InputError(
            f"target {target!r}: the factory returned {type(adapter).__name__}, which lacks "
            f"{', '.join(missing)}; return an Adapter (see skc.conformance.adapters.protocol)"
        )
    if not isinstance(getattr(adapter, "name", None), str):
        adapter.name = target
    return adapter  # type: ignore[no-any-return]


def resolve_target(
    target: str, *, land: LandId, profile: PortalProfile | None, fault: Fault | None = None
) -> Adapter:
    """The adapter a target name stands for, for one Land and profile.

    A seeded ``fault`` exists only in the in-process reference portal; with another target it
    raises :class:`~skc.model.errors.InputError`. A profile for another Land is an error too.
    """
    chosen = profile if profile is not None else reference_profile(land)
    if chosen.land != land:
        raise InputError(f"the profile is for {chosen.land}, not {land}; give one per Land")
    if fault is not None and fault.land != land:
        raise InputError(f"fault {fault.name!r} is for {fault.land}, not {land}")
    if target == "inprocess":
        return InProcessAdapter(land, chosen, fault)
    if fault is not None:
        raise InputError(
            f"--fault seeds a deviation into the in-process reference portal; target "
            f"{target!r} is another portal (leave out --fault, or use --target inprocess)"
        )
    if target == "browser":
        from skc.conformance.adapters.browser import BrowserAdapter  # Playwright when asked for

        return BrowserAdapter(land=land, profile=chosen)
    if target.startswith(("http://", "https://")):
        from skc.conformance.adapters.http import HttpAdapter  # httpx only when asked for

        return HttpAdapter(target, land=land, profile=chosen)
    if ":" in target:
        return _adapter_from(_factory_from_path(target), target, land, chosen)
    plugins = registered()
    if target in plugins:
        return _adapter_from(plugins[target].load(), target, land, chosen)
    raise UnknownNameError("target", target, valid_targets())


__all__ = ["BUILTIN", "ENTRY_POINT_GROUP", "registered", "resolve_target", "valid_targets"]
