"""The Vertretung machine (Berlin): deputies acting for company users, within date ranges.

A company user (the principal) gets a deputy, set up by the Master-User or by the principal,
with no date range, with one that starts today, or with one that starts later; the deputy acts
for the principal, uses the principal's services and reads the principal's mailbox; the
Master-User grants and revokes permissions and deletes Vertretungen; the clock jumps to one
second before and one second after a Berlin midnight, so a range's first and last day are
probed on both sides (a portal that ends a range a day early or late disagrees). Answers in
the principal's mailbox are mailed to the principal, never to the deputy.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import ClassVar, Final

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from skc.conformance.profile import Capability
from skc.conformance.suites.base import Check, Pairs
from skc.conformance.suites.machine import MAIL_CAPTURE, LockstepMachine, machine_where_stated
from skc.model.lands import LandId
from skc.model.sim.clock import BERLIN, DEFAULT_START, start_of_next_day
from skc.model.sim.scenarios import ADULT, PHONE

SERVICES: Final = ("svc-a", "svc-b")
USERS: Final = ("principal", "deputy", "third")
# (first day, last day) counted from today; None: no date range
RANGES: Final = (None, (0, 0), (0, 1), (1, 2), (-2, -1))
_MANAGES: Final = "org.vertretung.master_user_manages"
_RANGE: Final = "org.vertretung.date_range_optional"
_INHERITS: Final = "org.vertretung.inherits_permissions_and_mailbox"
_MAILS: Final = "org.vertretung.emails_stay_with_represented"


class VertretungMachine(LockstepMachine):
    """One firm: a Master-User and three company users, deputies among them."""

    MASTER: Final = "master@example.org"
    RULES: ClassVar[tuple[str, ...]] = (
        _MANAGES, _RANGE, _INHERITS, _MAILS, "org.vertretung.deputy_needs_permission",
        "org.services.assign_after_approval", "login.email_is_username",
    )  # fmt: skip

    def __init__(self, pairs: Pairs, time_rules: tuple[str, ...] = ()) -> None:
        super().__init__(pairs, time_rules)
        self.vertretungen: list[str] = []
        self.messages: list[str] = []
        for service in SERVICES:
            self.do("offer_service", service_id=service, approval="authority")
        self.do(
            "register_organisation", self.cite("org.registration.min_services"), "org",
            org_name="Muster GmbH", admin_email=self.MASTER, admin_password="$password",
            admin_first_name="Erika", admin_last_name="Muster",
            admin_birth_date=ADULT.isoformat(), services=list(SERVICES), admin_phone=PHONE,
        )  # fmt: skip
        for service in SERVICES:
            self.do("approve_service", org_id="$org", service_id=service)
        self.log_in_master()
        for user in USERS:
            self.do(
                "add_org_user", self.cite("org.users.create_before_approval"), user,
                session="$master", email=f"{user}@example.org", first_name="Max",
                last_name=user.capitalize(), password="$other_password",
            )  # fmt: skip
        # the principal holds one service, the deputy another, the third user none yet
        for user, service in (("principal", SERVICES[0]), ("deputy", SERVICES[1])):
            self.do(
                "grant_service", "org.services.assign_after_approval",
                session="$master", user_id=f"${user}", service_id=service,
            )  # fmt: skip
        self.do("start_vorgang", save="vorgang", mailbox_id="$principal", title="Antrag")
        self.log_everyone_in()

    def log_in_master(self) -> None:
        """A fresh session of the Master-User."""
        self.do(
            "login", "login.email_is_username", "master", email=self.MASTER, password="$password"
        )

    def log_everyone_in(self) -> None:
        """Fresh sessions for the Master-User and every company user (after a clock jump)."""
        self.log_in_master()
        for user in USERS:
            self.do(
                "login", "login.email_is_username", f"s_{user}",
                email=f"{user}@example.org", password="$other_password",
            )  # fmt: skip

    def today(self) -> date:
        """The portal's Berlin calendar day (the simulation's start plus the time moved on)."""
        return (DEFAULT_START + self.elapsed).astimezone(BERLIN).date()

    @rule(user=st.sampled_from(USERS), service=st.sampled_from(SERVICES), grant=st.booleans())
    def permission(self, user: str, service: str, grant: bool) -> None:
        """The Master-User grants or revokes a company user's permission."""
        op = "grant_service" if grant else "revoke_service"
        self.do(
            op, "org.services.assign_after_approval",
            session="$master", user_id=f"${user}", service_id=service,
        )  # fmt: skip

    @rule(by=st.sampled_from(("master", "principal")), span=st.sampled_from(RANGES))
    def set_up(self, by: str, span: tuple[int, int] | None) -> None:
        """The Master-User or the principal sets up the deputy (who holds a permission) for
        the principal, with or without a date range; the deputy tries to act at once."""
        dates = {}
        if span is not None:
            today = self.today()
            dates = {
                "start": (today + timedelta(days=span[0])).isoformat(),
                "end": (today + timedelta(days=span[1])).isoformat(),
            }
        if self._add(by, "deputy", _MANAGES if span is None else _RANGE, dates):
            self.do("act_as", _RANGE, session="$s_deputy", principal_id="$principal")

    @rule(by=st.sampled_from(("master", *USERS)), deputy=st.sampled_from(USERS[1:]))
    def set_up_otherwise(self, by: str, deputy: str) -> None:
        """Anyone sets up either deputy for the principal: a company user may do so only
        for themselves, and only for a deputy who holds a permission."""
        needs = self.cite("org.vertretung.deputy_needs_permission")
        self._add(by, deputy, needs if by in ("master", "principal") and needs else _MANAGES, {})

    def _add(self, by: str, deputy: str, rule_id: str | None, dates: dict[str, str]) -> bool:
        name = self.fresh("v")
        done = self.do(
            "add_vertretung", rule_id, name, session="$master" if by == "master" else f"$s_{by}",
            deputy_id=f"${deputy}", principal_id="$principal", **dates,
        )  # fmt: skip
        if done.accepted:
            self.vertretungen.append(name)
        return done.accepted

    @precondition(lambda self: bool(self.vertretungen))
    @rule(data=st.data(), by=st.sampled_from(("master", *USERS)))
    def delete(self, data: st.DataObject, by: str) -> None:
        """The Master-User, the principal or someone else deletes a Vertretung."""
        name = data.draw(st.sampled_from(self.vertretungen), label="vertretung")
        session = "$master" if by == "master" else f"$s_{by}"
        deleted = self.do("delete_vertretung", _MANAGES, session=session, vertretung_id=f"${name}")
        if deleted.accepted:
            self.vertretungen.remove(name)

    @rule(deputy=st.sampled_from(USERS[1:]), stop=st.booleans())
    def act(self, deputy: str, stop: bool) -> None:
        """A deputy starts ("Vertretung wahrnehmen") or stops acting for the principal."""
        if stop:
            self.do("stop_acting", _INHERITS, session=f"$s_{deputy}")
        else:
            self.do("act_as", _RANGE, session=f"$s_{deputy}", principal_id="$principal")

    @rule(deputy=st.sampled_from(USERS[1:]), service=st.sampled_from(SERVICES))
    def use(self, deputy: str, service: str) -> None:
        """A deputy uses a service and reads the principal's newest message."""
        session = f"$s_{deputy}"
        self.do("use_service", _INHERITS, session=session, service_id=service)
        if self.messages:
            self.do("read_message", _INHERITS, session=session, message_id=f"${self.messages[-1]}")

    @rule()
    def answer(self) -> None:
        """An authority answers in the principal's mailbox; the mail goes to the principal
        (if no session of theirs is active), never to a deputy."""
        name = self.fresh("m")
        self.do("deliver_message", save=name, vorgang_id="$vorgang", subject="Bescheid")
        self.messages.append(name)
        if self.pair.profile.has(MAIL_CAPTURE):
            rule_id = self.cite(_MAILS)
            for deputy in USERS[1:]:
                self.do("mail_token", rule_id, to=f"{deputy}@example.org", kind="new_answer")

    @precondition(lambda self: self.pair.profile.has(Capability.CLOCK_CONTROL))
    @rule(offset=st.sampled_from((-1, 1)))
    def jump_to_midnight(self, offset: int) -> None:
        """Move the clock to one second before or after the next Berlin midnight, then log
        everyone in again (the idle timeout has ended their sessions)."""
        now: datetime = DEFAULT_START + self.elapsed
        due = start_of_next_day(now) - now + timedelta(seconds=offset)
        self.do("advance", _RANGE, seconds=int(due.total_seconds()))
        self.log_everyone_in()


def vertretung_checks(land: LandId) -> list[Check]:
    """The Vertretung machine, where the Land's text describes the Vertretung."""
    return machine_where_stated(
        land, "organisations", VertretungMachine, "vertretung-machine", (_MANAGES,)
    )


__all__ = ["VertretungMachine", "vertretung_checks"]
