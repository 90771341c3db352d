"""A portal instance as bytes and back, without its rules and without clear passwords.

:func:`dump` pickles the data of a :class:`~skc.model.sim.portal.ReferencePortal`'s world
(accounts, sessions, tokens, tombstones, organisations, outbox, id counters), of each of its
workflows (the mailbox's Vorgänge, messages and payments, ...) and its virtual clock's
instant. Left out: the wiring (the callables each workflow registers when a portal is built:
sweepers, deletion hooks; the workflows' references to each other), which :func:`load` gets
from a freshly built portal, and the Land's rules (:class:`~skc.model.sim.rules.LandRules`,
with a seeded fault's closures and the whole catalog), which :func:`load` is given. A "new
password" e-mail is written without the password it carries, the one clear secret the
simulation keeps (every password, security answer and pseudonym it stores is a salted digest).
"""

from __future__ import annotations

import io
import pickle
from typing import Final

from skc.model.sim.base import Flow
from skc.model.sim.clock import VirtualClock
from skc.model.sim.outbox import Mail
from skc.model.sim.portal import ReferencePortal
from skc.model.sim.rules import LandRules
from skc.model.sim.state import World

SECRET_MAILS: Final = frozenset({"new_password"})
_RULES: Final = "rules"
_MAIL: Final = "mail"
_REBUILT: Final = frozenset({"rules", "clock", "land"})


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj: object) -> object:
        if isinstance(obj, LandRules):
            return (_RULES,)
        if isinstance(obj, Mail) and obj.kind in SECRET_MAILS and obj.token is not None:
            return (_MAIL, obj.to, obj.kind, obj.sent_at)
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, rules: LandRules) -> None:
        super().__init__(io.BytesIO(data))
        self.rules = rules

    def persistent_load(self, pid: object) -> object:
        if pid == (_RULES,):
            return self.rules
        if isinstance(pid, tuple) and len(pid) == 4 and pid[0] == _MAIL:
            return Mail(to=pid[1], kind=pid[2], sent_at=pid[3], token=None)
        raise pickle.UnpicklingError(f"unknown reference in a portal snapshot: {pid!r}")


def _wiring(value: object) -> bool:
    if callable(value) or isinstance(value, Flow | World):
        return True
    return isinstance(value, list) and any(callable(item) for item in value)


def _data(obj: object, skip: frozenset[str] = frozenset()) -> dict[str, object]:
    return {
        name: value
        for name, value in vars(obj).items()
        if name not in skip and name != "w" and not _wiring(value)
    }


def _flows(portal: ReferencePortal) -> dict[str, Flow]:
    return {name: value for name, value in vars(portal).items() if isinstance(value, Flow)}


def dump(portal: ReferencePortal) -> bytes:
    """The portal's state as bytes (rules, wiring and clear passwords left out)."""
    state = {
        "instant": portal.clock.instant(),
        "world": _data(portal._w, _REBUILT),
        "flows": {name: _data(flow) for name, flow in _flows(portal).items()},
    }
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(state)
    return buffer.getvalue()


def load(data: bytes, rules: LandRules) -> ReferencePortal:
    """A portal from :func:`dump`'s bytes, built anew under ``rules``."""
    state = _Unpickler(data, rules).load()
    if not isinstance(state, dict) or not isinstance(state.get("world"), dict):
        raise pickle.UnpicklingError("a portal snapshot holds no world")
    portal = ReferencePortal(
        rules.land, VirtualClock(state["instant"]), rules.readings, rules=rules
    )
    for name, value in state["world"].items():
        setattr(portal._w, name, value)
    flows = _flows(portal)
    for flow_name, attributes in state.get("flows", {}).items():
        for name, value in attributes.items():
            setattr(flows[flow_name], name, value)
    return portal


__all__ = ["SECRET_MAILS", "dump", "load"]
