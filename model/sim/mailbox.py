"""The Postfach: Vorgänge and their messages, unread counts, trash, retention and payment.

Every message belongs to exactly one Vorgang. A Vorgang with an unread message cannot go to
the trash where the text says so; the trash is purged ``mailbox.trash_retention`` days after
a Vorgang was moved there; a restored Vorgang is back in the inbox and no longer due. Answers
expire ``mailbox.answer_retention`` days after delivery where a Land states it (Berlin: per
service, 28 days by default); the Vorgang stays, so a restored Vorgang is never deleted.
Hamburg's answers in a restored Vorgang follow the ``mailbox.hamburg_answer_retention``
reading (by default they expire like every answer).
Paid answers can be read only after payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from skc.model.ambiguity import load_register
from skc.model.sim.base import Flow, operation, require
from skc.model.sim.outcome import Reject
from skc.model.sim.state import Account, Session, World

Folder = Literal["inbox", "trash"]


@dataclass(slots=True)
class Vorgang:
    """A case that groups messages; it lives in one mailbox (personal or shared)."""

    id: str
    mailbox_id: str
    title: str
    created_at: datetime
    trashed_at: datetime | None = None
    restored: bool = False


@dataclass(slots=True)
class Message:
    """One message (an answer of an authority) inside a Vorgang."""

    id: str
    vorgang_id: str
    subject: str
    delivered_at: datetime
    retention: timedelta | None
    read: bool = False
    payment_required: bool = False
    paid: bool = False


@dataclass(slots=True)
class Payment:
    """A payment started for a paid answer; the provider reports success or failure only."""

    id: str
    message_id: str
    started_at: datetime
    status: Literal["open", "succeeded", "failed", "expired"] = "open"


class Mailbox(Flow):
    """Postfach operations for personal mailboxes and Funktionspostfächer."""

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.vorgaenge: dict[str, Vorgang] = {}
        self.messages: dict[str, Message] = {}
        self.payments: dict[str, Payment] = {}
        world.sweepers.append(self._purge)
        world.deletion_hooks.append(lambda account: self.drop_mailbox(account.id))

    # --- helpers ------------------------------------------------------------------------------

    def _messages_of(self, vorgang_id: str) -> list[Message]:
        return [m for m in self.messages.values() if m.vorgang_id == vorgang_id]

    def _drop_vorgang(self, vorgang_id: str) -> None:
        for message in self._messages_of(vorgang_id):
            del self.messages[message.id]
        del self.vorgaenge[vorgang_id]

    def drop_mailbox(self, mailbox_id: str) -> None:
        """Delete every Vorgang of a mailbox (its owner or the shared mailbox is gone)."""
        for vorgang in [v for v in self.vorgaenge.values() if v.mailbox_id == mailbox_id]:
            self._drop_vorgang(vorgang.id)

    def unread_in(self, mailbox_id: str) -> int:
        """Unread messages in a mailbox, trash included."""
        ids = {v.id for v in self.vorgaenge.values() if v.mailbox_id == mailbox_id}
        return sum(1 for m in self.messages.values() if m.vorgang_id in ids and not m.read)

    def _purge(self) -> None:
        now, rules = self.w.now(), self.w.rules
        trash = rules.duration("mailbox.trash_retention")
        from_creation = rules.deviates("trash_retention_from_creation")
        for vorgang in list(self.vorgaenge.values()):
            if vorgang.trashed_at is None:
                continue
            since = vorgang.created_at if from_creation else vorgang.trashed_at
            if rules.expired(since, trash, now):
                self._drop_vorgang(vorgang.id)
        reading = self._answer_retention_reading()
        if reading == "trash-only":
            return
        for message in list(self.messages.values()):
            if reading == "restored-kept" and self.vorgaenge[message.vorgang_id].restored:
                continue
            if rules.expired(message.delivered_at, message.retention, now):
                del self.messages[message.id]  # the Vorgang itself stays

    def _answer_retention_reading(self) -> str:
        """Hamburg's answers against its restored Vorgänge: the register entry's reading."""
        if self.w.land not in load_register()["mailbox.hamburg_answer_retention"].lands:
            return "answers-expire"
        return self.w.rules.readings["mailbox.hamburg_answer_retention"]

    def _view(self, session: Session, account: Account) -> str:
        return session.acting_for or account.id

    def _vorgang(self, session: Session, account: Account, vorgang_id: str) -> Vorgang:
        vorgang = self.vorgaenge.get(vorgang_id)
        if vorgang is None:
            raise Reject("sim.unknown_id", detail=f"no Vorgang {vorgang_id!r}")
        require(self.w.mailbox_access(session, account, vorgang.mailbox_id), "sim.not_authorised")
        return vorgang

    def _mailbox_exists(self, mailbox_id: str) -> bool:
        account = self.w.accounts.get(mailbox_id)
        if account is not None and account.live:
            return True
        return any(mailbox_id in org.mailboxes for org in self.w.orgs.values() if org.live)

    # --- the authority's side -----------------------------------------------------------------

    @operation
    def start_vorgang(self, mailbox_id: str, title: str) -> str:
        require(self._mailbox_exists(mailbox_id), "sim.unknown_id", detail="no such mailbox")
        vorgang = Vorgang(self.w.new_id("vorgang"), mailbox_id, title, self.w.now())
        self.vorgaenge[vorgang.id] = vorgang
        return vorgang.id

    @operation
    def deliver_message(
        self,
        vorgang_id: str,
        subject: str,
        *,
        payment_required: bool = False,
        retention_days: int | None = None,
    ) -> str:
        vorgang = self.vorgaenge.get(vorgang_id)
        require(vorgang is not None, "sim.unknown_id", detail=f"no Vorgang {vorgang_id!r}")
        assert vorgang is not None
        retention = self.w.rules.duration("mailbox.answer_retention")
        if retention_days is not None:  # Berlin: the retention depends on the service
            retention = timedelta(days=retention_days)
        vorgang.trashed_at = None  # a new message brings a trashed Vorgang back to the inbox
        message = Message(
            self.w.new_id("msg"),
            vorgang.id,
            subject,
            self.w.now(),
            retention,
            payment_required=payment_required,
        )
        self.messages[message.id] = message
        owner = self.w.accounts.get(vorgang.mailbox_id)
        if owner is not None and owner.live:
            quiet = self.w.rules.stated("notify.open_answer_goes_to_active_session")
            if self.w.rules.deviates("idled_out_session_counts_as_active"):
                active = any(s.account_id == owner.id for s in self.w.sessions.values())
            else:
                active = self.w.live_session_of(owner.id)
            if not (quiet and active):
                self.w.send(owner.email, "new_answer")
        return message.id

    # --- the user's side ----------------------------------------------------------------------

    @operation
    def read_message(self, session_id: str, message_id: str) -> str:
        session, account = self.w.require_session(session_id)
        message = self.messages.get(message_id)
        require(message is not None, "sim.unknown_id", detail=f"no message {message_id!r}")
        assert message is not None
        self._vorgang(session, account, message.vorgang_id)
        unpaid = message.payment_required and not message.paid
        if unpaid and self.w.rules.stated("mailbox.payment_before_answer"):
            raise Reject("mailbox.payment_before_answer", detail="pay first")
        message.read = True
        return message.subject

    @operation
    def unread_count(self, session_id: str, mailbox_id: str | None = None) -> int:
        session, account = self.w.require_session(session_id)
        box = mailbox_id or self._view(session, account)
        require(self.w.mailbox_access(session, account, box), "sim.not_authorised")
        inbox = {v.id for v in self.vorgaenge.values() if v.mailbox_id == box and not v.trashed_at}
        return sum(1 for m in self.messages.values() if m.vorgang_id in inbox and not m.read)

    @operation
    def list_vorgaenge(
        self, session_id: str, folder: Folder = "inbox", mailbox_id: str | None = None
    ) -> tuple[str, ...]:
        session, account = self.w.require_session(session_id)
        box = mailbox_id or self._view(session, account)
        require(self.w.mailbox_access(session, account, box), "sim.not_authorised")
        in_trash = folder == "trash"
        return tuple(
            v.id
            for v in self.vorgaenge.values()
            if v.mailbox_id == box and (v.trashed_at is not None) == in_trash
        )

    @operation
    def trash_vorgang(self, session_id: str, vorgang_id: str) -> None:
        session, account = self.w.require_session(session_id)
        vorgang = self._vorgang(session, account, vorgang_id)
        require(vorgang.trashed_at is None, "sim.invalid_input", detail="already in the trash")
        if self.w.rules.stated("mailbox.trash_blocked_by_unread"):
            unread = any(not m.read for m in self._messages_of(vorgang.id))
            require(
                not unread,
                "mailbox.trash_blocked_by_unread",
                detail="the Vorgang has an unread message",
            )
        vorgang.trashed_at = self.w.now()

    @operation
    def restore_vorgang(self, session_id: str, vorgang_id: str) -> None:
        require(self.w.rules.stated("mailbox.restore_from_trash"), "sim.not_offered")
        session, account = self.w.require_session(session_id)
        vorgang = self._vorgang(session, account, vorgang_id)
        require(vorgang.trashed_at is not None, "sim.invalid_input", detail="not in the trash")
        vorgang.trashed_at = None
        vorgang.restored = True

    def vorgang_exists(self, vorgang_id: str) -> bool:
        """Tell whether a Vorgang still exists (oracle query; purges what is due first)."""
        self.w.tick()
        return vorgang_id in self.vorgaenge

    def message_exists(self, message_id: str) -> bool:
        """Tell whether a message still exists (oracle query; purges what is due first)."""
        self.w.tick()
        return message_id in self.messages

    # --- payment ------------------------------------------------------------------------------

    @operation
    def start_payment(self, session_id: str, message_id: str) -> str:
        session, account = self.w.require_session(session_id)
        message = self.messages.get(message_id)
        require(message is not None, "sim.unknown_id", detail=f"no message {message_id!r}")
        assert message is not None
        self._vorgang(session, account, message.vorgang_id)
        require(
            message.payment_required and not message.paid,
            "sim.invalid_input",
            detail="nothing to pay",
        )
        payment = Payment(self.w.new_id("payment"), message.id, self.w.now())
        self.payments[payment.id] = payment
        return payment.id

    @operation
    def report_payment(self, payment_id: str, success: bool) -> None:
        payment = self.payments.get(payment_id)
        require(payment is not None and payment.status == "open", "sim.unknown_id")
        assert payment is not None
        window = self.w.rules.duration("payment.window")
        if self.w.rules.expired(payment.started_at, window, self.w.now()):
            payment.status = "expired"
            raise Reject("payment.window", detail="the payment window has closed")
        payment.status = "succeeded" if success else "failed"
        message = self.messages.get(payment.message_id)
        if success and message is not None:
            message.paid = True


__all__ = ["Folder", "Mailbox", "Message", "Payment", "Vorgang"]
