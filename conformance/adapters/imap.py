"""An IMAP reader: the link tokens of a portal's mails, read from a real mailbox.

For a portal whose mail goes to a real mailbox rather than to the harness's SMTP sink
(:mod:`.mailsink`), the profile's ``imap:`` section (:class:`~skc.conformance.profile.Imap`)
names the server, the security (``tls``; ``starttls``; ``none`` only on a loopback host), the
user, the environment variable holding the password (never the password itself), the folder,
the poll interval and the deadline. :meth:`ImapReader.token` logs in, searches the folder for
the mails to an address, reads each with the sink's parser
(:func:`skc.service.mail.parse_mail`), keeps (recipient, kind, token) and deletes the mails it
read (``\\Deleted``, then EXPUNGE): a mail is consumed once, and a long-lived mailbox does not
fill up. The newest token of the kind comes back; until one has come, it polls every
``poll_s`` up to ``deadline_s``. A server out of reach, a refused login, a folder that cannot
be opened and no such mail before the deadline are :class:`~skc.model.errors.AdapterError`
naming the cause (verdict ``error``, never ``pass``). One reader per adapter, shared by its
connections (and the wall-clock probes' threads) under a lock.
"""

from __future__ import annotations

import imaplib
import os
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Final, TypeVar

from skc.conformance.profile import Imap, PortalProfile
from skc.model.errors import AdapterError, InputError
from skc.service.mail import parse_mail

T = TypeVar("T")
TLS_PORT: Final = 993
PLAIN_PORT: Final = 143
LOOPBACK: Final = frozenset({"localhost", "127.0.0.1", "::1"})


def _quoted(text: str) -> str:
    """An IMAP quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapReader:
    """Reads portal mails from one IMAP folder; keeps the tokens of the mails it consumed."""

    def __init__(
        self,
        settings: Imap,
        password: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        ssl_context: ssl.SSLContext | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        self.settings = settings
        self._password = password
        self._clock = clock
        self._sleep = sleep
        self._ssl = ssl_context  # made on first use: loading the CA store takes 0.2 s
        self.timeout_s = timeout_s
        self.port = settings.port or (TLS_PORT if settings.security == "tls" else PLAIN_PORT)
        self._kept: dict[tuple[str, str], list[str | None]] = {}
        self._lock = threading.Lock()
        self.consumed = 0

    def __repr__(self) -> str:
        return f"ImapReader({self.where}, {self.settings.folder!r})"

    @property
    def where(self) -> str:
        """``imap host:port`` for messages."""
        return f"IMAP {self.settings.host}:{self.port}"

    @classmethod
    def from_profile(cls, profile: PortalProfile) -> ImapReader | None:
        """The reader the profile's ``imap:`` section describes (None without one); an
        InputError naming the profile's line for a password variable that is not set or a
        password in clear to another host."""
        settings = profile.imap
        if settings is None:
            return None
        where = profile.where("imap")
        if settings.security == "none" and settings.host not in LOOPBACK:
            raise InputError(
                f"{where}: imap.security none would send the password in clear to "
                f"{settings.host}; use tls or starttls (none is for a loopback host only)"
            )
        password = os.environ.get(settings.password_env)
        if not password:
            raise InputError(
                f"{where}: imap.password_env: the environment variable "
                f"{settings.password_env} is not set; put the mailbox password there (the "
                "profile names the variable, never the password)"
            )
        return cls(settings, password)

    def token(self, address: str, kind: str) -> str | None:
        """The token of the newest mail of ``kind`` to ``address`` (``""`` for a mail without
        a link), waiting for one up to the deadline."""
        settings = self.settings
        deadline = self._clock() + settings.deadline_s
        key = (address.casefold(), kind)
        while True:
            with self._lock:
                self._collect(address)
                found = self._kept.get(key)
            if found:
                return found[-1] or ""
            left = deadline - self._clock()
            if left <= 0:
                raise AdapterError(
                    f"no {kind} mail to {address} reached {settings.folder} at {self.where} "
                    f"within {settings.deadline_s:g} s (imap.deadline_s); did the portal send "
                    "it to this mailbox?"
                )
            self._sleep(min(settings.poll_s, left))

    def _collect(self, address: str) -> None:
        """Read, keep and delete every mail to ``address`` in the folder (oldest first)."""
        with self._session() as client:
            found = self._ok(client.search(None, "TO", _quoted(address)), "SEARCH")
            numbers = found[0].split() if found and isinstance(found[0], bytes) else []
            for number in numbers:
                parts = self._ok(client.fetch(number.decode(), "(RFC822)"), "FETCH")
                raw = next((p[1] for p in parts if isinstance(p, tuple)), b"")
                message = message_from_bytes(raw, policy=policy.default)
                if isinstance(message, EmailMessage):
                    to, kind, token = parse_mail(message)
                    self._kept.setdefault((to.casefold(), kind), []).append(token)
                self._ok(client.store(number.decode(), "+FLAGS", "(\\Deleted)"), "STORE")
                self.consumed += 1
            if numbers:
                self._ok(client.expunge(), "EXPUNGE")

    def _ok(self, answer: tuple[str, T], command: str) -> T:
        """The data of an OK answer; AdapterError naming the command otherwise."""
        status, data = answer
        if status != "OK":
            raise AdapterError(f"{self.where}: {command} answered {status} ({data!r:.200})")
        return data

    def _connect(self) -> imaplib.IMAP4:
        settings = self.settings
        if settings.security != "none" and self._ssl is None:
            self._ssl = ssl.create_default_context()
        if settings.security == "tls":
            return imaplib.IMAP4_SSL(
                settings.host, self.port, ssl_context=self._ssl, timeout=self.timeout_s
            )
        client = imaplib.IMAP4(settings.host, self.port, timeout=self.timeout_s)
        if settings.security == "starttls":
            client.starttls(self._ssl)
        return client

    @contextmanager
    def _session(self) -> Iterator[imaplib.IMAP4]:
        """A logged-in client with the folder selected; logged out after."""
        settings = self.settings
        try:
            client = self._connect()
        except (OSError, imaplib.IMAP4.error) as exc:
            raise AdapterError(
                f"{self.where} cannot be reached ({type(exc).__name__}: {exc}); check imap.host, "
                "imap.port and imap.security"
            ) from exc
        try:
            try:
                client.login(settings.user, self._password)
            except imaplib.IMAP4.error as exc:
                raise AdapterError(
                    f"{self.where} refused the login of {settings.user} ({exc}); check imap.user "
                    f"and the password in {settings.password_env}"
                ) from exc
            status, data = client.select(_quoted(settings.folder))
            if status != "OK":
                raise AdapterError(f"{self.where}: cannot open folder {settings.folder} ({data!r})")
            yield client
        except (OSError, imaplib.IMAP4.error) as exc:
            raise AdapterError(f"{self.where}: {type(exc).__name__}: {exc}") from exc
        finally:
            # the answer is in: a connection that breaks on leaving changes nothing
            with suppress(OSError, imaplib.IMAP4.error):
                client.logout()


__all__ = ["ImapReader"]
