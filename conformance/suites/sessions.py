"""The sessions suite: logins, logouts, idle time, and addresses that differ only in form.

One state machine over one citizen account with several sessions. A session that was logged
out must be refused by every operation that takes a session (the list comes from the
operation declarations, so a new operation is probed without a change here); a live one
expires after the Land's idle time counted from its last request, which the machine jumps to
from every request it made. Registrations, logins and availability checks with the address
in another case or with surrounding whitespace probe the duplicate check and the user name
(register entry ``email.case``).
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from skc.conformance.adapters.operations import OPERATIONS, Operation
from skc.conformance.suites.base import Check, Pairs
from skc.conformance.suites.machine import CITIZEN, LockstepMachine, machine_check
from skc.model.lands import LandId

_LOGOUT: Final = "logout.ends_session"
_IDLE: Final = "session.idle_timeout"
# Arguments for an operation probed with a dead session, by parameter type (the portal must
# refuse before it looks at them; any value of the right type will do).
_ARGUMENTS: Final[dict[str, object]] = {
    "str": "x", "email": "neu@example.org", "secret": "$other_password", "int": 1,
    "bool": True, "date": "2024-01-01", "card": "$card", "str_list": [],
    "mapping": {"first_name": "Anna"}, "seconds": 1,
}  # fmt: skip
_VARIANTS: Final = (  # as registered, then in other forms
    lambda a: a,
    str.upper,
    str.title,
    lambda a: a[0].upper() + a[1:],
    lambda a: f" {a}",
    lambda a: f"{a} ",
    lambda a: a.replace("@example.org", "@EXAMPLE.ORG"),
)


def session_operations() -> tuple[Operation, ...]:
    """Every declared operation that acts with a user's session."""
    return tuple(op for op in OPERATIONS.values() if any(p.name == "session" for p in op.params))


def dead_session_step(op: Operation, session: str) -> dict[str, Any]:
    """The required arguments of ``op`` with ``session`` as its session."""
    args: dict[str, Any] = {}
    for param in op.params:
        if param.name == "session":
            args["session"] = session
        elif param.required:
            args[param.name] = _ARGUMENTS.get(param.kind, "x")
    return args


class SessionsMachine(LockstepMachine):
    """One citizen account, its sessions, and its address written in other forms."""

    EMAIL: Final = "anna.muster@example.org"
    RULES: ClassVar[tuple[str, ...]] = (
        "registration.activation_completes", "login.email_is_username", _LOGOUT, _IDLE,
    )  # fmt: skip

    def __init__(self, pairs: Pairs, time_rules: tuple[str, ...] = ()) -> None:
        super().__init__(pairs, time_rules)
        self.live: list[str] = []
        self.ended: list[str] = []
        profile = self.pair.profile
        self.probes = tuple(
            op for op in session_operations() if op.needs is None or profile.has(op.needs)
        )
        self.register_active_citizen(self.EMAIL)

    @rule(variant=st.sampled_from(range(len(_VARIANTS))))
    def login(self, variant: int) -> None:
        """Log in, with the address as registered or in another form."""
        name = self.fresh("s")
        address = _VARIANTS[variant](self.EMAIL)
        outcome = self.do(
            "login", "login.email_is_username", name, email=address, password="$password"
        )
        if outcome.accepted:
            self.live.append(name)
            self.mark(_IDLE, name)

    @precondition(lambda self: bool(self.live))
    @rule(data=st.data())
    def request(self, data: st.DataObject) -> None:
        """A request with a live session (it restarts the idle timer)."""
        session = data.draw(st.sampled_from(self.live), label="session")
        if self.do("ping", _IDLE, session=f"${session}").accepted:
            self.mark(_IDLE, session)

    @precondition(lambda self: bool(self.live))
    @rule(data=st.data())
    def logout(self, data: st.DataObject) -> None:
        """Log one session out (the others stay)."""
        session = data.draw(st.sampled_from(self.live), label="session")
        self.do("logout", _LOGOUT, session=f"${session}")
        self.live.remove(session)
        self.ended.append(session)
        self.anchors.pop((_IDLE, session), None)

    @precondition(lambda self: bool(self.ended))
    @rule(data=st.data())
    def use_ended_session(self, data: st.DataObject) -> None:
        """Use a logged-out session: asked whether it lives, then any operation with it."""
        session = f"${data.draw(st.sampled_from(self.ended), label='session')}"
        self.do("session_alive", _LOGOUT, session=session)
        op = data.draw(st.sampled_from(self.probes), label="operation")
        self.do(op.name, _LOGOUT, **dead_session_step(op, session))

    @rule(variant=st.sampled_from(range(len(_VARIANTS))))
    def register_again(self, variant: int) -> None:
        """Register the address again, in another case or with whitespace around it."""
        self.do(
            "register_citizen", "login.email_is_username",
            email=_VARIANTS[variant](self.EMAIL), password="$other_password", **CITIZEN,
        )  # fmt: skip

    @rule(variant=st.sampled_from(range(len(_VARIANTS))))
    def address_available(self, variant: int) -> None:
        """Ask whether the address, in another form, is free for a registration."""
        self.do("email_available", "login.email_is_username", email=_VARIANTS[variant](self.EMAIL))


def session_checks(land: LandId) -> list[Check]:
    """The sessions state machine, with the Land's idle time."""
    return [machine_check(land, "sessions", SessionsMachine, (_IDLE,), stated_only=True)]


__all__ = ["SessionsMachine", "dead_session_step", "session_checks", "session_operations"]
