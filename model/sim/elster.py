"""Hamburg ELSTER certificates of organisations.

The first certificate must be deposited by an administrator; it binds the organisation to one
ELSTER organisation id for good (certificates of other organisations are refused, and deleting
a certificate does not undo the binding); each certificate belongs to one person; citizens
cannot use ELSTER. Depositing a certificate logs the person out; afterwards the organisation's
name, register number and address are maintained via ELSTER only. Only a deposited
certificate logs in; a deleted one no longer does.
"""

from __future__ import annotations

from skc.model.sim.base import Flow, operation, require
from skc.model.sim.outcome import Reject
from skc.model.sim.state import Session


class Elster(Flow):
    """Deposit, delete and log in with ELSTER certificates."""

    def _offered(self) -> None:
        require(
            self.w.rules.stated_family_prefix("org.elster."),
            "sim.not_offered",
            detail="this Land's help text describes no ELSTER certificates",
        )

    @operation
    def link_elster(self, session_id: str, certificate_id: str, elster_org_id: str) -> None:
        self._offered()
        _session, account = self.w.require_session(session_id)
        rules = self.w.rules
        if account.role == "citizen":
            raise Reject("org.elster.not_for_citizens", detail="citizen accounts cannot use ELSTER")
        org = self.w.org(account.org_id)
        if org.elster_org_id is None:
            require(
                account.role == "admin",
                "org.elster.first_certificate_by_admin",
                detail="an administrator must deposit the first certificate",
            )
        elif org.elster_org_id != elster_org_id:
            raise Reject(
                "org.elster.same_organisation_only",
                detail="the certificate belongs to another organisation",
            )
        holders = [
            a
            for a in self.w.accounts.values()
            if a.live and a.elster_certificate == certificate_id and a.id != account.id
        ]
        if holders and rules.stated("org.elster.certificate_single_user"):
            raise Reject(
                "org.elster.certificate_single_user",
                detail="another person has deposited this certificate",
            )
        org.elster_org_id = elster_org_id  # irreversible
        account.elster_certificate = certificate_id
        if not rules.deviates("elster_link_keeps_session"):
            self.w.end_sessions(account.id)  # "Nach der Bestätigung werden Sie abgemeldet"

    @operation
    def unlink_elster(self, session_id: str) -> None:
        self._offered()
        _session, account = self.w.require_session(session_id)
        require(
            account.elster_certificate is not None,
            "sim.invalid_input",
            detail="no certificate deposited",
        )
        account.elster_certificate = None  # the organisation stays bound and its data locked

    @operation
    def login_with_elster(self, certificate_id: str) -> str:
        self._offered()
        for account in self.w.accounts.values():
            if account.live and account.elster_certificate == certificate_id:
                require(account.status == "active", "sim.wrong_credentials")
                session = Session(self.w.new_id("session"), account.id, self.w.now())
                self.w.sessions[session.id] = session
                return session.id
        rule = "org.elster.login_needs_linked_certificate"
        raise Reject(
            rule if self.w.rules.stated(rule) else "sim.wrong_credentials",
            detail="no account holds this certificate (never deposited, or deleted)",
        )


__all__ = ["Elster"]
