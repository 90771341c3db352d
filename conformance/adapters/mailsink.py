"""An SMTP sink (aiosmtpd) that keeps the link tokens of the mails a served portal sends.

The harness's side of real e-mail: ``skc serve --smtp 127.0.0.1:2525`` sends its mails here
when the portal profile says ``smtp_sink: 127.0.0.1:2525``, and the HTTP adapter's
``captured_token`` reads the newest token of a kind to an address, as a QA team reads a mail
catcher. One sink per address and process; it runs in aiosmtpd's own thread until exit.
A mail is kept only as (recipient, kind, token): the sink stores no other text.
"""

from __future__ import annotations

import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Final

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from skc.service.mail import parse_mail

_OK: Final = "250 Message accepted for delivery"


class MailSink:
    """Received tokens by (address, kind), newest last; the SMTP handler of aiosmtpd."""

    def __init__(self) -> None:
        self._tokens: dict[tuple[str, str], list[str | None]] = {}
        self._lock = threading.Lock()
        self.received = 0

    def __repr__(self) -> str:
        return f"MailSink({self.received} mails)"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        """aiosmtpd's hook: parse and keep one mail."""
        content = envelope.original_content or envelope.content or b""
        raw = content if isinstance(content, bytes) else content.encode()
        message = message_from_bytes(raw, policy=policy.default)
        if isinstance(message, EmailMessage):
            self.keep(message)
        return _OK

    def keep(self, message: EmailMessage) -> None:
        """Keep the token of a portal mail."""
        to, kind, token = parse_mail(message)
        with self._lock:
            self._tokens.setdefault((to.casefold(), kind), []).append(token)
            self.received += 1

    def token(self, address: str, kind: str) -> str | None:
        """The token of the newest mail of ``kind`` to ``address`` (``""`` for a mail without
        a link), or None if none came."""
        with self._lock:
            found = self._tokens.get((address.casefold(), kind))
        return (found[-1] or "") if found else None


_SINKS: dict[tuple[str, int], MailSink] = {}
_SINKS_LOCK = threading.Lock()


def sink_at(host: str, port: int) -> MailSink:
    """The sink listening on ``host:port`` in this process, started on first use."""
    with _SINKS_LOCK:
        if (host, port) not in _SINKS:
            sink = MailSink()
            controller = Controller(sink, hostname=host, port=port, ready_timeout=10.0)
            controller.start()
            _SINKS[(host, port)] = sink
        return _SINKS[(host, port)]


__all__ = ["MailSink", "sink_at"]
