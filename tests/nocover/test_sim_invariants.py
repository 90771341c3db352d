from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from skc.model.lands import LANDS, LandId
from skc.model.sim import ReferencePortal, VirtualClock
from skc.model.sim.scenarios import ANSWER, PASSWORD, QUESTION

pytestmark = pytest.mark.slow

EMAILS = ("a@example.org", "b@example.org", "c@example.org")
IDLE = {"berlin": timedelta(minutes=25)}


class PortalMachine(RuleBasedStateMachine):
    """Random citizen lifecycles; the invariants must hold after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.portal: ReferencePortal | None = None
        self.sessions: dict[str, datetime] = {}

    @precondition(lambda self: self.portal is None)
    @rule(land=st.sampled_from(LANDS))
    def open_portal(self, land: LandId) -> None:
        self.portal = ReferencePortal(land, VirtualClock())

    @property
    def p(self) -> ReferencePortal:
        assert self.portal is not None
        return self.portal

    @precondition(lambda self: self.portal is not None)
    @rule(email=st.sampled_from(EMAILS))
    def register(self, email: str) -> None:
        self.p.register_citizen(
            email, PASSWORD, "A", "B", salutation="Frau", security_question=QUESTION,
            security_answer=ANSWER,
        )  # fmt: skip

    @precondition(lambda self: self.portal is not None)
    @rule(email=st.sampled_from(EMAILS))
    def activate(self, email: str) -> None:
        mail = self.p.outbox.last_to(email, "activation")
        if mail is not None and mail.token is not None:
            self.p.activate(mail.token)

    @precondition(lambda self: self.portal is not None)
    @rule(email=st.sampled_from(EMAILS))
    def login(self, email: str) -> None:
        outcome = self.p.login(email, PASSWORD)
        if outcome.accepted:
            self.sessions[outcome.expect_str()] = self.p.clock.instant()

    @precondition(lambda self: self.portal is not None)
    @rule(minutes=st.integers(min_value=0, max_value=60 * 30))
    def wait(self, minutes: int) -> None:
        self.p.clock.advance(minutes=minutes)

    @precondition(lambda self: bool(self.sessions))
    @rule(data=st.data())
    def ping(self, data: st.DataObject) -> None:
        session = data.draw(st.sampled_from(sorted(self.sessions)))
        last = self.sessions[session]
        outcome = self.p.ping(session)
        limit = IDLE.get(self.p.land, timedelta(minutes=20))
        if outcome.accepted:
            assert self.p.clock.instant() - last < limit
            self.sessions[session] = self.p.clock.instant()
        else:
            del self.sessions[session]

    @precondition(lambda self: bool(self.sessions))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        session = data.draw(st.sampled_from(sorted(self.sessions)))
        self.p.delete_account(session)
        del self.sessions[session]

    @invariant()
    def addresses_are_unique(self) -> None:
        if self.portal is None:
            return
        ids = [self.p.account_id_of(email) for email in EMAILS]
        live = [i for i in ids if i is not None]
        assert len(live) == len(set(live))

    @invariant()
    def a_registered_address_is_never_available(self) -> None:
        if self.portal is None:
            return
        for email in EMAILS:
            if self.p.account_id_of(email) is not None:
                assert not self.p.email_available(email).accepted


PortalMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
test_portal_invariants_hold_when_driven_at_random = PortalMachine.TestCase
