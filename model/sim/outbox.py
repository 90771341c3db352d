"""The e-mails the simulated portal sends, in order, with the link token they carry."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, TypeAlias

MailKind: TypeAlias = Literal[
    "activation",
    "email_change_confirm",
    "email_change_info",
    "new_password",
    "password_reset_link",
    "new_answer",
    "user_deleted",
    "org_deleted",
    "service_approved",
]


@dataclass(frozen=True, slots=True)
class Mail:
    """One e-mail: recipient, kind, time sent and the link token or new password it carries."""

    to: str
    kind: MailKind
    sent_at: datetime
    token: str | None = field(default=None, repr=False)  # a credential: kept out of repr


class Outbox:
    """Every mail sent so far, oldest first."""

    __slots__ = ("_mails",)

    def __init__(self) -> None:
        self._mails: list[Mail] = []

    def __len__(self) -> int:
        return len(self._mails)

    def __iter__(self) -> Iterator[Mail]:
        return iter(self._mails)

    def __repr__(self) -> str:
        return f"Outbox({len(self._mails)} mails)"

    def send(self, mail: Mail) -> None:
        """Record a sent mail."""
        self._mails.append(mail)

    def to(self, address: str, kind: MailKind | None = None) -> tuple[Mail, ...]:
        """All mails to an address (case-insensitive), optionally of one kind."""
        addr = address.casefold()
        return tuple(
            m for m in self._mails if m.to.casefold() == addr and (kind is None or m.kind == kind)
        )

    def last_to(self, address: str, kind: MailKind) -> Mail | None:
        """The newest mail of a kind to an address, or None."""
        mails = self.to(address, kind)
        return mails[-1] if mails else None

    def token_for(self, address: str, kind: MailKind) -> str:
        """The token of the newest mail of a kind to an address; raise if there is none."""
        mail = self.last_to(address, kind)
        if mail is None or mail.token is None:
            raise LookupError(f"no {kind!r} mail with a token was sent to {address!r}")
        return mail.token


__all__ = ["Mail", "MailKind", "Outbox"]
